// Two `dualrec worker` processes drain a queue of 21 sessions (a real recording, a broken "recording"
// that is text, 19 transcript-only sessions) into a PostgreSQL store on real servers, while `batch
// --queue --wait` follows them. Every recording ends with exactly one report and one store row with
// one finished run; the broken one gets its "could not analyze" report without a retry;
// every worker line about a job names the job and the session; a third batch has nothing to do;
// rescore, the review server and the review export work on the same PostgreSQL store.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RescoreSummary } from '../../src/batch/rescore.js';
import type { BatchSummary } from '../../src/batch/run.js';
import type { Report } from '../../src/model/index.js';
import { jobId } from '../../src/queue/jobs.js';
import { validateReportFile } from '../../src/report/schema.js';
import { startReviewServer } from '../../src/review/server.js';
import { PgStore } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { addRecording, makeInbox, type MadeSession } from '../batch/inbox.js';
import { writeTestPacks } from '../batch/rules.js';
import {
  batchArgs,
  obliterate,
  queueHandle,
  reportFolders,
  spawnCli,
  startWorker,
  stop,
  uniqueQueueName,
  type Proc,
  type Setup,
} from './helpers.js';
import { REDIS_URL, dropSchemas, needServices, pgStoreUrl } from './services.js';

const ok = await needServices('redis', 'postgres');
const work = mkdtempSync(join(tmpdir(), 'dualrec-qdrain-'));
const inbox = join(work, 'inbox');
const out = join(work, 'out');
const pg = pgStoreUrl('drain');
const setup: Setup = { queueUrl: REDIS_URL, queueName: uniqueQueueName('drain'), store: pg.url };
let made: MadeSession[] = [];
let packs: { a: string; b: string };
const workers: Proc[] = [];
const TOKEN = 'queue-test-token-0123456789abcdef';

const parse = (p: Proc): BatchSummary => {
  if (!p.stdout.trim().startsWith('{')) throw new Error(`batch printed no summary: ${p.stderr.slice(-3000)}`);
  return JSON.parse(p.stdout) as BatchSummary;
};

beforeAll(() => {
  packs = writeTestPacks(join(work, 'rules'));
  made = [addRecording(join(inbox, '2024-05-01'), 'real', 'compliant-participating')];
  // text named .mp4: the recording itself is broken
  writeFileSync(join(inbox, '2024-05-01', 'broken.mp4'), 'this is not a video, it is text\n');
  made.push({
    name: 'broken',
    dir: join(inbox, '2024-05-01'),
    sample: 'broken-truncated',
    recording: true,
    sessionId: 'broken',
  });
  made.push(...makeInbox(inbox, { recordings: 0, transcripts: 19 }));
});

