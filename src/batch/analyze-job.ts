// One batch job: analyse a session, write its report atomically, and hand back what the store keeps
// (verdict, findings, report hashes, the facts as artefacts). Runs inside a worker thread; also
// callable in-process. Any failure on the session's side becomes a report that says why.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AsrEngineCache } from '../asr/index.js';
import type { Finding, SessionMeta, Verdict } from '../model/index.js';
import { buildReport, errorReport, writeReport } from '../pipeline/analyze.js';
import { collectFacts } from '../pipeline/collect.js';
import type { SessionInput } from '../pipeline/session.js';
import type { RuleSet } from '../rules/index.js';
import type { Artefact } from '../store/index.js';
import { errorMessage } from '../util/errors.js';
import { sessionLogger } from '../util/log.js';
import { factsToArtefacts, sha256Text } from './facts.js';
import { riskScore } from './risk.js';

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
  /** the session could not be analysed: why */
  error?: string;
  /** analysed, but the recording has a critical integrity problem */
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

/** This worker's loaded whisper engines, kept across its jobs (they end with the worker's process). */
const engines = new AsrEngineCache();

export async function runAnalyzeJob(job: AnalyzeJob, ruleSet: RuleSet, settings: JobSettings): Promise<AnalyzeJobResult> {
  const { input, reportDir } = job;
  let log = sessionLogger(input.name);
  try {
    const facts = await collectFacts(input, {
      model: settings.model,
      forceAsr: settings.forceAsr,
      threads: settings.threads,
      cacheDir: settings.cacheDir,
      engines,
      vision: settings.vision,
      reportDir,
      logger: log,
    });
    log = sessionLogger(facts.sessionId);
    const report = buildReport(facts, ruleSet, job.contentSha256);
    writeReport(reportDir, report, input.recording, settings.lang);
    const hashes = hashReportFiles(reportDir);
    const critical = facts.integrity.find((i) => i.severity === 'critical');
    return {
      sessionId: facts.sessionId,
      meta: facts.meta,
      verdict: report.verdict,
      verdictReasons: report.verdictReasons,
      findings: report.findings,
      risk: riskScore(report),
      problem: critical?.message,
      reportJsonSha256: hashes.json,
      reportHtmlSha256: hashes.html,
      artefacts: factsToArtefacts(facts),
    };
  } catch (err) {
    // In a batch every failure is the session's: it gets a report saying why and the batch goes on.
    const reason = errorMessage(err).split('\n')[0] ?? 'unknown error';
    log.warn({ reason }, 'session could not be analysed');
    const report = errorReport(input, input.name, reason, job.contentSha256);
    writeReport(reportDir, report, undefined, settings.lang);
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
}
