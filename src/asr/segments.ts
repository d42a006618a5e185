// Engine output of one window → segments on the recording's timeline, with words and a confidence
// taken from the token probabilities.
import type { Word } from '../model/index.js';
import type { EngineSegment, EngineToken } from './engine.js';
import { mapToRecording, type Window } from './vad.js';

export interface MappedSegment {
  start: number;
  end: number;
  text: string;
  words?: Word[];
  /** mean probability of the text tokens, 0..1; undefined when the segment has none */
  confidence?: number;
  lowConfidence?: boolean;
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

export function segmentConfidence(tokens: EngineToken[]): number | undefined {
  const text = tokens.filter((t) => !t.special);
  if (text.length === 0) return undefined;
  return round3(text.reduce((a, t) => a + t.p, 0) / text.length);
}

/**
 * Words from tokens. A CJK character split over two byte-level tokens arrives as U+FFFD in each;
 * its real text is recovered from the segment text between the clean tokens around it. When the
 * tokens can't be lined up with the text, the segment simply gets no words.
 */
export function buildWords(text: string, tokens: EngineToken[], w: Window): Word[] | undefined {
  const toks = tokens.filter((t) => !t.special);
  if (toks.length === 0 || toks.some((t) => t.start === undefined || t.end === undefined)) return undefined;
  const words: Word[] = [];
  let cursor = 0;
  let broken: EngineToken[] = [];
  const push = (group: EngineToken[], piece: string) => {
    words.push({
      start: round3(mapToRecording(w, group[0].start!, 'start')),
      end: round3(mapToRecording(w, group[group.length - 1].end!, 'end')),
      text: piece,
      probability: round3(Math.min(...group.map((t) => t.p))),
    });
  };
  for (const t of toks) {
    if (t.text.includes('\uFFFD')) {
      broken.push(t);
      continue;
    }
    if (t.text === '') continue;
    const at = text.indexOf(t.text, cursor);
    if (at < 0) return undefined;
    const between = text.slice(cursor, at);
    if (broken.length > 0) {
      if (between.trim() === '') return undefined;
      push(broken, between);
      broken = [];
    } else if (between.trim() !== '') return undefined;
    push([t], t.text);
    cursor = at + t.text.length;
  }
  if (broken.length > 0) {
    const rest = text.slice(cursor);
    if (rest.trim() === '') return undefined;
    push(broken, rest);
  }
  for (const word of words) if (word.end < word.start) word.end = word.start;
  return words;
}

export function mapWindowSegments(segs: EngineSegment[], w: Window): MappedSegment[] {
  return segs.map((s) => {
    const start = mapToRecording(w, s.start, 'start');
    const end = Math.max(start, mapToRecording(w, s.end, 'end'));
    const out: MappedSegment = { start: round3(start), end: round3(end), text: s.text };
    const words = buildWords(s.text, s.tokens, w);
    if (words) out.words = words;
    const c = segmentConfidence(s.tokens);
    if (c !== undefined) out.confidence = c;
    return out;
  });
}
