// `dualrec batch` and `dualrec rescore` end to end through the CLI: real recordings (copies of the
// samples, real ffmpeg), transcript-only sessions, a broken recording and a broken sidecar, one
// SQLite file on disk. Checks the summary, the reports, the store, skipping, a changed report,
// --since, index.html (escaping, links) and re-scoring with changed rules without the recordings.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchSummary } from '../../src/batch/run.js';
import type { RescoreSummary } from '../../src/batch/rescore.js';
import type { Report } from '../../src/model/index.js';
import { validateReportFile } from '../../src/report/schema.js';
import { SqliteStore, isCurrent } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { addTranscriptOnly, makeInbox, type MadeSession } from './inbox.js';
import { sessionKey } from '../../src/batch/discover.js';
import { writeTestPacks } from './rules.js';

const work = mkdtempSync(join(tmpdir(), 'dualrec-batch-'));
const inbox = join(work, 'inbox');
const out = join(work, 'out');
let made: MadeSession[] = [];
let first: BatchSummary;
const packs = writeTestPacks(join(work, 'rules'));

const reportDirOf = (m: MadeSession) => join(out, relative(inbox, m.dir), m.name);
const readReport = (m: MadeSession) => JSON.parse(readFileSync(join(reportDirOf(m), 'report.json'), 'utf8')) as Report;
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const RANK = { FAIL: 0, REVIEW: 1, PASS: 2 } as const;

function batch(...args: string[]): { code: number; summary: BatchSummary; stderr: string } {
  const r = runCli(
    ['batch', inbox, '--out', out, '--concurrency', '2', '--rules', packs.a, '--json', '--no-vision', ...args],
    { timeoutMs: 240_000 },
  );
  if (!r.stdout.trim().startsWith('{'))
    throw new Error(`batch printed no summary (exit ${r.code}): ${r.stderr.slice(-2000)}`);
  return { code: r.code, summary: JSON.parse(r.stdout) as BatchSummary, stderr: r.stderr };
}

function withStore<T>(fn: (s: SqliteStore) => T): T {
  const s = new SqliteStore(join(out, 'dualrec.sqlite'));
  try {
    return fn(s);
  } finally {
    void s.close();
  }
}

