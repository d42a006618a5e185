// Worker thread entry for rescore: stored facts → findings → verdict (→ report files). The store
// stays with the main thread; workers only score and write reports.
import { parentPort, workerData } from 'node:worker_threads';
import type { Finding, Verdict } from '../model/index.js';
import { buildReport, writeReport } from '../pipeline/analyze.js';
import { loadRuleSet, type RuleSet } from '../rules/index.js';
import type { Artefact } from '../store/index.js';
import { errorMessage } from '../util/errors.js';
import { hashReportFiles } from '../jobs/analyze-job.js';
import { artefactsToFacts } from '../jobs/facts.js';
import type { WorkerReply } from '../util/worker-pool.js';
import { riskScore } from '../jobs/risk.js';

export interface RescoreInit {
  ruleDirs?: string[];
  rulesVersion: string;
  lang: 'zh' | 'en';
  dryRun: boolean;
}

export interface RescoreJob {
  artefacts: Artefact[];
  contentSha256?: string;
  reportDir: string;
  recording?: string;
}

export interface RescoreResult {
  verdict: Verdict;
  verdictReasons: string[];
  findings: Finding[];
  risk: number;
  /** absent in a dry run */
  reportJsonSha256?: string;
  reportHtmlSha256?: string;
}

export function rescoreJob(
  job: RescoreJob,
  ruleSet: RuleSet,
  init: Pick<RescoreInit, 'lang' | 'dryRun'>,
): RescoreResult {
  const facts = artefactsToFacts(job.artefacts);
  if (!facts) throw new Error('no stored facts');
  const report = buildReport(facts, ruleSet, job.contentSha256);
  const result: RescoreResult = {
    verdict: report.verdict,
    verdictReasons: report.verdictReasons,
    findings: report.findings,
    risk: riskScore(report),
  };
  if (init.dryRun) return result;
  writeReport(job.reportDir, report, job.recording, init.lang);
  const h = hashReportFiles(job.reportDir);
  return { ...result, reportJsonSha256: h.json, reportHtmlSha256: h.html };
}

if (parentPort && (workerData as RescoreInit | undefined)?.rulesVersion) {
  const init = workerData as RescoreInit;
  let ruleSet: RuleSet | undefined;
  parentPort.on('message', (job: RescoreJob) => {
    let reply: WorkerReply<RescoreResult>;
    try {
      ruleSet ??= loadRuleSet(init.ruleDirs);
      if (ruleSet.version !== init.rulesVersion)
        throw new Error(
          `rule files changed during the rescore (${init.rulesVersion} → ${ruleSet.version}); run it again`,
        );
      reply = { type: 'result', result: rescoreJob(job, ruleSet, init) };
    } catch (err) {
      reply = { type: 'error', message: errorMessage(err) };
    }
    parentPort!.postMessage(reply);
  });
  parentPort.postMessage({ type: 'ready' } satisfies WorkerReply<RescoreResult>);
}
