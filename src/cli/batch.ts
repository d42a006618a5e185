// `dualrec batch <inbox>`: the nightly run over a folder tree of recordings (see docs/batch.md).
import type { Command } from 'commander';
import { relative } from 'node:path';
import { parseSince } from '../batch/discover.js';
import { progressSink } from '../batch/progress.js';
import { runBatch, DEFAULT_QUEUE_VERDICTS, type BatchSummary } from '../batch/run.js';
import { VERDICTS_ALL, parseVerdictList, parsePositiveInt, withStoreLockExit } from '../batch/cli-flags.js';
import { UserError } from '../util/errors.js';

interface BatchFlags {
  out: string;
  store?: string;
  concurrency?: string;
  since?: string;
  rules?: string[];
  model?: string;
  forceAsr?: boolean;
  force?: boolean;
  lang: string;
  queue: string;
  sessionTimeout?: string;
  json?: boolean;
  progress?: boolean;
}

/** Exit codes: 0 every session processed; 3 some session could not be (fully) analysed; 2 usage; 75 store busy. */
export const EXIT_SOME_FAILED = 3;

export function registerBatchCommand(program: Command): void {
  program
    .command('batch')
    .description('analyse every recording under a folder (recursively), skipping unchanged ones; store results; write index.html')
    .argument('<inbox>', 'folder of recordings and sidecars (date sub-folders welcome: inbox/2024-05-01/…)')
    .option('-o, --out <dir>', 'where reports, index.html and the store go', 'dualrec-reports')
    .option('--store <file>', 'SQLite store (default <out>/dualrec.sqlite, or env DUALREC_STORE)')
    .option('-j, --concurrency <n>', 'sessions analysed at once (default: number of cores)')
    .option('--since <date>', 'only sessions recorded on or after: YYYY-MM-DD, today, yesterday, or Nd')
    .option('-r, --rules <dir...>', 'rule pack folders (default: the shipped rules/)')
    .option('-m, --model <name|file>', 'whisper model for sessions without a transcript (or env DUALREC_MODEL)')
    .option('--force-asr', 'transcribe even when a transcript file is beside the recording')
    .option('--force', 're-analyse sessions even when nothing changed')
    .option('--queue <verdicts>', `verdicts that enter the review queue (${VERDICTS_ALL.join(',')})`, DEFAULT_QUEUE_VERDICTS.join(','))
    .option('--session-timeout <seconds>', 'give up on a session after this long (it is retried next run)')
    .option('--lang <zh|en>', 'report language', 'zh')
    .option('--no-progress', 'no progress bar even on a terminal (log lines instead)')
    .option('--json', 'print the summary as JSON')
    .action(async (inbox: string, flags: BatchFlags) => {
      if (flags.lang !== 'zh' && flags.lang !== 'en') throw new UserError(`--lang: expected zh or en, got "${flags.lang}"`);
      const tty = !!process.stderr.isTTY && flags.progress !== false && !flags.json;
      // the bar replaces the per-session info lines; warnings still show (set DUALREC_LOG_LEVEL for more)
      if (tty && !process.env.DUALREC_LOG_LEVEL && !process.env.LOG_LEVEL) process.env.DUALREC_LOG_LEVEL = 'warn';
      await withStoreLockExit(async () => {
        const summary = await runBatch({
          inbox,
          outDir: flags.out,
          store: flags.store,
          concurrency: flags.concurrency ? parsePositiveInt('--concurrency', flags.concurrency) : undefined,
          since: flags.since ? parseSince(flags.since) : undefined,
          ruleDirs: flags.rules,
          model: flags.model,
          forceAsr: flags.forceAsr,
          force: flags.force,
          lang: flags.lang as 'zh' | 'en',
          queueVerdicts: parseVerdictList('--queue', flags.queue),
          sessionTimeoutMs: flags.sessionTimeout ? parsePositiveInt('--session-timeout', flags.sessionTimeout) * 1000 : undefined,
          progress: progressSink({ tty }),
        });
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
  lines.push(
    `${s.inScope} session(s): ${s.analysed} analysed, ${s.skipped} unchanged (skipped)` +
      (s.reportsChanged ? `, ${s.reportsChanged} report(s) changed on disk and re-made` : '') +
      (s.abandonedRuns ? `, resumed after ${s.abandonedRuns} interrupted run(s)` : ''),
  );
  lines.push(`  FAIL ${s.verdicts.FAIL}   REVIEW ${s.verdicts.REVIEW}   PASS ${s.verdicts.PASS}`);
  const risky = s.sessions.filter((o) => o.verdict && o.verdict !== 'PASS').slice(0, top);
  if (risky.length) {
    lines.push('riskiest:');
    for (const o of risky) {
      lines.push(`  ${o.verdict!.padEnd(6)} risk ${(o.risk ?? 0).toFixed(1).padStart(5)}  ${o.relDir ? o.relDir + '/' : ''}${o.name}  →  ${rel(o.reportDir)}/report.html`);
    }
  }
  if (s.failures.length) {
    lines.push('could not be processed:');
    for (const f of s.failures) lines.push(`  ${f.relDir ? f.relDir + '/' : ''}${f.name}: ${f.reason}`);
  }
  lines.push(`index: ${rel(s.indexHtml)}`);
  return lines.join('\n') + '\n';
}
