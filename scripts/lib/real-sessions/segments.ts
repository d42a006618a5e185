// Dialogue turns → timed transcript segments, the way an ASR engine hands them back: cut at sentence
// ends (and, when asked, mid-sentence at commas or at a length limit), spoken at plausible rates with
// pauses, optionally without punctuation or in traditional characters. Seeded: same script, same output.
import * as OpenCC from 'opencc-js';
import { createRng, type Rng } from '../../../src/eval/random.js';
import { turnRole, turnText, type RenderSpec, type Role, type Turn } from './schema.js';

export type { Role };

export interface TimedSegment {
  start: number;
  end: number;
  text: string;
  role: Role;
  /** index of the turn it came from */
  turn: number;
}

/** Characters per second a speaker reads at (Han characters; digits count as one each). */
export const RATES: Record<Role, [number, number]> = { agent: [4, 5.5], customer: [3, 4.5], other: [3, 4.5] };
/** Silence between two turns, seconds. */
export const TURN_PAUSE: [number, number] = [0.3, 1.5];
/** A segment holds whole sentences up to about this many characters. */
export const SEGMENT_CHARS = 45;

const SENTENCE_END = /[。！？!?]/;
const CLOSERS = /[”’」』）)]/;
const CLAUSE = /[，、；：,;:]/;
const PUNCT = /[，。！？、；：“”‘’「」『』（）《》〈〉【】—…·,!?;:"'()[\]]/g;

const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });

/** How long a piece of text takes to say, in "characters". */
export function spokenWeight(text: string): number {
  let w = 0;
  for (const ch of text) {
    if (/[\u3400-\u9fff\uf900-\ufaff]/.test(ch) || /[0-9]/.test(ch)) w += 1;
    else if (ch === '%')
      w += 3; // 百分之
    else if (/[A-Za-z]/.test(ch)) w += 0.5;
  }
  return w;
}

/** Sentences of one turn, each with its closing punctuation. */
export function sentences(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  const chars = [...text.trim()];
  for (let i = 0; i < chars.length; i++) {
    cur += chars[i];
    if (SENTENCE_END.test(chars[i]!)) {
      while (i + 1 < chars.length && (CLOSERS.test(chars[i + 1]!) || SENTENCE_END.test(chars[i + 1]!)))
        cur += chars[++i];
      out.push(cur.trim());
      cur = '';
    }
  }
  if (cur.trim()) out.push(cur.trim());
  return out.filter(Boolean);
}

function between(rng: Rng, [lo, hi]: [number, number]): number {
  return lo + rng.next() * (hi - lo);
}

/** Longest segment an engine emits: whisper decodes 30-second windows, so a long clause is cut at a comma. */
export const MAX_SEGMENT_CHARS = 80;

/** A sentence over MAX_SEGMENT_CHARS cut at its clause marks into pieces that fit. */
function fitLongSentence(sentence: string): string[] {
  const chars = [...sentence];
  if (chars.length <= MAX_SEGMENT_CHARS) return [sentence];
  const out: string[] = [];
  let i = 0;
  while (chars.length - i > MAX_SEGMENT_CHARS) {
    let cut = -1;
    for (let j = i + MAX_SEGMENT_CHARS; j > i + 20; j--) {
      if (CLAUSE.test(chars[j - 1]!)) {
        cut = j;
        break;
      }
    }
    if (cut < 0) cut = i + MAX_SEGMENT_CHARS;
    out.push(chars.slice(i, cut).join(''));
    i = cut;
  }
  out.push(chars.slice(i).join(''));
  return out;
}

/** Whole sentences packed into segments of at most SEGMENT_CHARS; a longer sentence stands alone (cut at commas past MAX_SEGMENT_CHARS). */
function packSentences(sentenceList: string[]): string[] {
  const parts = sentenceList.flatMap(fitLongSentence);
  const out: string[] = [];
  let cur = '';
  for (const p of parts) {
    if (cur && [...cur].length + [...p].length > SEGMENT_CHARS) {
      out.push(cur);
      cur = '';
    }
    cur += p;
  }
  if (cur) out.push(cur);
  return out;
}

/**
 * ASR-style cuts: a segment ends where the limit falls — at the last comma before it when there is
 * one, else right at the limit, mid-word — so sentences run across segments.
 */
function cutAcross(text: string, rng: Rng): string[] {
  const chars = [...text];
  const out: string[] = [];
  let i = 0;
  while (i < chars.length) {
    const limit = 14 + rng.int(17); // 14..30 characters
    if (chars.length - i <= limit) {
      out.push(chars.slice(i).join(''));
      break;
    }
    let cut = -1;
    for (let j = i + limit; j > i + 5; j--) {
      if (CLAUSE.test(chars[j - 1]!) || SENTENCE_END.test(chars[j - 1]!)) {
        cut = j;
        break;
      }
    }
    if (cut < 0 || rng.chance(0.3)) cut = i + limit; // no comma near, or the engine cut mid-clause anyway
    out.push(chars.slice(i, cut).join(''));
    i = cut;
  }
  return out;
}

/** Raw ASR output: no punctuation; clause and sentence breaks become a space, as whisper often writes. */
export function stripPunctuation(text: string): string {
  return (
    text
      .replace(/(\d)\.(\d)/g, '$1\u0000$2') // keep decimal points
      .replace(/[，。！？；：,!?;:]/g, ' ')
      .replace(PUNCT, '')
      // eslint-disable-next-line no-control-regex -- NUL is the decimal-point placeholder set above
      .replace(/\u0000/g, '.')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** Turns → timed segments. */
export function timeTurns(turns: Turn[], render: RenderSpec, seed: string): TimedSegment[] {
  const rng = createRng(seed);
  const out: TimedSegment[] = [];
  let t = 0.8 + rng.next() * 1.2;
  turns.forEach((turn, index) => {
    const role = turnRole(turn);
    const text = turnText(turn);
    if (index > 0) t += turn.pause ?? between(rng, TURN_PAUSE);
    else if (turn.pause !== undefined) t = turn.pause;
    const rate = turn.rate !== undefined ? turn.rate * (0.97 + rng.next() * 0.06) : between(rng, RATES[role]);
    const pieces = render.split_sentences ? cutAcross(text.trim(), rng) : packSentences(sentences(text));
    pieces.forEach((piece, k) => {
      if (k > 0) t += SENTENCE_END.test([...pieces[k - 1]!].at(-1) ?? '') ? 0.1 + rng.next() * 0.3 : rng.next() * 0.08;
      const commas = (piece.match(new RegExp(CLAUSE.source, 'g')) ?? []).length;
      const duration = Math.max(0.4, spokenWeight(piece) / rate + commas * 0.12);
      let shown = render.punctuation ? piece : stripPunctuation(piece);
      if (render.traditional) shown = toTraditional(shown);
      if (shown.trim()) out.push({ start: round(t), end: round(t + duration), text: shown.trim(), role, turn: index });
      t += duration;
    });
  });
  return out;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
