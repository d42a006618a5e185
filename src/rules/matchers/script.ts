// Fuzzy script matching: a canonical sentence found by local alignment over characters + pinyin.
import { findAligned } from '../../text/align.js';
import type { Pattern, TextView } from '../../text/corpus.js';
import type { Hit } from './hit.js';

export function matchScript(view: TextView, scripts: Pattern[], minCoverage: number): Hit[] {
  const hits: Hit[] = [];
  for (const p of scripts) {
    for (const r of findAligned(p, view, minCoverage)) {
      hits.push({ view, start: r.start, end: r.end, by: 'script', what: p.source, similarity: round(r.coverage) });
    }
  }
  return hits;
}

/** The best partial alignment below the threshold (for "near miss" evidence). */
export function bestPartial(view: TextView, scripts: Pattern[], floor: number): Hit | undefined {
  let best: Hit | undefined;
  for (const p of scripts) {
    for (const r of findAligned(p, view, floor, 3)) {
      if (!best || r.coverage > best.similarity) {
        best = { view, start: r.start, end: r.end, by: 'script', what: p.source, similarity: round(r.coverage) };
      }
    }
  }
  return best;
}

const round = (x: number): number => Math.round(x * 100) / 100;
