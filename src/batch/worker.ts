// Worker thread entry for the batch pool: loads the rules once, then analyses one job per message.
import { parentPort, workerData } from 'node:worker_threads';
import { loadRuleSet, type RuleSet } from '../rules/index.js';
import { errorMessage } from '../util/errors.js';
import { runAnalyzeJob, type AnalyzeJob, type AnalyzeJobResult, type JobSettings } from './analyze-job.js';
import type { WorkerReply } from './pool.js';

export interface WorkerInit extends JobSettings {
  ruleDirs?: string[];
  /** the version the batch recorded; rules edited mid-batch must not be mixed in silently */
  rulesVersion: string;
}

const init = workerData as WorkerInit;
let ruleSet: RuleSet | undefined;

parentPort!.on('message', (job: AnalyzeJob) => {
  void (async () => {
    let reply: WorkerReply<AnalyzeJobResult>;
    try {
      ruleSet ??= loadRuleSet(init.ruleDirs);
      if (ruleSet.version !== init.rulesVersion) {
        throw new Error(`rule files changed while the batch was running (${init.rulesVersion} → ${ruleSet.version}); run the batch again`);
      }
      reply = { type: 'result', result: await runAnalyzeJob(job, ruleSet, init) };
    } catch (err) {
      reply = { type: 'error', message: errorMessage(err) };
    }
    parentPort!.postMessage(reply);
  })();
});
parentPort!.postMessage({ type: 'ready' } satisfies WorkerReply<AnalyzeJobResult>);
