// `dualrec batch <inbox>`: the nightly run over a folder tree of recordings (see docs/batch.md).
import type { Command } from 'commander';
import { relative } from 'node:path';
import { parseSince } from '../batch/discover.js';
import { progressSink } from '../jobs/progress.js';
import { runBatch, DEFAULT_QUEUE_VERDICTS, type BatchSummary } from '../batch/run.js';
import {
  VERDICTS_ALL,
  parseVerdictList,
  parsePositiveInt,
  sessionTimeoutMs,
  withStoreLockExit,
} from '../batch/cli-flags.js';
import { DEFAULT_SESSION_TIMEOUT_S } from '../model/limits.js';
import { DEFAULT_QUEUE_NAME, isRedisUrl } from '../queue/connection.js';
import { UserError } from '../util/errors.js';
import { prepareSigning } from '../integrity/keys.js';

interface BatchFlags {
  out: string;
  store?: string;
  concurrency?: string;
  since?: string;
  rules?: string[];
  model?: string;
  forceAsr?: boolean;
  vision: boolean;
  force?: boolean;
  lang: string;
  queue?: string;
  reviewQueue?: string;
  queueName: string;
  wait?: boolean;
  attempts?: string;
  sessionTimeout?: string;
  json?: boolean;
  progress?: boolean;
}

/** Exit codes: 0 every session processed; 3 some session could not be (fully) analyzed; 2 usage; 75 store busy. */
export const EXIT_SOME_FAILED = 3;

