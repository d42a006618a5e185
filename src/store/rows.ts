// Row ↔ record mapping and the SQL fragments both backends share (same schema, same column names).
import type { Finding, Verdict } from '../model/index.js';
import { SEALED_RUN_COLUMNS } from './chain.js';
import type { DecisionRecord, QueueFilter, RunRecord, SessionRecord, StoredFinding } from './store.js';

export type Row = Record<string, unknown>;

export const str = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));
export const num = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));
export const nowIso = () => new Date().toISOString();

export function sessionFromRow(r: Row): SessionRecord {
  return {
    key: String(r.key),
    base: String(r.base),
    name: String(r.name),
    relDir: String(r.rel_dir),
    sessionId: String(r.session_id),
    recording: str(r.recording),
    reportDir: String(r.report_dir),
    productType: str(r.product_type),
    productName: str(r.product_name),
    channel: str(r.channel),
    agentId: str(r.agent_id),
    region: str(r.region),
    recordedOn: str(r.recorded_on),
  };
}

export function runFromRow(r: Row, prefix = ''): RunRecord {
  const g = (k: string) => r[prefix + k];
  const reasons = str(g('verdict_reasons'));
  return {
    id: String(g('id')),
    sessionKey: String(g('session_key')),
    batchId: str(g('batch_id')),
    kind: String(g('kind')) as RunRecord['kind'],
    parentRunId: str(g('parent_run_id')),
    status: String(g('status')) as RunRecord['status'],
    startedAt: String(g('started_at')),
    finishedAt: str(g('finished_at')),
    inputsSha256: String(g('inputs_sha256')),
    contentSha256: str(g('content_sha256')),
    rulesVersion: String(g('rules_version')),
    model: String(g('model')),
    toolVersion: String(g('tool_version')),
    verdict: str(g('verdict')) as Verdict | undefined,
    verdictReasons: reasons ? (JSON.parse(reasons) as string[]) : undefined,
    risk: num(g('risk')),
    failCount: num(g('fail_count')),
    undeterminedCount: num(g('undetermined_count')),
    error: str(g('error')),
    problem: str(g('problem')),
    reportJsonSha256: str(g('report_json_sha256')),
    reportHtmlSha256: str(g('report_html_sha256')),
  };
}

export function decisionFromRow(r: Row): DecisionRecord {
  return {
    id: String(r.id),
    seq: Number(r.seq),
    sessionKey: String(r.session_key),
    runId: String(r.run_id),
    findingIdx: num(r.finding_idx),
    ruleId: str(r.rule_id),
    decision: String(r.decision) as DecisionRecord['decision'],
    comment: String(r.comment),
    reviewer: String(r.reviewer),
    decidedAt: String(r.decided_at),
    supersedes: str(r.supersedes),
    supersededBy: str(r.superseded_by),
  };
}

// Every run column a seal covers is read back. A column added to runs later goes here as well, not into
// SEALED_RUN_COLUMNS: changing what a seal covers would break the seals already stored.
export const RUN_COLUMNS: readonly string[] = [...SEALED_RUN_COLUMNS];
export const SESSION_COLUMNS = [
  'key',
  'base',
  'name',
  'rel_dir',
  'session_id',
  'recording',
  'report_dir',
  'product_type',
  'product_name',
  'channel',
  'agent_id',
  'recorded_on',
  'region',
];
export const CURRENT_SELECT = `SELECT ${SESSION_COLUMNS.map((c) => `s.${c}`).join(', ')}, ${RUN_COLUMNS.map((c) => `r.${c} AS r_${c}`).join(', ')}
  FROM sessions s JOIN runs r ON r.id = s.current_run_id`;
export const VERDICT_RANK = `CASE r.verdict WHEN 'FAIL' THEN 0 WHEN 'REVIEW' THEN 1 ELSE 2 END`;

export function findingFromRow(r: Row): StoredFinding {
  const ev = JSON.parse(String(r.evidence)) as { evidence: Finding['evidence']; source?: string };
  return {
    runId: String(r.run_id),
    idx: Number(r.idx),
    ruleId: String(r.rule_id),
    title: String(r.title),
    category: String(r.category),
    concepts: JSON.parse(String(r.concepts)) as string[],
    status: String(r.status) as Finding['status'],
    severity: String(r.severity) as Finding['severity'],
    confidence: Number(r.confidence),
    message: String(r.message),
    evidence: ev.evidence,
    source: ev.source,
  };
}

/** The findings columns of one finding, in INSERT order (run_id, idx first). */
export function findingValues(runId: string, idx: number, f: Finding): unknown[] {
  return [
    runId,
    idx,
    f.ruleId,
    f.title,
    f.category,
    JSON.stringify(f.concepts),
    f.status,
    f.severity,
    f.confidence,
    f.message,
    JSON.stringify({ evidence: f.evidence, source: f.source }),
  ];
}

/** Session-level current decision on a run: not superseded, no finding. */
export const CURRENT_SESSION_DECISION = `SELECT d.* FROM decisions d
       WHERE d.session_key = ? AND d.run_id = ? AND d.finding_idx IS NULL
         AND NOT EXISTS (SELECT 1 FROM decisions n WHERE n.supersedes = d.id)`;

/** Consistency checks both backends run; each row names a problem. */
export const CONSISTENCY_QUERIES: { sql: string; problem: (r: Row) => string }[] = [
  {
    sql: `SELECT s.key FROM sessions s LEFT JOIN runs r ON r.id = s.current_run_id
         WHERE s.current_run_id IS NOT NULL AND (r.id IS NULL OR r.status <> 'done' OR r.session_key <> s.key)`,
    problem: (r) => `session ${String(r.key)}: current run is missing, not done, or not its own`,
  },
  {
    sql: `SELECT id FROM runs WHERE status = 'done' AND (report_json_sha256 IS NULL OR verdict IS NULL)`,
    problem: (r) => `run ${String(r.id)}: done without a verdict or report hash`,
  },
];

/** Store-wide facts kept in store_info. */
export const INFO_STORE_ID = 'store.id';
export const INFO_LOCK_HOLDER = 'lock.holder';

/** WHERE conditions (over `s` sessions and `r` current runs) for a queue filter, with their arguments. */
export function queueFilterWhere(f: QueueFilter = {}): { where: string[]; args: unknown[] } {
  const where: string[] = [];
  const args: unknown[] = [];
  const eq = (col: string, v: string | undefined) => {
    if (v === undefined) return;
    where.push(`${col} = ?`);
    args.push(v);
  };
  eq('s.agent_id', f.agentId);
  eq('s.region', f.region);
  eq('s.channel', f.channel);
  eq('s.product_type', f.productType);
  eq('r.verdict', f.verdict);
  if (f.from !== undefined) {
    where.push('s.recorded_on >= ?');
    args.push(f.from);
  }
  if (f.to !== undefined) {
    where.push('s.recorded_on <= ?');
    args.push(f.to);
  }
  if (f.ruleId !== undefined) {
    where.push(
      `EXISTS (SELECT 1 FROM findings f WHERE f.run_id = r.id AND f.rule_id = ? AND f.status IN ('fail', 'undetermined'))`,
    );
    args.push(f.ruleId);
  }
  return { where, args };
}
