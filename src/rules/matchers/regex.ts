// RE2 (linear-time) regular expressions over the normalised view text.
import type { RE2JS } from 're2js';
import type { TextView } from '../../text/corpus.js';
import type { Hit } from './hit.js';

export function matchRegex(view: TextView, res: RE2JS[], onCanon: boolean): Hit[] {
  const hits: Hit[] = [];
  for (const re of res) {
    const m = re.matcher(onCanon ? view.canon : view.text);
    let guard = 0;
    while (m.find() && guard++ < 1000) {
      const start = m.start();
      const end = m.end();
      if (end <= start) continue; // an empty match says nothing
      hits.push({ view, start, end, by: 'regex', what: re.pattern(), similarity: 1 });
    }
  }
  return hits;
}

/** True when one of the exclusion patterns matches the clause(s) around the hit. */
export function excluded(hit: Hit, res: RE2JS[] | undefined, onCanon: boolean): boolean {
  if (!res?.length) return false;
  const v = hit.view;
  const from = v.clauseStart(hit.start);
  const to = v.clauseEnd(Math.max(hit.start, hit.end - 1));
  const ctx = (onCanon ? v.canon : v.text).slice(from, to);
  return res.some((re) => re.matcher(ctx).find());
}
