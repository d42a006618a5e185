// Statistics for the QA dashboard, `/api/stats` and `dualrec rules stats`: sessions and verdicts per day /
// week / agent / region / channel / product, each rule's findings and what reviewers decided about them
// (the precision reviewers imply, and whether overturns are rising), time from recording to decision, and
// the open review backlog. One set of SQL both backends run (`Store.query`, `?` placeholders, nothing
// dialect-specific); everything that needs dates is done here in TypeScript on small grouped results, so
// the numbers are the same on SQLite and PostgreSQL.
//
// What counts (docs/dashboard.md says the same):
// - sessions: those with a current run (the latest finished analysis or rescore), by their recording day;
// - a rule's findings: the flagged ones (status fail or undetermined) in current runs;
// - a finding's decision: its current (not superseded) finding-level decision; `confirm` and `rerecord`
//   uphold the finding, `overturn` rejects it; implied precision = upheld / decided;
// - drift: the overturn rate of decisions made in the last 4 weeks (before `asOf`) against those before;
// - time to decision: whole days from the recording day to the day (UTC) of the first session-level
//   decision on the current run, over sessions that entered the review queue;
// - backlog: queued sessions whose current run has no session-level decision yet, by age in days.
import type { Store } from './store.js';

export interface StatsFilter {
  /** recording day on or after / on or before (YYYY-MM-DD) */
  from?: string;
  to?: string;
  agentId?: string;
  region?: string;
  channel?: string;
  productType?: string;
}

export interface StatsOptions {
  filter?: StatsFilter;
  /** "now" for drift windows and backlog ages (default: the current time) */
  asOf?: Date;
  /** length of the recent drift window in weeks (default 4) */
  driftWeeks?: number;
}

export interface VerdictCounts {
  sessions: number;
  fail: number;
  review: number;
  pass: number;
  /** fail / sessions (0 when there are none) */
  failRate: number;
}

/** One group: a day (YYYY-MM-DD), a week (its Monday, YYYY-MM-DD), an agent, region, channel or product. */
export interface GroupRow extends VerdictCounts {
  /** '' where the sessions do not say */
  key: string;
}

export interface WindowCounts {
  decided: number;
  overturned: number;
  /** overturned / decided, null with nothing decided */
  overturnRate: number | null;
}

export interface RuleStats {
  ruleId: string;
  title: string;
  severity: string;
  /** flagged findings (fail + undetermined) in current runs */
  flagged: number;
  fail: number;
  undetermined: number;
  /** sessions whose current run fails this rule */
  failingSessions: number;
  /** findings whose current decision upholds them (confirm or rerecord) */
  confirmed: number;
  overturned: number;
  decided: number;
  /** flagged findings without a decision */
  pending: number;
  /** confirmed / decided; null with nothing decided */
  precision: number | null;
  /** Wilson 95 % interval of the precision */
  precisionLow: number | null;
  precisionHigh: number | null;
  /** decisions in the last `driftWeeks` weeks, and before */
  recent: WindowCounts;
  before: WindowCounts;
  /** recent overturn rate − earlier overturn rate (null unless both windows have decisions) */
  drift: number | null;
  /** the rise is significant: one-sided two-proportion z ≥ 1.645 with at least 5 decisions in each window */
  drifting: boolean;
}

export interface Distribution {
  /** how many sessions */
  count: number;
  medianDays: number | null;
  p90Days: number | null;
  meanDays: number | null;
  maxDays: number | null;
  buckets: { label: string; count: number }[];
}

export interface Stats {
  generatedAt: string;
  asOf: string;
  driftWeeks: number;
  filter: StatsFilter;
  totals: VerdictCounts;
  days: GroupRow[];
  weeks: GroupRow[];
  agents: GroupRow[];
  regions: GroupRow[];
  channels: GroupRow[];
  products: GroupRow[];
  /** every rule with a flagged finding, most failing sessions first */
  rules: RuleStats[];
  /** recording → first session decision, over decided queued sessions */
  decisionLatency: Distribution;
  /** open queued sessions by age (asOf − recording day) */
  backlog: Distribution;
}

