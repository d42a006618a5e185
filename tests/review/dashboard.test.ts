// The QA dashboard in headless Chromium (Debian's chromium through playwright-core) over a store built in
// the test (tests/helpers/dashboard-store.ts: 12 sessions, three agents, two weeks, decisions confirming
// and overturning): the numbers on the page (data-* attributes) are the hand-worked ones, the five charts
// rendered (canvas present and painted, with the same data), a filter narrows everything, a table link and
// a chart bar drill down into the queue filtered that way; 401 without the token; /api/stats and its CSV
// tables; `dualrec rules stats` prints the numbers /api/stats gives, on SQLite and on PostgreSQL.
// A screenshot of the dashboard is written to tests/.tmp/artefacts/dashboard.png (git-ignored).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReviewServer, type RunningServer } from '../../src/review/server.js';
import { PgStore, SqliteStore, type RuleStats, type Stats, type Store } from '../../src/store/index.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { AS_OF, EXPECTED, SPECS, buildDashboardStore, keyOf } from '../helpers/dashboard-store.js';
import { dropSchemas, needServices, pgStoreUrl } from '../queue/services.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const TOKEN = 'dashboard-token-0123456789';
const AS_OF_Q = `asOf=${encodeURIComponent(AS_OF.toISOString())}`;
const ARTEFACTS = join(ROOT, 'tests', '.tmp', 'artefacts');

const work = mkdtempSync(join(tmpdir(), 'dualrec-dashboard-'));
const storeFile = join(work, 'dualrec.sqlite');
const havePg = await needServices('postgres');
const schemas: string[] = [];
let pgUrl: string | undefined;
let store: Store;
let server: RunningServer;
let browser: Browser;

const bearer = { authorization: `Bearer ${TOKEN}` };
const get = (path: string, headers: Record<string, string> = bearer) =>
  fetch(`${server.url}${path}`, { headers, redirect: 'manual' });

