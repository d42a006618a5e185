// `dualrec worker`: takes session jobs from the BullMQ queue and analyzes them in a pool of worker
// threads, writing reports to the shared folder and results to the shared store. Run one per machine
// (or several); each takes `concurrency` jobs at a time.
//
// Faults, and what happens:
// - the recording itself is broken → the job succeeds with a "could not analyze" report (no retry);
// - a transient fault (store or Redis down, a thread crash, a timeout, a share not mounted here) → the
//   attempt fails and BullMQ retries it with exponential backoff, on whichever worker is free;
// - this worker dies (kill -9, machine lost) → it stops renewing its job locks; after the lock time
//   another worker's stalled-job check puts the job back, and the next worker marks the dead attempt's
//   run abandoned and does it again. A result already committed by the dead attempt is reused, not redone;
// - SIGTERM → no new jobs; running ones may finish within the grace time, then are handed back.
import { randomUUID } from 'node:crypto';
import { availableParallelism, hostname } from 'node:os';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ANALYZE_WORKER, unanalyzableResult, type AnalyzeJobResult } from '../jobs/analyze-job.js';
import { reportIntact, sameMadeFrom } from '../jobs/current-run.js';
import { asrModelKey } from '../jobs/fingerprint.js';
import { JobTimeoutError, WorkerPool } from '../util/worker-pool.js';
import { recordRunResult } from '../jobs/session.js';
import { removeStaleTempFiles } from '../jobs/temp-files.js';
import type { WorkerInit, WorkerJob } from '../jobs/worker.js';
import { isCurrent, isPgUrl, openStore, type Store } from '../store/index.js';
import { UserError, errorMessage } from '../util/errors.js';
import { rootLogger } from '../util/log.js';
import { TOOL_VERSION } from '../util/version.js';
import { QUEUE_PREFIX, parseQueueUrl, type QueueTarget } from './connection.js';
import { pingRedis } from './enqueue.js';
import { NotHereError, sessionFiles, type SessionFiles } from './files.js';
import { JobDataSchema, type JobData, type JobResult } from './jobs.js';

export interface QueueWorkerOptions {
  /** redis:// URL */
  queue: string;
  queueName?: string;
  /** the batch's store: postgres:// URL (or a SQLite file, for workers on the store's own machine) */
  store: string;
  /** jobs at once (default: the number of cores) */
  concurrency?: number;
  /** rule folders to use instead of the batch's (their version must still match the batch's) */
  ruleDirs?: string[];
  /** whisper model instead of the batch's --model (must be the same model) */
  model?: string;
  cacheDir?: string;
  /** a worker that stops renewing a job's lock for this long is taken for dead (default 30 s) */
  lockDurationMs?: number;
  /** how often this worker looks for jobs of dead workers (default: the lock duration) */
  stalledIntervalMs?: number;
  /** SIGTERM: how long running jobs may take to finish before they are handed back (default 60 s) */
  graceMs?: number;
  /** shown in logs and in `batch --wait`'s summary (default host:pid) */
  name?: string;
  files?: SessionFiles;
  /** for jobs whose batch set no session timeout (older batches): give up on a session after this long */
  sessionTimeoutMs?: number;
}

export interface QueueWorker {
  readonly name: string;
  /** Stop taking jobs; running ones get `graceMs` to finish, then go back to the queue for another worker. */
  stop(graceMs?: number): Promise<void>;
  /** resolves once stopped */
  readonly stopped: Promise<void>;
}

export async function startQueueWorker(opts: QueueWorkerOptions): Promise<QueueWorker> {
  const name = opts.name ?? `${hostname()}:${process.pid}`;
  const target = parseQueueUrl(opts.queue, opts.queueName);
  const concurrency = Math.max(1, opts.concurrency ?? availableParallelism());
  const log = rootLogger().child({ worker: name, queue: target.name });
  if (!isPgUrl(opts.store)) {
    log.warn(
      { store: opts.store },
      'SQLite store: only for workers on the machine that holds the file (never over a network mount); use postgres:// for several machines',
    );
  }
  // Fail fast with a clear message when the store or Redis is not there at start-up.
  const { store, storeId } = await openWorkerStore(opts.store, concurrency);
  await pingRedis(target);
  const worker = new AnalyzeQueueWorker(opts, {
    name,
    target,
    concurrency,
    log,
    store,
    storeId,
    lockDuration: opts.lockDurationMs ?? 30_000,
    files: opts.files ?? sessionFiles(),
  });
  await worker.start();
  return worker;
}

async function openWorkerStore(location: string, concurrency: number): Promise<{ store: Store; storeId: string }> {
  const store = openStore(location, { poolSize: concurrency + 2 });
  try {
    return { store, storeId: await store.storeId() };
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err instanceof UserError ? err : new UserError(`${store.location}: ${errorMessage(err)}`);
  }
}

