// A searchable view over (some of) a transcript's segments: the normalised text of the segments
// concatenated (a sentence may span segments), with per-character pinyin ids, the segment each
// character came from, clause breaks and the offset in the original segment text. Built once
// per transcript and role filter, then shared by every rule.
import type { Segment } from '../model/index.js';
import { normalize, type Normalized } from './normalize.js';
import { canonChar, canonText, fuzzyId, syllableId } from './pinyin.js';

export class TextView {
  readonly text: string;
  /** `text` with every Han character replaced by its sound class (see canonChar) */
  readonly canon: string;
  readonly syl: Int32Array;
  readonly fz: Int32Array;
  /** index into `segments` for each character */
  readonly seg: Int32Array;
  /** 1 where a clause break (punctuation, space, segment boundary) precedes the character */
  readonly brk: Uint8Array;
  /** 1 where a sentence break precedes the character: 。！？； inside a segment; at a segment
   *  boundary, the previous segment's final punctuation, a change of speaker, or a pause */
  readonly sbrk: Uint8Array;
  /** 1 where a clause break that ends a negation's or caution's reach precedes the character
   *  (see Normalized.cbrk); segment boundaries count, unless the sentence runs on */
  readonly cbrk: Uint8Array;
  /** 1 where another speaker's turn (or a segment left out of this view) precedes the character */
  readonly tbrk: Uint8Array;
  /** offset into the original segment text for each character */
  readonly orig: Int32Array;
  readonly segStart: number[];
  private postings?: Map<number, number[]>;

  /** `normalized`: a per-transcript cache, so views over the same segments normalise each once */
  constructor(
    readonly segments: Segment[],
    normalized?: Map<Segment, Normalized>,
    /** true when `next` is not the same speaker's continuation of `prev` (default: labels or roles differ) */
    turnBreak: (prev: Segment, next: Segment) => boolean = differentSpeaker,
  ) {
    const parts: string[] = [];
    const canon: string[] = [];
    const syl: number[] = [];
    const fz: number[] = [];
    const seg: number[] = [];
    const brk: number[] = [];
    const sbrk: number[] = [];
    const cbrk: number[] = [];
    const tbrk: number[] = [];
    const orig: number[] = [];
    this.segStart = [];
    let offset = 0;
    let prevNorm: Normalized | undefined;
    segments.forEach((s, si) => {
      let n = normalized?.get(s);
      if (!n) {
        n = normalize(s.text);
        normalized?.set(s, n);
      }
      this.segStart.push(offset);
      parts.push(n.text);
      const prev = si > 0 ? segments[si - 1] : undefined;
      const prevN = prevNorm;
      const prevEndsClause = !!prev && /[，,：:；;。！？!?…\s]\s*$/u.test(prev.text);
      prevNorm = n;
      const newTurn = !prev || turnBreak(prev, s);
      // a segment that ended without punctuation may be a sentence ASR cut in two: it goes on
      // unless the speaker changed or paused
      const newSentence = newTurn || !!prevN?.endsSentence || s.start - prev!.end >= SENTENCE_PAUSE_S;
      for (let k = 0; k < n.text.length; k++) {
        const id = syllableId(n.text[k]);
        canon.push(canonChar(n.text[k]));
        syl.push(id);
        fz.push(fuzzyId(id));
        seg.push(si);
        brk.push(k === 0 || n.brk[k] ? 1 : 0);
        sbrk.push((k === 0 && newSentence) || n.sbrk[k] ? 1 : 0);
        // a segment boundary inside a sentence ASR cut in two keeps the clause going
        cbrk.push((k === 0 && (newSentence || prevEndsClause)) || n.cbrk[k] ? 1 : 0);
        tbrk.push(k === 0 && newTurn ? 1 : 0);
        orig.push(n.orig[k]);
      }
      offset += n.text.length;
    });
    this.text = parts.join('');
    this.canon = canon.join('');
    this.syl = Int32Array.from(syl);
    this.fz = Int32Array.from(fz);
    this.seg = Int32Array.from(seg);
    this.brk = Uint8Array.from(brk);
    this.sbrk = Uint8Array.from(sbrk);
    this.cbrk = Uint8Array.from(cbrk);
    this.tbrk = Uint8Array.from(tbrk);
    this.orig = Int32Array.from(orig);
  }

  get length(): number {
    return this.text.length;
  }

  /** positions of each fuzzy syllable id (built on first use) */
  positions(fuzzy: number): number[] {
    if (!this.postings) {
      const m = new Map<number, number[]>();
      for (let p = 0; p < this.fz.length; p++) {
        const f = this.fz[p];
        let l = m.get(f);
        if (!l) m.set(f, (l = []));
        l.push(p);
      }
      this.postings = m;
    }
    return this.postings.get(fuzzy) ?? [];
  }

  private bigrams?: Map<number, number[]>;
  /** positions p where fz[p], fz[p+1] are the given pair (built on first use) */
  bigramPositions(a: number, b: number): number[] {
    if (!this.bigrams) {
      const m = new Map<number, number[]>();
      for (let p = 0; p + 1 < this.fz.length; p++) {
        const key = this.fz[p] * 1_000_003 + this.fz[p + 1];
        let l = m.get(key);
        if (!l) m.set(key, (l = []));
        l.push(p);
      }
      this.bigrams = m;
    }
    return this.bigrams.get(a * 1_000_003 + b) ?? [];
  }

