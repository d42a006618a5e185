// The distributed batch on this machine, with real Redis and PostgreSQL (scripts/services.sh start):
//  1. throughput of `batch --queue --wait` with 1 and 2 `dualrec worker` processes (one job at a time
//     each), in sessions per minute, over transcript-only sessions (transcripts imported, no ASR or
//     picture), next to the local batch (worker threads, SQLite) at concurrency 1 and 2;
//  2. queue overhead per job: enqueue → a worker starts it, with an idle worker (BullMQ's own
//     timestamps), and the worker-side time per job.
//   npx tsx bench/queue.bench.ts [--sessions 600] [--probes 20] [--recordings 0] [--vision]
//   --recordings N adds the same 1-vs-2-worker comparison over N copies of the sample recordings
//   (real ffmpeg, imported transcripts; the picture only with --vision): CPU-bound sessions.
//   DUALREC_TEST_REDIS / DUALREC_TEST_PG point it at other servers.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';

process.env.DUALREC_LOG_LEVEL ??= 'warn';
const { runBatch } = await import('../src/batch/run.js');
const { runOnQueue } = await import('../src/queue/enqueue.js');
const { parseQueueUrl, QUEUE_PREFIX } = await import('../src/queue/connection.js');
const { makeInbox, addTranscriptOnly } = await import('../tests/batch/inbox.js');
const { REDIS_URL, PG_URL, pgStoreUrl, dropSchemas } = await import('../tests/queue/services.js');
const { ROOT } = await import('../tests/helpers/cli.js');

const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '600' },
    probes: { type: 'string', default: '20' },
    recordings: { type: 'string', default: '0' },
    vision: { type: 'boolean', default: false },
  },
});
const sessions = Math.max(10, Number(values.sessions));
const probes = Math.max(5, Number(values.probes));
const recordings = Math.max(0, Number(values.recordings));
const vision = !!values.vision;
const work = mkdtempSync(join(tmpdir(), 'dualrec-queue-bench-'));
const schemas: string[] = [];
const children: ChildProcess[] = [];

const fmt = (x: number, d = 1) => x.toFixed(d);
const perMinute = (n: number, ms: number) => n / (ms / 60_000);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};
/** A run whose sessions failed measures nothing: say why (e.g. rule files edited during the run). */
function checkRun(what: string, s: { failures: { reason?: string; status: string }[] }): void {
  const failed = s.failures.filter((f) => f.status === 'failed');
  if (failed.length) console.log(`  ! ${what}: ${failed.length} session(s) failed, e.g. ${failed[0]!.reason}`);
}

function startWorker(queueName: string, store: string, name: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'src/cli/main.ts'),
      'worker',
      '--queue',
      REDIS_URL,
      '--queue-name',
      queueName,
      '--store',
      store,
      '-j',
      '1',
      '--name',
      name,
    ],
    {
      cwd: ROOT,
      env: { ...process.env, DUALREC_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (d: Buffer) => {
      seen += d.toString();
      if (seen.includes('"msg":"worker ready"')) {
        child.stderr!.off('data', onData);
        child.stderr!.resume(); // keep draining its log lines
        resolve(child);
      }
    };
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`worker ${name} exited (${code}): ${seen.slice(-1000)}`)));
  });
}

async function stopWorkers(): Promise<void> {
  await Promise.all(
    children.splice(0).map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
        }),
    ),
  );
}

async function jobTimes(queueName: string): Promise<{ wait: number[]; run: number[]; spanMs: number }> {
  const t = parseQueueUrl(REDIS_URL, queueName);
  const q = new Queue(queueName, { connection: t.connection, prefix: QUEUE_PREFIX });
  try {
    const jobs = await q.getJobs(['completed'], 0, -1);
    return {
      wait: jobs.map((j) => j.processedOn! - j.timestamp),
      run: jobs.map((j) => j.finishedOn! - j.processedOn!),
      // first job started → last job finished: the workers' part, without the batch's discovery
      spanMs: Math.max(...jobs.map((j) => j.finishedOn!)) - Math.min(...jobs.map((j) => j.processedOn!)),
    };
  } finally {
    await q.obliterate({ force: true }).catch(() => undefined);
    await q.close();
  }
}

