// The dashboard's statistics over a big store: fills a SQLite store and (when reachable) a PostgreSQL one
// with the same generated 100,000 sessions — a year of recordings by 500 agents in 30 regions, 5
// channels, 6 product types; 6 findings each of 25 rules, FAIL 15 % / REVIEW 20 %; reviewer decisions
// on most flagged findings and queued sessions — then times computeStats (what /dashboard, /api/stats
// and `rules stats` run), each of its queries, filtered variants and the filtered queue, and then the
// same once with migration 3's session indexes dropped (the ratio says what they buy).
//   npx tsx bench/stats.bench.ts [--sessions 100000] [--findings 6] [--repeat 3] [--no-pg] [--no-compare]
//   DUALREC_TEST_PG points it at another PostgreSQL server (default: scripts/services.sh's).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

process.env.DUALREC_LOG_LEVEL ??= 'warn';
const { SqliteStore, PgStore, computeStats } = await import('../src/store/index.js');
const { needServices, pgStoreUrl, dropSchemas } = await import('../tests/queue/services.js');
type AnyStore = InstanceType<typeof SqliteStore> | InstanceType<typeof PgStore>;

const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '100000' },
    findings: { type: 'string', default: '6' },
    repeat: { type: 'string', default: '3' },
    'no-pg': { type: 'boolean', default: false },
    'no-compare': { type: 'boolean', default: false },
    /** keep the SQLite store in this file (filled once, reused by later runs; no index comparison) */
    'sqlite-file': { type: 'string' },
  },
});
const SESSIONS = Math.max(100, Number(values.sessions));
const FINDINGS = Math.max(1, Number(values.findings));
const REPEAT = Math.max(1, Number(values.repeat));
const COMPARE = !values['no-compare'];
const AS_OF = new Date('2026-12-01T00:00:00Z');
const DAY0 = Date.parse('2025-12-01T00:00:00Z');
const DAYS = 365;
const RULES = Array.from({ length: 25 }, (_, i) => `rule-${String(i + 1).padStart(2, '0')}`);
const CHANNELS = ['agent', 'bank', 'broker', 'telesales', 'online'];
const PRODUCTS = ['traditional', 'participating', 'universal', 'investment-linked', 'health', 'annuity'];

