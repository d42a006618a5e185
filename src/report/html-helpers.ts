// Shared by the report page's parts: the render context, status/label lookups and evidence-to-time/line helpers.
import type { Evidence, Finding, FindingStatus, Report, Segment, Severity, Verdict } from '../model/index.js';
import { html, type SafeHtml } from './escape.js';
import { fmtRange } from './format.js';
import type { Messages } from './i18n.js';

export const STATUS_ORDER: FindingStatus[] = ['fail', 'undetermined', 'pass', 'not_applicable'];
export const SEVERITY_RANK: Record<Severity, number> = { critical: 0, major: 1, minor: 2, info: 3 };
export const VERDICTS: Verdict[] = ['PASS', 'FAIL', 'REVIEW'];
/** finding dots per transcript line, worst first; the rest are counted */
export const MAX_DOTS = 6;

export interface Ctx {
  r: Report;
  m: Messages;
  duration: number;
  segments: Segment[];
  segById: Map<number, Segment>;
  /** finding index → anchor id */
  anchor: (i: number) => string;
  hasVideo: boolean;
}

/** A lookup in a label table that shows the raw value when the table does not know it. */
export function label<K extends string>(table: Partial<Record<K, string>>, key: string): string {
  return (table as Record<string, string | undefined>)[key] ?? key;
}

export function statusOf(f: Finding): FindingStatus {
  // An unknown status (a broken report) is shown as undetermined: never as a pass.
  return STATUS_ORDER.includes(f.status) ? f.status : 'undetermined';
}

export function finite(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

/** How long the timeline is: the probe's duration, else the latest time anything mentions. */
export function timelineDuration(r: Report): number {
  const probe = r.media?.probe.duration;
  if (finite(probe) && probe > 0) return probe;
  const ends: number[] = [];
  for (const s of r.transcript?.segments ?? []) ends.push(s.end);
  const sig = r.media?.signals;
  for (const i of [...(sig?.silence ?? []), ...(sig?.black ?? []), ...(sig?.frozen ?? [])]) ends.push(i.end);
  for (const c of sig?.cuts ?? []) ends.push(c.time);
  for (const f of r.visual?.faces ?? []) ends.push(f.time);
  for (const e of r.visual?.events ?? []) ends.push(e.end);
  for (const f of r.findings) for (const e of f.evidence) ends.push(e.end ?? e.start ?? 0);
  return Math.max(0, ...ends.filter(finite));
}

/** The transcript line a piece of evidence points at: its segment ids, else the line at its start. */
export function evidenceSegment(ctx: Ctx, ev: Evidence): number | undefined {
  const byId = ev.segmentIds?.find((id) => ctx.segById.has(id));
  if (byId !== undefined) return byId;
  if (finite(ev.start)) return segmentAt(ctx.segments, ev.start);
  return undefined;
}

/** The lines a piece of evidence is about (for the dots): its segment ids, else the line its start falls in. */
export function evidenceLines(ctx: Ctx, ev: Evidence): number[] {
  const ids = (ev.segmentIds ?? []).filter((id) => ctx.segById.has(id));
  if (ids.length > 0) return ids;
  if (!finite(ev.start)) return [];
  const t = ev.start;
  const inside = ctx.segments.find((s) => s.start <= t && t < s.end);
  return inside ? [inside.id] : [];
}

export function segmentAt(segments: Segment[], t: number): number | undefined {
  let best: Segment | undefined;
  for (const s of segments) if (s.start <= t + 0.05 && (!best || s.start >= best.start)) best = s;
  return (best ?? segments[0])?.id;
}

export function evidenceTime(ctx: Ctx, ev: Evidence): { start: number; end?: number } | undefined {
  if (finite(ev.start)) return { start: ev.start, end: finite(ev.end) ? ev.end : undefined };
  const segs = (ev.segmentIds ?? []).map((id) => ctx.segById.get(id)).filter((s): s is Segment => !!s);
  if (segs.length === 0) return undefined;
  return { start: Math.min(...segs.map((s) => s.start)), end: Math.max(...segs.map((s) => s.end)) };
}

export function timeButton(ctx: Ctx, start: number, end: number | undefined, seg: number | undefined): SafeHtml {
  return html`<button type="button" class="t" data-t="${start.toFixed(2)}" data-seg="${seg ?? ''}" title="${ctx.m.jump}">${fmtRange(start, end)}</button>`;
}
