// Verdict from findings (rule findings and the pipeline's own, e.g. integrity.recording):
// any critical fail → FAIL; any critical undetermined or major fail → REVIEW; else PASS. Configurable.
import type { Finding, Severity, Verdict } from '../model/index.js';

export interface VerdictPolicy {
  /** a fail of these severities makes the session FAIL (default: critical) */
  failOn?: Severity[];
  /** a fail of these severities makes the session REVIEW (default: major — a known problem never PASSes) */
  reviewOnFail?: Severity[];
  /** an undetermined finding of these severities makes the session REVIEW (default: critical) */
  reviewOnUndetermined?: Severity[];
  /** a FAIL-making fail with confidence below this is only REVIEW (default 0.5) */
  minFailConfidence?: number;
  /** rule ids whose fail means REVIEW, not FAIL: faults that may be the transfer's, not the seller's
   *  (a truncated or undecodable file) — the recording is not intact, but a person must judge the sale */
  reviewOnFailRules?: string[];
}

export const DEFAULT_VERDICT_POLICY: Required<VerdictPolicy> = {
  failOn: ['critical'],
  reviewOnFail: ['major'],
  reviewOnUndetermined: ['critical'],
  minFailConfidence: 0.5,
  reviewOnFailRules: ['integrity/truncated', 'integrity/undecodable', 'integrity/unanalysable'],
};

function line(f: Finding): string {
  const msg = f.message.length > 80 ? `${f.message.slice(0, 79)}…` : f.message;
  return `${f.ruleId} [${f.severity}] ${f.status}: ${msg}`;
}

export function decideVerdict(
  findings: Finding[],
  policy: VerdictPolicy = {},
): { verdict: Verdict; reasons: string[] } {
  const p = { ...DEFAULT_VERDICT_POLICY, ...policy };
  const fails: string[] = [];
  const reviews: string[] = [];
  for (const f of findings) {
    if (f.status === 'fail') {
      if (p.reviewOnFailRules.includes(f.ruleId)) reviews.push(line(f));
      else if (p.failOn.includes(f.severity)) {
        if (f.confidence >= p.minFailConfidence) fails.push(line(f));
        else reviews.push(`${line(f)} (confidence ${f.confidence})`);
      } else if (p.reviewOnFail.includes(f.severity)) reviews.push(line(f));
    } else if (f.status === 'undetermined' && p.reviewOnUndetermined.includes(f.severity)) {
      reviews.push(line(f));
    }
  }
  if (fails.length) return { verdict: 'FAIL', reasons: [...fails, ...reviews] };
  if (reviews.length) return { verdict: 'REVIEW', reasons: reviews };
  return { verdict: 'PASS', reasons: ['没有不通过或需人工判定的阻断项（no blocking findings）'] };
}
