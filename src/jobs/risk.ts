// src/jobs: what a local batch (src/batch) and the job queue (src/queue) both use.
// One number to sort sessions by for the morning read: failed critical checks first, then things
// nobody could decide, weighted by how sure the check was. Verdict order (FAIL, REVIEW, PASS) comes first.
import type { Report, Verdict } from '../model/index.js';

const SEVERITY_WEIGHT = { critical: 10, major: 4, minor: 1, info: 0 } as const;

export function riskScore(report: Pick<Report, 'findings' | 'error'>): number {
  let risk = report.error ? 20 : 0;
  for (const f of report.findings) {
    const w = SEVERITY_WEIGHT[f.severity] ?? 0;
    if (f.status === 'fail') risk += w * (0.5 + 0.5 * clamp01(f.confidence));
    else if (f.status === 'undetermined') risk += w * 0.4;
  }
  return Math.round(risk * 100) / 100;
}

export const VERDICT_ORDER: Record<Verdict, number> = { FAIL: 0, REVIEW: 1, PASS: 2 };

/** Riskiest first: by verdict, then risk, then name (stable). */
export function byRisk<T extends { verdict?: Verdict; risk?: number; name: string }>(a: T, b: T): number {
  return (
    VERDICT_ORDER[a.verdict ?? 'REVIEW'] - VERDICT_ORDER[b.verdict ?? 'REVIEW'] ||
    (b.risk ?? 0) - (a.risk ?? 0) ||
    a.name.localeCompare(b.name)
  );
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
