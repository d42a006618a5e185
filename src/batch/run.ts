// The nightly batch: discover → skip what is unchanged → analyse the rest in a worker pool → store
// each result in one transaction → index.html → summary. Crash-safe by construction: reports are
// written atomically before the store records them, the store commits each session on its own, and
// a re-run re-analyses whatever has no finished run whose report is still the one on disk.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { availableParallelism, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { Verdict } from '../model/index.js';
import { loadRuleSet } from '../rules/index.js';
import { isCurrent, openStore, storePath, type Store } from '../store/index.js';
import { UserError, errorMessage } from '../util/errors.js';
import { rootLogger } from '../util/log.js';
import { TOOL_VERSION } from '../util/version.js';
import { hashReportFiles, type AnalyzeJob, type AnalyzeJobResult } from './analyze-job.js';
import { discoverSessions, type BatchSession } from './discover.js';
import { asrModelKey, fingerprint, type Fingerprint } from './fingerprint.js';
import { writeIndexHtml } from './index-page.js';
import { WorkerPool } from './pool.js';
import { progressSink, type ProgressSink } from './progress.js';
import type { WorkerInit } from './worker.js';

export const DEFAULT_QUEUE_VERDICTS: readonly Verdict[] = ['FAIL', 'REVIEW'];

export interface BatchOptions {
  inbox: string;
  outDir: string;
  /** default `<outDir>/dualrec.sqlite` (or DUALREC_STORE) */
  store?: string;
  /** worker threads; default: the number of cores */
  concurrency?: number;
  /** YYYY-MM-DD: only sessions recorded on or after */
  since?: string;
  ruleDirs?: string[];
  model?: string;
  forceAsr?: boolean;
  /** re-analyse even unchanged sessions */
  force?: boolean;
  lang?: 'zh' | 'en';
  queueVerdicts?: readonly Verdict[];
  /** a session taking longer fails (and its worker is replaced) */
  sessionTimeoutMs?: number;
  cacheDir?: string;
  progress?: ProgressSink;
}

export interface SessionOutcome {
  key: string;
  name: string;
  relDir: string;
  verdict?: Verdict;
  risk?: number;
  reportDir: string;
  status: 'analysed' | 'skipped' | 'failed';
  /** could not be analysed, or analysed with a critical problem, or the program failed on it */
  reason?: string;
}

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
}

const WORKER_ENTRY = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);

/** Temp files from writeFileAtomic left by a killed process: `.<name>.<pid>.<hex>.tmp`. */
export function removeStaleTempFiles(dir: string): number {
  let removed = 0;
  if (!existsSync(dir)) return 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) removed += removeStaleTempFiles(p);
    else if (e.isFile() && /^\..+\.\d+\.[0-9a-f]{8}\.tmp$/.test(e.name)) {
      rmSync(p, { force: true });
      removed++;
    }
  }
  return removed;
}

/** The current run is still good when its inputs, rules, model and tool match and its report is untouched. */
function upToDate(
  current: { inputsSha256: string; rulesVersion: string; model: string; toolVersion: string; reportJsonSha256?: string; reportHtmlSha256?: string },
  fp: Fingerprint,
  rulesVersion: string,
  reportDir: string,
): 'same' | 'changed-inputs' | 'report-changed' {
  if (
    current.inputsSha256 !== fp.inputsSha256 ||
    current.rulesVersion !== rulesVersion ||
    current.model !== fp.model ||
    current.toolVersion !== TOOL_VERSION
  ) {
    return 'changed-inputs';
  }
  try {
    const h = hashReportFiles(reportDir);
    return h.json === current.reportJsonSha256 && h.html === current.reportHtmlSha256 ? 'same' : 'report-changed';
  } catch {
    return 'report-changed';
  }
}

