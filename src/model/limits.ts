// Input limits, all in one place (docs/batch.md, "Limits"). Each is far above anything a real session
// or rule pack needs, and each is checked before the work it protects, with a message naming the file.
// An input over a limit is that session's problem (REVIEW report saying why), never the batch's.

/** Transcript file size. A 3-hour whisper.cpp `-ojf` file (per-token JSON) is about 20 MB. */
export const TRANSCRIPT_MAX_BYTES = 64 * 1024 * 1024;

/** Segments in one transcript. A 3-hour session has a few thousand. */
export const TRANSCRIPT_MAX_SEGMENTS = 100_000;

/** Characters of one segment's text. An hour of Mandarin speech is about 15,000 characters. */
export const SEGMENT_MAX_CHARS = 50_000;

/** Latest timestamp in a transcript without a recording (24 h). */
export const TRANSCRIPT_MAX_TIME_S = 24 * 3600;

/** With a recording, a transcript ending past 10 × (its duration + this) is refused outright; smaller
 *  overruns are reported by the consistency check (integrity/transcript-beyond-end). */
export const TRANSCRIPT_DURATION_SLACK_S = 60;

/** Rule and lexicon YAML file size. The largest shipped rule file is about 22 KB. */
export const RULE_FILE_MAX_BYTES = 1024 * 1024;

/** YAML aliases (`*name`) resolved per document: stops "billion laughs" alias bombs. */
export const YAML_MAX_ALIASES = 100;

/**
 * `batch` and `worker`: a session still running after this long is given up (REVIEW report saying so)
 * and the batch moves on. `--session-timeout SECONDS` or env DUALREC_SESSION_TIMEOUT; 0 turns it off.
 * Long enough for whisper `small` on a 2-hour recording on a few cores.
 */
export const DEFAULT_SESSION_TIMEOUT_S = 3600;
