// report.json — versioned; other tools read `verdict`, `findings[].concepts`, `findings[].status`.
import type { Finding, Verdict } from './finding.js';
import type { IntegrityIssue, MediaProbe, RecordingPart, MediaSignals, TranscriptConsistency } from './media.js';
import type { SessionMeta } from './meta.js';
import type { Transcript } from './transcript.js';
import type { SpeakerFacts } from './speakers.js';
import type { VisualTimeline } from './session.js';

export const REPORT_SCHEMA_VERSION = '1.0';

export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: { name: 'dualrec'; version: string };
  generatedAt: string;
  session: {
    id: string;
    /** file name of the recording (no folder: reports travel) */
    recording?: string;
    /** sha256 of the recording (or transcript, for transcript-only sessions) */
    contentSha256?: string;
    meta: SessionMeta;
    metaFromSidecar: boolean;
    /** a session recorded in parts: each part (file name only) on the joined timeline */
    parts?: RecordingPart[];
  };
  verdict: Verdict;
  /** one line per reason the verdict is what it is */
  verdictReasons: string[];
  /** the session could not be analyzed at all (e.g. an unreadable file): why */
  error?: string;
  media?: { probe: MediaProbe; signals?: MediaSignals; consistency?: TranscriptConsistency };
  integrity: IntegrityIssue[];
  transcript?: Transcript;
  transcriptMissingReason?: string;
  speakers?: SpeakerFacts;
  visual?: VisualTimeline;
  findings: Finding[];
  rules?: { packs: string[]; version: string };
}
