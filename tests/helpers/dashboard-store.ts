// A small store with known statistics, built through the Store API (the same on SQLite and PostgreSQL):
// 12 sessions over three agents, two regions, two channels, two product types and six recording days in
// two weeks; findings of four rules; finding decisions confirming, overturning (some superseded), and
// old vs recent (for drift); session decisions (time to decision) and open sessions (backlog).
// The numbers the tests expect are worked out by hand in EXPECTED below.
import { createHash } from 'node:crypto';
import type { Finding, Verdict } from '../../src/model/index.js';
import type { DecisionKind, Store } from '../../src/store/index.js';

type Status = Finding['status'];
interface Spec {
  agent: string;
  region: string;
  channel: string;
  product: string;
  day: string;
  verdict: Verdict;
  findings: [string, Status][];
}

export const RULE_TITLES: Record<string, string> = {
  excl: '提示责任免除条款',
  promise: '禁止承诺保本收益',
  fee: '说明费用扣除',
  hedge: '客户确认不含糊',
};

// s1 … s12
export const SPECS: Spec[] = [
  {
    agent: 'A1',
    region: '310000',
    channel: 'agent',
    product: 'participating',
    day: '2026-11-02',
    verdict: 'FAIL',
    findings: [
      ['excl', 'fail'],
      ['fee', 'pass'],
    ],
  },
  {
    agent: 'A1',
    region: '310000',
    channel: 'agent',
    product: 'participating',
    day: '2026-11-02',
    verdict: 'FAIL',
    findings: [
      ['excl', 'fail'],
      ['promise', 'fail'],
    ],
  },
  {
    agent: 'A1',
    region: '310000',
    channel: 'agent',
    product: 'health',
    day: '2026-11-03',
    verdict: 'REVIEW',
    findings: [
      ['excl', 'undetermined'],
      ['fee', 'pass'],
    ],
  },
  {
    agent: 'A1',
    region: '310000',
    channel: 'bank',
    product: 'participating',
    day: '2026-11-03',
    verdict: 'PASS',
    findings: [
      ['excl', 'pass'],
      ['fee', 'pass'],
    ],
  },
  {
    agent: 'A2',
    region: '440300',
    channel: 'bank',
    product: 'health',
    day: '2026-11-04',
    verdict: 'FAIL',
    findings: [['promise', 'fail']],
  },
  {
    agent: 'A2',
    region: '440300',
    channel: 'bank',
    product: 'health',
    day: '2026-11-04',
    verdict: 'PASS',
    findings: [['excl', 'pass']],
  },
  {
    agent: 'A2',
    region: '440300',
    channel: 'agent',
    product: 'participating',
    day: '2026-11-05',
    verdict: 'REVIEW',
    findings: [['fee', 'undetermined']],
  },
  {
    agent: 'A2',
    region: '440300',
    channel: 'agent',
    product: 'participating',
    day: '2026-11-06',
    verdict: 'PASS',
    findings: [],
  },
  {
    agent: 'A3',
    region: '440300',
    channel: 'bank',
    product: 'participating',
    day: '2026-11-09',
    verdict: 'FAIL',
    findings: [
      ['excl', 'fail'],
      ['fee', 'fail'],
    ],
  },
  {
    agent: 'A3',
    region: '440300',
    channel: 'bank',
    product: 'participating',
    day: '2026-11-09',
    verdict: 'PASS',
    findings: [],
  },
  {
    agent: 'A3',
    region: '310000',
    channel: 'agent',
    product: 'health',
    day: '2026-11-09',
    verdict: 'PASS',
    findings: [],
  },
  {
    agent: 'A3',
    region: '310000',
    channel: 'agent',
    product: 'health',
    day: '2026-11-09',
    verdict: 'REVIEW',
    findings: [['promise', 'undetermined']],
  },
];
// hedge: undetermined in s1 … s10 (appended last), decided 5 × confirm long ago, 5 × overturn recently.
const HEDGE_SESSIONS = 10;