export async function runBatch(opts: BatchOptions): Promise<BatchSummary> {
  const inbox = resolve(opts.inbox);
  if (!existsSync(inbox) || !statSync(inbox).isDirectory()) throw new UserError(`${opts.inbox}: no such folder`, opts.inbox);
  const outDir = resolve(opts.outDir);
  const ruleSet = loadRuleSet(opts.ruleDirs); // a broken rule file stops the batch before any work
  const store = openStore(storePath({ store: opts.store, outDir }));
  const log = rootLogger();
  const startedAt = new Date().toISOString();
  const batchId = randomUUID();
  try {
    const lock = await store.acquireLock({ command: 'batch', pid: process.pid, host: hostname(), startedAt });
    try {
      return await runLocked(store, { ...opts, inbox, outDir }, ruleSet.version, batchId, startedAt);
    } finally {
      await lock.release();
    }
  } finally {
    await store.close();
    log.flush?.();
  }
}

async function runLocked(
  store: Store,
  opts: BatchOptions & { inbox: string; outDir: string },
  rulesVersion: string,
  batchId: string,
  startedAt: string,
): Promise<BatchSummary> {
  const log = rootLogger().child({ batch: batchId });
  const abandonedRuns = await store.abandonStaleRuns();
  const staleTemps = removeStaleTempFiles(opts.outDir);
  if (abandonedRuns || staleTemps) log.warn({ abandonedRuns, staleTemps }, 'resuming after an interrupted run');

  const discovered = discoverSessions(opts.inbox, opts.outDir);
  const inScope = opts.since ? discovered.filter((s) => !s.recordedOn || s.recordedOn >= opts.since!) : discovered;
  await store.startBatch({ id: batchId, kind: 'batch', startedAt, inbox: opts.inbox, outDir: opts.outDir, rulesVersion });

  let asrModel: string | undefined;
  const modelKey = () => (asrModel ??= asrModelKey(opts.model));
  const queueVerdicts = opts.queueVerdicts ?? DEFAULT_QUEUE_VERDICTS;
  const outcomes = new Map<string, SessionOutcome>();
  let reportsChanged = 0;

  // Decide what to run before starting workers, so the progress total is known.
  const todo: { s: BatchSession; fp: Fingerprint }[] = [];
  for (const s of inScope) {
    await store.upsertSession(sessionRecord(s));
    const needsModel = !s.input.transcript || opts.forceAsr;
    const fp = await fingerprint(store, s.input, { forceAsr: opts.forceAsr, asrModel: needsModel && s.input.recording ? modelKey() : 'none' });
    const cur = await store.getSession(s.key);
    if (!opts.force && isCurrent(cur)) {
      const state = upToDate(cur.run, fp, rulesVersion, s.reportDir);
      if (state === 'same') {
        outcomes.set(s.key, outcome(s, 'skipped', cur.run.verdict, cur.run.risk));
        continue;
      }
      if (state === 'report-changed') {
        reportsChanged++;
        log.warn({ session: s.key, reportDir: s.reportDir }, 'report changed or missing on disk since the store hashed it: making it again');
      }
    }
    todo.push({ s, fp });
  }

  const progress = opts.progress ?? progressSink({ tty: false });
  progress.start(todo.length, inScope.length - todo.length);
  const concurrency = Math.max(1, Math.min(opts.concurrency ?? availableParallelism(), Math.max(1, todo.length)));
  const init: WorkerInit = {
    ruleDirs: opts.ruleDirs,
    rulesVersion,
    model: opts.model,
    forceAsr: opts.forceAsr,
    // whisper threads share the cores with the other workers
    threads: Math.max(1, Math.floor(availableParallelism() / concurrency)),
    cacheDir: opts.cacheDir,
    lang: opts.lang ?? 'zh',
  };
  const pool = todo.length ? new WorkerPool<AnalyzeJob, AnalyzeJobResult>(WORKER_ENTRY, { size: concurrency, workerData: init, jobTimeoutMs: opts.sessionTimeoutMs }) : undefined;
  // `concurrency` lanes each take the next session, so a run is "running" only while a worker has it.
  let next = 0;
  const lane = async () => {
    while (next < todo.length) {
      const { s, fp } = todo[next++]!;
      await analyseOne(s, fp);
    }
  };
  const analyseOne = async (s: BatchSession, fp: Fingerprint) => {
    const runId = randomUUID();
    await store.startRun({
      id: runId, sessionKey: s.key, batchId, kind: 'analyze', startedAt: new Date().toISOString(),
      inputsSha256: fp.inputsSha256, contentSha256: fp.contentSha256, rulesVersion, model: fp.model, toolVersion: TOOL_VERSION,
    });
    try {
      const r = await pool!.run({ input: s.input, reportDir: s.reportDir, contentSha256: fp.contentSha256 });
      await store.completeRun(runId, {
        verdict: r.verdict, verdictReasons: r.verdictReasons, risk: r.risk, error: r.error, problem: r.problem,
        reportJsonSha256: r.reportJsonSha256, reportHtmlSha256: r.reportHtmlSha256, findings: r.findings, artefacts: r.artefacts,
        queueVerdicts,
      });
      if (r.sessionId !== (s.meta?.session_id ?? s.input.name)) {
        await store.upsertSession({ ...sessionRecord(s), sessionId: r.sessionId });
      }
      const o = outcome(s, 'analysed', r.verdict, r.risk, r.error ?? r.problem);
      outcomes.set(s.key, o);
      progress.done(s.input.name, r.verdict, { risk: r.risk, ...(o.reason ? { reason: o.reason } : {}) });
    } catch (err) {
      const reason = errorMessage(err);
      await store.failRun(runId, reason);
      outcomes.set(s.key, outcome(s, 'failed', undefined, undefined, reason));
      log.error({ session: s.key, reason }, 'session failed');
      progress.done(s.input.name, 'failed', { reason });
    }
  };
  try {
    await Promise.all(Array.from({ length: pool ? concurrency : 0 }, lane));
  } finally {
    await pool?.close();
    progress.end();
  }

  const indexHtml = writeIndexHtml(await store.currentSessions(), opts.outDir);
  const sessions = [...outcomes.values()].sort(
    (a, b) => rank(a) - rank(b) || (b.risk ?? 0) - (a.risk ?? 0) || `${a.relDir}/${a.name}`.localeCompare(`${b.relDir}/${b.name}`),
  );
  const verdicts: Record<Verdict, number> = { FAIL: 0, REVIEW: 0, PASS: 0 };
  for (const o of sessions) if (o.verdict) verdicts[o.verdict]++;
  const failures = sessions.filter((o) => o.status !== 'skipped' && o.reason);
  const summary: BatchSummary = {
    batchId,
    store: store.location,
    outDir: opts.outDir,
    indexHtml,
    discovered: discovered.length,
    inScope: inScope.length,
    analysed: sessions.filter((o) => o.status === 'analysed').length,
    skipped: sessions.filter((o) => o.status === 'skipped').length,
    reportsChanged,
    abandonedRuns,
    verdicts,
    sessions,
    failures,
  };
  await store.finishBatch(batchId, failures.some((f) => f.status === 'failed') ? 'failed' : 'done', {
    ...summary,
    sessions: undefined,
  });
  log.info({ analysed: summary.analysed, skipped: summary.skipped, failures: failures.length, verdicts }, 'batch finished');
  return summary;
}

function rank(o: SessionOutcome): number {
  return o.status === 'failed' ? -1 : o.verdict === 'FAIL' ? 0 : o.verdict === 'REVIEW' ? 1 : 2;
}

function outcome(s: BatchSession, status: SessionOutcome['status'], verdict?: Verdict, risk?: number, reason?: string): SessionOutcome {
  return { key: s.key, name: s.input.name, relDir: s.relDir, reportDir: s.reportDir, status, verdict, risk, reason };
}

function sessionRecord(s: BatchSession) {
  return {
    key: s.key,
    base: s.input.base,
    name: s.input.name,
    relDir: s.relDir,
    sessionId: s.meta?.session_id ?? s.input.name,
    recording: s.input.recording,
    reportDir: s.reportDir,
    productType: s.meta?.product.type,
    productName: s.meta?.product.name,
    channel: s.meta?.channel,
    agentId: s.meta?.agent.id,
    recordedOn: s.recordedOn,
  };
}
