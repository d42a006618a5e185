// `dualrec analyze <path...>`: a recording, a session folder, or a transcript alone → report per session.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { AsrEngineCache } from '../asr/index.js';
import { loadRuleSet } from '../rules/index.js';
import { loadQualityThresholds } from '../pipeline/quality.js';
import { analyzeSession, relativeToCwd } from '../pipeline/analyze.js';
import { resolveSessionInputs, type SessionInput } from '../pipeline/session.js';
import { UserError } from '../util/errors.js';
import { checkOutputDir } from '../pipeline/preflight.js';
import { prepareSigning } from '../integrity/keys.js';

interface AnalyzeFlags {
  out: string;
  rules?: string[];
  model?: string;
  lang: string;
  forceAsr?: boolean;
  vision: boolean;
  threads?: string;
}

/** Exit codes: 0 all analyzed; 2 nothing to analyze (user error); 3 some session could not be fully analyzed. */
export const EXIT_UNANALYZABLE = 3;

export function registerAnalyzeCommand(program: Command): void {
  program
    .command('analyze')
    .description('analyze recordings, session folders or transcripts and write report.json + report.html per session')
    .argument('<paths...>', 'recording file, session folder, or <name>.transcript.json|.srt|.vtt|.txt')
    .option('-o, --out <dir>', 'where reports go (one folder per session)', 'dualrec-reports')
    .option('-r, --rules <dir...>', 'rule pack folders (default: the shipped rules/)')
    .option('-m, --model <name|file>', 'whisper model for sessions without a transcript (or env DUALREC_MODEL)')
    .option('--force-asr', 'transcribe even when a transcript file is beside the recording')
    .option('--no-vision', 'skip the picture (faster; the visual checks then say they were not done)')
    .option('--threads <n>', 'ASR threads')
    .option('--lang <zh|en>', 'report language', 'zh')
    .action(async (paths: string[], flags: AnalyzeFlags) => {
      if (flags.lang !== 'zh' && flags.lang !== 'en')
        throw new UserError(`--lang: expected zh or en, got "${flags.lang}"`);
      const ruleSet = loadRuleSet(flags.rules);
      loadQualityThresholds(); // a bad thresholds file stops the run (exit 2) before any session
      const inputs: SessionInput[] = paths.flatMap((p) => resolveSessionInputs(p));
      const outDir = resolve(flags.out);
      checkOutputDir(outDir); // a wrong --out stops here, before any analysis
      // the signing key is outside the reports and exists before the first report is written
      prepareSigning(outDir);
      let problems = 0;
      const engines = new AsrEngineCache();
      try {
        for (const input of inputs) {
          const r = await analyzeSession(input, {
            outDir,
            ruleSet,
            engines,
            model: flags.model,
            forceAsr: flags.forceAsr,
            vision: flags.vision,
            threads: flags.threads ? Number(flags.threads) : undefined,
            lang: flags.lang,
          });
          process.stdout.write(
            `${r.report.verdict.padEnd(6)} ${input.name}  →  ${relativeToCwd(r.reportDir)}/report.html\n`,
          );
          if (r.problem) {
            problems++;
            process.stderr.write(`dualrec: ${r.problem}\n`);
          }
        }
      } finally {
        await engines.closeAll();
      }
      process.stdout.write(`${inputs.length} session(s) analyzed; reports in ${relativeToCwd(outDir)}\n`);
      if (problems > 0) process.exitCode = EXIT_UNANALYZABLE;
    });
}
