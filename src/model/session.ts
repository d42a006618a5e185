// SessionFacts: everything the checks may look at for one session. Built once per session by
// the analyze pipeline; rules/ and report/ only read it.
import type { IntegrityIssue, MediaProbe, MediaSignals, RecordingPart, TranscriptConsistency } from './media.js';
import type { SessionMeta } from './meta.js';
import type { Transcript } from './transcript.js';
import type { SpeakerFacts } from './speakers.js';

/** Visual facts on the recording's timeline (filled by vision/; absent when not analyzed). */
export interface VisualTimeline {
  /** sampled frames: time and how many faces were seen */
  faces: { time: number; count: number }[];
  events: VisualEvent[];
  /** how the picture was looked at (what ran, where it looked); absent in older timelines */
  analysis?: VisualAnalysis;
}

/** What vision did, so checks can tell "not seen" from "not looked for". */
export interface VisualAnalysis {
  /** detector runtime, e.g. "human 3.3.6 / tfjs wasm" */
  runtime: string;
  /** whether OCR ran; when not, why */
  ocr: { available: boolean; reason?: string };
  /** frames looked at by each pass */
  frames: { baseline: number; dense: number; ocr: number };
  /** transcript cues that opened dense windows */
  cues: { kind: 'signature' | 'document' | 'id'; start: number; end: number }[];
  /** where hands were looked for (signing windows) */
  signatureWindows: { start: number; end: number }[];
  /** where OCR looked densely (document / ID windows) */
  ocrWindows: { start: number; end: number }[];
  /** wall time of the vision stage, seconds */
  seconds: number;
}

export interface VisualEvent {
  kind: 'copresence' | 'document' | 'id-card' | 'signature' | 'third-face' | 'customer-left' | 'covered';
  start: number;
  end: number;
  confidence: number;
  label?: string;
  /** what was and was not seen, in words */
  notes?: string[];
  /** evidence frames, paths relative to the report folder */
  frames?: string[];
}

export interface SessionFacts {
  sessionId: string;
  /** the recording file, when there is one (a transcript-only session has none); for a session in
   *  parts, the parts joined into one file */
  recording?: string;
  /** a session recorded in parts: each part on the joined timeline */
  parts?: RecordingPart[];
  meta: SessionMeta;
  /** false when no sidecar was found and defaults are in use */
  metaFromSidecar: boolean;
  probe?: MediaProbe;
  signals?: MediaSignals;
  integrity: IntegrityIssue[];
  /** the transcript measured against the recording's sound (media/consistency.ts), when both exist */
  consistency?: TranscriptConsistency;
  transcript?: Transcript;
  /** why there is no transcript, when there is none */
  transcriptMissingReason?: string;
  /** dialogue facts from speakers/ (roles themselves are on the transcript's segments) */
  speakers?: SpeakerFacts;
  visual?: VisualTimeline;
  /** why vision could not look at a recording that has a picture (then the visual checks are undetermined) */
  visionError?: string;
}
