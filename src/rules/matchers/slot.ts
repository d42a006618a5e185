// Slot templates: "犹豫期 {n} 天" matches 犹豫期为十五天 / 犹豫期15天 (numerals are digits after
// normalisation), captures n and checks it (min / max / eq).
import type { TextView } from '../../text/corpus.js';
import type { CompiledMatch } from '../types.js';
import type { Hit } from './hit.js';

export function matchSlots(view: TextView, m: CompiledMatch): Hit[] {
  const hits: Hit[] = [];
  for (const slot of m.slots ?? []) {
    const mm = slot.re.matcher(m.onCanon ? view.canon : view.text);
    let guard = 0;
    while (mm.find() && guard++ < 1000) {
      const slots: Record<string, number> = {};
      const failures: string[] = [];
      for (const name of slot.names) {
        const g = mm.group(name);
        if (g === null) continue;
        const v = Number(g);
        slots[name] = v;
        const c = m.check?.[name];
        if (!c) continue;
        if (c.eq !== undefined && v !== c.eq) failures.push(`${name}=${v}，应为${c.eq}`);
        if (c.min !== undefined && v < c.min) failures.push(`${name}=${v}，应不少于${c.min}`);
        if (c.max !== undefined && v > c.max) failures.push(`${name}=${v}，应不超过${c.max}`);
      }
      hits.push({
        view,
        start: mm.start(),
        end: mm.end(),
        by: 'slot',
        what: slot.template,
        similarity: 1,
        slots,
        slotFailures: failures.length ? failures : undefined,
      });
    }
  }
  return hits;
}
