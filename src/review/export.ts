// Review decisions out of the store: CSV / JSON (the whole audit trail, superseded ones marked), and
// eval labels — sessions a reviewer decided, written as `<name>.transcript.json` + `.meta.json` +
// `.expected.json` so `dualrec eval` can score the rules against people's decisions.
import { join } from 'node:path';
import { serializeTranscript } from '../asr/import/index.js';
import { artefactsToFacts } from '../jobs/facts.js';
import { ExpectedSchema, type Expected, type LabelStatus } from '../eval/metrics.js';
import type { Verdict } from '../model/index.js';
import type { CurrentSession, DecisionRecord, Store, StoredFinding } from '../store/index.js';
import { isCurrent } from '../store/index.js';
import { writeFileAtomic } from '../util/atomic.js';

export interface ExportRow {
  decision_id: string;
  seq: number;
  decided_at: string;
  reviewer: string;
  session_key: string;
  session_id: string;
  recording: string;
  run_id: string;
  rules_version: string;
  scope: 'session' | 'finding';
  finding_idx: number | '';
  rule_id: string;
  finding_status: string;
  concepts: string;
  decision: string;
  comment: string;
  supersedes: string;
  superseded_by: string;
  current: boolean;
}

export async function exportRows(
  store: Store,
  opts: { includeSuperseded?: boolean } = { includeSuperseded: true },
): Promise<ExportRow[]> {
  const decisions = await store.decisions({ includeSuperseded: opts.includeSuperseded ?? true });
  const sessions = new Map<string, CurrentSession | undefined>();
  const findings = new Map<string, StoredFinding[]>();
  const rulesVersions = new Map<string, string>();
  const rows: ExportRow[] = [];
  for (const d of decisions) {
    if (!sessions.has(d.sessionKey)) {
      const s = await store.getSession(d.sessionKey);
      sessions.set(
        d.sessionKey,
        isCurrent(s) ? s : s ? ({ ...s, run: undefined } as unknown as CurrentSession) : undefined,
      );
    }
    if (!findings.has(d.runId)) {
      findings.set(d.runId, await store.findingsOf(d.runId));
      rulesVersions.set(d.runId, (await store.getRun(d.runId))?.rulesVersion ?? '');
    }
    const s = sessions.get(d.sessionKey);
    const f = d.findingIdx !== undefined ? findings.get(d.runId)?.find((x) => x.idx === d.findingIdx) : undefined;
    rows.push({
      decision_id: d.id,
      seq: d.seq,
      decided_at: d.decidedAt,
      reviewer: d.reviewer,
      session_key: d.sessionKey,
      session_id: s?.sessionId ?? '',
      recording: s ? `${s.relDir ? s.relDir + '/' : ''}${s.name}` : '',
      run_id: d.runId,
      rules_version: rulesVersions.get(d.runId) ?? '',
      scope: d.findingIdx === undefined ? 'session' : 'finding',
      finding_idx: d.findingIdx ?? '',
      rule_id: d.ruleId ?? '',
      finding_status: f?.status ?? '',
      concepts: f?.concepts.join(' ') ?? '',
      decision: d.decision,
      comment: d.comment,
      supersedes: d.supersedes ?? '',
      superseded_by: d.supersededBy ?? '',
      current: !d.supersededBy,
    });
  }
  return rows;
}

