// `dualrec batch --queue redis://…`: the batch's plan (what to analyze) becomes one BullMQ job per
// session; queue workers on any number of machines (`dualrec worker`) analyze them and write the
// store. With --wait the batch follows every job to its end (progress from all workers) and then
// summarises exactly as a local batch does.
import { Queue, QueueEvents } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { errorMessage, UserError } from '../util/errors.js';
import { rootLogger } from '../util/log.js';
import { TOOL_VERSION } from '../util/version.js';
import type { BatchOptions, BatchPlan, QueueSummary } from '../jobs/plan.js';
import { progressSink } from '../jobs/progress.js';
import { outcome, sessionRecord, type BatchSession } from '../jobs/session.js';
import type { Store } from '../store/index.js';
import { QUEUE_PREFIX, parseQueueUrl, type QueueTarget } from './connection.js';
import { sessionFiles } from './files.js';
import {
  JOB_DATA_VERSION,
  JOB_NAME,
  JobResultSchema,
  jobId,
  jobOptions,
  type JobData,
  type JobResult,
} from './jobs.js';

type Opts = BatchOptions & { inbox: string; outDir: string; queue: string };

/**
 * Checks once, with a plain client that does not retry, that Redis answers: at start-up a refused
 * connection, an unknown host or a wrong password is a user error (wrong URL, Redis down). The
 * queue's own connections then retry for as long as it takes (Redis restarts mid-batch).
 */
export async function pingRedis(target: QueueTarget, ms = 10_000): Promise<void> {
  const { connection } = target;
  const client = new Redis({
    ...(connection as RedisOptions),
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    connectTimeout: ms,
    enableOfflineQueue: false,
  });
  let cause: unknown;
  client.on('error', (err) => (cause ??= err)); // the real reason; connect() only says "Connection is closed"
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new UserError(
      `${target.display}: cannot reach Redis (${errorMessage(cause ?? err)}); is it running, and is the URL right?`,
    );
  } finally {
    client.disconnect();
  }
}

export async function connectQueue(target: QueueTarget): Promise<Queue<JobData, JobResult>> {
  await pingRedis(target);
  const queue = new Queue<JobData, JobResult>(target.name, { connection: target.connection, prefix: QUEUE_PREFIX });
  let lastWarn = 0;
  queue.on('error', (err) => {
    // ioredis reconnects by itself; say so now and then, not on every retry
    if (Date.now() - lastWarn > 10_000) {
      lastWarn = Date.now();
      rootLogger().warn({ queue: target.display, err: errorMessage(err) }, 'Redis connection problem (reconnecting)');
    }
  });
  await queue.waitUntilReady();
  return queue;
}

/** The batch's plan as one job per session: the QueueRunner that `dualrec batch --queue` gives runBatch. */
export async function runOnQueue(store: Store, plan: BatchPlan, opts: Opts): Promise<QueueSummary> {
  const target = parseQueueUrl(opts.queue, opts.queueName);
  const log = rootLogger().child({ batch: plan.batchId, queue: target.name });
  const storeId = await store.storeId();
  await sessionFiles().prepare(opts.outDir, storeId);
  const queue = await connectQueue(target);
  try {
    const tracked = new Map<string, BatchSession>();
    const toAdd: { name: string; data: JobData; opts: ReturnType<typeof jobOptions> }[] = [];
    let alreadyQueued = 0;
    for (const { s, fp } of plan.todo) {
      const data: JobData = {
        v: JOB_DATA_VERSION,
        batchId: plan.batchId,
        storeId,
        inbox: opts.inbox,
        outDir: opts.outDir,
        session: sessionRecord(s),
        input: s.input,
        contentSha256: fp.contentSha256,
        inputsSha256: fp.inputsSha256,
        model: fp.model,
        rulesVersion: plan.rulesVersion,
        toolVersion: TOOL_VERSION,
        settings: {
          ruleDirs: opts.ruleDirs,
          model: opts.model,
          forceAsr: opts.forceAsr,
          vision: opts.vision,
          lang: opts.lang ?? 'zh',
          sessionTimeoutMs: opts.sessionTimeoutMs,
        },
        queueVerdicts: [...plan.queueVerdicts],
        force: !!opts.force,
      };
      const id = jobId(data);
      tracked.set(id, s);
      const existing = await queue.getJob(id);
      if (existing) {
        const state = await existing.getState();
        if (state !== 'completed' && state !== 'failed' && state !== 'unknown') {
          alreadyQueued++; // waiting or running from an earlier batch: follow it, don't add it twice
          continue;
        }
        // finished before, yet the store says it must be done again (report changed, --force): a new job
        await existing.remove().catch(() => undefined);
      }
      toAdd.push({ name: JOB_NAME, data, opts: jobOptions(id, { attempts: opts.attempts }) });
    }
    for (let i = 0; i < toAdd.length; i += 500) await queue.addBulk(toAdd.slice(i, i + 500));
    log.info(
      {
        enqueued: toAdd.length,
        alreadyQueued,
        skipped: plan.inScope.length - plan.todo.length,
        queueUrl: target.display,
      },
      'sessions handed to the queue',
    );
    const summary: QueueSummary = {
      url: target.display,
      name: target.name,
      enqueued: toAdd.length,
      alreadyQueued,
      waited: !!opts.wait,
    };
    if (!opts.wait) {
      for (const s of tracked.values()) plan.outcomes.set(s.key, outcome(s, 'queued'));
      return summary;
    }
    summary.workers = await follow(queue, target, tracked, plan, opts);
    return summary;
  } finally {
    await queue.close().catch(() => undefined);
  }
}