/** Deterministic PRNG (mulberry32): both stores get the same data. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const hex = (n: number, len = 32) => n.toString(16).padStart(len, '0');
const uuid = (kind: number, n: number) => `${hex(kind, 8)}-0000-4000-8000-${hex(n, 12)}`;
const iso = (ms: number) => new Date(ms).toISOString();

interface Tables {
  sessions: unknown[][];
  runs: unknown[][];
  findings: unknown[][];
  queue: unknown[][];
  decisions: unknown[][];
}

function generate(): Tables {
  const r = rng(20261205);
  const t: Tables = { sessions: [], runs: [], findings: [], queue: [], decisions: [] };
  let seq = 0;
  const evidence = JSON.stringify({ evidence: [{ start: 12.5, end: 14, excerpt: '请您特别注意责任免除条款' }] });
  for (let i = 0; i < SESSIONS; i++) {
    const key = hex(i + 1);
    const runId = uuid(1, i + 1);
    const dayMs = DAY0 + Math.floor(r() * DAYS) * 86_400_000;
    const day = iso(dayMs).slice(0, 10);
    const agent = Math.floor(r() * 500);
    const x = r();
    const verdict = x < 0.15 ? 'FAIL' : x < 0.35 ? 'REVIEW' : 'PASS';
    t.sessions.push([
      key,
      `/in/${day}/s${i}`,
      `s${i}`,
      day,
      `S-${i}`,
      `/out/${day}/s${i}`,
      PRODUCTS[Math.floor(r() * PRODUCTS.length)],
      '产品',
      CHANNELS[Math.floor(r() * CHANNELS.length)],
      `A${String(agent).padStart(4, '0')}`,
      day,
      String(310000 + (agent % 30) * 100),
      iso(dayMs),
      iso(dayMs),
      runId,
    ]);
    t.runs.push([
      runId,
      key,
      'analyze',
      'done',
      iso(dayMs + 3_600_000),
      iso(dayMs + 3_700_000),
      'in',
      'r1',
      'small',
      'bench',
      verdict,
      '[]',
      verdict === 'FAIL' ? 8 : verdict === 'REVIEW' ? 4 : 0,
      'j',
      'h',
    ]);
    const flagged = verdict === 'FAIL' ? 1 + Math.floor(r() * 2) : verdict === 'REVIEW' ? 1 : 0;
    const used = new Set<number>();
    for (let f = 0; f < FINDINGS; f++) {
      let rule: number;
      do
        rule = Math.floor(Math.pow(r(), 1.6) * RULES.length); // some rules fail much more than others
      while (used.has(rule) && used.size < RULES.length);
      used.add(rule);
      const status =
        f < flagged ? (verdict === 'FAIL' ? 'fail' : 'undetermined') : r() < 0.2 ? 'not_applicable' : 'pass';
      t.findings.push([
        runId,
        f,
        RULES[rule],
        `规则 ${rule + 1}`,
        'disclosure',
        '[]',
        status,
        rule < 8 ? 'critical' : 'major',
        0.9,
        'm',
        evidence,
      ]);
      // decisions on flagged findings of sessions older than a week: 70 %; rule k is overturned k % of the time,
      // more so in the last month for rule-03 (drift)
      if (f < flagged && dayMs < AS_OF.getTime() - 7 * 86_400_000 && r() < 0.7) {
        const at = Math.min(AS_OF.getTime() - 3_600_000, dayMs + Math.floor(r() * 20) * 86_400_000 + 3_600_000);
        const recent = at >= AS_OF.getTime() - 28 * 86_400_000;
        const overturnP = (rule + 1) / 100 + (rule === 2 && recent ? 0.3 : 0);
        const y = r();
        const decision = y < overturnP ? 'overturn' : y < overturnP + 0.05 ? 'rerecord' : 'confirm';
        seq++;
        t.decisions.push([
          uuid(2, seq),
          seq,
          key,
          runId,
          f,
          RULES[rule],
          decision,
          '',
          `reviewer-${seq % 12}`,
          iso(at),
        ]);
      }
    }
    if (verdict !== 'PASS') {
      t.queue.push([key, runId, verdict, iso(dayMs + 3_700_000)]);
      if (dayMs < AS_OF.getTime() - 3 * 86_400_000 && r() < 0.75) {
        const at = Math.min(
          AS_OF.getTime() - 3_600_000,
          dayMs + Math.floor(Math.pow(r(), 2) * 30) * 86_400_000 + 7_200_000,
        );
        seq++;
        t.decisions.push([
          uuid(2, seq),
          seq,
          key,
          runId,
          null,
          null,
          r() < 0.9 ? 'confirm' : 'rerecord',
          '',
          `reviewer-${seq % 12}`,
          iso(at),
        ]);
      }
    }
  }
  return t;
}

const COLUMNS: Record<keyof Tables, string[]> = {
  sessions: [
    'key',
    'base',
    'name',
    'rel_dir',
    'session_id',
    'report_dir',
    'product_type',
    'product_name',
    'channel',
    'agent_id',
    'recorded_on',
    'region',
    'first_seen_at',
    'updated_at',
    'current_run_id',
  ],
  runs: [
    'id',
    'session_key',
    'kind',
    'status',
    'started_at',
    'finished_at',
    'inputs_sha256',
    'rules_version',
    'model',
    'tool_version',
    'verdict',
    'verdict_reasons',
    'risk',
    'report_json_sha256',
    'report_html_sha256',
  ],
  findings: [
    'run_id',
    'idx',
    'rule_id',
    'title',
    'category',
    'concepts',
    'status',
    'severity',
    'confidence',
    'message',
    'evidence',
  ],
  queue: ['session_key', 'run_id', 'verdict', 'entered_at'],
  decisions: [
    'id',
    'seq',
    'session_key',
    'run_id',
    'finding_idx',
    'rule_id',
    'decision',
    'comment',
    'reviewer',
    'decided_at',
  ],
};

async function fill(store: AnyStore, t: Tables): Promise<void> {
  // sessions point at runs and runs at sessions: sessions first without the pointer's check (SQLite checks
  // foreign keys per statement; PostgreSQL has none on current_run_id)
  for (const table of ['sessions', 'runs', 'findings', 'queue', 'decisions'] as const) {
    const cols = COLUMNS[table];
    const rows = t[table];
    const per = Math.floor(20_000 / cols.length);
    for (let i = 0; i < rows.length; i += per) {
      const chunk = rows.slice(i, i + per);
      const values = chunk.map(() => `(${cols.map(() => '?').join(', ')})`).join(', ');
      await store.query(`INSERT INTO ${table} (${cols.join(', ')}) VALUES ${values}`, chunk.flat());
    }
  }
  await store.query('ANALYZE');
}

const SESSION_INDEXES = [
  'sessions_recorded_on',
  'sessions_agent',
  'sessions_region',
  'sessions_channel',
  'sessions_product',
];
const QUERY_NAMES = [
  'verdicts per day/agent/region/channel/product',
  'per rule (findings ⋈ decisions)',
  'time to decision',
  'backlog',
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;

async function timeStats(store: AnyStore, repeat: number) {
  const per: number[][] = QUERY_NAMES.map(() => []);
  const timed = {
    async query(sql: string, params?: unknown[]) {
      const t0 = performance.now();
      const rows = await store.query(sql, params);
      per[calls++ % QUERY_NAMES.length]!.push(performance.now() - t0);
      return rows;
    },
  };
  let calls = 0;
  const cases: [string, Parameters<typeof computeStats>[1]][] = [
    ['all sessions', { asOf: AS_OF }],
    ['one agent', { asOf: AS_OF, filter: { agentId: 'A0042' } }],
    ['one region, one month', { asOf: AS_OF, filter: { region: '310500', from: '2026-10-01', to: '2026-10-31' } }],
    ['one channel + product', { asOf: AS_OF, filter: { channel: 'bank', productType: 'health' } }],
  ];
  const out: Record<string, number> = {};
  let rules = 0;
  for (const [name, opts] of cases) {
    const times: number[] = [];
    for (let i = 0; i < repeat; i++) {
      const t0 = performance.now();
      const st = await computeStats(name === 'all sessions' ? timed : store, opts);
      times.push(performance.now() - t0);
      if (name === 'all sessions') rules = st.rules.length;
    }
    out[name] = median(times);
  }
  const q: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    await store.queue({ includeDecided: true, filter: { agentId: 'A0042', verdict: 'FAIL' } });
    q.push(performance.now() - t0);
  }
  out['queue: one agent, FAIL'] = median(q);
  return { cases: out, perQuery: Object.fromEntries(QUERY_NAMES.map((n, i) => [n, median(per[i]!)])), rules };
}

const line = (label: string, a: number, b?: number) =>
  console.log(
    `  ${label.padEnd(38)}${ms(a).padStart(12)}${b === undefined ? '' : `${ms(b).padStart(15)}${(b / a).toFixed(1).padStart(7)}×`}`,
  );

async function bench(name: string, store: AnyStore, t: Tables, compare = COMPARE) {
  const t0 = performance.now();
  await fill(store, t);
  const fillMs = performance.now() - t0;
  const [count] = await store.query('SELECT COUNT(*) AS n FROM sessions');
  console.log(
    `\n${name}: ${Number(count!.n).toLocaleString('en')} sessions, ${t.findings.length.toLocaleString('en')} findings, ${t.decisions.length.toLocaleString('en')} decisions (filled in ${(fillMs / 1000).toFixed(1)} s)`,
  );
  const withIdx = await timeStats(store, REPEAT);
  console.log(`  computeStats, median of ${REPEAT}`.padEnd(40) + 'time'.padStart(12));
  for (const k of Object.keys(withIdx.cases)) line(k, withIdx.cases[k]!);
  console.log('  queries of the unfiltered computeStats:');
  for (const k of QUERY_NAMES) line(`  ${k}`, withIdx.perQuery[k]!);
  console.log(`  (${withIdx.rules} rules with flagged findings)`);
  if (!compare) return;
  // the same without the session indexes of migration 3 (one run each: this is the slow side)
  for (const i of SESSION_INDEXES) await store.query(`DROP INDEX ${i}`);
  await store.query('ANALYZE');
  const without = await timeStats(store, 1);
  console.log(
    `  without the session indexes of migration 3`.padEnd(40) +
      'indexed'.padStart(12) +
      'no index'.padStart(15) +
      'ratio'.padStart(8),
  );
  for (const k of Object.keys(withIdx.cases)) line(k, withIdx.cases[k]!, without.cases[k]!);
}

const t = generate();
const dir = mkdtempSync(join(tmpdir(), 'dualrec-stats-bench-'));
try {
  const keep = values['sqlite-file'];
  const sqlite = new SqliteStore(keep ?? join(dir, 'bench.sqlite'));
  const [have] = await sqlite.query('SELECT COUNT(*) AS n FROM sessions');
  if (keep && Number(have!.n) > 0) {
    console.log(`\nSQLite (${keep}, ${Number(have!.n).toLocaleString('en')} sessions, kept from an earlier run)`);
    const st = await timeStats(sqlite, REPEAT);
    for (const k of Object.keys(st.cases)) line(k, st.cases[k]!);
    for (const k of QUERY_NAMES) line(`  ${k}`, st.perQuery[k]!);
  } else await bench('SQLite', sqlite, t, !keep);
  await sqlite.close();
  if (!values['no-pg'] && (await needServices('postgres'))) {
    const s = pgStoreUrl('statsbench');
    const pgStore = new PgStore(s.url);
    try {
      await bench('PostgreSQL', pgStore, t);
    } finally {
      await pgStore.close();
      await dropSchemas([s.schema]);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
