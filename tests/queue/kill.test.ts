// Worker faults on real servers. (1) kill -9 the worker analyzing the real recording, mid-job: the
// other worker takes the job over once the dead one's lock runs out, marks the dead attempt's run
// abandoned and does it again; nothing is lost or duplicated. (2) A batch that does not wait hands
// the job over; SIGTERM with a short grace time gives the running job back to the queue untouched (no
// attempt used up); a waiting batch started then re-attaches to the queued job; SIGTERM with a long
// grace time lets the running job finish first, then the worker exits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BatchSummary } from '../../src/batch/run.js';
import { validateReportFile } from '../../src/report/schema.js';
import { PgStore } from '../../src/store/index.js';
import { makeInbox, type MadeSession } from '../batch/inbox.js';
import { writeTestPacks } from '../batch/rules.js';
import {
  addLongRecording,
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
const work = mkdtempSync(join(tmpdir(), 'dualrec-qkill-'));
const packs = writeTestPacks(join(work, 'rules'));
const schemas: string[] = [];
const setups: Setup[] = [];
const procs: Proc[] = [];

function newSetup(label: string): Setup {
  const pg = pgStoreUrl(label);
  schemas.push(pg.schema);
  const s = { queueUrl: REDIS_URL, queueName: uniqueQueueName(label), store: pg.url };
  setups.push(s);
  return s;
}

afterAll(async () => {
  await Promise.all(procs.map((p) => stop(p, 5000)));
  if (ok) {
    for (const s of setups) await obliterate(s).catch(() => undefined);
    await dropSchemas(schemas);
  }
  rmSync(work, { recursive: true, force: true });
});

const started = (session: string) => (l: { msg?: string; session?: string }) =>
  l.msg === 'session started' && l.session === session;

async function runsBySession(store: PgStore): Promise<Map<string, string[]>> {
  const rows = await store.query(
    'SELECT s.name, r.status FROM sessions s JOIN runs r ON r.session_key = s.key ORDER BY s.name, r.status',
  );
  const m = new Map<string, string[]>();
  for (const r of rows) m.set(String(r.name), [...(m.get(String(r.name)) ?? []), String(r.status)]);
  return m;
}

describe.skipIf(!ok)('queue workers that die or are stopped', () => {
  it('kill -9 mid-job: the other worker takes the job over; nothing lost or duplicated', async () => {
    const setup = newSetup('kill');
    const inbox = join(work, 'kill', 'inbox');
    const out = join(work, 'kill', 'out');
    const made: MadeSession[] = [
      addLongRecording(join(inbox, '2024-05-01'), 'real'),
      ...makeInbox(inbox, { recordings: 0, transcripts: 12 }),
    ];
    const w1 = await startWorker(setup, 'w1');
    const w2 = await startWorker(setup, 'w2');
    procs.push(w1, w2);
    const batch = spawnCli(batchArgs(setup, inbox, out, packs.a, '--wait'));
    procs.push(batch);

    // whichever worker took the real recording is killed while it analyzes it
    const victim = await Promise.race(
      [w1, w2].map(async (w) => ((await w.waitFor(started('S-real'), 120_000)) ? w : undefined)),
    );
    expect(victim, 'no worker started the real recording').toBeDefined();
    const survivor = victim === w1 ? w2 : w1;
    await new Promise((r) => setTimeout(r, 1500));
    victim!.proc.kill('SIGKILL');
    expect((await victim!.exit).signal).toBe('SIGKILL');

    const end = await batch.exit;
    expect(end.code, batch.stderr.slice(-3000)).toBe(0);
    const s = JSON.parse(batch.stdout) as BatchSummary;
    expect(s.analysed).toBe(made.length);
    expect(s.failures).toEqual([]);
    // the survivor noticed the dead attempt
    expect(
      survivor.lines.some((l) => l.msg?.includes('an earlier attempt of this session died') && l.session === 'S-real'),
    ).toBe(true);
    expect(survivor.lines.some((l) => l.msg === 'session done' && l.session === 'S-real')).toBe(true);

    const expected = made.map((m) => join(out, relative(inbox, m.dir), m.name)).sort();
    expect(reportFolders(out)).toEqual(expected);
    for (const dir of expected) expect(validateReportFile(join(dir, 'report.json')), dir).toEqual({ ok: true });
    const store = new PgStore(setup.store);
    try {
      expect(await store.checkConsistency()).toEqual([]);
      const runs = await runsBySession(store);
      expect(runs.size).toBe(made.length);
      for (const [name, statuses] of runs) {
        // exactly one finished run each; the killed attempt is the only other run, marked abandoned
        expect(statuses, name).toEqual(name === 'real' ? ['abandoned', 'done'] : ['done']);
      }
    } finally {
      await store.close();
    }
    const q = queueHandle(setup);
    try {
      const counts = await q.getJobCounts('completed', 'failed', 'active', 'wait', 'delayed');
      expect(counts).toEqual({ completed: made.length, failed: 0, active: 0, wait: 0, delayed: 0 });
    } finally {
      await q.close();
    }
    expect((await stop(survivor))?.code).toBe(0);
  }, 420_000);

  it('SIGTERM hands the running job back (short grace) or finishes it first (long grace)', async () => {
    const setup = newSetup('term');
    const inbox = join(work, 'term', 'inbox');
    const out = join(work, 'term', 'out');
    addLongRecording(join(inbox, '2024-05-01'), 'real');

    // no worker yet: the batch hands the job over and returns
    const handed = spawnCli(batchArgs(setup, inbox, out, packs.a));
    expect((await handed.exit).code, handed.stderr.slice(-2000)).toBe(0);
    const h = JSON.parse(handed.stdout) as BatchSummary;
    expect(h.queue).toMatchObject({ enqueued: 1, alreadyQueued: 0, waited: false });
    expect(h.sessions.map((x) => x.status)).toEqual(['queued']);

    // short grace: the job goes back to the queue, untouched
    const quick = await startWorker(setup, 'quick', ['--grace', '1']);
    procs.push(quick);
    expect(await quick.waitFor(started('S-real'))).toBe(true);
    const quickEnd = await stop(quick);
    expect(quickEnd?.code, quick.stderr.slice(-2000)).toBe(0);
    expect(
      quick.lines.some((l) => l.msg === 'handed back to the queue (worker stopping)' && typeof l.job === 'string'),
    ).toBe(true);
    const q = queueHandle(setup);
    try {
      const [job] = await q.getJobs(['wait', 'active', 'delayed', 'completed', 'failed']);
      expect(await job!.getState()).toBe('waiting');
      expect(job!.attemptsMade).toBe(0);
    } finally {
      await q.close();
    }

    // a batch started now finds the job already queued and follows it (re-attaching, not adding)
    const follow = spawnCli(batchArgs(setup, inbox, out, packs.a, '--wait'));
    procs.push(follow);
    expect(await follow.waitFor((l) => l.msg === 'batch started', 60_000), follow.stderr.slice(-2000)).toBe(true);

    // long grace: SIGTERM while it runs, and the worker finishes the session before it exits
    const patient = await startWorker(setup, 'patient', ['--grace', '300']);
    procs.push(patient);
    expect(await patient.waitFor(started('S-real'))).toBe(true);
    patient.proc.kill('SIGTERM');
    expect(await patient.waitFor((l) => l.msg === 'stopping: letting running jobs finish', 10_000)).toBe(true);
    const patientEnd = await patient.exit;
    expect(patientEnd.code, patient.stderr.slice(-2000)).toBe(0);
    expect(patient.lines.some((l) => l.msg === 'session done' && l.session === 'S-real')).toBe(true);

    expect((await follow.exit).code, follow.stderr.slice(-2000)).toBe(0);
    expect(JSON.parse(follow.stdout)).toMatchObject({
      analysed: 1,
      queue: { enqueued: 0, alreadyQueued: 1, workers: ['patient'] },
    });
    const store = new PgStore(setup.store);
    try {
      expect(await runsBySession(store)).toEqual(new Map([['real', ['abandoned', 'done']]]));
    } finally {
      await store.close();
    }
  }, 420_000);
});
