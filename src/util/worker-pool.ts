// Used by the local batch (src/batch), the job queue (src/queue) and vision's worker threads (src/vision).
// A fixed pool of worker threads, one job at a time each. Threads (not child processes) so that a
// killed batch takes every worker down with it: nothing keeps writing reports after the lock is gone.
// A worker that dies (uncaught error, timeout) fails only its job and is replaced.
import { Worker } from 'node:worker_threads';
import { errorMessage } from './errors.js';

/** A job that ran past the pool's jobTimeoutMs (its worker was stopped and replaced). */
export class JobTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(
      `timed out after ${timeoutMs >= 1000 ? Math.round(timeoutMs / 1000) : timeoutMs / 1000} s (the session timeout: --session-timeout, DUALREC_SESSION_TIMEOUT)`,
    );
    this.name = 'JobTimeoutError';
  }
}

interface Pending<J, R> {
  job: J;
  resolve: (r: R) => void;
  reject: (e: Error) => void;
}

interface Slot<J, R> {
  worker: Worker;
  current?: Pending<J, R> & { timer?: NodeJS.Timeout };
  ready: boolean;
}

/** A worker posts `ready` once when it is set up, then one `result` or `error` per job. */
export type WorkerReply<R> = { type: 'ready' } | { type: 'result'; result: R } | { type: 'error'; message: string };

export interface PoolOptions {
  size: number;
  /** data every worker gets at start (worker_threads workerData) */
  workerData: unknown;
  /** a job running longer than this fails and its worker is replaced */
  jobTimeoutMs?: number;
  /** idle workers don't keep the process alive (a pool kept for the process's lifetime, never closed) */
  unrefWhenIdle?: boolean;
}

/** Starts a worker for `entry`; a .ts entry (running under tsx) gets tsx's loader registered first. */
function startWorker(entry: URL, workerData: unknown): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData });
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}

/** Stops a worker we are done with. It may still emit an error on its way out (say, its start-up
 *  import failing after it was replaced or the pool closed): with no listener Node would rethrow
 *  that in this thread and take the whole batch down, so it is swallowed here. */
function retire(worker: Worker): Promise<number> {
  worker.removeAllListeners();
  worker.on('error', () => {});
  return worker.terminate();
}

export class WorkerPool<J, R> {
  private slots: Slot<J, R>[] = [];
  private waiting: Pending<J, R>[] = [];
  private closed = false;
  /** set when a worker died before it was ready: respawning would only die again */
  private broken?: string;

  constructor(
    private readonly entry: URL,
    private readonly opts: PoolOptions,
  ) {
    for (let i = 0; i < Math.max(1, opts.size); i++) this.slots.push(this.spawn());
    this.pump();
  }

  private spawn(): Slot<J, R> {
    // not ready until the worker says so: a job's timeout must not count the worker's start-up
    const slot: Slot<J, R> = { worker: startWorker(this.entry, this.opts.workerData), ready: false };
    slot.worker.on('message', (msg: WorkerReply<R>) => {
      if (msg.type === 'ready') {
        slot.ready = true;
        this.pump();
        return;
      }
      const cur = this.finishCurrent(slot);
      if (!cur) return;
      if (msg.type === 'result') cur.resolve(msg.result);
      else cur.reject(new Error(msg.message));
      this.pump();
    });
    slot.worker.on('error', (err) => this.replace(slot, `worker crashed: ${errorMessage(err)}`));
    slot.worker.on('exit', (code) => {
      if (!this.closed) this.replace(slot, `worker exited (code ${code})`);
    });
    return slot;
  }

  private finishCurrent(slot: Slot<J, R>): Pending<J, R> | undefined {
    const cur = slot.current;
    if (cur?.timer) clearTimeout(cur.timer);
    slot.current = undefined;
    return cur;
  }

  private replace(slot: Slot<J, R>, reason: string | Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    const cur = this.finishCurrent(slot);
    void retire(slot.worker);
    if (!slot.ready && !this.closed) this.broken = `a worker could not start: ${errorMessage(reason)}`;
    if (this.closed || this.broken) {
      this.slots.splice(i, 1);
    } else {
      this.slots[i] = this.spawn();
    }
    cur?.reject(reason instanceof Error ? reason : new Error(reason));
    if (this.broken && this.slots.every((x) => !x.ready)) {
      for (const w of this.waiting.splice(0)) w.reject(new Error(this.broken));
    }
    this.pump();
  }

  run(job: J): Promise<R> {
    if (this.closed) return Promise.reject(new Error('pool is closed'));
    if (this.broken && this.slots.every((x) => !x.ready)) return Promise.reject(new Error(this.broken));
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ job, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.current || this.waiting.length === 0) continue;
      const next = this.waiting.shift()!;
      const timeout = this.opts.jobTimeoutMs;
      slot.current = {
        ...next,
        timer: timeout ? setTimeout(() => this.replace(slot, new JobTimeoutError(timeout)), timeout) : undefined,
      };
      slot.worker.postMessage(next.job);
    }
    if (this.opts.unrefWhenIdle) {
      // a job waiting for a worker that is still starting must keep the process alive too
      const busy = this.waiting.length > 0;
      for (const slot of this.slots) {
        if (busy || slot.current) slot.worker.ref();
        else slot.worker.unref();
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.reject(new Error('pool closed'));
    await Promise.all(
      this.slots.map(async (s) => {
        this.finishCurrent(s)?.reject(new Error('pool closed'));
        await retire(s.worker);
      }),
    );
    this.slots = [];
  }
}
