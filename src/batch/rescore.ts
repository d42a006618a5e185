// Re-scoring: the stored facts (transcript, media facts, visual timeline, metadata) of each session's
// current run, evaluated again with the current rules — no ffmpeg, ASR or vision. Each re-scored
// session gets a new run (kind "rescore") and a rewritten report; verdict flips are reported.
import { randomUUID } from 'node:crypto';
import { availableParallelism, hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Verdict } from '../model/index.js';
import { loadRuleSet, type RuleSet } from '../rules/index.js';
import { existsSync } from 'node:fs';
import { isPgUrl, openStore, storePath, type CurrentSession, type Store } from '../store/index.js';
import { UserError, errorMessage } from '../util/errors.js';
import { checkOutputDir, storeProblem } from '../pipeline/preflight.js';
import { rootLogger } from '../util/log.js';
import { TOOL_VERSION } from '../util/version.js';
import { writeIndexHtml } from './index-page.js';
import { WorkerPool } from '../util/worker-pool.js';
import { rescoreJob, type RescoreInit, type RescoreJob, type RescoreResult } from './rescore-worker.js';
import { DEFAULT_QUEUE_VERDICTS } from './run.js';

export interface RescoreOptions {
  outDir: string;
  store?: string;
  /** YYYY-MM-DD: only sessions recorded on or after */
  since?: string;
  ruleDirs?: string[];
  lang?: 'zh' | 'en';
  /** evaluate and report flips, write nothing */
  dryRun?: boolean;
  /** re-score even sessions already scored with this rules version */
  force?: boolean;
  queueVerdicts?: readonly Verdict[];
  /** scoring threads; default: the number of cores */
  concurrency?: number;
}

export interface VerdictFlip {
  key: string;
  sessionId: string;
  name: string;
  relDir: string;
  from: Verdict;
  to: Verdict;
  reportDir: string;
  /** rule ids whose finding changed status or severity (or that came or went) */
  changedRules: string[];
}

export interface RescoreSummary {
  rulesVersion: string;
  considered: number;
  rescored: number;
  /** already scored with these rules */
  upToDate: number;
  /** sessions that could not be analyzed have no stored facts: run the batch on them again */
  withoutFacts: number;
  flips: VerdictFlip[];
  /** sessions that could not be re-scored (they keep their current run and report) */
  failures: { key: string; name: string; relDir: string; reason: string }[];
  verdicts: Record<Verdict, number>;
  indexHtml?: string;
  dryRun: boolean;
}

export async function rescore(opts: RescoreOptions): Promise<RescoreSummary> {
  const outDir = resolve(opts.outDir);
  const ruleSet = loadRuleSet(opts.ruleDirs);
  const location = storePath({ store: opts.store, outDir });
  // re-scoring needs what a batch stored: a mistyped --out must not make an empty store and "succeed"
  if (!isPgUrl(location) && !existsSync(location)) {
    throw new UserError(
      `${location}: no store here (nothing to re-score); run \`dualrec batch\` first, or give the right --out or --store`,
      location,
    );
  }
  if (!opts.dryRun) checkOutputDir(outDir);
  const store = openStore(location);
  try {
    const lock = opts.dryRun
      ? undefined
      : await store.acquireLock({
          command: 'rescore',
          pid: process.pid,
          host: hostname(),
          startedAt: new Date().toISOString(),
        });
    try {
      return await rescoreLocked(store, { ...opts, outDir }, ruleSet);
    } finally {
      await lock?.release();
    }
  } catch (err) {
    throw storeProblem(err, location) ?? err;
  } finally {
    await store.close().catch(() => undefined);
  }
}

const WORKER_ENTRY = new URL(
  import.meta.url.endsWith('.ts') ? './rescore-worker.ts' : './rescore-worker.js',
  import.meta.url,
);

