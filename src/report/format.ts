// Number and time formatting for the report page.

/** mm:ss, or h:mm:ss from an hour on (seconds are floored: 59.9 s is still 00:59). */
export function fmtTime(seconds: number): string {
  const s = Math.max(0, Math.floor(Number.isFinite(seconds) ? seconds : 0));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${String(m).padStart(2, '0')}:${ss}`;
}

export function fmtRange(start: number, end?: number): string {
  return end !== undefined && Math.floor(end) > Math.floor(start)
    ? `${fmtTime(start)}–${fmtTime(end)}`
    : fmtTime(start);
}

export function fmtPercent(unit: number): string {
  return `${Math.round(unit * 100)}%`;
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** Trims an ISO timestamp to seconds for display ("2024-05-18T06:03:12.345Z" → "2024-05-18 06:03:12Z"). */
export function fmtTimestamp(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(iso);
  return m ? `${m[1]} ${m[2]}${m[3] ?? ''}` : iso;
}

/** Position on a timeline of `duration` seconds, as a CSS percentage clamped to 0..100. */
export function pct(t: number, duration: number): string {
  const v = duration > 0 ? Math.min(100, Math.max(0, (t / duration) * 100)) : 0;
  return `${Number(v.toFixed(3))}%`;
}

/** A tick step that gives at most ~10 ticks over `duration` seconds. */
export function tickStep(duration: number): number {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];
  // past 20 h the step grows with the duration: the timeline never has more than ~10 ticks, whatever
  // time a transcript claims (a fixed step made 1e300 s a loop that ran the heap out)
  return steps.find((s) => duration / s <= 10) ?? Math.max(7200, Math.ceil(duration / 10 / 3600) * 3600);
}