export const STATS_TABLES = [
  'days',
  'weeks',
  'agents',
  'regions',
  'channels',
  'products',
  'rules',
  'latency',
  'backlog',
] as const;
export type StatsTable = (typeof STATS_TABLES)[number];

const DAY_MS = 86_400_000;
const BUCKETS: [string, number][] = [
  ['0–1', 1],
  ['2–3', 3],
  ['4–7', 7],
  ['8–14', 14],
  ['15–30', 30],
  ['31+', Infinity],
];

/** WHERE over `s` (sessions) and `r` (current runs) for a stats filter. */
function filterWhere(f: StatsFilter): { sql: string; args: unknown[] } {
  const where = ['s.current_run_id IS NOT NULL'];
  const args: unknown[] = [];
  const eq = (col: string, v: string | undefined) => {
    if (v === undefined || v === '') return;
    where.push(`${col} = ?`);
    args.push(v);
  };
  eq('s.agent_id', f.agentId);
  eq('s.region', f.region);
  eq('s.channel', f.channel);
  eq('s.product_type', f.productType);
  if (f.from) {
    where.push('s.recorded_on >= ?');
    args.push(f.from);
  }
  if (f.to) {
    where.push('s.recorded_on <= ?');
    args.push(f.to);
  }
  return { sql: where.join(' AND '), args };
}

const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const s = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/** Monday (YYYY-MM-DD) of the ISO week holding a day. */
export function weekOf(day: string): string {
  const t = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(t)) return '';
  const dow = (new Date(t).getUTCDay() + 6) % 7; // Monday 0
  return new Date(t - dow * DAY_MS).toISOString().slice(0, 10);
}