afterAll(async () => {
  await Promise.all(workers.map((w) => stop(w, 5000)));
  if (ok) {
    await obliterate(setup).catch(() => undefined);
    await dropSchemas([pg.schema]);
  }
  rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!ok)('two queue workers drain a batch into PostgreSQL', () => {
  it('two workers analyze 21 sessions, each exactly once, and the batch summarises them', async () => {
    expect(made.length).toBeGreaterThanOrEqual(20);
    // both workers idle on the queue before the jobs arrive
    workers.push(...(await Promise.all([startWorker(setup, 'w1'), startWorker(setup, 'w2')])));
    const batch = spawnCli(batchArgs(setup, inbox, out, packs.a, '--wait'));
    const end = await batch.exit;
    const s = parse(batch);
    // the broken recording could not be analyzed: exit 3, as a local batch
    expect(end.code, batch.stderr.slice(-2000)).toBe(3);
    expect(s.queue).toMatchObject({ enqueued: made.length, alreadyQueued: 0, waited: true });
    expect(s.queue!.workers).toEqual(['w1', 'w2']);
    expect(s.analysed).toBe(made.length);
    expect(s.failures.map((f) => f.name)).toEqual(['broken']);
    expect(s.failures[0]!.status).toBe('analysed');
    expect(s.verdicts.FAIL + s.verdicts.REVIEW + s.verdicts.PASS).toBe(made.length);
    // progress across all workers: one line per session, each naming its job and worker
    const progress = batch.lines.filter((l) => l.msg === 'session done');
    expect(progress).toHaveLength(made.length);
    expect(new Set(progress.map((l) => l.worker))).toEqual(new Set(['w1', 'w2']));
    expect(progress.every((l) => typeof l.job === 'string')).toBe(true);

    // exactly one report per recording, each valid
    const expected = made.map((m) => join(out, relative(inbox, m.dir), m.name)).sort();
    expect(reportFolders(out)).toEqual(expected);
    for (const dir of expected) expect(validateReportFile(join(dir, 'report.json')), dir).toEqual({ ok: true });

    // one store row per recording with one finished run, agreeing with its report
    const store = new PgStore(pg.url);
    try {
      expect(await store.checkConsistency()).toEqual([]);
      const rows =
        await store.query(`SELECT s.report_dir, r.verdict, COUNT(*) OVER (PARTITION BY s.key) AS runs, r.status
        FROM sessions s JOIN runs r ON r.session_key = s.key ORDER BY s.report_dir`);
      expect(rows.map((r) => r.report_dir)).toEqual(expected);
      for (const r of rows) {
        expect(Number(r.runs), String(r.report_dir)).toBe(1);
        expect(r.status).toBe('done');
        const report = JSON.parse(readFileSync(join(String(r.report_dir), 'report.json'), 'utf8')) as Report;
        expect(r.verdict).toBe(report.verdict);
      }
      const broken = (await store.currentSessions()).find((x) => x.name === 'broken')!;
      expect(broken.run.verdict).toBe('REVIEW');
      expect(broken.run.error).toBeTruthy();

      // the broken recording was not retried: one attempt, completed
      const q = queueHandle(setup);
      try {
        const id = jobId({
          session: { key: broken.key } as never,
          inputsSha256: broken.run.inputsSha256,
          rulesVersion: broken.run.rulesVersion,
          model: broken.run.model,
          toolVersion: broken.run.toolVersion,
        });
        const job = await q.getJob(id);
        expect(await job!.getState()).toBe('completed');
        expect(job!.attemptsMade).toBe(1);
      } finally {
        await q.close();
      }
    } finally {
      await store.close();
    }

    // every worker line about a job names the job and the session, the analysis threads' lines too
    const jobLines = workers.flatMap((w) =>
      w.lines.filter((l) => l.job !== undefined || l.msg === 'session done' || l.msg === 'report written'),
    );
    expect(jobLines.length).toBeGreaterThan(made.length * 2);
    for (const l of jobLines) {
      expect(typeof l.job, JSON.stringify(l)).toBe('string');
      expect(typeof l.session, JSON.stringify(l)).toBe('string');
    }

    // nothing changed: a third batch has nothing to hand over and ends at once
    const again = spawnCli(batchArgs(setup, inbox, out, packs.a, '--wait'));
    expect((await again.exit).code, again.stderr.slice(-2000)).toBe(0);
    const a = parse(again);
    expect(a).toMatchObject({ analysed: 0, skipped: made.length, queue: { enqueued: 0, alreadyQueued: 0 } });

    // rescore and the review server work on the PostgreSQL store as on SQLite: pack B makes the
    // exclusions rule minor, so the sessions that never say it flip FAIL → PASS
    const rescored = runCli(['rescore', '--store', pg.url, '--out', out, '--rules', packs.b, '--json'], {
      timeoutMs: 180_000,
    });
    expect(rescored.code, rescored.stderr.slice(-2000)).toBe(0);
    const r = JSON.parse(rescored.stdout) as RescoreSummary;
    expect(r.rescored).toBe(made.length - 1); // the broken recording has no stored facts
    expect(r.withoutFacts).toBe(1);
    expect(r.flips.length).toBeGreaterThan(0);
    expect(r.flips.every((f) => f.from === 'FAIL' && f.to === 'PASS' && f.changedRules.includes('t-exclusions'))).toBe(
      true,
    );

    const reviewStore = new PgStore(pg.url);
    const server = await startReviewServer({ store: reviewStore, token: TOKEN, port: 0 });
    try {
      const auth = { authorization: `Bearer ${TOKEN}`, 'x-reviewer': 'pg-bot' };
      const queue = (await (await fetch(`${server.url}/api/queue`, { headers: auth })).json()) as {
        items: { key: string; runId: string; verdict: string }[];
      };
      expect(queue.items.length).toBeGreaterThan(0);
      const brokenKey = (await reviewStore.currentSessions()).find((x) => x.name === 'broken')!.key;
      expect(queue.items.some((i) => i.key === brokenKey)).toBe(true);
      const item = queue.items[0]!;
      const posted = await fetch(`${server.url}/api/sessions/${item.key}/decisions`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ runId: item.runId, decision: 'rerecord', comment: '画面不清' }),
      });
      expect(posted.status).toBe(201);
      const exported = runCli(['review', 'export', '--store', pg.url, '--format', 'csv']);
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stdout).toContain('pg-bot');
      expect(exported.stdout).toContain('画面不清');
    } finally {
      await server.close();
      await reviewStore.close();
    }

    // SIGTERM with nothing running: both workers stop cleanly
    for (const w of workers.splice(0)) {
      const r = await stop(w);
      expect(r?.code, w.stderr.slice(-1000)).toBe(0);
    }
  }, 420_000);
});