async function rescoreLocked(
  store: Store,
  opts: RescoreOptions & { outDir: string },
  ruleSet: RuleSet,
): Promise<RescoreSummary> {
  const log = rootLogger().child({ rescore: ruleSet.version });
  const batchId = randomUUID();
  if (!opts.dryRun) {
    await store.abandonStaleRuns();
    await store.startBatch({
      id: batchId,
      kind: 'rescore',
      startedAt: new Date().toISOString(),
      outDir: opts.outDir,
      rulesVersion: ruleSet.version,
    });
  }
  const sessions = await store.currentSessions({ since: opts.since });
  const summary: RescoreSummary = {
    rulesVersion: ruleSet.version,
    considered: sessions.length,
    rescored: 0,
    upToDate: 0,
    withoutFacts: 0,
    flips: [],
    failures: [],
    verdicts: { FAIL: 0, REVIEW: 0, PASS: 0 },
    dryRun: !!opts.dryRun,
  };
  const todo: CurrentSession[] = [];
  for (const s of sessions) {
    if (s.run.rulesVersion === ruleSet.version && !opts.force) {
      summary.upToDate++;
      if (s.run.verdict) summary.verdicts[s.run.verdict]++;
    } else if (s.run.error) {
      summary.withoutFacts++; // could not be analyzed: nothing stored to score
      if (s.run.verdict) summary.verdicts[s.run.verdict]++;
    } else {
      todo.push(s);
    }
  }

  const concurrency = Math.max(1, Math.min(opts.concurrency ?? availableParallelism(), todo.length));
  const init: RescoreInit = {
    ruleDirs: opts.ruleDirs,
    rulesVersion: ruleSet.version,
    lang: opts.lang ?? 'zh',
    dryRun: !!opts.dryRun,
  };
  // one session: scoring in-process is cheaper than starting a worker
  const pool =
    todo.length > 1 && concurrency > 1
      ? new WorkerPool<RescoreJob, RescoreResult>(WORKER_ENTRY, { size: concurrency, workerData: init })
      : undefined;
  const score = (job: RescoreJob) => (pool ? pool.run(job) : Promise.resolve(rescoreJob(job, ruleSet, init)));
  let next = 0;
  const lane = async () => {
    while (next < todo.length) {
      const s = todo[next++]!;
      const verdict = await rescoreOne(store, s, score, opts, batchId, ruleSet.version, summary);
      if (verdict) summary.verdicts[verdict]++;
    }
  };
  try {
    await Promise.all(Array.from({ length: todo.length ? concurrency : 0 }, lane));
  } finally {
    await pool?.close();
  }
  summary.flips.sort((a, b) => `${a.relDir}/${a.name}`.localeCompare(`${b.relDir}/${b.name}`));
  if (!opts.dryRun) {
    summary.indexHtml = writeIndexHtml(await store.currentSessions(), opts.outDir);
    await store.finishBatch(batchId, 'done', { ...summary, flips: summary.flips.length });
  }
  log.info({ rescored: summary.rescored, flips: summary.flips.length, upToDate: summary.upToDate }, 'rescore finished');
  return summary;
}

async function rescoreOne(
  store: Store,
  s: CurrentSession,
  score: (job: RescoreJob) => Promise<RescoreResult>,
  opts: RescoreOptions,
  batchId: string,
  rulesVersion: string,
  summary: RescoreSummary,
): Promise<Verdict | undefined> {
  const prev = s.run;
  const artefacts = await store.runArtefacts(prev.id);
  if (!artefacts.some((a) => a.kind === 'meta')) {
    summary.withoutFacts++;
    return prev.verdict;
  }
  const runId = randomUUID();
  if (!opts.dryRun) {
    await store.startRun({
      id: runId,
      sessionKey: s.key,
      batchId,
      kind: 'rescore',
      parentRunId: prev.id,
      startedAt: new Date().toISOString(),
      inputsSha256: prev.inputsSha256,
      contentSha256: prev.contentSha256,
      rulesVersion,
      model: prev.model,
      toolVersion: TOOL_VERSION,
    });
  }
  let r: RescoreResult;
  try {
    r = await score({ artefacts, contentSha256: prev.contentSha256, reportDir: s.reportDir, recording: s.recording });
  } catch (err) {
    // one session's failure (e.g. an unwritable report folder) does not stop the others
    const reason = errorMessage(err);
    if (!opts.dryRun) await store.failRun(runId, reason);
    summary.failures.push({ key: s.key, name: s.name, relDir: s.relDir, reason });
    return prev.verdict;
  }
  summary.rescored++;
  if (prev.verdict && prev.verdict !== r.verdict) {
    const state = (f: { status: string; severity: string }) => `${f.status}/${f.severity}`;
    const before = new Map((await store.findingsOf(prev.id)).map((f) => [f.ruleId, state(f)]));
    const after = new Map(r.findings.map((f) => [f.ruleId, state(f)]));
    const changedRules = [...new Set([...before.keys(), ...after.keys()])]
      .filter((id) => before.get(id) !== after.get(id))
      .sort();
    summary.flips.push({
      key: s.key,
      sessionId: s.sessionId,
      name: s.name,
      relDir: s.relDir,
      from: prev.verdict,
      to: r.verdict,
      reportDir: s.reportDir,
      changedRules,
    });
  }
  if (opts.dryRun) return r.verdict;
  await store.completeRun(runId, {
    verdict: r.verdict,
    verdictReasons: r.verdictReasons,
    risk: r.risk,
    problem: prev.problem,
    reportJsonSha256: r.reportJsonSha256!,
    reportHtmlSha256: r.reportHtmlSha256!,
    findings: r.findings,
    artefacts,
    queueVerdicts: opts.queueVerdicts ?? DEFAULT_QUEUE_VERDICTS,
  });
  return r.verdict;
}
