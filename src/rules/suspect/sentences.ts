// Which sentences of a transcript view a suspicion model flags: each sentence (sentence breaks of
// the view, so a sentence ASR cut across segments is one) is scored; those at or above the
// threshold come back, best first.
import type { TextView } from '../../text/corpus.js';
import { windowFeatures, type SuspectModel } from './model.js';

/** features per sentence start, per view: every model of a session reads the same sentences */
const featureCache = new WeakMap<TextView, Map<number, string[][]>>();

export interface SuspectSpan {
  start: number;
  end: number;
  score: number;
}

/** `skip(start, end)`: sentences already accounted for (a caution the rule recognised). */
export function suspectSpans(
  view: TextView,
  model: SuspectModel,
  threshold: number,
  skip: (start: number, end: number) => boolean,
): SuspectSpan[] {
  const out: SuspectSpan[] = [];
  const n = view.text.length;
  let a = 0;
  while (a < n) {
    let b = a + 1;
    while (b < n && !view.sbrk[b]) b++;
    if (b - a >= 4 && !skip(a, b)) {
      let cache = featureCache.get(view);
      if (!cache) featureCache.set(view, (cache = new Map()));
      let windows = cache.get(a);
      if (!windows) cache.set(a, (windows = windowFeatures(view.text.slice(a, b), view.canon.slice(a, b))));
      const score = model.scoreWindows(windows);
      if (score >= threshold) out.push({ start: a, end: b, score });
    }
    a = b;
  }
  return out.sort((x, y) => y.score - x.score);
}