interface PoolEntry {
  pool: WorkerPool<WorkerJob, AnalyzeJobResult>;
  busy: number;
  lastUsed: number;
}

const POOL_IDLE_MS = 10 * 60_000;

/** Worker-thread pools, one per job settings (rules, model, language, timeout…), made on first use. */
class SettingsPools {
  private readonly pools = new Map<string, PoolEntry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly opts: QueueWorkerOptions,
    private readonly concurrency: number,
  ) {
    // Pools for settings no longer in use (last night's rules) are closed after a while.
    this.sweeper = setInterval(() => this.closeIdle(), 60_000);
    this.sweeper.unref();
  }

  for(d: JobData): PoolEntry {
    const init: WorkerInit = {
      ruleDirs: this.opts.ruleDirs ?? d.settings.ruleDirs,
      rulesVersion: d.rulesVersion,
      model: this.opts.model ?? d.settings.model,
      forceAsr: d.settings.forceAsr,
      vision: d.settings.vision,
      threads: Math.max(1, Math.floor(availableParallelism() / this.concurrency)),
      cacheDir: this.opts.cacheDir,
      lang: d.settings.lang,
    };
    const timeoutMs = d.settings.sessionTimeoutMs ?? this.opts.sessionTimeoutMs;
    const key = JSON.stringify([init, timeoutMs]);
    let e = this.pools.get(key);
    if (!e) {
      e = {
        pool: new WorkerPool<WorkerJob, AnalyzeJobResult>(ANALYZE_WORKER, {
          size: this.concurrency,
          workerData: init,
          jobTimeoutMs: timeoutMs,
        }),
        busy: 0,
        lastUsed: Date.now(),
      };
      this.pools.set(key, e);
    }
    return e;
  }

  private closeIdle(): void {
    for (const [k, e] of this.pools) {
      if (e.busy === 0 && Date.now() - e.lastUsed > POOL_IDLE_MS) {
        this.pools.delete(k);
        void e.pool.close();
      }
    }
  }

  /** Closing a pool ends its running analyses. */
  closeAll(): Promise<void> {
    return Promise.all([...this.pools.values()].map((e) => e.pool.close())).then(() => undefined);
  }

  stopSweeping(): void {
    clearInterval(this.sweeper);
  }
}

interface WorkerSetup {
  name: string;
  target: QueueTarget;
  concurrency: number;
  lockDuration: number;
  files: SessionFiles;
  log: Logger;
  store: Store;
  storeId: string;
}

/** One `dualrec worker`: a BullMQ worker whose processor analyzes each job's session in a thread pool. */
class AnalyzeQueueWorker implements QueueWorker {
  readonly name: string;
  readonly stopped: Promise<void>;
  private resolveStopped!: () => void;
  private readonly pools: SettingsPools;
  private readonly worker: Worker<JobData, JobResult>;
  /** whisper model key per --model flag, worked out once */
  private readonly modelKeys = new Map<string, string>();
  /** ids of the jobs being analyzed now */
  private readonly active = new Set<string>();
  /** stopping past the grace time: running jobs go back to the queue */
  private handingBack = false;
  private stopping?: Promise<void>;

  constructor(
    private readonly opts: QueueWorkerOptions,
    private readonly setup: WorkerSetup,
  ) {
    this.name = setup.name;
    this.stopped = new Promise<void>((r) => (this.resolveStopped = r));
    this.pools = new SettingsPools(opts, setup.concurrency);
    this.worker = new Worker<JobData, JobResult>(setup.target.name, (job, token) => this.processJob(job, token), {
      connection: setup.target.connection,
      prefix: QUEUE_PREFIX,
      concurrency: setup.concurrency,
      name: setup.name,
      lockDuration: setup.lockDuration,
      stalledInterval: opts.stalledIntervalMs ?? setup.lockDuration,
      // a job whose workers keep dying (e.g. out of memory) fails after this many take-overs, not forever
      maxStalledCount: 2,
      autorun: false,
    });
    logWorkerEvents(this.worker, setup.log);
  }

  async start(): Promise<void> {
    void this.worker.run();
    await this.worker.waitUntilReady();
    const { concurrency, store, target, lockDuration, log } = this.setup;
    log.info(
      { concurrency, store: store.location, queueUrl: target.display, lockDurationMs: lockDuration },
      'worker ready',
    );
  }

