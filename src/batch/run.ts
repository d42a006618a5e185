// The nightly batch: discover → skip what is unchanged → analyze the rest in a worker pool → store
// each result in one transaction → index.html → summary. Crash-safe by construction: reports are
// written atomically before the store records them, the store commits each session on its own, and
// a re-run re-analyzes whatever has no finished run whose report is still the one on disk.
// With `queue` set the same plan is handed to BullMQ workers on other machines instead, through the
// queue runner the caller gives (src/queue's runOnQueue: the batch itself has no queue code).
import { existsSync, statSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { availableParallelism, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { Verdict } from '../model/index.js';
import { loadRuleSet } from '../rules/index.js';
import { isCurrent, openStore, storePath, type Store } from '../store/index.js';
import { UserError, errorMessage } from '../util/errors.js';
import { rootLogger } from '../util/log.js';
import { TOOL_VERSION } from '../util/version.js';
import { ANALYZE_WORKER, unanalyzableResult, type AnalyzeJob, type AnalyzeJobResult } from '../jobs/analyze-job.js';
import { storedRunState } from '../jobs/current-run.js';
import { discoverInbox } from './discover.js';
import { checkOutputDir, storeProblem } from '../pipeline/preflight.js';
import { describeFsError, isFsError } from '../pipeline/input-error.js';
import { asrModelKey, fingerprint, type Fingerprint } from '../jobs/fingerprint.js';
import { writeIndexHtml } from './index-page.js';
import type { BatchOptions, BatchPlan, QueueRunner, QueueSummary } from '../jobs/plan.js';
import { WorkerPool } from '../util/worker-pool.js';
import { progressSink } from '../jobs/progress.js';
import { outcome, recordRunResult, sessionRecord, type BatchSession, type SessionOutcome } from '../jobs/session.js';
import { removeStaleTempFiles } from '../jobs/temp-files.js';
import type { WorkerInit } from '../jobs/worker.js';

export const DEFAULT_QUEUE_VERDICTS: readonly Verdict[] = ['FAIL', 'REVIEW'];

export interface BatchSummary {
  batchId: string;
  store: string;
  outDir: string;
  indexHtml: string;
  discovered: number;
  inScope: number;
  analysed: number;
  skipped: number;
  /** reports that had been changed or removed on disk since the store hashed them (re-made) */
  reportsChanged: number;
  abandonedRuns: number;
  verdicts: Record<Verdict, number>;
  /** riskiest first; every in-scope session */
  sessions: SessionOutcome[];
  /** sessions of this run that could not be (fully) processed, with the reason */
  failures: SessionOutcome[];
  /** only when the batch went through a queue (`--queue`) */
  queue?: QueueSummary;
}

/** A batch with `opts.queue` set needs `runOnQueue` (src/queue/enqueue.ts), which runs the plan on the queue. */
export async function runBatch(opts: BatchOptions, runOnQueue?: QueueRunner): Promise<BatchSummary> {
  if (opts.queue && !runOnQueue) throw new Error('runBatch: a batch with a queue URL needs the queue runner');
  const inbox = resolve(opts.inbox);
  if (!existsSync(inbox) || !statSync(inbox).isDirectory())
    throw new UserError(`${opts.inbox}: no such folder`, opts.inbox);
  const outDir = resolve(opts.outDir);
  const ruleSet = loadRuleSet(opts.ruleDirs); // a broken rule file stops the batch before any work
  // where results go is checked before any session is analyzed: these stop the batch (exit 2)
  checkOutputDir(outDir);
  const location = storePath({ store: opts.store, outDir });
  const store = openStore(location);
  const log = rootLogger();
  const startedAt = new Date().toISOString();
  const batchId = randomUUID();
  try {
    const lock = await store.acquireLock({ command: 'batch', pid: process.pid, host: hostname(), startedAt });
    try {
      return await runLocked(store, { ...opts, inbox, outDir }, ruleSet.version, batchId, startedAt, runOnQueue);
    } finally {
      await lock.release();
    }
  } catch (err) {
    // the store failing (corrupt page, read-only, disk full) stops the batch: say which file
    throw storeProblem(err, location) ?? err;
  } finally {
    await store.close().catch(() => undefined);
    log.flush?.();
  }
}

async function runLocked(
  store: Store,
  opts: BatchOptions & { inbox: string; outDir: string },
  rulesVersion: string,
  batchId: string,
  startedAt: string,
  runOnQueue: QueueRunner | undefined,
): Promise<BatchSummary> {
  const plan = await planBatch(store, opts, rulesVersion, batchId, startedAt);
  if (opts.queue && runOnQueue) {
    const queue = await runOnQueue(store, plan, { ...opts, queue: opts.queue });
    return finishBatchRun(store, plan, opts, queue);
  }
  await analyzeLocally(store, plan, opts);
  return finishBatchRun(store, plan, opts);
}

/**
 * Discovery, and the decision per session: skip (unchanged, report intact) or analyze. Sessions are
 * recorded in the store as they are found. A local batch first marks runs left by a killed batch as
 * abandoned; a queued one cannot (workers elsewhere may be in the middle of them): each worker does it
 * for its own session instead.
 */
export async function planBatch(
  store: Store,
  opts: BatchOptions & { inbox: string; outDir: string },
  rulesVersion: string,
  batchId: string,
  startedAt: string,
): Promise<BatchPlan> {
  const log = rootLogger().child({ batch: batchId });
  let abandonedRuns = 0;
  if (!opts.queue) {
    abandonedRuns = await store.abandonStaleRuns();
    const staleTemps = removeStaleTempFiles(opts.outDir);
    if (abandonedRuns || staleTemps) log.warn({ abandonedRuns, staleTemps }, 'resuming after an interrupted run');
  }

  const { sessions: discovered, problems } = discoverInbox(opts.inbox, opts.outDir);
  const inScope = opts.since ? discovered.filter((s) => !s.recordedOn || s.recordedOn >= opts.since!) : discovered;
  await store.startBatch({
    id: batchId,
    kind: 'batch',
    startedAt,
    inbox: opts.inbox,
    outDir: opts.outDir,
    rulesVersion,
  });

  let asrModel: string | undefined;
  const modelKey = () => (asrModel ??= asrModelKey(opts.model));
  const outcomes = new Map<string, SessionOutcome>();
  let reportsChanged = 0;
  // a folder that could not be read: its sessions are unknown, so the folder itself is listed as failed
  for (const p of problems) {
    log.error({ folder: p.path, reason: p.reason }, 'folder could not be read');
    const cut = p.relDir.lastIndexOf('/');
    outcomes.set(`folder:${p.relDir}`, {
      key: `folder:${p.relDir}`,
      name: p.relDir.slice(cut + 1) + '/',
      relDir: cut < 0 ? '' : p.relDir.slice(0, cut),
      reportDir: join(opts.outDir, ...p.relDir.split('/')),
      status: 'failed',
      reason: p.reason,
    });
  }

  // Decide what to run before starting workers, so the progress total is known.
  const todo: { s: BatchSession; fp: Fingerprint }[] = [];
  for (const s of inScope) {
    await store.upsertSession(sessionRecord(s));
    const needsModel = !s.input.transcript || opts.forceAsr;
    let fp: Fingerprint;
    try {
      if (s.input.unreadable) throw new UserError(s.input.unreadable);
      fp = await fingerprint(store, s.input, {
        forceAsr: opts.forceAsr,
        asrModel: needsModel && s.input.recording ? modelKey() : 'none',
      });
    } catch (err) {
      if (!(err instanceof UserError) && !isFsError(err)) throw err; // the store's, not the session's
      // a file of the session cannot be read (permission, gone, I/O error): its worker writes the
      // report saying why, without opening anything; never "unchanged", so it is tried again next run
      s.input.unreadable ??= isFsError(err) ? describeFsError(err) : errorMessage(err);
      todo.push({ s, fp: { inputsSha256: `unreadable:${randomUUID()}`, model: 'none' } });
      continue;
    }
    const cur = await store.getSession(s.key);
    if (!opts.force && isCurrent(cur)) {
      const state = storedRunState(
        cur.run,
        { inputsSha256: fp.inputsSha256, model: fp.model, rulesVersion, toolVersion: TOOL_VERSION },
        s.reportDir,
      );
      if (state === 'same') {
        outcomes.set(s.key, outcome(s, 'skipped', cur.run.verdict, cur.run.risk));
        continue;
      }
      if (state === 'report-changed') {
        reportsChanged++;
        log.warn(
          { session: s.key, reportDir: s.reportDir },
          'report changed or missing on disk since the store hashed it: making it again',
        );
      }
    }
    todo.push({ s, fp });
  }
  return {
    batchId,
    startedAt,
    rulesVersion,
    discovered: discovered.length,
    inScope,
    todo,
    outcomes,
    reportsChanged,
    abandonedRuns,
    queueVerdicts: opts.queueVerdicts ?? DEFAULT_QUEUE_VERDICTS,
  };
}

/** The plan's sessions in this process's worker-thread pool. */
async function analyzeLocally(
  store: Store,
  plan: BatchPlan,
  opts: BatchOptions & { inbox: string; outDir: string },
): Promise<void> {
  const { todo, outcomes, batchId, rulesVersion, queueVerdicts } = plan;
  const log = rootLogger().child({ batch: batchId });
  const progress = opts.progress ?? progressSink({ tty: false });
  progress.start(todo.length, plan.inScope.length - todo.length);
  const concurrency = Math.max(1, Math.min(opts.concurrency ?? availableParallelism(), Math.max(1, todo.length)));
  const init: WorkerInit = {
    ruleDirs: opts.ruleDirs,
    rulesVersion,
    model: opts.model,
    forceAsr: opts.forceAsr,
    vision: opts.vision,
    // whisper threads share the cores with the other workers
    threads: Math.max(1, Math.floor(availableParallelism() / concurrency)),
    cacheDir: opts.cacheDir,
    lang: opts.lang ?? 'zh',
  };
  const pool = todo.length
    ? new WorkerPool<AnalyzeJob, AnalyzeJobResult>(ANALYZE_WORKER, {
        size: concurrency,
        workerData: init,
        jobTimeoutMs: opts.sessionTimeoutMs,
      })
    : undefined;
  // `concurrency` lanes each take the next session, so a run is "running" only while a worker has it.
  let next = 0;
  // set when a lane fails (the store or the output folder): the batch stops, nothing more is written
  let stopping = false;
  const lane = async () => {
    while (next < todo.length && !stopping) {
      const { s, fp } = todo[next++]!;
      try {
        await analyzeOne(s, fp);
      } catch (err) {
        stopping = true;
        throw err;
      }
    }
  };
  const analyzeOne = async (s: BatchSession, fp: Fingerprint) => {
    const runId = randomUUID();
    await store.startRun({
      id: runId,
      sessionKey: s.key,
      batchId,
      kind: 'analyze',
      startedAt: new Date().toISOString(),
      inputsSha256: fp.inputsSha256,
      contentSha256: fp.contentSha256,
      rulesVersion,
      model: fp.model,
      toolVersion: TOOL_VERSION,
    });
    let r: AnalyzeJobResult;
    try {
      r = await pool!.run({ input: s.input, reportDir: s.reportDir, contentSha256: fp.contentSha256 });
    } catch (err) {
      if (stopping) throw err; // the pool was closed because the batch is stopping
      // the worker timed out, ran out of memory or crashed on this session: the session gets a REVIEW
      // report saying so (written here), and the batch goes on. Only failing to write it stops the batch.
      const reason = errorMessage(err);
      log.error({ session: s.key, reason }, 'session failed');
      r = unanalyzableResult(
        s.input,
        s.reportDir,
        `${s.input.recording ?? s.input.transcript ?? s.input.name}: ${reason}`,
        opts.lang ?? 'zh',
        fp.contentSha256,
      );
    }
    await recordRunResult(store, runId, sessionRecord(s), r, queueVerdicts);
    const o = outcome(s, 'analysed', r.verdict, r.risk, r.error ?? r.problem);
    outcomes.set(s.key, o);
    progress.done(s.input.name, r.verdict, { risk: r.risk, ...(o.reason ? { reason: o.reason } : {}) });
  };
  try {
    await Promise.all(Array.from({ length: pool ? concurrency : 0 }, lane));
  } finally {
    await pool?.close();
    progress.end();
  }
}

/** index.html, the summary, and the batch's row in the store. */
async function finishBatchRun(
  store: Store,
  plan: BatchPlan,
  opts: BatchOptions & { inbox: string; outDir: string },
  queue?: QueueSummary,
): Promise<BatchSummary> {
  const { batchId, outcomes } = plan;
  const log = rootLogger().child({ batch: batchId });
  const indexHtml = writeIndexHtml(await store.currentSessions(), opts.outDir);
  const sessions = [...outcomes.values()].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (b.risk ?? 0) - (a.risk ?? 0) ||
      `${a.relDir}/${a.name}`.localeCompare(`${b.relDir}/${b.name}`),
  );
  const verdicts: Record<Verdict, number> = { FAIL: 0, REVIEW: 0, PASS: 0 };
  for (const o of sessions) if (o.verdict) verdicts[o.verdict]++;
  const failures = sessions.filter((o) => o.status !== 'skipped' && o.status !== 'queued' && o.reason);
  const summary: BatchSummary = {
    batchId,
    store: store.location,
    outDir: opts.outDir,
    indexHtml,
    discovered: plan.discovered,
    inScope: plan.inScope.length,
    analysed: sessions.filter((o) => o.status === 'analysed').length,
    skipped: sessions.filter((o) => o.status === 'skipped').length,
    reportsChanged: plan.reportsChanged,
    abandonedRuns: plan.abandonedRuns,
    verdicts,
    sessions,
    failures,
    ...(queue ? { queue } : {}),
  };
  const status = queue && !queue.waited ? 'queued' : failures.some((f) => f.status === 'failed') ? 'failed' : 'done';
  await store.finishBatch(batchId, status, { ...summary, sessions: undefined });
  log.info(
    { analysed: summary.analysed, skipped: summary.skipped, failures: failures.length, verdicts },
    queue && !queue.waited ? 'batch queued' : 'batch finished',
  );
  return summary;
}

function rank(o: SessionOutcome): number {
  return o.status === 'failed'
    ? -1
    : o.status === 'queued'
      ? 3
      : o.verdict === 'FAIL'
        ? 0
        : o.verdict === 'REVIEW'
          ? 1
          : 2;
}
