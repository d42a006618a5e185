import type { TextView } from '../../text/corpus.js';

/** One place in a transcript view where a rule's match block matched. */
export interface Hit {
  view: TextView;
  /** [start, end) in view characters */
  start: number;
  end: number;
  by: 'any' | 'all' | 'at_least' | 'regex' | 'script' | 'slot' | 'example' | 'model';
  /** the rule word / template / script that matched */
  what: string;
  /** 0..1 for fuzzy matches (script coverage; 0.9 for a pinyin-only keyword match) */
  similarity: number;
  /** numbers captured by slot templates */
  slots?: Record<string, number>;
  /** slot checks that failed, in words */
  slotFailures?: string[];
  /** slots whose number could not be read (garbled by ASR): their checks were not made */
  unreadable?: string[];
  /** slot checks that would fail on a number that may have been misheard: can't tell */
  uncertain?: string[];
  /** rests on a two-character word matched only by sound ("蔡项" for 财险) */
  weak?: boolean;
  /** all / at_least: where each word matched (a negator between them negates the claim) */
  parts?: { start: number; end: number }[];
  /** a prohibited claim right after a character that sounds like a negator ("布保本"): can't tell */
  damagedNegation?: string;
}