  async stop(graceMs = this.opts.graceMs ?? 60_000): Promise<void> {
    const { log, store } = this.setup;
    if (!this.stopping) {
      log.info(
        { running: this.active.size, graceMs },
        this.active.size ? 'stopping: letting running jobs finish' : 'stopping',
      );
      const timer = setTimeout(() => this.handBack(), graceMs);
      this.stopping = (async () => {
        try {
          await this.worker.close();
        } finally {
          clearTimeout(timer);
          this.pools.stopSweeping();
          await this.pools.closeAll();
          await store.close().catch(() => undefined);
          log.info('worker stopped');
          this.resolveStopped();
        }
      })();
    }
    if (graceMs <= 0) this.handBack();
    await this.stopping;
  }

  private handBack(): void {
    if (this.handingBack) return;
    this.handingBack = true;
    // closing the pools ends the running analyses; their processors hand the jobs back
    void this.pools.closeAll();
  }

  /** BullMQ's processor: one session, from the job's data to the run committed in the store. */
  private async processJob(job: Job<JobData, JobResult>, token?: string): Promise<JobResult> {
    const d = parseJobData(job);
    const jlog = this.setup.log.child({ job: job.id, session: d.session.sessionId, attempt: job.attemptsMade + 1 });
    this.checkSameSetup(d);
    await this.setup.files.check(d);

    const done = await this.reuse(d);
    if (done) {
      jlog.info(
        { runId: done.runId, verdict: done.verdict },
        'already in the store (an earlier attempt finished it): result reused',
      );
      return done;
    }
    const runId = await this.startRun(d, jlog);
    const r = await this.analyze(job, token, d, runId, jlog);
    return this.complete(job, token, d, runId, r, jlog);
  }

  /** A job this worker cannot do right (another store, dualrec version or whisper model) goes to another worker. */
  private checkSameSetup(d: JobData): void {
    const { store, storeId } = this.setup;
    if (d.storeId !== storeId)
      throw new NotHereError(
        `this worker writes to store ${storeId} (${store.location}), the batch to ${d.storeId}: give every worker the batch's --store`,
      );
    if (d.toolVersion !== TOOL_VERSION)
      throw new NotHereError(
        `the batch ran dualrec ${d.toolVersion}, this worker is ${TOOL_VERSION}: run one version everywhere`,
      );
    if (d.model.startsWith('asr:')) {
      const flag = this.opts.model ?? d.settings.model ?? '';
      let mine = this.modelKeys.get(flag);
      if (mine === undefined) this.modelKeys.set(flag, (mine = asrModelKey(flag || undefined)));
      if (mine !== d.model)
        throw new NotHereError(
          `this worker's whisper model is ${mine}, the batch's ${d.model}: install the same model on every worker`,
        );
    }
  }

  /** The store already has this job's result (an attempt that died after committing): hand that back. */
  private async reuse(d: JobData): Promise<JobResult | undefined> {
    const cur = await this.setup.store.getSession(d.session.key);
    if (!isCurrent(cur)) return undefined;
    const r = cur.run;
    // with --force only a run of this very batch counts as done
    if (!sameMadeFrom(r, d) || r.status !== 'done' || (d.force && r.batchId !== d.batchId) || !r.verdict)
      return undefined;
    if (!reportIntact(r, d.session.reportDir)) return undefined;
    return {
      sessionKey: d.session.key,
      sessionId: cur.sessionId,
      runId: r.id,
      verdict: r.verdict,
      risk: r.risk ?? 0,
      reason: r.error ?? r.problem,
      reused: true,
      worker: this.name,
    };
  }

  /** Clears what a dead attempt left, then records the new run; returns its id. */
  private async startRun(d: JobData, jlog: Logger): Promise<string> {
    const { store } = this.setup;
    removeStaleTempFiles(d.session.reportDir); // half-written files of a dead attempt (one job per session at a time)
    const abandoned = await store.abandonRunsOf(d.session.key);
    if (abandoned) jlog.warn({ abandoned }, 'an earlier attempt of this session died: its run is marked abandoned');
    const runId = randomUUID();
    await store.startRun({
      id: runId,
      sessionKey: d.session.key,
      batchId: d.batchId,
      kind: 'analyze',
      startedAt: new Date().toISOString(),
      inputsSha256: d.inputsSha256,
      contentSha256: d.contentSha256,
      rulesVersion: d.rulesVersion,
      model: d.model,
      toolVersion: d.toolVersion,
    });
    jlog.info({ runId }, 'session started');
    return runId;
  }

