// The review server over a real batch store, driven in headless Chromium (Debian's chromium through
// playwright-core): log in with the token, open a flagged session, seek the video to a finding,
// record decisions (superseding, never overwriting), see them in the export. Without the token: 401.
// Path traversal and script injection through the API, the metadata, the transcript and comments
// are rejected or escaped.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importTranscript } from '../../src/asr/import/index.js';
import { ExpectedSchema } from '../../src/eval/metrics.js';
import { writeEvalSet } from '../../src/review/export.js';
import { startReviewServer, type RunningServer } from '../../src/review/server.js';
import { isCurrent, openStore, type CurrentSession, type Store } from '../../src/store/index.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { addRecording, addTranscriptOnly } from '../batch/inbox.js';
import { writeTestPacks } from '../batch/rules.js';

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
const TOKEN = 'test-token-0123456789abcdef';
const PWNED = 'window.__pwned';

const work = mkdtempSync(join(tmpdir(), 'dualrec-review-'));
const inbox = join(work, 'inbox');
const out = join(work, 'out');
let store: Store;
let server: RunningServer;
let browser: Browser;
let sessions: CurrentSession[];

const byName = (name: string) => sessions.find((s) => s.name === name)!;

/** A raw request (no URL normalisation: "..", "%2e%2e" reach the server as written). */
function raw(
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const u = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path, method: opts.method ?? 'GET', headers: opts.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
const bearer = { authorization: `Bearer ${TOKEN}`, 'x-reviewer': 'api-bot' };

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} not found: install the chromium package (scripts/setup.sh test does)`);
  const packs = writeTestPacks(join(work, 'rules'));
  addRecording(join(inbox, '2024-05-01'), 'flagged', 'missing-exclusions');
  addRecording(join(inbox, '2024-05-01'), 'clean', 'compliant-participating');
  const evil = addTranscriptOnly(join(inbox, 'x'), 'evil', 'missing-exclusions', {
    agent: { id: `"><script>${PWNED}=1</script>` },
    product: { type: 'other', name: `<img src=x onerror="${PWNED}=2">` },
  });
  const tfile = join(evil.dir, 'evil.transcript.json');
  const t = JSON.parse(readFileSync(tfile, 'utf8')) as { segments: { text: string }[] };
  t.segments[0]!.text = `<img src=x onerror="${PWNED}=3"></p><script>${PWNED}=4</script>您好`;
  writeFileSync(tfile, JSON.stringify(t));
  const r = runCli(['batch', inbox, '--out', out, '--rules', packs.a, '--concurrency', '2', '--no-vision'], {
    timeoutMs: 180_000,
  });
  expect([0, 3], r.stderr).toContain(r.code);
  store = openStore(join(out, 'dualrec.sqlite'));
  sessions = await store.currentSessions();
  server = await startReviewServer({ store, token: TOKEN, port: 0 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await store?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('review server: access', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
  });

  it('answers 401 without the token, for pages, API, media and export', async () => {
    const key = byName('flagged').key;
    for (const path of [
      '/',
      '/api/queue',
      `/session/${key}`,
      `/media/${key}`,
      '/api/decisions.csv',
      '/api/decisions.json',
      `/api/sessions/${key}`,
    ]) {
      const r = await raw(path);
      expect(r.status, path).toBe(401);
      expect(r.body).not.toContain('flagged');
    }
    const loginPage = await raw('/');
    expect(loginPage.body).toContain('name="token"'); // the login form
    expect(loginPage.headers['content-security-policy']).toMatch(/default-src 'none'; script-src 'self'/);
    expect(loginPage.headers['x-frame-options']).toBe('DENY');
    expect((await raw('/api/queue', { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(
      401,
    );
    expect(
      (await raw('/api/queue', { headers: { cookie: 'dualrec_review=eyJyIjoieCIsInQiOjB9.forged' } })).status,
    ).toBe(401);
    const post = await raw(`/api/sessions/${key}/decisions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(post.status).toBe(401);
    const wrongLogin = await raw('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=nope&reviewer=x',
    });
    expect(wrongLogin.status).toBe(401);
    expect(wrongLogin.headers['set-cookie']).toBeUndefined();
    expect((await raw('/api/queue', { headers: bearer })).status).toBe(200);
  });

  it('does not serve a recording replaced by a symbolic link (to any file on the machine)', async () => {
    const s = byName('clean');
    expect((await raw(`/media/${s.key}`, { headers: bearer })).status).toBe(200);
    const saved = `${s.recording!}.saved`;
    renameSync(s.recording!, saved);
    symlinkSync('/etc/passwd', s.recording!);
    try {
      const r = await raw(`/media/${s.key}`, { headers: bearer });
      expect(r.status).toBe(404);
      expect(r.body).not.toContain('root:');
    } finally {
      rmSync(s.recording!);
      renameSync(saved, s.recording!);
    }
  });

  it('rejects path traversal through session keys, report files and media', async () => {
    const s = byName('flagged');
    mkdirSync(join(s.reportDir, 'frames'), { recursive: true });
    writeFileSync(join(s.reportDir, 'frames', 'ok.png'), Buffer.from('89504e470d0a1a0a', 'hex'));
    symlinkSync('/etc/passwd', join(s.reportDir, 'frames', 'leak.png'));
    const ok = await raw(`/session/${s.key}/frames/ok.png`, { headers: bearer });
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('image/png');
    const attempts = [
      `/session/${s.key}/..%2f..%2f..%2f..%2fetc%2fpasswd`,
      `/session/${s.key}/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd`,
      `/session/${s.key}/frames/..%2f..%2f..%2fdualrec.sqlite`,
      `/session/${s.key}/frames/leak.png`,
      `/session/${s.key}/frames/%2fetc%2fpasswd`,
      `/session/${s.key}/report.json`,
      `/session/..%2f..%2f..%2fetc/report`,
      `/session/${s.key.slice(0, 31)}%00/report`,
      `/media/..%2f..%2fetc%2fpasswd`,
      `/media/${'0'.repeat(32)}`,
      `/api/sessions/..%2f${s.key}`,
    ];
    for (const path of attempts) {
      const r = await raw(path, { headers: bearer });
      expect([400, 404], `${path} → ${r.status}`).toContain(r.status);
      expect(r.body).not.toMatch(/root:|SQLite format/);
    }
  });

  it('validates decision bodies and refuses stale or incomplete decisions', async () => {
    const s = byName('flagged');
    const post = (body: unknown, type = 'application/json') =>
      raw(`/api/sessions/${s.key}/decisions`, {
        method: 'POST',
        headers: { ...bearer, 'content-type': type },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    expect((await post({ runId: s.run.id, decision: 'delete' })).status).toBe(400);
    expect((await post({ runId: s.run.id, decision: 'confirm', findingIdx: -1 })).status).toBe(400);
    expect((await post({ runId: s.run.id, decision: 'confirm', sql: "'; DROP TABLE decisions; --" })).status).toBe(400);
    expect((await post({ runId: '../../etc', decision: 'confirm' })).status).toBe(400);
    expect((await post({ runId: s.run.id, decision: 'confirm', findingIdx: 999 })).status).toBe(400);
    expect((await post({ runId: s.run.id, decision: 'overturn', comment: '  ' })).status).toBe(400);
    expect((await post('{"runId":', 'application/json')).status).toBe(400);
    expect((await post(`runId=${s.run.id}&decision=confirm`, 'application/x-www-form-urlencoded')).status).toBe(415);
    expect((await post({ runId: '00000000-0000-4000-8000-000000000000', decision: 'confirm' })).status).toBe(409);
    expect((await store.decisions({ includeSuperseded: true })).length).toBe(0);
  });
});

async function login(page: Page, reviewer: string): Promise<void> {
  const first = await page.goto(`${server.url}/`);
  expect(first?.status()).toBe(401);
  await page.fill('input[name=token]', TOKEN);
  await page.fill('input[name=reviewer]', reviewer);
  await Promise.all([page.waitForURL(`${server.url}/`), page.click('form.login button[type=submit]')]);
}

describe('review page in Chromium', () => {
  it('logs in, opens a flagged session, seeks the video to a finding, records decisions and exports them', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    const mediaStatuses: number[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/media/')) mediaStatuses.push(r.status());
    });
    await login(page, '审核员甲 <b>');
    await expect(page.locator('header.bar .who b').textContent()).resolves.toBe('审核员甲 <b>');

    // the queue: the FAIL/REVIEW sessions, not the PASS ones
    const flaggedNames = sessions
      .filter((s) => s.run.verdict !== 'PASS')
      .map((s) => s.sessionId)
      .sort();
    const listed = (await page.locator('#queue a.open').allTextContents()).sort();
    expect(listed).toEqual(flaggedNames);
    const flagged = byName('flagged');
    await Promise.all([
      page.waitForURL(`**/session/${flagged.key}`),
      page.click(`a.open[href="/session/${flagged.key}"]`),
    ]);

    // the video plays from the finding's evidence time
    await page.waitForFunction(
      () => (document.getElementById('video') as HTMLVideoElement | null)?.readyState! >= 1,
      null,
      { timeout: 30_000 },
    );
    const findings = await store.findingsOf(flagged.run.id);
    const timed = findings.find((f) => f.evidence.some((e) => e.start !== undefined && e.start > 5))!;
    expect(timed).toBeTruthy();
    const seek = page.locator(`#f-${timed.idx} button.seek`).first();
    const target = Number(await seek.getAttribute('data-t'));
    expect(target).toBeCloseTo(timed.evidence.find((e) => e.start !== undefined)!.start!, 3);
    await seek.click();
    await page.waitForFunction((t) => {
      const v = document.getElementById('video') as HTMLVideoElement;
      return Math.abs(v.currentTime - t) < 1.5;
    }, target);
    expect(mediaStatuses).toContain(206); // the player seeks with byte ranges

    // a decision on the blocking finding, then a second one that supersedes it, then the session's
    const blocking = findings.find((f) => f.status === 'fail' && f.severity === 'critical')!;
    const card = page.locator(`#f-${blocking.idx}`);
    await card.locator('select[name=decision]').selectOption('overturn');
    await card.locator('textarea[name=comment]').fill(`客户其实听到了 <script>${PWNED}=5</script>`);
    await Promise.all([page.waitForEvent('load'), card.locator('button[type=submit]').click()]);
    await expect(page.locator(`#f-${blocking.idx} .history li`).first().textContent()).resolves.toContain(
      `<script>${PWNED}=5</script>`,
    );

    const card2 = page.locator(`#f-${blocking.idx}`);
    await card2.locator('select[name=decision]').selectOption('confirm');
    await card2.locator('textarea[name=comment]').fill('复听确认未说明责任免除');
    await Promise.all([page.waitForEvent('load'), card2.locator('button[type=submit]').click()]);
    expect(await page.locator(`#f-${blocking.idx} .history li`).count()).toBe(2);
    expect(await page.locator(`#f-${blocking.idx} .history li.old`).count()).toBe(1);

    const sess = page.locator('#session-decision');
    await sess.locator('select[name=decision]').selectOption('rerecord');
    await sess.locator('textarea[name=comment]').fill('=HYPERLINK("http://x")');
    await Promise.all([page.waitForEvent('load'), sess.locator('button[type=submit]').click()]);
    expect(await page.locator('#session-decision .history li').count()).toBe(1);

    // the export has all three, with who and when, the overturn marked superseded
    const exported = await page.evaluate(() => fetch('/api/decisions.json').then((r) => r.json()));
    const rows = (exported as { decisions: Record<string, unknown>[] }).decisions;
    expect(rows.map((r) => [r.decision, r.scope, r.reviewer, r.current])).toEqual([
      ['overturn', 'finding', '审核员甲 <b>', false],
      ['confirm', 'finding', '审核员甲 <b>', true],
      ['rerecord', 'session', '审核员甲 <b>', true],
    ]);
    expect(rows[0]!.superseded_by).toBe((rows[1] as { decision_id: string }).decision_id);
    expect(rows[0]!.rule_id).toBe(blocking.ruleId);
    for (const r of rows) expect(Date.parse(String(r.decided_at))).not.toBeNaN();
    const csv = await page.evaluate(() => fetch('/api/decisions.csv').then((r) => r.text()));
    expect(csv).toContain('"\'=HYPERLINK(""http://x"")"'); // formula injection defused
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(4);

    // the decided session left the open queue
    await page.goto(`${server.url}/`);
    expect(await page.locator(`a.open[href="/session/${flagged.key}"]`).count()).toBe(0);
    await page.goto(`${server.url}/?show=decided`);
    expect(await page.locator(`a.open[href="/session/${flagged.key}"]`).count()).toBe(1);

    // the full report, re-rendered with the video served from here
    const rep = await page.goto(`${server.url}/session/${flagged.key}/report`);
    expect(rep?.status()).toBe(200);
    await expect(page.locator('video').count()).resolves.toBe(1);

    expect(problems).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await page.close();
  }, 120_000);

  it('shows hostile metadata, transcript text and comments as text, never as markup', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await login(page, 'reviewer');
    const evil = byName('evil');
    const api = await raw(`/api/sessions/${evil.key}/decisions`, {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ runId: evil.run.id, decision: 'confirm', comment: `<img src=x onerror="${PWNED}=6">` }),
    });
    expect(api.status).toBe(201);
    for (const path of ['/', '/?show=all', `/session/${evil.key}`, `/session/${evil.key}/report`]) {
      const r = await page.goto(`${server.url}${path}`);
      expect(r?.status(), path).toBe(200);
      await page.waitForLoadState('load');
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), path).toBeUndefined();
      expect(await page.locator('img[src="x"]').count(), path).toBe(0);
    }
    await page.goto(`${server.url}/session/${evil.key}`);
    const text = await page.locator('body').innerText();
    expect(text).toContain(`"><script>${PWNED}=1</script>`);
    expect(text).toContain(`<img src=x onerror="${PWNED}=3">`);
    expect(text).toContain(`<img src=x onerror="${PWNED}=6">`);
    expect(problems).toEqual([]);

    // logging out ends the session
    await page.click('header.bar form button');
    const after = await page.goto(`${server.url}/`);
    expect(after?.status()).toBe(401);
    await page.close();
  }, 90_000);

  it('turns decisions into labelled sessions for eval', async () => {
    const dir = join(work, 'eval-set');
    const n = await writeEvalSet(store, dir);
    expect(n).toBe(2); // flagged (decided in the browser) and evil (decided through the API)
    const expected = ExpectedSchema.parse(JSON.parse(readFileSync(join(dir, 'flagged.expected.json'), 'utf8')));
    expect(expected.verdict).toBe('REVIEW'); // the session decision: needs re-recording
    const flagged = byName('flagged');
    const blocking = (await store.findingsOf(flagged.run.id)).find(
      (f) => f.status === 'fail' && f.severity === 'critical',
    )!;
    for (const c of blocking.concepts) expect(expected.concepts[c as keyof typeof expected.concepts]).toBe('fail'); // confirmed
    expect(importTranscript(join(dir, 'flagged.transcript.json')).segments.length).toBeGreaterThan(0);
    const s = await store.getSession(flagged.key);
    expect(isCurrent(s)).toBe(true);
    // and `dualrec eval` reads the set
    const ev = runCli(['eval', dir, '--noise', '0', '--json', '--rules', join(work, 'rules', 'pack-a')], {
      timeoutMs: 120_000,
    });
    expect(ev.code, ev.stderr.slice(-1500)).toBe(0);
    expect(() => JSON.parse(ev.stdout) as unknown).not.toThrow();
  }, 120_000);
});