/** "now" for the fixture's drift windows and backlog ages: recent = decided on or after 2026-11-22. */
export const AS_OF = new Date('2026-12-20T00:00:00Z');
const OLD = '2026-11-10T08:00:00.000Z';
const NEW = '2026-11-25T08:00:00.000Z';

export const keyOf = (i: number) => createHash('md5').update(`dash-session-${i}`).digest('hex');
export const runOf = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

function finding(ruleId: string, status: Status): Finding {
  return {
    ruleId,
    title: RULE_TITLES[ruleId]!,
    category: 'disclosure',
    concepts: [`c.${ruleId}`],
    status,
    severity: ruleId === 'fee' ? 'major' : 'critical',
    confidence: 0.9,
    evidence: [{ start: 3, end: 5, excerpt: '……' }],
    message: `${ruleId} ${status}`,
  };
}

export async function buildDashboardStore(store: Store): Promise<void> {
  for (const [n, sp] of SPECS.entries()) {
    const i = n + 1;
    const key = keyOf(i);
    await store.upsertSession({
      key,
      base: `/in/${sp.day}/s${i}`,
      name: `s${i}`,
      relDir: sp.day,
      sessionId: `S-${sp.day.replace(/-/g, '')}-${String(i).padStart(4, '0')}`,
      reportDir: `/nonexistent/out/s${i}`,
      productType: sp.product,
      productName: '鑫福两全保险',
      channel: sp.channel,
      agentId: sp.agent,
      region: sp.region,
      recordedOn: sp.day,
    });
    const findings = sp.findings.map(([r, st]) => finding(r, st));
    if (i <= HEDGE_SESSIONS) findings.push(finding('hedge', 'undetermined'));
    await store.startRun({
      id: runOf(i),
      sessionKey: key,
      kind: 'analyze',
      startedAt: `${sp.day}T12:00:00.000Z`,
      inputsSha256: `in-${i}`,
      rulesVersion: 'r1',
      model: 'import',
      toolVersion: 'test',
    });
    await store.completeRun(runOf(i), {
      verdict: sp.verdict,
      verdictReasons: [sp.verdict],
      risk: sp.verdict === 'FAIL' ? 9 : sp.verdict === 'REVIEW' ? 4 : 0,
      reportJsonSha256: 'j'.repeat(64),
      reportHtmlSha256: 'h'.repeat(64),
      findings,
      artefacts: [],
      queueVerdicts: ['FAIL', 'REVIEW'],
    });
  }
  const idx = (i: number, rule: string) => {
    const fs = SPECS[i - 1]!.findings.map(([r]) => r);
    if (i <= HEDGE_SESSIONS) fs.push('hedge');
    const at = fs.indexOf(rule);
    if (at < 0) throw new Error(`s${i} has no ${rule} finding`);
    return at;
  };
  const decide = (
    i: number,
    rule: string | undefined,
    decision: DecisionKind,
    decidedAt: string,
    reviewer = '审核员甲',
  ) =>
    store.addDecision({
      sessionKey: keyOf(i),
      runId: runOf(i),
      findingIdx: rule === undefined ? undefined : idx(i, rule),
      decision,
      reviewer,
      decidedAt,
      comment: decision === 'overturn' ? '复听后不成立' : '',
    });
  // excl: s1 overturned long ago, then confirmed (current); s2 confirmed; s9 overturned; s3 pending.
  await decide(1, 'excl', 'overturn', OLD);
  await decide(1, 'excl', 'confirm', NEW);
  await decide(2, 'excl', 'confirm', NEW);
  await decide(9, 'excl', 'overturn', NEW);
  // promise: s2 overturned long ago; s5 needs re-recording (upholds it); s12 pending.
  await decide(2, 'promise', 'overturn', OLD);
  await decide(5, 'promise', 'rerecord', NEW);
  // hedge: confirmed in s1–s5 long ago, overturned in s6–s10 recently.
  for (let i = 1; i <= 5; i++) await decide(i, 'hedge', 'confirm', OLD);
  for (let i = 6; i <= 10; i++) await decide(i, 'hedge', 'overturn', NEW);
  // session decisions: s1 after 1 day, s2 after 10, s5 the same day (then superseded), s9 after 16.
  await decide(1, undefined, 'confirm', '2026-11-03T02:00:00.000Z');
  await decide(2, undefined, 'confirm', '2026-11-12T09:00:00.000Z');
  await decide(5, undefined, 'rerecord', '2026-11-04T10:00:00.000Z');
  await decide(5, undefined, 'confirm', '2026-11-30T10:00:00.000Z');
  await decide(9, undefined, 'confirm', '2026-11-25T10:00:00.000Z');
}

