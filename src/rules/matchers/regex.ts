// RE2 (linear-time) regular expressions over the normalised view text (or its sound-class form),
// run only on the windows the prefilter says a match can be in.
import type { RE2JS } from 're2js';
import type { TextView } from '../../text/corpus.js';
import type { Hit } from './hit.js';
import { analyzeRegex, candidateWindows, type Prefilter } from './prefilter.js';

const prefilters = new Map<string, Prefilter>();
function prefilterOf(re: RE2JS): Prefilter {
  const src = re.pattern();
  let pf = prefilters.get(src);
  if (!pf) {
    pf = analyzeRegex(src);
    prefilters.set(src, pf);
  }
  return pf;
}

export interface RegexMatch {
  start: number;
  end: number;
  /** group name → [start, end) in the searched string */
  groups: Map<string, [number, number] | undefined>;
}

/** All matches of `re` in `hay` (non-overlapping within a window), with the named groups asked for. */
export function findAll(re: RE2JS, hay: string, groupNames: string[] = []): RegexMatch[] {
  const wins = candidateWindows(hay, prefilterOf(re)) ?? [[0, hay.length] as [number, number]];
  const out: RegexMatch[] = [];
  let lastEnd = -1;
  for (const [a, b] of wins) {
    const m = re.matcher(a === 0 && b === hay.length ? hay : hay.slice(a, b));
    let guard = 0;
    while (m.find() && guard++ < 1000) {
      const start = a + m.start();
      const end = a + m.end();
      if (end <= start || start < lastEnd) continue; // empty, or already found in the previous window
      const groups = new Map<string, [number, number] | undefined>();
      for (const g of groupNames) {
        const s = m.start(g);
        groups.set(g, s < 0 ? undefined : [a + s, a + m.end(g)]);
      }
      out.push({ start, end, groups });
      lastEnd = end;
    }
  }
  return out;
}

/**
 * A greedy gap that ran into the next turn: the same pattern again, from the same start, inside the
 * first turn only ("…录音录像，您同吗？" then "好的" must not lose its match to the longer one).
 */
export function withinSegment(
  view: TextView,
  re: RE2JS,
  hay: string,
  m: RegexMatch,
  groupNames: string[] = [],
  from = m.start,
  /** [start, end) to blank out before searching again */
  mask?: [number, number],
): RegexMatch | undefined {
  const si = view.seg[from];
  const segEnd = si + 1 < view.segStart.length ? view.segStart[si + 1] : hay.length;
  const local =
    mask && mask[0] >= from && mask[1] <= segEnd
      ? hay.slice(from, mask[0]) + '\u0001'.repeat(mask[1] - mask[0]) + hay.slice(mask[1], segEnd)
      : hay.slice(from, segEnd);
  const mm = re.matcher(local);
  if (!mm.find() || mm.end() <= mm.start()) return undefined;
  const groups = new Map<string, [number, number] | undefined>();
  for (const g of groupNames) {
    const s = mm.start(g);
    groups.set(g, s < 0 ? undefined : [from + s, from + mm.end(g)]);
  }
  return { start: from + mm.start(), end: from + mm.end(), groups };
}

/**
 * A match that crossed turns, split back into the turns it spans: the first match inside each turn
 * (from the match's start in the first, from the turn's start in the others). "…要全程录音像，" then
 * "这个录音录像…您同意吗？" must not lose the second turn's match to the greedy cross-turn one.
 */
export function perSegment(
  view: TextView,
  re: RE2JS,
  hay: string,
  m: RegexMatch,
  groupNames: string[] = [],
): RegexMatch[] {
  const out: RegexMatch[] = [];
  const first = view.seg[m.start];
  const last = view.seg[Math.max(m.start, m.end - 1)];
  for (let si = first; si <= last; si++) {
    const from = si === first ? m.start : view.segStart[si];
    const r = withinSegment(view, re, hay, m, groupNames, from);
    if (r) out.push(r);
  }
  return out;
}

export function matchRegex(view: TextView, res: RE2JS[], onCanon: boolean, scope?: 'clause' | 'sentence'): Hit[] {
  const hits: Hit[] = [];
  const hay = onCanon ? view.canon : view.text;
  for (const re of res) {
    for (const found of findAll(re, hay)) {
      for (const m of crossesSegments(view, found.start, found.end) ? perSegment(view, re, hay, found) : [found]) {
        for (const u of scope ? perUnit(view, re, hay, m, scope) : [m]) {
          hits.push({ view, start: u.start, end: u.end, by: 'regex', what: re.pattern(), similarity: 1 });
        }
      }
    }
  }
  return hits;
}

/**
 * With a scope, a match must stay inside one clause (or sentence): one whose gap ran across a break
 * is searched for again inside each clause it spans ("演示，不代表以后实际能" is no "演示…实际能" claim).
 */
function perUnit(view: TextView, re: RE2JS, hay: string, m: RegexMatch, scope: 'clause' | 'sentence'): RegexMatch[] {
  const startOf = (p: number): number => (scope === 'clause' ? view.scopeStart(p) : view.sentenceStart(p));
  const endOf = (p: number): number => (scope === 'clause' ? view.scopeEnd(p) : view.sentenceEnd(p));
  if (startOf(m.start) === startOf(Math.max(m.start, m.end - 1))) return [m];
  const out: RegexMatch[] = [];
  for (let a = startOf(m.start); a < m.end; a = endOf(a)) {
    const b = endOf(a);
    const mm = re.matcher(hay.slice(a, b));
    if (mm.find() && mm.end() > mm.start()) out.push({ start: a + mm.start(), end: a + mm.end(), groups: new Map() });
  }
  return out;
}

/** A pattern's gaps (.{0,16}) must not reach into another turn: one match, one segment. */
export function crossesSegments(view: TextView, start: number, end: number): boolean {
  return end > start && view.seg[start] !== view.seg[end - 1];
}

/** True when one of the exclusion patterns matches the clause(s) around the hit. */
export function excluded(hit: Hit, res: RE2JS[] | undefined, onCanon: boolean, scope?: 'clause' | 'sentence'): boolean {
  if (!res?.length) return false;
  const v = hit.view;
  // with `scope: sentence` the exclusion looks at the whole sentence ("等待期内确诊的，…不承担保险责任")
  const from = scope === 'sentence' ? v.sentenceStart(hit.start) : v.clauseStart(hit.start);
  const to =
    scope === 'sentence'
      ? v.sentenceEnd(Math.max(hit.start, hit.end - 1))
      : v.clauseEnd(Math.max(hit.start, hit.end - 1));
  const ctx = (onCanon ? v.canon : v.text).slice(from, to);
  return res.some((re) => re.matcher(ctx).find());
}
