// src/jobs: what a local batch (src/batch) and the job queue (src/queue) both use.
// One batch job: analyze a session, write its report atomically, and hand back what the store keeps
// (verdict, findings, report hashes, the facts as artefacts). Runs inside a worker thread; also
// callable in-process. Any failure on the session's side becomes a report that says why.
import { readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { AsrEngineCache } from '../asr/index.js';
import type { Finding, SessionMeta, Verdict } from '../model/index.js';
import { analyzeSession, errorReport, writeReport } from '../pipeline/analyze.js';
import { UserError, errorMessage } from '../util/errors.js';
import type { SessionInput } from '../pipeline/session.js';
import type { RuleSet } from '../rules/index.js';
import type { Artefact } from '../store/index.js';
import { sha256Text } from '../util/hash.js';
import { factsToArtefacts } from './facts.js';
import { riskScore } from './risk.js';

/** The worker-thread entry that runs analyze jobs (./worker.ts), for a WorkerPool. */
export const ANALYZE_WORKER = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);

export interface JobSettings {
  model?: string;
  forceAsr?: boolean;
  threads?: number;
  cacheDir?: string;
  /** false: skip the picture */
  vision?: boolean;
  lang: 'zh' | 'en';
}

export interface AnalyzeJob {
  input: SessionInput;
  reportDir: string;
  contentSha256?: string;
}

export interface AnalyzeJobResult {
  sessionId: string;
  meta: SessionMeta;
  verdict: Verdict;
  verdictReasons: string[];
  findings: Finding[];
  risk: number;
  /** the session could not be analyzed: why */
  error?: string;
  /** analyzed, but the recording has a critical integrity problem */
  problem?: string;
  reportJsonSha256: string;
  reportHtmlSha256: string;
  artefacts: Artefact[];
}

export function hashReportFiles(reportDir: string): { json: string; html: string } {
  return {
    json: sha256Text(readFileSync(join(reportDir, 'report.json'))),
    html: sha256Text(readFileSync(join(reportDir, 'report.html'))),
  };
}

/**
 * The result for a session whose worker gave up on it (timed out, out of memory, crashed): a REVIEW
 * report saying why, written by the caller's thread. A report that cannot be written stops the run.
 */
export function unanalyzableResult(
  input: SessionInput,
  reportDir: string,
  reason: string,
  lang: 'zh' | 'en',
  contentSha256?: string,
): AnalyzeJobResult {
  const short = reason.replaceAll(dirname(input.base) + sep, '');
  const report = errorReport(input, input.name, short, contentSha256);
  try {
    writeReport(reportDir, report, undefined, lang);
  } catch (err) {
    throw new UserError(`${reportDir}: cannot write the report (${errorMessage(err)})`, reportDir);
  }
  const hashes = hashReportFiles(reportDir);
  return {
    sessionId: report.session.id,
    meta: report.session.meta,
    verdict: report.verdict,
    verdictReasons: report.verdictReasons,
    findings: report.findings,
    risk: riskScore(report),
    error: reason,
    reportJsonSha256: hashes.json,
    reportHtmlSha256: hashes.html,
    artefacts: [],
  };
}

/** This worker's loaded whisper engines, kept across its jobs (they end with the worker's process). */
const engines = new AsrEngineCache();

export async function runAnalyzeJob(
  job: AnalyzeJob,
  ruleSet: RuleSet,
  settings: JobSettings,
): Promise<AnalyzeJobResult> {
  const { report, reportDir, facts, problem } = await analyzeSession(job.input, {
    ...settings,
    outDir: dirname(job.reportDir),
    reportDir: job.reportDir,
    contentSha256: job.contentSha256,
    ruleSet,
    engines,
    // In a batch every failure is the session's: it gets a report saying why and the batch goes on.
    everyErrorIsTheSessions: true,
  });
  const hashes = hashReportFiles(reportDir);
  return {
    sessionId: report.session.id,
    meta: report.session.meta,
    verdict: report.verdict,
    verdictReasons: report.verdictReasons,
    findings: report.findings,
    risk: riskScore(report),
    error: report.error,
    problem: report.error ? undefined : problem,
    reportJsonSha256: hashes.json,
    reportHtmlSha256: hashes.html,
    artefacts: facts ? factsToArtefacts(facts) : [],
  };
}
