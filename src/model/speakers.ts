// Who spoke when, as a whole: produced by speakers/ alongside the per-segment roles, read by rules/ and report/.
import type { Interval } from './media.js';

/** Where the roles came from, strongest source first. */
export type SpeakerMethod = 'metadata' | 'labels' | 'channels' | 'clustering' | 'text';

export interface AnswerLatency {
  /** the agent's question */
  questionSegmentId: number;
  /** the customer's first line after it */
  answerSegmentId: number;
  /** answer start − question end, seconds; negative when the customer spoke before the question ended */
  latencyS: number;
}

export interface SpeakerFacts {
  method: SpeakerMethod;
  /** distinct voices heard; null when not measured (text-only) */
  speakerCount: number | null;
  /** customer speech ÷ (agent + customer speech), by segment time; null when no line is surely the customer's */
  customerShareOfSpeech: number | null;
  answerLatencies: AnswerLatency[];
  /** two people talking at once (抢话) */
  overlaps: Interval[];
  /** speech by a voice that is neither the agent nor the customer */
  thirdPartyVoices: Interval[];
  /** segments per role after assignment */
  segmentsByRole: { agent: number; customer: number; unknown: number };
  /** what was done and what could not be decided, in words */
  notes: string[];
}