/**
 * Waits until every tracked job is completed or failed for good. Queue events wake it as jobs finish
 * on any worker; a periodic sweep over the unfinished jobs catches events missed across a Redis
 * restart. Returns the names of the workers that did the work.
 */
async function follow(
  queue: Queue<JobData, JobResult>,
  target: QueueTarget,
  tracked: Map<string, BatchSession>,
  plan: BatchPlan,
  opts: Opts,
): Promise<string[]> {
  const log = rootLogger().child({ batch: plan.batchId, queue: target.name });
  const progress = opts.progress ?? progressSink({ tty: false });
  progress.start(tracked.size, plan.inScope.length - plan.todo.length);
  const pending = new Map(tracked);
  const workers = new Set<string>();
  const missing = new Map<string, number>();
  let lastSettled = Date.now();
  let wake: (() => void) | undefined;

  const settle = (id: string, s: BatchSession, r: { result?: JobResult; failure?: string }) => {
    if (!pending.delete(id)) return;
    lastSettled = Date.now();
    if (r.result) {
      workers.add(r.result.worker);
      const o = outcome(s, 'analysed', r.result.verdict, r.result.risk, r.result.reason);
      plan.outcomes.set(s.key, o);
      progress.done(s.input.name, r.result.verdict, {
        risk: r.result.risk,
        job: id,
        worker: r.result.worker,
        ...(o.reason ? { reason: o.reason } : {}),
      });
    } else {
      const reason = r.failure ?? 'failed';
      plan.outcomes.set(s.key, outcome(s, 'failed', undefined, undefined, reason));
      log.error({ session: s.key, job: id, reason }, 'session failed');
      progress.done(s.input.name, 'failed', { reason, job: id });
    }
  };

  const unreadable = new Map<string, number>();
  const check = async (id: string) => {
    const s = pending.get(id);
    if (!s) return;
    // the state first, then the job: read in the other order, a job finishing in between would show
    // "completed" with the result it had before (none)
    const state = await queue.getJobState(id);
    if (state === 'unknown') {
      // gone twice in a row: Redis lost it (restarted without persistence, or the queue was emptied)
      const n = (missing.get(id) ?? 0) + 1;
      missing.set(id, n);
      if (n >= 2)
        settle(id, s, {
          failure:
            'the job disappeared from the queue (Redis restarted without its data, or the queue was emptied); run the batch again',
        });
      return;
    }
    missing.delete(id);
    if (state !== 'completed' && state !== 'failed') return;
    const job = await queue.getJob(id);
    if (!job) return;
    if (state === 'failed') return settle(id, s, { failure: job.failedReason || 'failed on the workers' });
    const parsed = JobResultSchema.safeParse(job.returnvalue);
    if (parsed.success) return settle(id, s, { result: parsed.data });
    const n = (unreadable.get(id) ?? 0) + 1;
    unreadable.set(id, n);
    if (n >= 3)
      settle(id, s, {
        failure: 'the worker returned a result this dualrec does not understand (workers on another version?)',
      });
  };

  const events = new QueueEvents(target.name, { connection: target.connection, prefix: QUEUE_PREFIX });
  events.on('error', () => undefined); // the queue's own handler reports connection trouble
  const onEvent = ({ jobId }: { jobId: string }) => {
    if (pending.has(jobId))
      void check(jobId).then(
        () => wake?.(),
        () => undefined,
      );
  };
  events.on('completed', onEvent);
  events.on('failed', onEvent);
  let lastWorkerCheck = Date.now();
  try {
    await events.waitUntilReady();
    let lastSweep = 0;
    while (pending.size) {
      // Every 5 s, sweep what is still pending (the first sweep also catches jobs that finished before
      // we listened); in between, queue events settle jobs as they finish and wake this loop.
      if (Date.now() - lastSweep >= 5000) {
        const ids = [...pending.keys()];
        for (let i = 0; i < ids.length; i += 50) await Promise.all(ids.slice(i, i + 50).map((id) => check(id)));
        lastSweep = Date.now();
      }
      if (!pending.size) break;
      if (Date.now() - lastSettled > 30_000 && Date.now() - lastWorkerCheck > 30_000) {
        lastWorkerCheck = Date.now();
        const n = await queue.getWorkersCount().catch(() => -1);
        if (n === 0) {
          log.warn(
            { pending: pending.size, queueUrl: target.display },
            `no worker is connected to queue "${target.name}": start \`dualrec worker --queue ${target.display}\``,
          );
        }
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(50, 5000 - (Date.now() - lastSweep)));
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    progress.end();
    await events.close().catch(() => undefined);
  }
  return [...workers].sort();
}