/** A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR) is prefixed with '. */
function csvCell(v: unknown): string {
  let s = String(v ?? '');
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

export function toCsv(rows: ExportRow[]): string {
  const cols: (keyof ExportRow)[] = [
    'decision_id',
    'seq',
    'decided_at',
    'reviewer',
    'session_key',
    'session_id',
    'recording',
    'run_id',
    'rules_version',
    'scope',
    'finding_idx',
    'rule_id',
    'finding_status',
    'concepts',
    'decision',
    'comment',
    'supersedes',
    'superseded_by',
    'current',
  ];
  // BOM so spreadsheet programs read the Chinese text as UTF-8
  return (
    '\uFEFF' + [cols.join(','), ...rows.map((r) => cols.map((c) => csvCell(r[c])).join(','))].join('\r\n') + '\r\n'
  );
}

/** Any table as CSV (same cells, BOM and formula defusing as the decisions export). */
export function tableCsv(cols: readonly string[], rows: Record<string, unknown>[]): string {
  return (
    '\uFEFF' + [cols.join(','), ...rows.map((r) => cols.map((c) => csvCell(r[c])).join(','))].join('\r\n') + '\r\n'
  );
}

/** What a reviewer's decision on a finding says about its concepts. */
export function labelFor(
  decision: DecisionRecord['decision'],
  status: StoredFinding['status'],
): LabelStatus | undefined {
  if (decision === 'confirm') return 'fail';
  if (decision === 'rerecord') return 'undetermined';
  // overturn: the tool's conclusion was wrong
  if (status === 'fail' || status === 'undetermined') return 'pass';
  if (status === 'pass') return 'fail';
  return undefined;
}

const SESSION_VERDICT: Record<DecisionRecord['decision'], Verdict> = {
  confirm: 'FAIL',
  overturn: 'PASS',
  rerecord: 'REVIEW',
};

export interface EvalLabel {
  name: string;
  expected: Expected;
  session: CurrentSession;
}

/** Labels from current decisions on the sessions' current runs (superseded decisions don't count). */
export async function evalLabels(store: Store): Promise<EvalLabel[]> {
  const current = await store.decisions({ includeSuperseded: false });
  const bySession = new Map<string, DecisionRecord[]>();
  for (const d of current) bySession.set(d.sessionKey, [...(bySession.get(d.sessionKey) ?? []), d]);
  const out: EvalLabel[] = [];
  for (const [key, ds] of bySession) {
    const s = await store.getSession(key);
    if (!isCurrent(s)) continue;
    const mine = ds.filter((d) => d.runId === s.run.id);
    if (!mine.length) continue;
    const findings = await store.findingsOf(s.run.id);
    const concepts: Expected['concepts'] = {};
    for (const d of mine) {
      if (d.findingIdx === undefined) continue;
      const f = findings.find((x) => x.idx === d.findingIdx);
      const label = f && labelFor(d.decision, f.status);
      if (!f || !label) continue;
      for (const c of f.concepts) (concepts as Record<string, LabelStatus>)[c] = label;
    }
    const sessionDecision = mine.find((d) => d.findingIdx === undefined);
    const labels = Object.values(concepts);
    const verdict: Verdict = sessionDecision
      ? SESSION_VERDICT[sessionDecision.decision]
      : labels.includes('fail')
        ? 'FAIL'
        : labels.includes('undetermined')
          ? 'REVIEW'
          : (s.run.verdict ?? 'REVIEW');
    const parsed = ExpectedSchema.safeParse({
      verdict,
      concepts,
      case: `review decisions ${mine.map((d) => d.seq).join(',')}`.slice(0, 200),
    });
    if (parsed.success) out.push({ name: s.name, expected: parsed.data, session: s });
  }
  return out;
}

/** Writes one labelled, transcript-only session per decided session into `dir`; returns how many. */
export async function writeEvalSet(store: Store, dir: string): Promise<number> {
  let n = 0;
  const used = new Set<string>();
  for (const l of await evalLabels(store)) {
    const facts = artefactsToFacts(await store.runArtefacts(l.session.run.id));
    if (!facts?.transcript) continue;
    let name = l.name.replace(/[^\p{L}\p{N}._-]+/gu, '_') || 'session';
    if (used.has(name)) name = `${name}_${l.session.key.slice(0, 8)}`;
    used.add(name);
    writeFileAtomic(join(dir, `${name}.transcript.json`), serializeTranscript(facts.transcript));
    writeFileAtomic(join(dir, `${name}.meta.json`), JSON.stringify(facts.meta, null, 2) + '\n');
    writeFileAtomic(join(dir, `${name}.expected.json`), JSON.stringify(l.expected, null, 2) + '\n');
    n++;
  }
  return n;
}