try {
  console.log(
    `cores ${availableParallelism()}, load ${loadavg()
      .map((l) => fmt(l, 2))
      .join(' ')}`,
  );
  console.log(`redis ${REDIS_URL}, postgres ${PG_URL.replace(/:[^:@/]*@/, ':***@')}`);
  const compare = async (label: string, inbox: string, count: number) => {
    console.log(`throughput: ${count} ${label}`);
    const rates: Record<string, number> = {};
    for (const concurrency of [1, 2]) {
      const t0 = performance.now();
      const s = await runBatch({ inbox, outDir: join(work, `local-${label}-${concurrency}`), concurrency, vision });
      const ms = performance.now() - t0;
      checkRun(`local ${concurrency}`, s);
      rates[`local ${concurrency}`] = perMinute(s.analysed, ms);
      console.log(
        `  local batch, ${concurrency} thread(s), SQLite: ${s.analysed} in ${fmt(ms / 1000)} s = ${fmt(rates[`local ${concurrency}`]!)} sessions/min`,
      );
    }
    for (const n of [1, 2]) {
      const pg = pgStoreUrl(`bench${n}`);
      schemas.push(pg.schema);
      const queueName = `bench-${n}-${Date.now()}`;
      await Promise.all(Array.from({ length: n }, (_, i) => startWorker(queueName, pg.url, `w${i + 1}`)));
      const t0 = performance.now();
      const s = await runBatch(
        {
          inbox,
          outDir: join(work, `queue-${label}-${n}`),
          store: pg.url,
          queue: REDIS_URL,
          queueName,
          wait: true,
          vision,
        },
        runOnQueue,
      );
      const ms = performance.now() - t0;
      await stopWorkers();
      checkRun(`queue ${n}`, s);
      rates[`queue ${n}`] = perMinute(s.analysed, ms);
      const times = await jobTimes(queueName);
      rates[`drain ${n}`] = perMinute(times.run.length, times.spanMs);
      console.log(
        `  queue, ${n} worker process(es), PostgreSQL: ${s.analysed} in ${fmt(ms / 1000)} s = ${fmt(rates[`queue ${n}`]!)} sessions/min end to end;` +
          ` workers busy ${fmt(times.spanMs / 1000)} s = ${fmt(rates[`drain ${n}`]!)} sessions/min; worker time per job: median ${fmt(pct(times.run, 50), 0)} ms`,
      );
    }
    console.log(
      `  speed-up 2 worker processes / 1: ${fmt(rates['queue 2']! / rates['queue 1']!, 2)}× end to end, ${fmt(rates['drain 2']! / rates['drain 1']!, 2)}× while draining`,
    );
    console.log(`  queue (1 worker) / local batch (1 thread): ${fmt(rates['queue 1']! / rates['local 1']!, 2)}×`);
    console.log(`  queue (2 workers) / local batch (2 threads): ${fmt(rates['queue 2']! / rates['local 2']!, 2)}×`);
  };

  const inbox = join(work, 'inbox');
  makeInbox(inbox, { recordings: 0, transcripts: sessions });
  await compare('transcript-only sessions (transcripts imported)', inbox, sessions);
  if (recordings) {
    const recInbox = join(work, 'recordings');
    makeInbox(recInbox, { recordings, transcripts: 0 });
    await compare(
      `copies of the sample recordings (ffmpeg, imported transcripts, picture ${vision ? 'on' : 'off'})`,
      recInbox,
      recordings,
    );
  }

  // Overhead: one job at a time into an idle worker, so enqueue → start is the queue alone.
  const pg = pgStoreUrl('benchlat');
  schemas.push(pg.schema);
  const queueName = `bench-lat-${Date.now()}`;
  await startWorker(queueName, pg.url, 'idle');
  for (let i = 0; i < probes; i++) {
    const dir = join(work, 'probes', String(i));
    addTranscriptOnly(dir, `p${i}`, i % 2 ? 'missing-exclusions' : 'compliant-participating');
    checkRun(
      'probe',
      await runBatch(
        {
          inbox: dir,
          outDir: join(work, 'probe-out', String(i)),
          store: pg.url,
          queue: REDIS_URL,
          queueName,
          wait: true,
          vision: false,
        },
        runOnQueue,
      ),
    );
  }
  await stopWorkers();
  const lat = await jobTimes(queueName);
  console.log(`queue overhead, ${lat.wait.length} jobs one at a time into an idle worker:`);
  console.log(
    `  enqueue → start: median ${fmt(pct(lat.wait, 50), 0)} ms, p95 ${fmt(pct(lat.wait, 95), 0)} ms, max ${fmt(Math.max(...lat.wait), 0)} ms`,
  );
  console.log(`  start → finished (store checks, analysis, store commit): median ${fmt(pct(lat.run, 50), 0)} ms`);
} finally {
  await stopWorkers();
  await dropSchemas(schemas).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
}