export function registerBatchCommand(program: Command): void {
  program
    .command('batch')
    .description(
      'analyze every recording under a folder (recursively), skipping unchanged ones; store results; write index.html',
    )
    .argument('<inbox>', 'folder of recordings and sidecars (date sub-folders welcome: inbox/2024-05-01/…)')
    .option('-o, --out <dir>', 'where reports, index.html and the store go', 'dualrec-reports')
    .option(
      '--store <file|url>',
      'SQLite file (default <out>/dualrec.sqlite) or postgres://user:password@host:port/db (or env DUALREC_STORE)',
    )
    .option('-j, --concurrency <n>', 'sessions analyzed at once (default: number of cores)')
    .option('--since <date>', 'only sessions recorded on or after: YYYY-MM-DD, today, yesterday, or Nd')
    .option('-r, --rules <dir...>', 'rule pack folders (default: the shipped rules/)')
    .option('-m, --model <name|file>', 'whisper model for sessions without a transcript (or env DUALREC_MODEL)')
    .option('--force-asr', 'transcribe even when a transcript file is beside the recording')
    .option('--no-vision', 'skip the picture (faster; the visual checks then say they were not done)')
    .option('--force', 're-analyze sessions even when nothing changed')
    .option(
      '--queue <redis-url>',
      'hand the sessions to queue workers (`dualrec worker`) through Redis: redis://host:port',
    )
    .option('--queue-name <name>', 'with --queue: the queue name (workers must use the same)', DEFAULT_QUEUE_NAME)
    .option('--wait', 'with --queue: follow the workers until every session is done, then summarise')
    .option('--attempts <n>', 'with --queue: tries per session when the fault is transient (default 3)')
    .option(
      '--review-queue <verdicts>',
      `verdicts that enter the review queue (${VERDICTS_ALL.join(',')})`,
      DEFAULT_QUEUE_VERDICTS.join(','),
    )
    .option(
      '--session-timeout <seconds>',
      `give up on a session after this long: it gets a REVIEW report saying so (default ${DEFAULT_SESSION_TIMEOUT_S}, or env DUALREC_SESSION_TIMEOUT; 0: none)`,
    )
    .option('--lang <zh|en>', 'report language', 'zh')
    .option('--no-progress', 'no progress bar even on a terminal (log lines instead)')
    .option('--json', 'print the summary as JSON')
    .action(async (inbox: string, flags: BatchFlags) => {
      if (flags.lang !== 'zh' && flags.lang !== 'en')
        throw new UserError(`--lang: expected zh or en, got "${flags.lang}"`);
      const tty = !!process.stderr.isTTY && flags.progress !== false && !flags.json;
      // the bar replaces the per-session info lines; warnings still show (set DUALREC_LOG_LEVEL for more)
      if (tty && !process.env.DUALREC_LOG_LEVEL && !process.env.LOG_LEVEL) process.env.DUALREC_LOG_LEVEL = 'warn';
      // `--queue FAIL,REVIEW` was the review-queue flag before job queues: a value that is not a URL keeps that meaning
      let jobQueue = flags.queue;
      let reviewQueue = flags.reviewQueue ?? DEFAULT_QUEUE_VERDICTS.join(',');
      if (jobQueue && !isRedisUrl(jobQueue)) {
        if (/^[a-z]+:\/\//i.test(jobQueue))
          throw new UserError(`--queue: expected redis://host:port (or rediss://), got "${jobQueue.split('@').pop()}"`);
        reviewQueue = jobQueue;
        jobQueue = undefined;
      }
      if (!jobQueue && (flags.wait || flags.attempts))
        throw new UserError('--wait and --attempts go with --queue redis://host:port');
      // the signing key is outside the reports and exists before any worker signs a report
      prepareSigning(flags.out);
      await withStoreLockExit(async () => {
        // the batch runs on the queue through src/queue's runner, loaded only then: a local batch never pays for BullMQ
        const runOnQueue = jobQueue ? (await import('../queue/enqueue.js')).runOnQueue : undefined;
        const summary = await runBatch(
          {
            inbox,
            outDir: flags.out,
            store: flags.store,
            concurrency: flags.concurrency ? parsePositiveInt('--concurrency', flags.concurrency) : undefined,
            since: flags.since ? parseSince(flags.since) : undefined,
            ruleDirs: flags.rules,
            model: flags.model,
            forceAsr: flags.forceAsr,
            vision: flags.vision,
            force: flags.force,
            lang: flags.lang as 'zh' | 'en',
            queueVerdicts: parseVerdictList('--review-queue', reviewQueue),
            sessionTimeoutMs: sessionTimeoutMs(flags.sessionTimeout),
            progress: progressSink({ tty }),
            queue: jobQueue,
            queueName: flags.queueName,
            wait: flags.wait,
            attempts: flags.attempts ? parsePositiveInt('--attempts', flags.attempts) : undefined,
          },
          runOnQueue,
        );
        process.stdout.write(flags.json ? JSON.stringify(summary, null, 2) + '\n' : formatSummary(summary));
        if (summary.failures.length > 0) process.exitCode = EXIT_SOME_FAILED;
      });
    });
}

const rel = (p: string) => {
  const r = relative(process.cwd(), p);
  return r.startsWith('..') ? p : r || '.';
};

export function formatSummary(s: BatchSummary, top = 10): string {
  const lines: string[] = [];
  const q = s.queue;
  if (q && !q.waited) {
    lines.push(
      `${s.inScope} session(s): ${q.enqueued + q.alreadyQueued} handed to queue "${q.name}" at ${q.url}` +
        (q.alreadyQueued ? ` (${q.alreadyQueued} already queued by an earlier batch)` : '') +
        `, ${s.skipped} unchanged (skipped)`,
    );
    lines.push(
      `  follow them with: dualrec batch … --queue ${q.url} --wait   (or see the store; workers log each session)`,
    );
    lines.push(`index (sessions finished so far): ${rel(s.indexHtml)}`);
    return lines.join('\n') + '\n';
  }
  lines.push(
    `${s.inScope} session(s): ${s.analysed} analyzed, ${s.skipped} unchanged (skipped)` +
      (s.reportsChanged ? `, ${s.reportsChanged} report(s) changed on disk and re-made` : '') +
      (s.abandonedRuns ? `, resumed after ${s.abandonedRuns} interrupted run(s)` : ''),
  );
  lines.push(`  FAIL ${s.verdicts.FAIL}   REVIEW ${s.verdicts.REVIEW}   PASS ${s.verdicts.PASS}`);
  if (q)
    lines.push(
      `  through queue "${q.name}" at ${q.url}: ${q.workers?.length ?? 0} worker(s) ${q.workers?.join(', ') ?? ''}`.trimEnd(),
    );
  const risky = s.sessions.filter((o) => o.verdict && o.verdict !== 'PASS').slice(0, top);
  if (risky.length) {
    lines.push('riskiest:');
    for (const o of risky) {
      lines.push(
        `  ${o.verdict!.padEnd(6)} risk ${(o.risk ?? 0).toFixed(1).padStart(5)}  ${o.relDir ? o.relDir + '/' : ''}${o.name}  →  ${rel(o.reportDir)}/report.html`,
      );
    }
  }
  if (s.failures.length) {
    lines.push('could not be processed:');
    for (const f of s.failures) lines.push(`  ${f.relDir ? f.relDir + '/' : ''}${f.name}: ${f.reason}`);
  }
  lines.push(`index: ${rel(s.indexHtml)}`);
  return lines.join('\n') + '\n';
}
