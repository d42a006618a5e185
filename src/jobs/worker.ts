// src/jobs: what a local batch (src/batch) and the job queue (src/queue) both use.
// Worker thread entry for the batch pool (and the queue worker's pool): loads the rules once, then
// analyzes one job per message.
import { parentPort, workerData } from 'node:worker_threads';
import pino from 'pino';
import { loadRuleSet, type RuleSet } from '../rules/index.js';
import { errorMessage } from '../util/errors.js';
import { rootLogger } from '../util/log.js';
import { runAnalyzeJob, type AnalyzeJob, type AnalyzeJobResult, type JobSettings } from './analyze-job.js';
import type { WorkerReply } from '../util/worker-pool.js';

export interface WorkerInit extends JobSettings {
  ruleDirs?: string[];
  /** the version the batch recorded; rules edited mid-batch must not be mixed in silently */
  rulesVersion: string;
}

/** A job, plus fields every log line of it carries (the queue worker adds its job id). */
export type WorkerJob = AnalyzeJob & { log?: Record<string, string> };

const init = workerData as WorkerInit;
// With as many sessions at once as cores, each session keeps to its own thread: vision's worker threads
// (src/vision/worker-pools.ts) would only compete with the other sessions for the same cores. This
// thread's environment is its own copy; an explicit DUALREC_VISION_THREADS is left as it is.
if ((init.threads ?? 1) <= 1) process.env.DUALREC_VISION_THREADS ??= '1';
let ruleSet: RuleSet | undefined;

// This thread runs one job at a time, so the job's log fields can sit on the thread's root logger:
// every session logger made during the job inherits them. Reset to the original bindings first.
const root = rootLogger();
const slot = root as unknown as Record<symbol, unknown>;
const baseBindings = slot[pino.symbols.chindingsSym];
function bindJobLog(fields: Record<string, string> | undefined): void {
  slot[pino.symbols.chindingsSym] = baseBindings;
  if (fields) root.setBindings(fields);
}

parentPort!.on('message', (job: WorkerJob) => {
  void (async () => {
    let reply: WorkerReply<AnalyzeJobResult>;
    try {
      bindJobLog(job.log);
      ruleSet ??= loadRuleSet(init.ruleDirs);
      if (ruleSet.version !== init.rulesVersion) {
        throw new Error(
          `rule files changed while the batch was running (${init.rulesVersion} → ${ruleSet.version}); run the batch again`,
        );
      }
      const { log: _fields, ...analyzeJob } = job;
      reply = { type: 'result', result: await runAnalyzeJob(analyzeJob, ruleSet, init) };
    } catch (err) {
      reply = { type: 'error', message: errorMessage(err) };
    }
    parentPort!.postMessage(reply);
  })();
});
// Rules are loaded before the worker says it is ready, so a session's timeout counts only its own work.
// A failure here is left to the first job (it reports it) rather than killing the worker at start.
try {
  ruleSet = loadRuleSet(init.ruleDirs);
} catch {
  ruleSet = undefined;
}
parentPort!.postMessage({ type: 'ready' } satisfies WorkerReply<AnalyzeJobResult>);