  /** The session in a worker thread, its report published. A session past its timeout gets a REVIEW report. */
  private async analyze(
    job: Job<JobData, JobResult>,
    token: string | undefined,
    d: JobData,
    runId: string,
    jlog: Logger,
  ): Promise<AnalyzeJobResult> {
    const entry = this.pools.for(d);
    entry.busy++;
    this.active.add(String(job.id));
    const opened = await this.setup.files.open(d.input, d.session.reportDir);
    let r: AnalyzeJobResult;
    try {
      try {
        r = await entry.pool.run({
          input: opened.input,
          reportDir: opened.reportDir,
          contentSha256: d.contentSha256,
          log: { job: String(job.id) },
        });
      } catch (err) {
        // past the session timeout the session itself is the problem (no retry): a REVIEW report says so
        if (!(err instanceof JobTimeoutError) || this.handingBack) throw err;
        jlog.warn({ reason: err.message }, 'session timed out');
        r = unanalyzableResult(
          opened.input,
          opened.reportDir,
          `${d.input.recording ?? d.input.transcript ?? d.input.name}: ${err.message}`,
          d.settings.lang,
          d.contentSha256,
        );
      }
      await opened.publish();
    } catch (err) {
      throw await this.attemptFailed(job, token, d, runId, err, jlog);
    } finally {
      entry.busy--;
      entry.lastUsed = Date.now();
      this.active.delete(String(job.id));
      await opened.dispose();
    }
    return r;
  }

  /** What to throw for a failed attempt: the job handed back (worker stopping), or the reason, for BullMQ to retry. */
  private async attemptFailed(
    job: Job<JobData, JobResult>,
    token: string | undefined,
    d: JobData,
    runId: string,
    err: unknown,
    jlog: Logger,
  ): Promise<Error> {
    const { store } = this.setup;
    if (this.handingBack && token) {
      // shutting down: give the job back untouched (no attempt used up) for another worker
      await store.abandonRunsOf(d.session.key).catch(() => undefined);
      await job.moveToWait(token);
      jlog.warn('handed back to the queue (worker stopping)');
      return new WaitingError();
    }
    let reason = errorMessage(err);
    const m = /rule files changed while the batch was running \((\S+) → (\S+)\)/.exec(reason);
    if (m)
      reason = `this worker's rule files are version ${m[2]}, the batch's ${m[1]}: every worker needs the batch's rules (or --rules with the same files)`;
    await store.failRun(runId, reason).catch(() => undefined);
    const attempts = job.opts.attempts ?? 1;
    jlog.warn({ reason, willRetry: job.attemptsMade + 1 < attempts }, 'attempt failed');
    return new Error(reason);
  }

  /** Commits the run, if the job is still this worker's. */
  private async complete(
    job: Job<JobData, JobResult>,
    token: string | undefined,
    d: JobData,
    runId: string,
    r: AnalyzeJobResult,
    jlog: Logger,
  ): Promise<JobResult> {
    const { store, lockDuration } = this.setup;
    // Still ours? A worker that stalled past its lock may find the job already given to another.
    if (token && !(await job.extendLock(token, lockDuration))) {
      await store
        .failRun(runId, 'lost the job lock (this worker stalled too long): another worker has the session')
        .catch(() => undefined);
      throw new Error('lost the job lock: another worker has the session');
    }
    await recordRunResult(store, runId, d.session, r, d.queueVerdicts);
    const reason = r.error ?? r.problem;
    jlog.info({ runId, verdict: r.verdict, risk: r.risk, ...(reason ? { reason } : {}) }, 'session done');
    return {
      sessionKey: d.session.key,
      sessionId: r.sessionId,
      runId,
      verdict: r.verdict,
      risk: r.risk,
      reason,
      worker: this.name,
    };
  }
}

function parseJobData(job: Job<JobData, JobResult>): JobData {
  const parsed = JobDataSchema.safeParse(job.data);
  if (!parsed.success) {
    // retrying cannot help: the data is not something this dualrec understands
    throw new UnrecoverableError(
      `job data not understood by dualrec ${TOOL_VERSION}: ${z.prettifyError(parsed.error).split('\n')[0]}`,
    );
  }
  return parsed.data;
}

function logWorkerEvents(worker: Worker<JobData, JobResult>, log: Logger): void {
  let lastWarn = 0;
  worker.on('error', (err) => {
    if (Date.now() - lastWarn > 10_000) {
      lastWarn = Date.now();
      log.warn({ err: errorMessage(err) }, 'queue connection problem (reconnecting)');
    }
  });
  worker.on('stalled', (jobId) =>
    log.warn({ job: jobId }, 'a worker stopped renewing this job (died?): it is back in the queue'),
  );
  worker.on('failed', (job, err) => {
    if (job && err.name !== 'WaitingError' && job.attemptsMade >= (job.opts.attempts ?? 1)) {
      log.error(
        { job: job.id, session: (job.data as JobData | undefined)?.session?.sessionId, reason: err.message },
        'job failed for good',
      );
    }
  });
}
