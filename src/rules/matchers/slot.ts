// Slot templates: "犹豫期 {n} 天" matches 犹豫期为十五天 / 犹豫期15天 (numerals are digits after
// normalisation), captures n and checks it (min / max / eq).
import type { TextView } from '../../text/corpus.js';
import type { CompiledMatch } from '../types.js';
import { NUMERAL_CHARS, readNumeralBySound, soundsNumeral } from '../../text/numerals.js';
import type { Hit } from './hit.js';
import { crossesSegments, findAll, perSegment, withinSegment } from './regex.js';

function crossesClause(view: TextView, start: number, end: number): boolean {
  for (let i = start + 1; i < end; i++) if (view.brk[i]) return true;
  return false;
}

export function matchSlots(view: TextView, m: CompiledMatch): Hit[] {
  const hits: Hit[] = [];
  for (const slot of m.slots ?? []) {
    const hay = m.onCanon ? view.canon : view.text;
    const candidates = findAll(slot.re, hay, slot.names).flatMap((found) =>
      crossesSegments(view, found.start, found.end) ? perSegment(view, slot.re, hay, found, slot.names) : [found],
    );
    for (let mm of candidates) {
      // a gap never reaches into another clause: "已交的保费会退给您，手续费二十元" is not the premium;
      // the last clause of the match may still hold one of its own ("保费方面，每年需要交两万元")
      if (crossesClause(view, mm.start, mm.end)) {
        const again = withinSegment(view, slot.re, hay, mm, slot.names, view.clauseStart(mm.end - 1));
        if (!again || crossesClause(view, again.start, again.end)) continue;
        mm = again;
      }
      // a lazy gap stopped at two characters that only sound like numerals ("签收" ~ 零千) and read
      // as no number: look past them for the real one ("…签收回执那天起算的十五日")
      for (let tries = 0; tries < 3; tries++) {
        const junk = [...mm.groups.values()].find(
          (g) =>
            g &&
            !/^\d/.test(view.text.slice(g[0], g[1])) &&
            readNumeralBySound(view.text.slice(g[0], g[1])) === undefined,
        );
        if (!junk) break;
        const again = withinSegment(view, slot.re, hay, mm, slot.names, mm.start, junk);
        if (!again || crossesClause(view, again.start, again.end)) break;
        mm = again;
      }
      // "第二天" is a day, not a number of days
      if ([...mm.groups.values()].some((g) => g && view.text[g[0] - 1] === '第')) continue;
      const slots: Record<string, number> = {};
      const failures: string[] = [];
      const unreadable: string[] = [];
      const uncertain: string[] = [];
      for (const name of slot.names) {
        const span = mm.groups.get(name);
        if (!span) continue;
        const g = view.text.slice(span[0], span[1]);
        const bySound = !/^\d/.test(g);
        const v = bySound ? readNumeralBySound(g) : Number(g);
        const c = m.check?.[name];
        // a number read back by sound is a guess: it may confirm a check, never fail one
        const failsCheck = (x: number): boolean =>
          !!c &&
          ((c.eq !== undefined && x !== c.eq) ||
            (c.min !== undefined && x < c.min) ||
            (c.max !== undefined && x > c.max));
        if (v === undefined || !Number.isFinite(v) || (bySound && failsCheck(v))) {
          // a number was said but cannot be read: the template matched, the check can't be made
          unreadable.push(name);
          continue;
        }
        slots[name] = v;
        if (!c) continue;
        // digits right after a character that is or sounds like a numeral ("侍五日" → 侍5日: was it
        // 十五? "十侗五天" → 十侗5天) are not trusted to fail a check: the finding becomes "can't tell"
        const near = view.text.slice(Math.max(0, span[0] - 2), span[0]);
        const suspect = (c: string, i: number): boolean =>
          NUMERAL_CHARS.includes(c) || (i === near.length - 1 && soundsNumeral(c) && !slot.literals.includes(c));
        // (only a one-digit number: a misheard numeral before "10日" would make it 710, no number of days)
        if (!bySound && v < 10 && failsCheck(v) && [...near].some(suspect)) {
          uncertain.push(`${name}=${v}（前面的“${near}”可能是被误识别的数字）`);
          continue;
        }
        // a lone Chinese digit ("五天") that would pass with a 十 before it: ASR drops short
        // syllables, and 十五 → 五 is the commonest way a right number comes out wrong
        if (
          !bySound &&
          v >= 1 &&
          v <= 9 &&
          failsCheck(v) &&
          !failsCheck(10 + v) &&
          /^[一二两三四五六七八九]$/.test(view.original(span[0], span[1]))
        ) {
          uncertain.push(`${name}=${v}（可能漏识别了“十”）`);
          continue;
        }
        if (c.eq !== undefined && v !== c.eq) failures.push(`${name}=${v}，应为${c.eq}`);
        if (c.min !== undefined && v < c.min) failures.push(`${name}=${v}，应不少于${c.min}`);
        if (c.max !== undefined && v > c.max) failures.push(`${name}=${v}，应不超过${c.max}`);
      }
      hits.push({
        view,
        start: mm.start,
        end: mm.end,
        by: 'slot',
        what: slot.template,
        similarity: unreadable.length ? 0.8 : 1,
        slots,
        unreadable: unreadable.length ? unreadable : undefined,
        uncertain: uncertain.length ? uncertain : undefined,
        slotFailures: failures.length ? failures : undefined,
      });
    }
  }
  return hits;
}