  /** time (s) of character p, interpolated inside its segment */
  timeAt(p: number, edge: 'start' | 'end' = 'start'): number {
    const si = this.seg[Math.min(Math.max(p, 0), this.seg.length - 1)];
    const s = this.segments[si];
    const len = (si + 1 < this.segStart.length ? this.segStart[si + 1] : this.text.length) - this.segStart[si];
    const k = p - this.segStart[si] + (edge === 'end' ? 1 : 0);
    return s.start + ((s.end - s.start) * Math.min(Math.max(k, 0), len)) / Math.max(len, 1);
  }

  segmentsIn(start: number, end: number): Segment[] {
    if (end <= start) return [];
    const a = this.seg[start];
    const b = this.seg[end - 1];
    return this.segments.slice(a, b + 1);
  }

  /** start of the clause that contains p */
  clauseStart(p: number): number {
    return this.startIn(this.brk, p);
  }

  /** end (exclusive) of the clause that contains p */
  clauseEnd(p: number): number {
    return this.endIn(this.brk, p);
  }

  /** start of the negation scope clause that contains p (see cbrk) */
  scopeStart(p: number): number {
    return this.startIn(this.cbrk, p);
  }

  /** end (exclusive) of the negation scope clause that contains p */
  scopeEnd(p: number): number {
    return this.endIn(this.cbrk, p);
  }

  /** start of the sentence that contains p */
  sentenceStart(p: number): number {
    return this.startIn(this.sbrk, p);
  }

  /** end (exclusive) of the sentence that contains p */
  sentenceEnd(p: number): number {
    return this.endIn(this.sbrk, p);
  }

  /** start of the speaker's turn that contains p */
  turnStart(p: number): number {
    return this.startIn(this.tbrk, p);
  }

  /** end (exclusive) of the speaker's turn that contains p */
  turnEnd(p: number): number {
    return this.endIn(this.tbrk, p);
  }

  // Where each break kind's unit starts and ends, for every position, made once per view: scanning
  // back and forth from each hit made matching quadratic in a long text without punctuation.
  private starts = new Map<Uint8Array, Int32Array>();
  private ends = new Map<Uint8Array, Int32Array>();

  /** the last break at or before p (0 when none); out-of-range p as the scan it replaces */
  private startIn(brk: Uint8Array, p: number): number {
    if (!(p >= 0 && p < this.length && Number.isInteger(p))) {
      let q = p;
      while (q > 0 && !brk[q]) q--;
      return q;
    }
    let t = this.starts.get(brk);
    if (!t) {
      t = new Int32Array(this.length);
      for (let q = 1; q < this.length; q++) t[q] = brk[q] ? q : t[q - 1]!;
      this.starts.set(brk, t);
    }
    return t[p]!;
  }

  /** the first break after p (the length when none) */
  private endIn(brk: Uint8Array, p: number): number {
    if (!(p >= 0 && p + 1 < this.length && Number.isInteger(p))) {
      let q = p + 1;
      while (q < this.length && !brk[q]) q++;
      return q;
    }
    let t = this.ends.get(brk);
    if (!t) {
      t = new Int32Array(this.length + 1);
      t[this.length] = this.length;
      for (let q = this.length - 1; q >= 0; q--) t[q] = brk[q] ? q : t[q + 1]!;
      this.ends.set(brk, t);
    }
    return t[p + 1]!;
  }

  /** the original text of the match [start, end), verbatim (segments joined by a space) */
  original(start: number, end: number): string {
    if (end <= start) return '';
    const a = this.seg[start];
    const b = this.seg[end - 1];
    const lastOrigEnd = (p: number): number => {
      const t = this.segments[this.seg[p]].text;
      const o = this.orig[p];
      const cp = t.codePointAt(o) ?? 0;
      return o + (cp > 0xffff ? 2 : 1);
    };
    if (a === b) return this.segments[a].text.slice(this.orig[start], lastOrigEnd(end - 1));
    const out = [this.segments[a].text.slice(this.orig[start])];
    for (let s = a + 1; s < b; s++) out.push(this.segments[s].text);
    out.push(this.segments[b].text.slice(0, lastOrigEnd(end - 1)));
    return out.join(' ');
  }
}

/** A pause this long between two segments ends a sentence even without punctuation. */
export const SENTENCE_PAUSE_S = 1.2;

/** Two segments belong to different turns when their labels or roles say different speakers. */
export function differentSpeaker(prev: Segment, next: Segment): boolean {
  if (prev.speaker !== undefined && next.speaker !== undefined) return prev.speaker !== next.speaker;
  const a = prev.role ?? 'unknown';
  const b = next.role ?? 'unknown';
  return a !== b && a !== 'unknown' && b !== 'unknown';
}

/** Pattern text with pinyin ids, ready for matching. */
export interface Pattern {
  source: string;
  text: string;
  /** sound-class form of `text` (homophone-tolerant comparison) */
  canon: string;
  syl: Int32Array;
  fz: Int32Array;
}

export function makePattern(source: string): Pattern {
  const text = normalize(source).text;
  const syl = Int32Array.from([...text].map((c) => syllableId(c)));
  // normalised text is BMP-only in practice; guard anyway by re-deriving from UTF-16 units
  const units = text.split('');
  const sylU = Int32Array.from(units.map((c) => syllableId(c)));
  const s = sylU.length === text.length ? sylU : syl;
  return { source, text, canon: canonText(text), syl: s, fz: Int32Array.from(Array.from(s, (x) => fuzzyId(x))) };
}