describe('index.html in Chromium', () => {
  it('filters the batch summary by verdict, agent and date', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(pathToFileURL(join(out, 'index.html')).href);
    const visible = () => page.locator('tbody tr:not([hidden])').count();
    // the reset handler filters on the next tick
    const settle = (n: number) =>
      page
        .waitForFunction((k) => document.querySelectorAll('tbody tr:not([hidden])').length === k, n, { timeout: 5000 })
        .catch(() => undefined);
    expect(await visible()).toBe(sessions.length);
    const fails = sessions.filter((s) => s.run.verdict === 'FAIL').length;
    await page.selectOption('select[name=verdict]', 'FAIL');
    expect(await visible()).toBe(fails);
    expect(await page.locator('#shown').textContent()).toBe(String(fails));
    await page.selectOption('select[name=verdict]', '');
    await page.fill('input[name=agent]', 'script'); // the hostile agent id, matched as text
    expect(await visible()).toBe(1);
    await page.fill('input[name=agent]', '');
    await page.fill('input[name=from]', '2099-01-01');
    expect(await visible()).toBe(0);
    await page.click('button[type=reset]');
    await settle(sessions.length);
    expect(await visible()).toBe(sessions.length);
    // each link opens that session's report
    const href = await page.locator('tbody tr a').first().getAttribute('href');
    expect(existsSync(join(out, decodeURIComponent(href!)))).toBe(true);
    expect(problems).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await page.close();
  });
});