function daysBetween(fromDay: string, toDay: string): number | undefined {
  const a = Date.parse(`${fromDay.slice(0, 10)}T00:00:00Z`);
  const b = Date.parse(`${toDay.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(a) || Number.isNaN(b) ? undefined : Math.round((b - a) / DAY_MS);
}

/** Weighted distribution of whole days. */
function distribution(values: { days: number; count: number }[]): Distribution {
  const vs = values.filter((v) => v.count > 0).sort((a, b) => a.days - b.days);
  const count = vs.reduce((t, v) => t + v.count, 0);
  const buckets = BUCKETS.map(([label]) => ({ label, count: 0 }));
  for (const v of vs) buckets[BUCKETS.findIndex(([, hi]) => v.days <= hi)]!.count += v.count;
  if (!count) return { count, medianDays: null, p90Days: null, meanDays: null, maxDays: null, buckets };
  const quantile = (q: number) => {
    const rank = Math.max(1, Math.ceil(q * count));
    let seen = 0;
    for (const v of vs) if ((seen += v.count) >= rank) return v.days;
    return vs[vs.length - 1]!.days;
  };
  const mean = vs.reduce((t, v) => t + v.days * v.count, 0) / count;
  return {
    count,
    medianDays: quantile(0.5),
    p90Days: quantile(0.9),
    meanDays: Math.round(mean * 100) / 100,
    maxDays: vs[vs.length - 1]!.days,
    buckets,
  };
}

/** Wilson score interval (95 %) for k successes in m trials. */
export function wilson(k: number, m: number): [number, number] | [null, null] {
  if (!m) return [null, null];
  const z = 1.96;
  const p = k / m;
  const d = 1 + (z * z) / m;
  const c = p + (z * z) / (2 * m);
  const h = z * Math.sqrt((p * (1 - p)) / m + (z * z) / (4 * m * m));
  return [Math.max(0, (c - h) / d), Math.min(1, (c + h) / d)];
}

function windowCounts(decided: number, overturned: number): WindowCounts {
  return { decided, overturned, overturnRate: decided ? overturned / decided : null };
}

/** Drift: rise of the overturn rate, and whether it is significant (one-sided two-proportion z-test). */
function driftOf(recent: WindowCounts, before: WindowCounts): { drift: number | null; drifting: boolean } {
  if (recent.overturnRate === null || before.overturnRate === null) return { drift: null, drifting: false };
  const drift = recent.overturnRate - before.overturnRate;
  if (recent.decided < 5 || before.decided < 5 || drift <= 0) return { drift, drifting: false };
  const pooled = (recent.overturned + before.overturned) / (recent.decided + before.decided);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / recent.decided + 1 / before.decided));
  return { drift, drifting: se > 0 && drift / se >= 1.645 };
}

function newCounts(key: string): GroupRow {
  return { key, sessions: 0, fail: 0, review: 0, pass: 0, failRate: 0 };
}

function add(g: GroupRow, verdict: string, k: number): void {
  g.sessions += k;
  if (verdict === 'FAIL') g.fail += k;
  else if (verdict === 'REVIEW') g.review += k;
  else if (verdict === 'PASS') g.pass += k;
}

/** Most FAIL first, then highest FAIL rate, then key. */
function byFails(a: GroupRow, b: GroupRow): number {
  return b.fail - a.fail || b.failRate - a.failRate || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

export async function computeStats(store: Pick<Store, 'query'>, opts: StatsOptions = {}): Promise<Stats> {
  const filter = cleanFilter(opts.filter ?? {});
  const asOf = opts.asOf ?? new Date();
  const driftWeeks = opts.driftWeeks ?? 4;
  const recentSince = new Date(asOf.getTime() - driftWeeks * 7 * DAY_MS).toISOString();
  const { sql: where, args } = filterWhere(filter);
  const base = `FROM sessions s JOIN runs r ON r.id = s.current_run_id WHERE ${where}`;
  const q = (sql: string, extra: unknown[] = []) => store.query(sql, [...extra, ...args]);
  // One grouped scan for every dimension (the sessions ⋈ runs join is read once, not six times); the
  // roll-ups per day / agent / region / channel / product are summed here.
  const cube = await q(
    `SELECT s.recorded_on AS d, s.agent_id AS a, s.region AS g, s.channel AS c, s.product_type AS p, r.verdict AS v, COUNT(*) AS k
     ${base} GROUP BY s.recorded_on, s.agent_id, s.region, s.channel, s.product_type, r.verdict`,
  );
  const total = newCounts('');
  const dims = {
    d: new Map<string, GroupRow>(),
    a: new Map<string, GroupRow>(),
    g: new Map<string, GroupRow>(),
    c: new Map<string, GroupRow>(),
    p: new Map<string, GroupRow>(),
  };
  for (const row of cube) {
    const k = n(row.k);
    const v = s(row.v);
    add(total, v, k);
    for (const dim of ['d', 'a', 'g', 'c', 'p'] as const) {
      const key = s(row[dim]);
      const m = dims[dim];
      let gr = m.get(key);
      if (!gr) m.set(key, (gr = newCounts(key)));
      add(gr, v, k);
    }
  }
  const rolled = (m: Map<string, GroupRow>) =>
    [...m.values()].map((x) => ({ ...x, failRate: x.sessions ? x.fail / x.sessions : 0 }));
  const totals: VerdictCounts = {
    sessions: total.sessions,
    fail: total.fail,
    review: total.review,
    pass: total.pass,
    failRate: total.sessions ? total.fail / total.sessions : 0,
  };
  const days = rolled(dims.d).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const agents = rolled(dims.a).sort(byFails);
  const regions = rolled(dims.g).sort(byFails);
  const channels = rolled(dims.c).sort(byFails);
  const products = rolled(dims.p).sort(byFails);

  const weekMap = new Map<string, GroupRow>();
  for (const d of days) {
    const key = weekOf(d.key);
    const w = weekMap.get(key) ?? { key, sessions: 0, fail: 0, review: 0, pass: 0, failRate: 0 };
    w.sessions += d.sessions;
    w.fail += d.fail;
    w.review += d.review;
    w.pass += d.pass;
    weekMap.set(key, w);
  }
  const weeks = [...weekMap.values()]
    .map((w) => ({ ...w, failRate: w.sessions ? w.fail / w.sessions : 0 }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  // Each flagged finding of a current run with its current decision (at most one: a new decision on the
  // same finding supersedes the one before).
  const ruleRows = await q(
    `SELECT f.rule_id AS rule_id, MAX(f.title) AS title, MAX(f.severity) AS severity, COUNT(*) AS flagged,
       SUM(CASE WHEN f.status = 'fail' THEN 1 ELSE 0 END) AS fail,
       SUM(CASE WHEN f.status = 'undetermined' THEN 1 ELSE 0 END) AS undetermined,
       COUNT(DISTINCT CASE WHEN f.status = 'fail' THEN f.run_id END) AS failing_sessions,
       SUM(CASE WHEN cd.decision IN ('confirm', 'rerecord') THEN 1 ELSE 0 END) AS confirmed,
       SUM(CASE WHEN cd.decision = 'overturn' THEN 1 ELSE 0 END) AS overturned,
       SUM(CASE WHEN cd.decision IN ('confirm', 'rerecord') AND cd.decided_at >= ? THEN 1 ELSE 0 END) AS recent_confirmed,
       SUM(CASE WHEN cd.decision = 'overturn' AND cd.decided_at >= ? THEN 1 ELSE 0 END) AS recent_overturned
     FROM sessions s JOIN runs r ON r.id = s.current_run_id
       JOIN findings f ON f.run_id = r.id AND f.status IN ('fail', 'undetermined')
       LEFT JOIN decisions cd ON cd.session_key = s.key AND cd.run_id = f.run_id AND cd.finding_idx = f.idx
         AND NOT EXISTS (SELECT 1 FROM decisions nd WHERE nd.supersedes = cd.id)
     WHERE ${where}
     GROUP BY f.rule_id`,
    [recentSince, recentSince],
  );
  const rules: RuleStats[] = ruleRows.map((r) => {
    const confirmed = n(r.confirmed);
    const overturned = n(r.overturned);
    const decided = confirmed + overturned;
    const flagged = n(r.flagged);
    const recentOver = n(r.recent_overturned);
    const recentDecided = n(r.recent_confirmed) + recentOver;
    const recent = windowCounts(recentDecided, recentOver);
    const before = windowCounts(decided - recentDecided, overturned - recentOver);
    const [lo, hi] = wilson(confirmed, decided);
    return {
      ruleId: s(r.rule_id),
      title: s(r.title),
      severity: s(r.severity),
      flagged,
      fail: n(r.fail),
      undetermined: n(r.undetermined),
      failingSessions: n(r.failing_sessions),
      confirmed,
      overturned,
      decided,
      pending: flagged - decided,
      precision: decided ? confirmed / decided : null,
      precisionLow: lo,
      precisionHigh: hi,
      recent,
      before,
      ...driftOf(recent, before),
    };
  });
  rules.sort(
    (a, b) =>
      b.failingSessions - a.failingSessions ||
      b.flagged - a.flagged ||
      (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
  );

  // Recording day → day of the first session-level decision on the current run (grouped by both days).
  const latencyRows = await q(
    `SELECT s.recorded_on AS rec, substr(fd.first_at, 1, 10) AS decided_on, COUNT(*) AS c
     FROM sessions s JOIN runs r ON r.id = s.current_run_id
       JOIN queue qu ON qu.session_key = s.key AND qu.run_id = r.id
       JOIN (SELECT d.run_id AS run_id, MIN(d.decided_at) AS first_at FROM decisions d WHERE d.finding_idx IS NULL GROUP BY d.run_id) fd
         ON fd.run_id = r.id
     WHERE ${where} AND s.recorded_on IS NOT NULL
     GROUP BY s.recorded_on, substr(fd.first_at, 1, 10)`,
  );
  const latency: { days: number; count: number }[] = [];
  for (const r of latencyRows) {
    const d = daysBetween(s(r.rec), s(r.decided_on));
    if (d !== undefined) latency.push({ days: Math.max(0, d), count: n(r.c) });
  }

  const backlogRows = await q(
    `SELECT s.recorded_on AS rec, COUNT(*) AS c
     FROM sessions s JOIN runs r ON r.id = s.current_run_id
       JOIN queue qu ON qu.session_key = s.key AND qu.run_id = r.id
     WHERE ${where} AND s.recorded_on IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.session_key = s.key AND d.run_id = r.id AND d.finding_idx IS NULL)
     GROUP BY s.recorded_on`,
  );
  const today = asOf.toISOString().slice(0, 10);
  const backlog: { days: number; count: number }[] = [];
  for (const r of backlogRows) {
    const d = daysBetween(s(r.rec), today);
    if (d !== undefined) backlog.push({ days: Math.max(0, d), count: n(r.c) });
  }

  return {
    generatedAt: new Date().toISOString(),
    asOf: asOf.toISOString(),
    driftWeeks,
    filter,
    totals,
    days,
    weeks,
    agents,
    regions,
    channels,
    products,
    rules,
    decisionLatency: distribution(latency),
    backlog: distribution(backlog),
  };
}

function cleanFilter(f: StatsFilter): StatsFilter {
  const out: StatsFilter = {};
  for (const k of ['from', 'to', 'agentId', 'region', 'channel', 'productType'] as const) {
    const v = f[k];
    if (v !== undefined && v !== '') out[k] = v;
  }
  return out;
}

const GROUP_COLUMNS = ['sessions', 'fail', 'review', 'pass', 'fail_rate'];
/** The columns of each exported table, in order (also for an empty table). */
export const STATS_COLUMNS: Record<StatsTable, string[]> = {
  days: ['day', ...GROUP_COLUMNS],
  weeks: ['week', ...GROUP_COLUMNS],
  agents: ['agent', ...GROUP_COLUMNS],
  regions: ['region', ...GROUP_COLUMNS],
  channels: ['channel', ...GROUP_COLUMNS],
  products: ['product_type', ...GROUP_COLUMNS],
  rules: [
    'rule_id',
    'title',
    'severity',
    'flagged',
    'fail',
    'undetermined',
    'failing_sessions',
    'confirmed',
    'overturned',
    'decided',
    'pending',
    'precision',
    'precision_low',
    'precision_high',
    'recent_decided',
    'recent_overturn_rate',
    'before_decided',
    'before_overturn_rate',
    'drift',
    'drifting',
  ],
  latency: ['days', 'sessions'],
  backlog: ['days', 'sessions'],
};

const pct = (x: number | null) => (x === null ? '' : (Math.round(x * 10000) / 10000).toString());

/** One table of the stats as rows of plain cells (CSV export, `rules stats` table). */
export function statsTable(st: Stats, table: StatsTable): Record<string, string | number>[] {
  const group = (name: string, rows: GroupRow[]) =>
    rows.map((g) => ({
      [name]: g.key,
      sessions: g.sessions,
      fail: g.fail,
      review: g.review,
      pass: g.pass,
      fail_rate: pct(g.failRate),
    }));
  switch (table) {
    case 'days':
      return group('day', st.days);
    case 'weeks':
      return group('week', st.weeks);
    case 'agents':
      return group('agent', st.agents);
    case 'regions':
      return group('region', st.regions);
    case 'channels':
      return group('channel', st.channels);
    case 'products':
      return group('product_type', st.products);
    case 'rules':
      return st.rules.map((r) => ({
        rule_id: r.ruleId,
        title: r.title,
        severity: r.severity,
        flagged: r.flagged,
        fail: r.fail,
        undetermined: r.undetermined,
        failing_sessions: r.failingSessions,
        confirmed: r.confirmed,
        overturned: r.overturned,
        decided: r.decided,
        pending: r.pending,
        precision: pct(r.precision),
        precision_low: pct(r.precisionLow),
        precision_high: pct(r.precisionHigh),
        recent_decided: r.recent.decided,
        recent_overturn_rate: pct(r.recent.overturnRate),
        before_decided: r.before.decided,
        before_overturn_rate: pct(r.before.overturnRate),
        drift: pct(r.drift),
        drifting: r.drifting ? 'yes' : 'no',
      }));
    case 'latency':
    case 'backlog': {
      const d = table === 'latency' ? st.decisionLatency : st.backlog;
      return d.buckets.map((b) => ({ days: b.label, sessions: b.count }));
    }
  }
}