beforeAll(async () => {
  store = new SqliteStore(storeFile);
  await buildDashboardStore(store);
  if (havePg) {
    const s = pgStoreUrl('dashboard');
    schemas.push(s.schema);
    pgUrl = s.url;
    const pgStore = new PgStore(pgUrl);
    await buildDashboardStore(pgStore);
    await pgStore.close();
  }
  server = await startReviewServer({ store, token: TOKEN, port: 0 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  mkdirSync(ARTEFACTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await store?.close();
  rmSync(work, { recursive: true, force: true });
  if (havePg) await dropSchemas(schemas);
});

async function login(page: Page, path: string): Promise<void> {
  const first = await page.goto(`${server.url}${path}`);
  expect(first?.status()).toBe(401);
  await page.fill('input[name=token]', TOKEN);
  await page.fill('input[name=reviewer]', '质检主管');
  // the login page has the same URL as the page behind it, so waitForURL can return before the form's
  // navigation has happened (a reload then hits a page being replaced): wait for the page's own 200
  await Promise.all([
    page.waitForResponse(
      (r) => r.url() === `${server.url}${path}` && r.request().method() === 'GET' && r.status() === 200,
    ),
    page.click('form.login button[type=submit]'),
  ]);
  await page.waitForLoadState('load');
}

/** Watches a page for script errors and CSP violations. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico'))
      problems.push(`${m.text()} (${m.location().url})`);
  });
  return problems;
}

const attr = (page: Page, sel: string, name: string) => page.locator(sel).first().getAttribute(name);
const tile = async (page: Page, name: string) => attr(page, `.tile[data-stat="${name}"]`, 'data-value');

/** Every chart: the canvas is there, has a size, and has painted pixels. */
async function chartsPainted(page: Page): Promise<Record<string, { w: number; h: number; painted: number }>> {
  return page.evaluate(() => {
    const out: Record<string, { w: number; h: number; painted: number }> = {};
    for (const c of Array.from(document.querySelectorAll('canvas'))) {
      const ctx = c.getContext('2d')!;
      const px = ctx.getImageData(0, 0, c.width, c.height).data;
      let painted = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) painted++;
      out[c.id] = { w: c.width, h: c.height, painted };
    }
    return out;
  });
}

describe('dashboard: access', () => {
  it('answers 401 without the token (page, stats, CSV); Chart.js itself is served locally', async () => {
    for (const path of ['/dashboard', '/api/stats', '/api/stats.csv?table=rules', '/dashboard?agent=A1']) {
      const r = await get(path, {});
      expect(r.status, path).toBe(401);
      const body = await r.text();
      expect(body, path).not.toContain('excl');
    }
    expect(await (await get('/dashboard', {})).text()).toContain('name="token"');
    expect((await get('/api/stats', { authorization: 'Bearer not-the-token-at-all' })).status).toBe(401);
    const lib = await get('/static/chart.umd.min.js', {});
    expect(lib.status).toBe(200);
    expect(lib.headers.get('content-type')).toMatch(/javascript/);
    expect(await lib.text()).toContain('Chart.js v4');
    const page = await get('/dashboard');
    expect(page.status).toBe(200);
    // the CSP is the pages' own: scripts from here only, nothing inline
    expect(page.headers.get('content-security-policy')).toMatch(
      /default-src 'none'; script-src 'self'; style-src 'self'/,
    );
  });

  it('refuses bad filter values', async () => {
    expect((await get('/api/stats?from=yesterday')).status).toBe(400);
    expect((await get('/api/stats.csv?table=passwords')).status).toBe(400);
    expect((await get(`/api/stats?agent=${'x'.repeat(101)}`)).status).toBe(400);
    expect((await get('/?verdict=MAYBE')).status).toBe(400);
    expect((await get('/api/queue?verdict=MAYBE')).status).toBe(400);
  });
});

describe('dashboard in Chromium', () => {
  it('shows the right numbers and renders the charts; screenshot', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await login(page, `/dashboard?${AS_OF_Q}`);
    const problems = watch(page);
    await page.reload();
    await page.waitForFunction(() => document.documentElement.getAttribute('data-charts') === '5');

    expect(await tile(page, 'sessions')).toBe('12');
    expect(await tile(page, 'fail')).toBe('4');
    expect(await tile(page, 'review')).toBe('3');
    expect(await tile(page, 'pass')).toBe('5');
    expect(await tile(page, 'backlog')).toBe('3');
    expect(await tile(page, 'median-days')).toBe('1');

    // rule quality, in the dashboard's order
    const rules = await page.locator('table[data-table=rules] tbody tr').evaluateAll((trs) =>
      trs.map((tr) => {
        const d = (tr as HTMLElement).dataset;
        return {
          rule: d.rule,
          flagged: Number(d.flagged),
          failingSessions: Number(d.failingSessions),
          confirmed: Number(d.confirmed),
          overturned: Number(d.overturned),
          pending: Number(d.pending),
          decided: Number(d.decided),
          precision: d.precision === '' ? null : Number(d.precision),
          drifting: d.drifting === 'yes',
        };
      }),
    );
    expect(rules.map((r) => r.rule)).toEqual(EXPECTED.ruleOrder);
    for (const r of rules) {
      const e = EXPECTED.rules[r.rule!]!;
      expect(r, r.rule).toEqual({
        rule: r.rule,
        flagged: e.flagged,
        failingSessions: e.failingSessions,
        confirmed: e.confirmed,
        overturned: e.overturned,
        pending: e.pending,
        decided: e.decided,
        precision: e.precision === null ? null : Math.round(e.precision * 10000) / 10000,
        drifting: e.drifting,
      });
    }
    await expect(page.locator('#drift-warning').textContent()).resolves.toContain('hedge');

    // FAIL rate per agent / region / channel / product
    for (const [table, expected] of [
      ['agents', EXPECTED.agents],
      ['regions', EXPECTED.regions],
      ['channels', EXPECTED.channels],
      ['products', EXPECTED.products],
    ] as const) {
      const got = await page
        .locator(`table[data-table=${table}] tbody tr`)
        .evaluateAll((trs) =>
          Object.fromEntries(
            trs.map((tr) => [
              (tr as HTMLElement).dataset.key,
              [Number((tr as HTMLElement).dataset.sessions), Number((tr as HTMLElement).dataset.fail)],
            ]),
          ),
        );
      expect(got, table).toEqual(expected);
    }
    expect(await attr(page, 'table[data-table=agents] tbody tr', 'data-key')).toBe('A1'); // most FAIL first
    expect(await attr(page, 'table[data-table=agents] tr[data-key=A1]', 'data-fail-rate')).toBe('0.5');

    // the charts: five canvases, painted, holding the same numbers
    const painted = await chartsPainted(page);
    expect(Object.keys(painted).sort()).toEqual([
      'chart-agents',
      'chart-latency',
      'chart-precision',
      'chart-rules',
      'chart-verdicts',
    ]);
    for (const [id, c] of Object.entries(painted)) {
      expect(c.w, id).toBeGreaterThan(100);
      expect(c.h, id).toBeGreaterThan(100);
      expect(c.painted, id).toBeGreaterThan(500);
    }
    const chartData = await page.evaluate(() => {
      const cs = (
        window as unknown as {
          __dashboardCharts: Record<string, { data: { labels: string[]; datasets: { data: number[] }[] } }>;
        }
      ).__dashboardCharts;
      return Object.fromEntries(
        Object.entries(cs).map(([k, c]) => [k, { labels: c.data.labels, data: c.data.datasets.map((d) => d.data) }]),
      );
    });
    const days = Object.keys(EXPECTED.days);
    expect(chartData['chart-verdicts']!.labels).toEqual(days);
    expect(chartData['chart-verdicts']!.data).toEqual([1, 2, 3].map((k) => days.map((d) => EXPECTED.days[d]![k])));
    expect(chartData['chart-rules']).toEqual({ labels: ['excl', 'promise', 'fee'], data: [[3, 2, 1]] });
    expect(chartData['chart-agents']).toEqual({ labels: ['A1', 'A2', 'A3'], data: [[50, 25, 25]] });
    expect(chartData['chart-precision']!.data).toEqual([[66.7, 50, 50]]);
    expect(chartData['chart-latency']!.data).toEqual([Object.values(EXPECTED.latency.buckets), [0, 0, 0, 0, 0, 3]]);

    await page.screenshot({ path: join(ARTEFACTS, 'dashboard.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);

  it('filters, groups by week, and drills down into the queue from a table and from a chart', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await login(page, `/dashboard?${AS_OF_Q}`);
    const problems = watch(page);
    await page.reload();

    // a filter: agent A1
    await page.fill('input[name=agent]', 'A1');
    await Promise.all([page.waitForURL(/agent=A1/), page.click('form.filters button[type=submit]')]);
    await page.waitForFunction(() => document.documentElement.getAttribute('data-charts') === '5');
    expect(await tile(page, 'sessions')).toBe('4');
    expect(await tile(page, 'fail')).toBe('2');
    expect(new URL(page.url()).searchParams.get('asOf')).toBe(AS_OF.toISOString()); // kept through the form
    expect(await page.locator('table[data-table=agents] tbody tr').count()).toBe(1);
    expect(await attr(page, 'table[data-table=rules] tr[data-rule=excl]', 'data-flagged')).toBe('3');

    // per week
    await page.fill('input[name=agent]', '');
    await page.selectOption('select[name=period]', 'week');
    await Promise.all([page.waitForURL(/period=week/), page.click('form.filters button[type=submit]')]);
    await page.waitForFunction(() => document.documentElement.getAttribute('data-charts') === '5');
    const weekLabels = await page.evaluate(
      () =>
        (window as unknown as { __dashboardCharts: Record<string, { data: { labels: string[] } }> }).__dashboardCharts[
          'chart-verdicts'
        ]!.data.labels,
    );
    expect(weekLabels).toEqual(Object.keys(EXPECTED.weeks));
    expect(await attr(page, 'table[data-table=weeks] tr[data-key="2026-11-02"]', 'data-sessions')).toBe('8');

    // drill-down from the agents table: A1's FAIL sessions in the queue
    await page.goto(`${server.url}/dashboard?${AS_OF_Q}`);
    const link = page.locator('table[data-table=agents] tr[data-key=A1] td.v-FAIL a');
    expect(await link.getAttribute('href')).toBe('/?show=all&agent=A1&verdict=FAIL');
    await Promise.all([page.waitForURL(/verdict=FAIL/), link.click()]);
    const listed = (
      await page.locator('#queue tbody tr').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.key))
    ).sort();
    expect(listed).toEqual(EXPECTED.a1Fail.map(keyOf).sort());
    await expect(page.locator('#queue-filter').textContent()).resolves.toMatch(/A1[\s\S]*FAIL/);

    // drill-down from a chart: the first bar of the top failing rules
    await page.goto(`${server.url}/dashboard?${AS_OF_Q}`);
    await page.waitForFunction(() => document.documentElement.getAttribute('data-charts') === '5');
    const bar = await page.evaluate(() => {
      const c = (
        window as unknown as {
          __dashboardCharts: Record<
            string,
            { getDatasetMeta(i: number): { data: { x: number; y: number; base: number }[] } }
          >;
        }
      ).__dashboardCharts['chart-rules']!;
      const el = c.getDatasetMeta(0).data[0]!;
      return { x: (el.x + el.base) / 2, y: el.y };
    });
    const box = (await page.locator('#chart-rules').boundingBox())!;
    await Promise.all([page.waitForURL(/rule=excl/), page.mouse.click(box.x + bar.x, box.y + bar.y)]);
    const ruleSessions = await page
      .locator('#queue tbody tr')
      .evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.key));
    // excl fails in s1, s2, s9 (all FAIL)
    expect(ruleSessions.sort()).toEqual([1, 2, 9].map(keyOf).sort());
    expect(new URL(page.url()).searchParams.get('verdict')).toBe('FAIL');
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);
});

describe('/api/stats and `dualrec rules stats`', () => {
  let api: Stats;

  it('/api/stats gives the same figures per rule, agent, channel, product and day', async () => {
    const r = await get(`/api/stats?${AS_OF_Q}`);
    expect(r.status).toBe(200);
    api = (await r.json()) as Stats;
    expect(api.totals).toMatchObject(EXPECTED.totals);
    expect(api.rules.map((x) => x.ruleId)).toEqual(EXPECTED.ruleOrder);
    expect(Object.fromEntries(api.agents.map((a) => [a.key, [a.sessions, a.fail]]))).toEqual(EXPECTED.agents);
    expect(Object.fromEntries(api.channels.map((a) => [a.key, [a.sessions, a.fail]]))).toEqual(EXPECTED.channels);
    expect(Object.fromEntries(api.products.map((a) => [a.key, [a.sessions, a.fail]]))).toEqual(EXPECTED.products);
    expect(api.days.map((d) => d.key)).toEqual(Object.keys(EXPECTED.days));
    expect(api.asOf).toBe(AS_OF.toISOString());
    const filtered = (await (await get(`/api/stats?${AS_OF_Q}&channel=bank&product=participating`)).json()) as Stats;
    expect(filtered.totals.sessions).toBe(
      SPECS.filter((s) => s.channel === 'bank' && s.product === 'participating').length,
    );
  });

  it('exports each table as CSV', async () => {
    const rules = await get(`/api/stats.csv?table=rules&${AS_OF_Q}`);
    expect(rules.headers.get('content-type')).toMatch(/text\/csv/);
    expect(rules.headers.get('content-disposition')).toContain('dualrec-stats-rules.csv');
    const lines = (await rules.text())
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .filter(Boolean);
    expect(lines[0]).toMatch(
      /^rule_id,title,severity,flagged,fail,undetermined,failing_sessions,confirmed,overturned,decided,pending,precision/,
    );
    const cells = (line: string) => line.split(',').map((c) => c.replace(/^"|"$/g, ''));
    expect(lines.slice(1).map((l) => cells(l)[0])).toEqual(EXPECTED.ruleOrder);
    expect(cells(lines[1]!).slice(0, 12).join(',')).toBe('excl,提示责任免除条款,critical,4,3,1,3,2,1,3,1,0.6667');
    for (const table of ['days', 'weeks', 'agents', 'regions', 'channels', 'products', 'latency', 'backlog']) {
      const r = await get(`/api/stats.csv?table=${table}&${AS_OF_Q}`);
      expect(r.status, table).toBe(200);
      expect((await r.text()).split('\r\n').filter(Boolean).length, table).toBeGreaterThan(1);
    }
    const agents = (await (await get(`/api/stats.csv?table=agents&${AS_OF_Q}`)).text()).split('\r\n');
    expect(cells(agents[1]!).join(',')).toBe('A1,4,2,1,1,0.5');
    const empty = await get('/api/stats.csv?table=agents&channel=telesales');
    expect(new Uint8Array(await empty.clone().arrayBuffer()).slice(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf])); // BOM for spreadsheets
    expect(
      (await empty.text())
        .replace(/^\uFEFF/, '')
        .split('\r\n')
        .filter(Boolean),
    ).toEqual(['agent,sessions,fail,review,pass,fail_rate']);
  });

  const cliRules = (store: string) => {
    const r = runCli(['rules', 'stats', '--store', store, '--json', '--as-of', AS_OF.toISOString()]);
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { rules: RuleStats[] }).rules;
  };

  it('`rules stats --json` gives the numbers /api/stats gives (SQLite store)', () => {
    expect(cliRules(storeFile)).toEqual(api.rules);
  });

  it.skipIf(!havePg)('`rules stats --json` gives the same numbers on a PostgreSQL store', () => {
    expect(cliRules(pgUrl!)).toEqual(api.rules);
  });

  it('`rules stats` prints the table', () => {
    const r = runCli(['rules', 'stats', '--out', work, '--as-of', AS_OF.toISOString()]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^rule\s+fail sessions\s+flagged\s+confirmed\s+overturned\s+pending\s+precision/);
    expect(lines[1]).toMatch(/^excl\s+3\s+4\s+2\s+1\s+1\s+67% of 3/);
    expect(lines.find((l) => l.startsWith('hedge'))).toMatch(/DRIFTING/);
    expect(r.stdout).toMatch(/4 rule\(s\) with flagged findings; 15 finding decision\(s\); overturns rising: hedge/);
    const none = runCli(['rules', 'stats', '--out', join(work, 'nowhere')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no store here/);
  });
});
