// Keyword matching: any / all / at-least-N words, each word with its lexicon synonyms, compared
// on normalised characters and (for longer words) on fuzzy pinyin so homophone ASR errors match.
import { alignWindow } from '../../text/align.js';
import type { Pattern, TextView } from '../../text/corpus.js';
import type { Keyword } from '../types.js';
import type { Hit } from './hit.js';

export interface Occurrence {
  start: number;
  end: number;
  /** index of the rule word */
  k: number;
  exact: boolean;
  similarity: number;
}

/** All occurrences of one keyword (any of its alternatives) in the view. */
// Which view characters the current keyword already covers: a stamp per character, bumped per
// call, so no clearing and no allocation per keyword.
let stamp = new Int32Array(0);
let generation = 0;

export function findKeyword(view: TextView, kw: Keyword, k: number): Occurrence[] {
  const out: Occurrence[] = [];
  if (stamp.length < view.length) stamp = new Int32Array(view.length * 2);
  const gen = ++generation;
  // a word never spans a clause break ("确保，本产品" is not 保本), and never overlaps itself
  const overlaps = (a: number, b: number): boolean => {
    for (let i = Math.max(0, a); i < b && i < view.length; i++) if (stamp[i] === gen) return true;
    return false;
  };
  const taken = (a: number, b: number): boolean => {
    if (overlaps(a, b)) return true;
    for (let i = Math.max(0, a) + 1; i < b && i < view.length; i++) if (view.brk[i]) return true;
    return false;
  };
  const take = (o: Occurrence): void => {
    out.push(o);
    for (let i = o.start; i < o.end; i++) stamp[i] = gen;
  };
  const scan = (hay: string, needle: string, exact: boolean): void => {
    let i = hay.indexOf(needle);
    while (i >= 0) {
      if (!taken(i, i + needle.length))
        take({ start: i, end: i + needle.length, k, exact, similarity: exact ? 1 : 0.9 });
      i = hay.indexOf(needle, i + 1);
    }
  };
  // candidates from the (sound) bigram index instead of scanning the whole text per word:
  // sound-equal strings share their first bigram, and exact matches are sound-equal
  const starts = (alt: Pattern): number[] | undefined =>
    alt.fz.length >= 2 ? view.bigramPositions(alt.fz[0], alt.fz[1]) : undefined;
  for (const alt of kw.alts) {
    if (!alt.text) continue;
    const cands = starts(alt);
    if (!cands) scan(view.text, alt.text, true);
    else
      for (const p of cands)
        if (view.text.startsWith(alt.text, p) && !taken(p, p + alt.text.length))
          take({ start: p, end: p + alt.text.length, k, exact: true, similarity: 1 });
  }
  for (const alt of kw.alts) {
    const len = alt.text.length;
    const usePinyin = kw.pinyin === true || (kw.pinyin === 'auto' && len >= 2);
    if (!usePinyin || len < 2) continue;
    // homophones: same sound-class string
    for (const p of starts(alt)!) {
      if (!view.canon.startsWith(alt.canon, p) || taken(p, p + len)) continue;
      if (len === 2 && kw.soundTwoNeedsOne && view.text[p] !== alt.text[0] && view.text[p + 1] !== alt.text[1])
        continue;
      take({ start: p, end: p + len, k, exact: false, similarity: 0.9 });
    }
    // words of 3+ characters: also tolerate one dropped / inserted character (4+: or misheard);
    // 3-character words don't take a plain substitution: too many real words are one character apart
    if (len >= 4 || (len === 3 && kw.slip3)) {
      const seen = new Set<number>();
      // seeds: an intact adjacent pair of the word, or a pair around one dropped character
      const seeds: [number, number][] = [];
      for (let i = 0; i + 1 < len; i++) seeds.push([i, i + 1]);
      for (let i = 0; i + 2 < len; i++) seeds.push([i, i + 2]);
      for (const [i, j] of seeds) {
        for (const q of view.bigramPositions(alt.fz[i], alt.fz[j])) {
          const anchor = q - i;
          if (seen.has(anchor) || overlaps(anchor, anchor + len)) continue;
          seen.add(anchor);
          // cheap filter before aligning: enough of the word's sounds nearby
          let present = 0;
          for (let a = 0; a < len; a++) {
            const f = alt.fz[a];
            for (let b = Math.max(0, anchor - 1); b < Math.min(view.length, anchor + len + 1); b++) {
              if (view.fz[b] === f) {
                present++;
                break;
              }
            }
          }
          if (present < len - 1) continue;
          const r = alignWindow(alt, view, anchor - 2, anchor + len + 2);
          // only an inner slip: both ends must be there, so "没有风险" can never shrink to "有风险"
          const substitutionOnly = len === 3 && r !== undefined && r.end - r.start === len && r.coverage < 1;
          if (
            r &&
            r.coverage >= (len - 1) / len - 1e-9 &&
            r.pFirst === 0 &&
            r.pLast === len - 1 &&
            !substitutionOnly &&
            !taken(r.start, r.end) &&
            !addsNegator(alt.text, view.text.slice(r.start, r.end))
          ) {
            take({ start: r.start, end: r.end, k, exact: false, similarity: Math.round(r.coverage * 100) / 100 });
          }
        }
      }
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

const NEGATOR_CHARS = /[不没无非未别勿莫]/g;
/** a slip must not bring in a negation the word lacks ("收益不能保证" is not 收益有保证), nor drop one
 *  it has ("每年都有" is not 都没有) */
function addsNegator(word: string, span: string): boolean {
  return (span.match(NEGATOR_CHARS)?.length ?? 0) !== (word.match(NEGATOR_CHARS)?.length ?? 0);
}

function toHit(view: TextView, occ: Occurrence[], by: Hit['by'], words: Keyword[]): Hit {
  // reduce, not Math.min(...): the spread's argument count (call stack) would grow with the input
  const start = occ.reduce((m, o) => Math.min(m, o.start), Infinity);
  const end = occ.reduce((m, o) => Math.max(m, o.end), -Infinity);
  const what = [...new Set(occ.map((o) => words[o.k].word))].join(' + ');
  // only a lone word: in all / at_least the other words carry the match (and clean text has sound
  // matches of short words often enough that flagging those would send good sessions to review)
  const weak = (by === 'any' && occ.every((o) => o.end - o.start <= 2 && !o.exact)) || undefined;
  const parts = occ.length > 1 ? occ.map((o) => ({ start: o.start, end: o.end })) : undefined;
  return {
    view,
    start,
    end,
    by,
    what,
    similarity: occ.reduce((m, o) => Math.min(m, o.similarity), Infinity),
    weak,
    parts,
  };
}

export function matchAny(view: TextView, words: Keyword[]): Hit[] {
  const occ = words.flatMap((w, k) => findKeyword(view, w, k)).sort((a, b) => a.start - b.start);
  return occ.map((o) => toHit(view, [o], 'any', words));
}

/**
 * Windows of at most `within` characters holding at least `n` different rule words
 * (n = all of them for `all`). Greedy left to right, non-overlapping.
 */
export function matchAtLeast(
  view: TextView,
  words: Keyword[],
  n: number,
  within: number,
  by: 'all' | 'at_least',
  scope?: 'sentence' | 'clause',
): Hit[] {
  // with a scope, the words must also share one sentence (or clause) of the view
  const unitOf =
    scope === 'sentence'
      ? (p: number) => view.sentenceStart(p)
      : scope === 'clause'
        ? (p: number) => view.scopeStart(p)
        : undefined;
  const found = words.flatMap((w, k) => findKeyword(view, w, k));
  // a word inside a longer word of another item doesn't count for both ("险" in "保险公司")
  const occ = found
    .filter(
      (o) =>
        !found.some((p) => p.k !== o.k && p.end - p.start > o.end - o.start && p.start <= o.start && o.end <= p.end),
    )
    .sort((a, b) => a.start - b.start);
  const distinct = new Set(occ.map((o) => o.k));
  if (distinct.size < n) return [];
  const hits: Hit[] = [];
  let lo = 0;
  const counts = new Map<number, number>();
  for (let hi = 0; hi < occ.length; hi++) {
    counts.set(occ[hi].k, (counts.get(occ[hi].k) ?? 0) + 1);
    while (occ[hi].end - occ[lo].start > within || (unitOf && unitOf(occ[lo].start) !== unitOf(occ[hi].start))) {
      const c = counts.get(occ[lo].k)! - 1;
      if (c) counts.set(occ[lo].k, c);
      else counts.delete(occ[lo].k);
      lo++;
    }
    if (counts.size >= n) {
      // one occurrence per word, the latest of each inside the window
      const pick = new Map<number, Occurrence>();
      for (let q = lo; q <= hi; q++) pick.set(occ[q].k, occ[q]);
      const h = toHit(view, [...pick.values()], by, words);
      const prev = hits[hits.length - 1];
      if (!prev || prev.start !== h.start || prev.end !== h.end) hits.push(h);
      // a window across turns may pair "退保" of one turn with "犹豫期" of the next and be excluded
      // later by its first clause: keep looking at the later windows then, so the pair inside the
      // next turn is found too; within one turn, go on greedily after it
      if (view.seg[h.start] === view.seg[h.end - 1]) {
        counts.clear();
        lo = hi + 1;
      }
    }
  }
  return hits;
}
