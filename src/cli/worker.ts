// `dualrec worker --queue redis://… --store postgres://…`: a queue worker for batches spread over
// several machines (see docs/distributed.md). Runs until SIGTERM/SIGINT.
import type { Command } from 'commander';
import { parsePositiveInt, sessionTimeoutMs } from '../batch/cli-flags.js';
import { DEFAULT_SESSION_TIMEOUT_S } from '../model/limits.js';
import { DEFAULT_QUEUE_NAME } from '../queue/connection.js';
import { UserError } from '../util/errors.js';

interface WorkerFlags {
  queue?: string;
  queueName: string;
  store?: string;
  concurrency?: string;
  rules?: string[];
  model?: string;
  lockDuration: string;
  grace: string;
  name?: string;
  sessionTimeout?: string;
}

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description(
      'take session jobs from a Redis queue (`batch --queue`) and analyze them; run on any number of machines',
    )
    .option('--queue <url>', 'Redis of the queue: redis://[user:password@]host:port[/db] (or env DUALREC_QUEUE)')
    .option('--queue-name <name>', 'queue name (the batch must use the same)', DEFAULT_QUEUE_NAME)
    .option(
      '--store <url>',
      'the batch store: postgres://user:password@host:port/db[?schema=name] (or env DUALREC_STORE)',
    )
    .option('-j, --concurrency <n>', 'jobs at once on this machine (default: number of cores)')
    .option('-r, --rules <dir...>', "rule pack folders instead of the batch's (must be the same version)")
    .option('-m, --model <name|file>', "whisper model instead of the batch's --model (must be the same model)")
    .option(
      '--lock-duration <seconds>',
      'a worker silent this long is taken for dead and its job goes to another',
      '30',
    )
    .option('--grace <seconds>', 'on SIGTERM: time for running jobs to finish before they are handed back', '60')
    .option('--name <name>', 'this worker in logs and summaries (default host:pid)')
    .option(
      '--session-timeout <seconds>',
      `for jobs whose batch set none: give up on a session after this long, with a REVIEW report (default ${DEFAULT_SESSION_TIMEOUT_S}, or env DUALREC_SESSION_TIMEOUT; 0: none)`,
    )
    .action(async (flags: WorkerFlags) => {
      const queue = flags.queue ?? process.env.DUALREC_QUEUE;
      if (!queue) throw new UserError('--queue redis://host:port is required (or env DUALREC_QUEUE)');
      const store = flags.store ?? process.env.DUALREC_STORE;
      if (!store)
        throw new UserError(
          "--store is required: the batch's store, e.g. postgres://user:password@host:5432/dualrec (or env DUALREC_STORE)",
        );
      // loaded here: other commands never pay for BullMQ
      const { startQueueWorker } = await import('../queue/worker.js');
      const worker = await startQueueWorker({
        queue,
        queueName: flags.queueName,
        store,
        concurrency: flags.concurrency ? parsePositiveInt('--concurrency', flags.concurrency) : undefined,
        ruleDirs: flags.rules,
        model: flags.model,
        lockDurationMs: parsePositiveInt('--lock-duration', flags.lockDuration) * 1000,
        graceMs: graceSeconds(flags.grace) * 1000,
        name: flags.name,
        sessionTimeoutMs: sessionTimeoutMs(flags.sessionTimeout),
      });
      // First signal: finish (or, after the grace time, hand back) the running jobs. Second: hand back now.
      let signals = 0;
      const onSignal = () => {
        signals++;
        void worker.stop(signals > 1 ? 0 : undefined);
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
      await worker.stopped;
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    });
}

function graceSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UserError(`--grace: expected seconds (0 or more), got "${value}"`);
  return n;
}
