// The media stage: everything that runs ffmpeg/ffprobe. Nothing outside src/media imports fluent-ffmpeg.

/** Bump when probe/integrity/signal results change for the same file (part of the stage cache key). */
export const MEDIA_STAGE_VERSION = 2;
export { probeMedia } from './probe.js';
export { checkIntegrity, decodeIssues, scanPackets, type IntegrityOptions, type PacketScan } from './integrity.js';
export { SAMPLE_RATE, extractAudioWav, decodeAudioFloat32, type AudioChannel, type DecodeOptions } from './audio.js';
export { detectSignals, SIGNAL_DEFAULTS, SignalLogParser, type SignalOptions } from './signals.js';
export { checkConsistency, CONSISTENCY_THRESHOLDS, soundIntervals, type ConsistencyThresholds } from './consistency.js';
export { decodedDurationS, withMeasuredDuration } from './duration.js';
export { chooseAudioTrack } from './tracks.js';
export {
  assessQuality,
  QualityLogParser,
  type QualityThresholds,
  type QualityAssessment,
  type QualityProblem,
} from './quality.js';
export { extractFrame, frameJpeg, type FrameOptions } from './frame.js';
export {
  synthesizeClip,
  concatWithGap,
  synthGraph,
  type SynthSpec,
  type SynthSegment,
  type SynthVideo,
  type SynthAudio,
} from './synth.js';
export {
  streamFrames,
  streamWindows,
  grabFrame,
  grabFrames,
  decodeImage,
  encodeRawVideo,
  renderTextCard,
  type TextCardSpec,
  type CardItem,
  type RawVideoSpec,
  frameStreamArgs,
  rgbToJpeg,
  writeFrameJpeg,
  writeFrameJpegs,
  type RawFrame,
  type FrameStreamOptions,
  type Window as FrameWindow,
} from './frames.js';

/** ffmpeg/ffprobe failing on a file: the file's problem, not the program's. */
export { FfmpegFailed } from './run.js';
export { joinParts, interruptionIssues, partTimeline, type JoinedParts } from './join.js';
