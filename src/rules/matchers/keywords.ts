// Keyword matching: any / all / at-least-N words, each word with its lexicon synonyms, compared
// on normalised characters and (for longer words) on fuzzy pinyin so homophone ASR errors match.
import type { TextView } from '../../text/corpus.js';
import type { Keyword } from '../types.js';
import type { Hit } from './hit.js';

export interface Occurrence {
  start: number;
  end: number;
  /** index of the rule word */
  k: number;
  exact: boolean;
}

/** All occurrences of one keyword (any of its alternatives) in the view. */
export function findKeyword(view: TextView, kw: Keyword, k: number): Occurrence[] {
  const out: Occurrence[] = [];
  const seen = new Set<number>();
  for (const alt of kw.alts) {
    const w = alt.text;
    if (!w) continue;
    let i = view.text.indexOf(w);
    while (i >= 0) {
      if (!seen.has(i)) {
        seen.add(i);
        out.push({ start: i, end: i + w.length, k, exact: true });
      }
      i = view.text.indexOf(w, i + 1);
    }
    if (alt.fz.length > 1 && (kw.pinyin === true || (kw.pinyin === 'auto' && alt.fz.length >= 3))) {
      for (const p of view.positions(alt.fz[0])) {
        if (seen.has(p) || p + alt.fz.length > view.length) continue;
        let ok = true;
        for (let j = 1; j < alt.fz.length; j++) {
          if (view.fz[p + j] !== alt.fz[j]) {
            ok = false;
            break;
          }
        }
        if (ok) {
          seen.add(p);
          out.push({ start: p, end: p + alt.fz.length, k, exact: false });
        }
      }
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

function toHit(view: TextView, occ: Occurrence[], by: Hit['by'], words: Keyword[]): Hit {
  const start = Math.min(...occ.map((o) => o.start));
  const end = Math.max(...occ.map((o) => o.end));
  const what = [...new Set(occ.map((o) => words[o.k].word))].join(' + ');
  return { view, start, end, by, what, similarity: occ.every((o) => o.exact) ? 1 : 0.9 };
}

export function matchAny(view: TextView, words: Keyword[]): Hit[] {
  const occ = words.flatMap((w, k) => findKeyword(view, w, k)).sort((a, b) => a.start - b.start);
  return occ.map((o) => toHit(view, [o], 'any', words));
}

/**
 * Windows of at most `within` characters holding at least `n` different rule words
 * (n = all of them for `all`). Greedy left to right, non-overlapping.
 */
export function matchAtLeast(view: TextView, words: Keyword[], n: number, within: number, by: 'all' | 'at_least'): Hit[] {
  const occ = words.flatMap((w, k) => findKeyword(view, w, k)).sort((a, b) => a.start - b.start);
  const distinct = new Set(occ.map((o) => o.k));
  if (distinct.size < n) return [];
  const hits: Hit[] = [];
  let lo = 0;
  const counts = new Map<number, number>();
  for (let hi = 0; hi < occ.length; hi++) {
    counts.set(occ[hi].k, (counts.get(occ[hi].k) ?? 0) + 1);
    while (occ[hi].end - occ[lo].start > within) {
      const c = counts.get(occ[lo].k)! - 1;
      if (c) counts.set(occ[lo].k, c);
      else counts.delete(occ[lo].k);
      lo++;
    }
    if (counts.size >= n) {
      // one occurrence per word, the latest of each inside the window
      const pick = new Map<number, Occurrence>();
      for (let q = lo; q <= hi; q++) pick.set(occ[q].k, occ[q]);
      hits.push(toHit(view, [...pick.values()], by, words));
      counts.clear();
      lo = hi + 1;
    }
  }
  return hits;
}
