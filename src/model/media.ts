// Facts about the recording file itself, produced by media/ (the only place that runs ffmpeg).

export interface Interval {
  start: number;
  end: number;
}

export interface AudioStreamInfo {
  index: number;
  codec: string;
  channels: number;
  sampleRate: number;
  duration?: number;
  /** ffprobe's channel layout name ("stereo", "mono"), when known */
  channelLayout?: string;
}

export interface VideoStreamInfo {
  index: number;
  codec: string;
  width: number;
  height: number;
  fps: number;
  duration?: number;
}

export interface MediaProbe {
  file: string;
  container: string;
  sizeBytes: number;
  /** seconds; 0 when unknown */
  duration: number;
  bitRate?: number;
  /** container start time in seconds when it isn't 0 (e.g. MPEG-TS); stage times are relative to it */
  startTime?: number;
  audio: AudioStreamInfo[];
  video: VideoStreamInfo[];
  /** where `duration` comes from: the container header (or its streams), or decoding the file because the
   *  header had none (MediaRecorder / live WebM, streamed MP4/TS); absent in older reports */
  durationFrom?: 'container' | 'decoding';
  /** which audio stream the analysis used, when there was more than one (absent: the first, the only one) */
  audioTrack?: AudioTrackChoice;
}

/** The audio stream chosen for analysis among several, and why. */
export interface AudioTrackChoice {
  /** stream index in the container (ffprobe's index) */
  stream: number;
  /** position among the audio streams, 0-based (ffmpeg's `a:N`) */
  position: number;
  /** why this one, in words, with the measurements */
  reason: string;
  /** what was measured on each audio stream */
  tracks: { stream: number; position: number; soundS: number; integratedLufs?: number }[];
}

/** How far the transcript is backed by sound in the recording (see media/consistency.ts). */
export interface TranscriptConsistency {
  /** the recording's measured length */
  recordingDurationS: number;
  /** seconds with sound (not silence) in the whole recording */
  recordingSoundS: number;
  /** transcript lines with text */
  segments: number;
  /** seconds the transcript's lines cover (overlaps counted once) */
  transcriptS: number;
  /** where the last line ends */
  transcriptEndS: number;
  /** seconds of transcript time with sound under it */
  backedS: number;
  /** seconds of transcript time after the recording's end */
  beyondEndS: number;
  /** lines with (almost) no sound under them */
  unbackedSegments: number;
  /** the first few such lines */
  unbacked: Interval[];
}

export type IntegrityCode =
  | 'no-audio'
  | 'no-video'
  | 'zero-length'
  | 'undecodable'
  | 'truncated'
  | 'duration-mismatch'
  | 'audio-gap'
  | 'video-gap'
  | 'no-metadata'
  | 'duration-unmeasured'
  | 'transcript-unbacked'
  | 'transcript-beyond-end'
  | 'interrupted';

/** One part of a session recorded in parts (interrupted, then resumed), on the joined timeline. */
export interface RecordingPart {
  /** the part's file (report.json keeps its name only) */
  file: string;
  startS: number;
  durationS: number;
  /** the file's creation_time, when the device wrote one */
  createdAt?: string;
  /** seconds between the end of the previous part and this one's start, when both creation times are known */
  gapBeforeS?: number;
}

export interface IntegrityIssue {
  code: IntegrityCode;
  /** critical: the recording can't be trusted as a whole; major: part of it can't */
  severity: 'critical' | 'major' | 'minor';
  message: string;
  start?: number;
  end?: number;
}

export interface Loudness {
  integratedLufs: number;
  lraLu: number;
}

export interface SceneCut {
  time: number;
  /** scdet score, 0..100 */
  score: number;
}

export interface MediaSignals {
  silence: Interval[];
  black: Interval[];
  frozen: Interval[];
  cuts: SceneCut[];
  loudness?: Loudness;
  /** decoder errors seen while analyzing (a clean file has none); see media's decodeIssues() */
  decodeErrors?: DecodeErrors;
  /** picture and sound quality series measured in the same pass; judged by media's assessQuality() */
  quality?: QualityMeasures;
}

/** Raw quality series (see docs/media.md): judged against config/quality.yaml when scoring, so new
 *  thresholds apply to stored facts without decoding again. */
export interface QualityMeasures {
  video?: {
    width: number;
    height: number;
    /** frames the decoder delivered (before any analysis frame-rate reduction) */
    frames: number;
    /** frames / covered time */
    effectiveFps: number;
    /** per whole second i (i..i+1 s): frames delivered, mean luma YAVG (0-255), mean blurdetect score */
    framesPerS: number[];
    brightness: number[];
    blur: number[];
  };
  audio?: {
    /** window length (s) of the series below */
    windowS: number;
    /** per window: RMS and peak level in dBFS (digital silence clamped to -120), flat factor */
    rmsDb: number[];
    peakDb: number[];
    flat: number[];
  };
}

export interface DecodeErrors {
  count: number;
  /** the first few distinct messages, without ffmpeg's `[decoder @ 0x..]` prefix */
  samples: string[];
}