describe('dualrec review (CLI)', () => {
  it('serves with a generated token printed once, and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'review', 'serve', '--out', out, '--port', '0'],
      {
        cwd: ROOT,
        env: { ...process.env, DUALREC_LOG_LEVEL: 'warn', DUALREC_REVIEW_TOKEN: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    while (!/token: \S+/.test(stdout)) {
      if (child.exitCode !== null) throw new Error(`review serve exited: ${stdout}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const url = /review queue: (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout)![1]!;
    const token = /token: (\S+)/.exec(stdout)![1]!;
    expect(token.length).toBeGreaterThanOrEqual(16);
    expect((await fetch(`${url}/api/queue`)).status).toBe(401);
    const ok = await fetch(`${url}/api/queue?all=1`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { items: unknown[] }).items.length).toBeGreaterThan(0);
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  }, 60_000);

  it('refuses a short token and a missing store, and exports decisions as CSV', () => {
    const short = runCli(['review', 'serve', '--out', out, '--token', 'short']);
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/at least 16 characters/);
    const none = runCli(['review', 'export', '--out', join(work, 'nowhere')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no store here/);
    const csv = runCli(['review', 'export', '--out', out, '--format', 'csv']);
    expect(csv.code, csv.stderr).toBe(0);
    const lines = csv.stdout.split('\r\n').filter(Boolean);
    expect(lines[0]).toMatch(/^\uFEFFdecision_id,seq,decided_at,reviewer/);
    expect(lines.length).toBe(1 + 4); // three decisions in the browser, one through the API
  });
});
