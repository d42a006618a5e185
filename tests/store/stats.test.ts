// Dashboard / rule statistics on both backends: the same hand-worked numbers from the same store
// (tests/helpers/dashboard-store.ts) on SQLite and PostgreSQL, filters, week grouping, the queue filter the
// dashboard's drill-down links use. (The migration adding the session region: tests/store/store.test.ts.)
import { afterAll, describe, expect, it } from 'vitest';
import { computeStats, statsTable, weekOf, type Stats } from '../../src/store/index.js';
import { AS_OF, EXPECTED, buildDashboardStore, keyOf } from '../helpers/dashboard-store.js';
import { storeBackends } from '../helpers/store-backends.js';

const { backends: BACKENDS, havePg, cleanup } = await storeBackends('stats');
afterAll(cleanup);

const results: Record<string, Stats> = {};
const strip = (st: Stats) => ({ ...st, generatedAt: '' });

describe.each(BACKENDS)('$name stats', (b) => {
  const test = it.skipIf(!b.available);

  test('match the hand-worked numbers; filters; the queue filter', async () => {
    const store = b.open(b.location('stats'));
    try {
      await buildDashboardStore(store);
      const st = await computeStats(store, { asOf: AS_OF });
      results[b.name] = st;
      expect(st.totals).toMatchObject(EXPECTED.totals);
      expect(st.totals.failRate).toBeCloseTo(4 / 12, 10);
      const pairs = (rows: Stats['agents']) => Object.fromEntries(rows.map((r) => [r.key, [r.sessions, r.fail]]));
      expect(pairs(st.agents)).toEqual(EXPECTED.agents);
      expect(st.agents[0]!.key).toBe('A1'); // most FAIL first
      expect(pairs(st.regions)).toEqual(EXPECTED.regions);
      expect(pairs(st.channels)).toEqual(EXPECTED.channels);
      expect(pairs(st.products)).toEqual(EXPECTED.products);
      const four = (rows: Stats['days']) =>
        Object.fromEntries(rows.map((r) => [r.key, [r.sessions, r.fail, r.review, r.pass]]));
      expect(four(st.days)).toEqual(EXPECTED.days);
      expect(st.days.map((d) => d.key)).toEqual(Object.keys(EXPECTED.days));
      expect(four(st.weeks)).toEqual(EXPECTED.weeks);

      expect(st.rules.map((r) => r.ruleId)).toEqual(EXPECTED.ruleOrder);
      for (const r of st.rules) {
        const e = EXPECTED.rules[r.ruleId]!;
        expect(
          { ...r, precision: r.precision === null ? null : Number(r.precision.toFixed(6)) },
          r.ruleId,
        ).toMatchObject({
          flagged: e.flagged,
          fail: e.fail,
          undetermined: e.undetermined,
          failingSessions: e.failingSessions,
          confirmed: e.confirmed,
          overturned: e.overturned,
          decided: e.decided,
          pending: e.pending,
          precision: e.precision === null ? null : Number(e.precision.toFixed(6)),
          recent: { decided: e.recent[0], overturned: e.recent[1] },
          before: { decided: e.before[0], overturned: e.before[1] },
          drifting: e.drifting,
        });
        if (r.decided) {
          expect(r.precisionLow!).toBeLessThanOrEqual(r.precision!);
          expect(r.precisionHigh!).toBeGreaterThanOrEqual(r.precision!);
        }
      }
      expect(st.rules.find((r) => r.ruleId === 'hedge')!.drift).toBe(1);
      expect(st.rules.find((r) => r.ruleId === 'excl')!.title).toBe('提示责任免除条款');

      const { buckets: lb, ...lat } = EXPECTED.latency;
      expect(st.decisionLatency).toMatchObject(lat);
      expect(Object.fromEntries(st.decisionLatency.buckets.map((x) => [x.label, x.count]))).toEqual(lb);
      const { buckets: bb, ...back } = EXPECTED.backlog;
      expect(st.backlog).toMatchObject(back);
      expect(st.backlog.buckets.find((x) => x.label === '31+')!.count).toBe(bb['31+']);

      // filters
      const a1 = await computeStats(store, { asOf: AS_OF, filter: { agentId: 'A1' } });
      expect(a1.totals).toMatchObject({ sessions: 4, fail: 2, review: 1, pass: 1 });
      expect(a1.rules.find((r) => r.ruleId === 'excl')).toMatchObject({
        flagged: 3,
        confirmed: 2,
        overturned: 0,
        pending: 1,
      });
      const wk2 = await computeStats(store, {
        asOf: AS_OF,
        filter: { from: '2026-11-09', to: '2026-11-09', region: '440300' },
      });
      expect(wk2.totals).toMatchObject({ sessions: 2, fail: 1, pass: 1 });
      const none = await computeStats(store, { asOf: AS_OF, filter: { channel: 'telesales' } });
      expect(none.totals.sessions).toBe(0);
      expect(none.rules).toEqual([]);
      expect(none.decisionLatency.medianDays).toBeNull();

      // the queue filter behind the drill-down links
      const q = await store.queue({ includeDecided: true, filter: { agentId: 'A1', verdict: 'FAIL' } });
      expect(q.map((i) => i.session.key).sort()).toEqual(EXPECTED.a1Fail.map(keyOf).sort());
      const byRule = await store.queue({ includeDecided: true, filter: { ruleId: 'promise' } });
      expect(byRule.map((i) => i.session.name).sort()).toEqual(['s12', 's2', 's5']);
      expect((await store.queue({ filter: { region: '310000' } })).map((i) => i.session.name).sort()).toEqual([
        's12',
        's3',
      ]); // open ones
      expect(((await store.getSession(keyOf(1))) as { region?: string }).region).toBe('310000');

      // CSV tables carry the same figures
      const rules = statsTable(st, 'rules');
      expect(rules[0]).toMatchObject({
        rule_id: 'excl',
        flagged: 4,
        confirmed: 2,
        overturned: 1,
        pending: 1,
        precision: '0.6667',
      });
      expect(statsTable(st, 'agents')[0]).toMatchObject({ agent: 'A1', sessions: 4, fail: 2, fail_rate: '0.5' });
    } finally {
      await store.close();
    }
  });
});

describe('stats on both stores', () => {
  it.skipIf(!havePg)('are identical', () => {
    expect(strip(results.PostgreSQL!)).toEqual(strip(results.SQLite!));
  });

  it('weeks start on Monday', () => {
    expect(weekOf('2026-11-08')).toBe('2026-11-02'); // a Sunday
    expect(weekOf('2026-11-09')).toBe('2026-11-09');
    expect(weekOf('')).toBe('');
  });
});
