// `dualrec rescore`: evaluate the stored facts again with the current rules; report verdict flips.
import type { Command } from 'commander';
import { relative } from 'node:path';
import { parseSince } from '../batch/discover.js';
import { DEFAULT_QUEUE_VERDICTS } from '../batch/run.js';
import { rescore, type RescoreSummary } from '../batch/rescore.js';
import { VERDICTS_ALL, parsePositiveInt, parseVerdictList, withStoreLockExit } from '../batch/cli-flags.js';
import { UserError } from '../util/errors.js';
import { prepareSigning } from '../integrity/keys.js';

interface RescoreFlags {
  out: string;
  store?: string;
  since?: string;
  rules?: string[];
  lang: string;
  dryRun?: boolean;
  force?: boolean;
  queue?: string;
  reviewQueue: string;
  concurrency?: string;
  json?: boolean;
}

export function registerRescoreCommand(program: Command): void {
  program
    .command('rescore')
    .description(
      're-evaluate stored transcripts and visual timelines with the current rules (no ASR, no vision); report verdict flips',
    )
    .option('-o, --out <dir>', 'the batch output folder (holds the store and the reports)', 'dualrec-reports')
    .option(
      '--store <file|url>',
      'SQLite file (default <out>/dualrec.sqlite) or postgres:// URL (or env DUALREC_STORE)',
    )
    .option('--since <date>', 'only sessions recorded on or after: YYYY-MM-DD, today, yesterday, or Nd')
    .option('-r, --rules <dir...>', 'rule pack folders (default: the shipped rules/)')
    .option('--dry-run', 'show what would flip; write nothing')
    .option('--force', 're-score sessions already scored with these rules')
    .option(
      '--review-queue <verdicts>',
      `verdicts that enter the review queue (${VERDICTS_ALL.join(',')})`,
      DEFAULT_QUEUE_VERDICTS.join(','),
    )
    .option('--queue <verdicts>', 'the same as --review-queue (older name)')
    .option('-j, --concurrency <n>', 'sessions scored at once (default: number of cores)')
    .option('--lang <zh|en>', 'report language', 'zh')
    .option('--json', 'print the summary as JSON')
    .action(async (flags: RescoreFlags) => {
      if (flags.lang !== 'zh' && flags.lang !== 'en')
        throw new UserError(`--lang: expected zh or en, got "${flags.lang}"`);
      if (!flags.dryRun) prepareSigning(flags.out);
      await withStoreLockExit(async () => {
        const summary = await rescore({
          outDir: flags.out,
          store: flags.store,
          since: flags.since ? parseSince(flags.since) : undefined,
          ruleDirs: flags.rules,
          lang: flags.lang as 'zh' | 'en',
          dryRun: flags.dryRun,
          force: flags.force,
          queueVerdicts: flags.queue
            ? parseVerdictList('--queue', flags.queue)
            : parseVerdictList('--review-queue', flags.reviewQueue),
          concurrency: flags.concurrency ? parsePositiveInt('--concurrency', flags.concurrency) : undefined,
        });
        process.stdout.write(flags.json ? JSON.stringify(summary, null, 2) + '\n' : formatRescore(summary));
        if (summary.failures.length) process.exitCode = 3;
      });
    });
}

export function formatRescore(s: RescoreSummary): string {
  const lines = [
    `rules ${s.rulesVersion}: ${s.considered} session(s); ${s.rescored} re-scored${s.dryRun ? ' (dry run, nothing written)' : ''}, ` +
      `${s.upToDate} already current` +
      (s.withoutFacts ? `, ${s.withoutFacts} without stored facts (could not be analyzed: run the batch on them)` : ''),
    `  FAIL ${s.verdicts.FAIL}   REVIEW ${s.verdicts.REVIEW}   PASS ${s.verdicts.PASS}`,
    `${s.flips.length} verdict flip(s)${s.flips.length ? ':' : ''}`,
  ];
  for (const f of s.flips) {
    const where = relative(process.cwd(), f.reportDir);
    lines.push(
      `  ${f.from} → ${f.to}  ${f.relDir ? f.relDir + '/' : ''}${f.name}  (${f.changedRules.join(', ') || 'verdict policy'})  ${where.startsWith('..') ? f.reportDir : where}`,
    );
  }
  if (s.failures.length) {
    lines.push('could not be re-scored (their current reports stay):');
    for (const f of s.failures) lines.push(`  ${f.relDir ? f.relDir + '/' : ''}${f.name}: ${f.reason}`);
  }
  if (s.indexHtml) {
    const r = relative(process.cwd(), s.indexHtml);
    lines.push(`index: ${r.startsWith('..') ? s.indexHtml : r}`);
  }
  return lines.join('\n') + '\n';
}
