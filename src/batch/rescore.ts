// Re-scoring: the stored facts (transcript, media facts, visual timeline, metadata) of each session's
// current run, evaluated again with the current rules — no ffmpeg, ASR or vision. Each re-scored
// session gets a new run (kind "rescore") and a rewritten report; verdict flips are reported.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Verdict } from '../model/index.js';
import { buildReport, writeReport } from '../pipeline/analyze.js';
import { loadRuleSet } from '../rules/index.js';
import { openStore, storePath, type CurrentSession, type Store } from '../store/index.js';
import { rootLogger } from '../util/log.js';
import { TOOL_VERSION } from '../util/version.js';
import { hashReportFiles } from './analyze-job.js';
import { artefactsToFacts } from './facts.js';
import { writeIndexHtml } from './index-page.js';
import { riskScore } from './risk.js';
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
  /** sessions that could not be analysed have no stored facts: run the batch on them again */
  withoutFacts: number;
  flips: VerdictFlip[];
  verdicts: Record<Verdict, number>;
  indexHtml?: string;
  dryRun: boolean;
}

export async function rescore(opts: RescoreOptions): Promise<RescoreSummary> {
  const outDir = resolve(opts.outDir);
  const ruleSet = loadRuleSet(opts.ruleDirs);
  const store = openStore(storePath({ store: opts.store, outDir }));
  try {
    const lock = opts.dryRun
      ? undefined
      : await store.acquireLock({ command: 'rescore', pid: process.pid, host: hostname(), startedAt: new Date().toISOString() });
    try {
      return await rescoreLocked(store, { ...opts, outDir }, ruleSet);
    } finally {
      await lock?.release();
    }
  } finally {
    await store.close();
  }
}

async function rescoreLocked(store: Store, opts: RescoreOptions & { outDir: string }, ruleSet: ReturnType<typeof loadRuleSet>): Promise<RescoreSummary> {
  const log = rootLogger().child({ rescore: ruleSet.version });
  const batchId = randomUUID();
  if (!opts.dryRun) {
    await store.abandonStaleRuns();
    await store.startBatch({ id: batchId, kind: 'rescore', startedAt: new Date().toISOString(), outDir: opts.outDir, rulesVersion: ruleSet.version });
  }
  const sessions = await store.currentSessions({ since: opts.since });
  const summary: RescoreSummary = {
    rulesVersion: ruleSet.version,
    considered: sessions.length,
    rescored: 0,
    upToDate: 0,
    withoutFacts: 0,
    flips: [],
    verdicts: { FAIL: 0, REVIEW: 0, PASS: 0 },
    dryRun: !!opts.dryRun,
  };
  for (const s of sessions) {
    const verdict = await rescoreOne(store, s, ruleSet, opts, batchId, summary);
    if (verdict) summary.verdicts[verdict]++;
  }
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
  ruleSet: ReturnType<typeof loadRuleSet>,
  opts: RescoreOptions,
  batchId: string,
  summary: RescoreSummary,
): Promise<Verdict | undefined> {
  const prev = s.run;
  if (prev.rulesVersion === ruleSet.version && !opts.force) {
    summary.upToDate++;
    return prev.verdict;
  }
  const artefacts = await store.runArtefacts(prev.id);
  const facts = artefactsToFacts(artefacts);
  if (!facts) {
    summary.withoutFacts++;
    return prev.verdict;
  }
  const report = buildReport(facts, ruleSet, prev.contentSha256);
  summary.rescored++;
  if (prev.verdict && prev.verdict !== report.verdict) {
    const state = (f: { status: string; severity: string }) => `${f.status}/${f.severity}`;
    const before = new Map((await store.findingsOf(prev.id)).map((f) => [f.ruleId, state(f)]));
    const after = new Map(report.findings.map((f) => [f.ruleId, state(f)]));
    const changedRules = [...new Set([...before.keys(), ...after.keys()])].filter((id) => before.get(id) !== after.get(id)).sort();
    summary.flips.push({
      key: s.key, sessionId: s.sessionId, name: s.name, relDir: s.relDir, from: prev.verdict, to: report.verdict,
      reportDir: s.reportDir, changedRules,
    });
  }
  if (opts.dryRun) return report.verdict;

  const runId = randomUUID();
  await store.startRun({
    id: runId, sessionKey: s.key, batchId, kind: 'rescore', parentRunId: prev.id, startedAt: new Date().toISOString(),
    inputsSha256: prev.inputsSha256, contentSha256: prev.contentSha256, rulesVersion: ruleSet.version, model: prev.model,
    toolVersion: TOOL_VERSION,
  });
  writeReport(s.reportDir, report, s.recording, opts.lang ?? 'zh');
  const hashes = hashReportFiles(s.reportDir);
  await store.completeRun(runId, {
    verdict: report.verdict, verdictReasons: report.verdictReasons, risk: riskScore(report), problem: prev.problem,
    reportJsonSha256: hashes.json, reportHtmlSha256: hashes.html, findings: report.findings, artefacts,
    queueVerdicts: opts.queueVerdicts ?? DEFAULT_QUEUE_VERDICTS,
  });
  return report.verdict;
}