/** What the fixture's statistics are, worked out by hand. */
export const EXPECTED = {
  totals: { sessions: 12, fail: 4, review: 3, pass: 5 },
  agents: { A1: [4, 2], A2: [4, 1], A3: [4, 1] } as Record<string, [number, number]>,
  regions: { '310000': [6, 2], '440300': [6, 2] } as Record<string, [number, number]>,
  channels: { agent: [7, 2], bank: [5, 2] } as Record<string, [number, number]>,
  products: { participating: [7, 3], health: [5, 1] } as Record<string, [number, number]>,
  /** day: [sessions, fail, review, pass] */
  days: {
    '2026-11-02': [2, 2, 0, 0],
    '2026-11-03': [2, 0, 1, 1],
    '2026-11-04': [2, 1, 0, 1],
    '2026-11-05': [1, 0, 1, 0],
    '2026-11-06': [1, 0, 0, 1],
    '2026-11-09': [4, 1, 1, 2],
  } as Record<string, [number, number, number, number]>,
  weeks: { '2026-11-02': [8, 3, 2, 3], '2026-11-09': [4, 1, 1, 2] } as Record<string, [number, number, number, number]>,
  /** in dashboard order (most failing sessions first) */
  ruleOrder: ['excl', 'promise', 'fee', 'hedge'],
  rules: {
    excl: {
      flagged: 4,
      fail: 3,
      undetermined: 1,
      failingSessions: 3,
      confirmed: 2,
      overturned: 1,
      decided: 3,
      pending: 1,
      precision: 2 / 3,
      recent: [3, 1],
      before: [0, 0],
      drifting: false,
    },
    promise: {
      flagged: 3,
      fail: 2,
      undetermined: 1,
      failingSessions: 2,
      confirmed: 1,
      overturned: 1,
      decided: 2,
      pending: 1,
      precision: 0.5,
      recent: [1, 0],
      before: [1, 1],
      drifting: false,
    },
    fee: {
      flagged: 2,
      fail: 1,
      undetermined: 1,
      failingSessions: 1,
      confirmed: 0,
      overturned: 0,
      decided: 0,
      pending: 2,
      precision: null,
      recent: [0, 0],
      before: [0, 0],
      drifting: false,
    },
    hedge: {
      flagged: 10,
      fail: 0,
      undetermined: 10,
      failingSessions: 0,
      confirmed: 5,
      overturned: 5,
      decided: 10,
      pending: 0,
      precision: 0.5,
      recent: [5, 5],
      before: [5, 0],
      drifting: true,
    },
  } as Record<
    string,
    {
      flagged: number;
      fail: number;
      undetermined: number;
      failingSessions: number;
      confirmed: number;
      overturned: number;
      decided: number;
      pending: number;
      precision: number | null;
      recent: [number, number];
      before: [number, number];
      drifting: boolean;
    }
  >,
  latency: {
    count: 4,
    medianDays: 1,
    p90Days: 16,
    meanDays: 6.75,
    maxDays: 16,
    buckets: { '0–1': 2, '2–3': 0, '4–7': 0, '8–14': 1, '15–30': 1, '31+': 0 },
  },
  backlog: { count: 3, medianDays: 45, p90Days: 47, maxDays: 47, buckets: { '31+': 3 } },
  /** A1's sessions: s1–s4; FAIL among them: s1, s2 */
  a1Fail: [1, 2],
};