beforeAll(() => {
  made = makeInbox(inbox, { recordings: 4, transcripts: 4 });
  // hostile metadata must come out escaped in index.html
  made.push(
    addTranscriptOnly(join(inbox, 'x'), 'evil', 'missing-exclusions', {
      agent: { id: '<script>alert(1)</script>' },
      product: { type: 'other', name: '<img src=x onerror=alert(2)>' },
      recorded_at: '2024-05-03',
    }),
  );
  // a broken sidecar: that session gets a report saying why, the batch goes on
  const bad = addTranscriptOnly(join(inbox, 'x'), 'bad-meta', 'compliant-participating');
  writeFileSync(join(bad.dir, 'bad-meta.meta.json'), '{ not json');
  made.push(bad);
  first = batch().summary;
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('dualrec batch', () => {
  it('analyzes every session, recursively, and exits 3 naming what could not be processed', () => {
    expect(first.discovered).toBe(made.length);
    expect(first.analysed).toBe(made.length);
    expect(first.skipped).toBe(0);
    expect(first.verdicts.FAIL + first.verdicts.REVIEW + first.verdicts.PASS).toBe(made.length);
    const failed = first.failures.map((f) => f.name).sort();
    expect(failed).toEqual(['bad-meta', 'rec02-broken-truncated']);
    expect(first.failures.find((f) => f.name === 'bad-meta')?.reason).toMatch(/bad-meta\.meta\.json/);
    expect(first.failures.find((f) => f.name === 'rec02-broken-truncated')?.reason).toMatch(
      /rec02-broken-truncated\.mp4/,
    );
    // riskiest first: verdict order, then risk
    const order = first.sessions.map((s) => [RANK[s.verdict!], -(s.risk ?? 0)] as const);
    const sorted = [...order].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(order).toEqual(sorted);
  });

  it('writes one schema-valid report per session and records its hash, verdict and findings in the store', () => {
    withStore((store) => {
      const db = store.raw();
      for (const m of made) {
        const dir = reportDirOf(m);
        const v = validateReportFile(join(dir, 'report.json'));
        expect(v, `${m.name}: ${JSON.stringify(v)}`).toEqual({ ok: true });
        const report = readReport(m);
        const row = db
          .prepare(`SELECT r.* FROM sessions s JOIN runs r ON r.id = s.current_run_id WHERE s.key = ?`)
          .get(sessionKey(dir)) as Record<string, unknown>;
        expect(row.verdict, m.name).toBe(report.verdict);
        expect(row.report_json_sha256).toBe(sha(join(dir, 'report.json')));
        expect(row.report_html_sha256).toBe(sha(join(dir, 'report.html')));
        expect(db.prepare('SELECT COUNT(*) AS n FROM findings WHERE run_id = ?').get(row.id)).toEqual({
          n: report.findings.length,
        });
        if (m.sample === 'broken-truncated' || m.name === 'bad-meta') {
          expect(report.verdict).toBe('REVIEW'); // can't tell → REVIEW, never PASS
          expect(report.error).toBeTruthy();
        }
      }
      // copies of the same sample with the same content get the same verdict
      const bySample = new Map<string, Set<string>>();
      for (const m of made.filter((x) => x.recording))
        bySample.set(m.sample, (bySample.get(m.sample) ?? new Set()).add(readReport(m).verdict));
      for (const [sample, verdicts] of bySample) expect(verdicts.size, sample).toBe(1);
      expect(db.prepare(`SELECT COUNT(*) AS n FROM runs WHERE status <> 'done'`).get()).toEqual({ n: 0 });
    });
  });

  it('queues FAIL and REVIEW sessions for review', async () => {
    const flagged = made
      .filter((m) => readReport(m).verdict !== 'PASS')
      .map((m) => m.name)
      .sort();
    const store = new SqliteStore(join(out, 'dualrec.sqlite'));
    const queue = await store.queue();
    await store.close();
    expect(queue.map((q) => q.session.name).sort()).toEqual(flagged);
  });

  it('writes index.html riskiest first, with filters, working links and escaped metadata', () => {
    const page = readFileSync(join(out, 'index.html'), 'utf8');
    const rows = page.match(/<tr data-verdict="(FAIL|REVIEW|PASS)"/g) ?? [];
    expect(rows).toHaveLength(made.length);
    const verdicts = rows.map((r) => r.slice(18, -1) as keyof typeof RANK);
    expect(verdicts.map((v) => RANK[v])).toEqual([...verdicts.map((v) => RANK[v])].sort());
    for (const name of ['verdict', 'product', 'channel', 'agent', 'from', 'to'])
      expect(page).toContain(`name="${name}"`);
    const hrefs = [...page.matchAll(/href="([^"]+)"/g)].map((m) => decodeURIComponent(m[1]!));
    expect(hrefs).toHaveLength(made.length);
    for (const h of hrefs) expect(existsSync(join(out, h)), h).toBe(true);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>alert(1)');
    expect(page).not.toContain('<img src=x');
    expect(page).not.toMatch(/李秀兰|王明/); // policyholder / agent names never leave the report
  });

  it('skips unchanged sessions on the next run and re-makes a report changed on disk', () => {
    const runsBefore = withStore((s) => (s.raw().prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n);
    const again = batch();
    expect(again.code).toBe(0);
    expect(again.summary.skipped).toBe(made.length);
    expect(again.summary.analysed).toBe(0);
    expect(withStore((s) => (s.raw().prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n)).toBe(
      runsBefore,
    );

    const victim = made.find((m) => m.name === 'tx01')!;
    const file = join(reportDirOf(victim), 'report.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"verdict": "', '"verdict": "X'));
    const third = batch();
    expect(third.summary.reportsChanged).toBe(1);
    expect(third.summary.analysed).toBe(1);
    expect(third.summary.sessions.find((s) => s.status === 'analysed')?.name).toBe('tx01');
    expect(validateReportFile(file)).toEqual({ ok: true });
    withStore((s) => {
      const cur = s
        .raw()
        .prepare(
          'SELECT r.report_json_sha256 AS h FROM sessions s JOIN runs r ON r.id = s.current_run_id WHERE s.key = ?',
        )
        .get(sessionKey(dirname(file)));
      expect(cur).toEqual({ h: sha(file) });
    });
  });

  it('limits the run to sessions recorded since a date', () => {
    const r = batch('--since', '2024-05-02');
    // day-2 recordings (2), the day-3 transcripts (4), evil (day 3), bad-meta (no date: file time)
    expect(r.summary.discovered).toBe(made.length);
    expect(r.summary.inScope).toBe(8);
    const bad = runCli(['batch', inbox, '--out', out, '--rules', packs.a, '--since', 'last tuesday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--since: expected YYYY-MM-DD/);
  });
});

describe('dualrec rescore', () => {
  it('re-scores stored facts with changed rules, without the recordings, and reports the flips', () => {
    const rules = packs.b;
    const before = new Map(made.map((m) => [m.name, readReport(m).verdict]));
    // no media, no ASR: the recordings and transcripts are gone
    for (const m of made) for (const f of readdirSync(m.dir)) if (!f.endsWith('.meta.json')) rmSync(join(m.dir, f));

    const r = runCli(['rescore', '--out', out, '--rules', rules, '--json'], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as RescoreSummary;
    expect(s.withoutFacts).toBe(2); // the two sessions that could not be analyzed
    expect(s.rescored).toBe(made.length - 2);
    const after = new Map(made.map((m) => [m.name, readReport(m).verdict]));
    const changed = made
      .filter((m) => before.get(m.name) !== after.get(m.name))
      .map((m) => m.name)
      .sort();
    expect(s.flips.map((f) => f.name).sort()).toEqual(changed);
    expect(changed.length).toBeGreaterThan(0);
    for (const f of s.flips) {
      expect(f.from).toBe(before.get(f.name));
      expect(f.changedRules).toEqual(['t-exclusions']);
      expect([f.from, f.to]).toEqual(['FAIL', 'PASS']);
    }
    for (const m of made.filter((x) => x.name !== 'bad-meta' && x.sample !== 'broken-truncated')) {
      expect(readReport(m).rules?.version).toBe(s.rulesVersion);
      expect(validateReportFile(join(reportDirOf(m), 'report.json'))).toEqual({ ok: true });
    }
    withStore((st) => {
      expect(
        st.raw().prepare(`SELECT COUNT(*) AS n FROM runs WHERE kind = 'rescore' AND status = 'done'`).get(),
      ).toEqual({ n: made.length - 2 });
    });
    const again = JSON.parse(runCli(['rescore', '--out', out, '--rules', rules, '--json']).stdout) as RescoreSummary;
    expect(again.rescored).toBe(0);
    expect(again.upToDate).toBe(made.length - 2);
  });

  it('gives the verdicts a fresh analyze gives with the same rules', async () => {
    // the transcript-only sessions again, from the samples, through `analyze` with the changed rules
    const check = join(work, 'check');
    const txs = made.filter((m) => !m.recording && m.name !== 'bad-meta');
    for (const m of txs)
      addTranscriptOnly(
        join(check, 'in'),
        m.name,
        m.sample as 'compliant-participating',
        JSON.parse(readFileSync(join(m.dir, `${m.name}.meta.json`), 'utf8')),
      );
    const r = runCli(['analyze', join(check, 'in'), '--out', join(check, 'out'), '--rules', packs.b]);
    expect(r.code, r.stderr).toBe(0);
    const store = new SqliteStore(join(out, 'dualrec.sqlite'));
    for (const m of txs) {
      const fresh = JSON.parse(readFileSync(join(check, 'out', m.name, 'report.json'), 'utf8')) as Report;
      const s = await store.getSession(sessionKey(reportDirOf(m)));
      expect(isCurrent(s) && s.run.verdict, m.name).toBe(fresh.verdict);
      expect(readReport(m).findings.map((f) => [f.ruleId, f.status])).toEqual(
        fresh.findings.map((f) => [f.ruleId, f.status]),
      );
    }
    await store.close();
  });
});
