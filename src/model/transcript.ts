// The Transcript is what every transcript source (imported file or ASR engine) produces,
// and what speakers/, rules/ and report/ read. Times are seconds on the recording's timeline.

export type Role = 'agent' | 'customer' | 'unknown';

export interface Word {
  start: number;
  end: number;
  text: string;
  /** token probability 0..1 where the source gives one */
  probability?: number;
}

export interface Segment {
  /** index in the transcript, stable once built */
  id: number;
  start: number;
  end: number;
  text: string;
  words?: Word[];
  /** speaker label as the source gave it (e.g. WhisperX "SPEAKER_00") */
  speaker?: string;
  /** who said it, decided by speakers/ (or given by the source) */
  role?: Role;
  /** 0..1 confidence in `role` */
  roleConfidence?: number;
  /** the role was inferred from the words and the turn-taking alone (no labels, channels or voices):
   *  a short answer after the agent's question is taken for the customer's, which cannot rule out the
   *  agent answering himself in the same voice */
  roleFromTurns?: boolean;
  /** the voice speakers/ heard for this segment (cluster "spk1", channel "left", or the label); third parties keep role "unknown" */
  voice?: string;
  /** a third person spoke (a relative in the room: a label that maps to neither agent nor customer, or
   *  words that speak for the customer — "我妈都懂"); his "yes" is never the customer's.
   *  'for-customer': his yes is an answer given for her (a proxy answer); 'own': he may be the insured,
   *  who is not the policyholder and answers for himself (被保险人同意) */
  thirdParty?: 'for-customer' | 'own';
  /** 0..1 confidence in the text (mean token probability, or derived from avg_logprob) */
  confidence?: number;
  /** true when the text is too uncertain for a rule to decide on it */
  lowConfidence?: boolean;
}

export type TranscriptFormat =
  | 'whisper.cpp-json'
  | 'whisper.cpp-json-full'
  | 'openai-verbose-json'
  | 'whisperx-json'
  | 'faster-whisper-json'
  | 'funasr-json'
  | 'aliyun-json'
  | 'tencent-json'
  | 'iflytek-json'
  | 'volcengine-json'
  | 'generic-json'
  | 'dualrec-json'
  | 'srt'
  | 'vtt'
  | 'timed-text';

export type TranscriptSource =
  | { kind: 'import'; format: TranscriptFormat; file: string }
  | { kind: 'asr'; engine: string; model: string; modelSha256?: string };

export interface TranscriptDiagnostic {
  kind: 'dropped-silence' | 'dropped-blocklist' | 'repetition-loop' | 'low-confidence' | 'note';
  start?: number;
  end?: number;
  text?: string;
  message: string;
}

export interface Transcript {
  segments: Segment[];
  language?: string;
  source: TranscriptSource;
  diagnostics?: TranscriptDiagnostic[];
}
