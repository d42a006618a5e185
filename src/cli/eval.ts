// `dualrec eval DIR`: scores the pipeline against labelled sessions at several simulated ASR-noise
// levels. A measurement: exit 0, unless --min-recall / --min-precision are given and missed (exit 1).
import type { Command } from 'commander';
import { formatRun } from '../eval/format.js';
import { checkGates, runEval } from '../eval/run.js';
import { loadRuleSet } from '../rules/index.js';
import { UserError } from '../util/errors.js';

interface EvalFlags {
  noise: string;
  seed: string;
  repeats: string;
  rules?: string[];
  model?: string;
  json?: boolean;
  details?: boolean;
  minRecall?: string;
  minPrecision?: string;
  gateAt?: string;
  strict?: boolean;
}

function fraction(flag: string, value: string): number {
  const x = Number(value);
  if (value.trim() === '' || !Number.isFinite(x) || x < 0 || x > 1) {
    throw new UserError(`${flag}: expected a number from 0 to 1, got "${value}"`);
  }
  return x;
}

function fractions(flag: string, value: string): number[] {
  const list = value.split(',').map((v) => fraction(flag, v));
  return [...new Set(list)].sort((a, b) => a - b);
}

export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description(
      'measure violation precision/recall/F1 per concept, verdict accuracy and REVIEW rate on labelled sessions, under simulated ASR noise',
    )
    .argument('<dir>', 'folder of sessions, each with <name>.expected.json beside its recording or transcript')
    .option('--noise <rates>', 'comma-separated simulated ASR error rates per Han character', '0,0.05,0.1,0.2')
    .option('--seed <n>', 'noise seed (same seed, same errors)', '1')
    .option('--repeats <n>', 'noise draws per level (seeds seed … seed+n-1), pooled for steadier figures', '1')
    .option('-r, --rules <dir...>', 'rule pack folders (default: the shipped rules/)')
    .option('-m, --model <name|file>', 'whisper model for sessions that have a recording but no transcript')
    .option('--json', 'print the full result as JSON')
    .option('--details', 'list every missed violation and false alarm with the rules involved')
    .option('--min-recall <x>', 'exit 1 if micro violation recall (lenient unless --strict) is below x')
    .option('--min-precision <y>', 'exit 1 if micro violation precision is below y')
    .option('--gate-at <rates>', 'noise levels the --min-* targets apply to (default: every level)')
    .option('--strict', 'gate on strict recall (only a fail verdict on the concept counts as caught)')
    .addHelpText(
      'after',
      `
Counting: a violation is a concept labelled "fail". strict recall counts it caught only when the
concept is judged fail; lenient recall also when it is undetermined and the session goes to REVIEW or
FAIL (a person will look). Precision: predicted fails on concepts labelled pass / not_applicable /
undetermined are false alarms. Concepts an expected.json does not list are not scored.

expected.json: {"verdict": "FAIL", "concepts": {"disclosure.exclusions": "fail", "prohibited.guarantee": "pass"}}`,
    )
    .action(async (dir: string, flags: EvalFlags) => {
      const noise = fractions('--noise', flags.noise);
      const seed = Number(flags.seed);
      if (!Number.isInteger(seed)) throw new UserError(`--seed: expected an integer, got "${flags.seed}"`);
      const repeats = Number(flags.repeats);
      if (!Number.isInteger(repeats) || repeats < 1 || repeats > 100) {
        throw new UserError(`--repeats: expected an integer from 1 to 100, got "${flags.repeats}"`);
      }
      const gate = {
        minRecall: flags.minRecall !== undefined ? fraction('--min-recall', flags.minRecall) : undefined,
        minPrecision: flags.minPrecision !== undefined ? fraction('--min-precision', flags.minPrecision) : undefined,
        strict: flags.strict,
        at: flags.gateAt !== undefined ? fractions('--gate-at', flags.gateAt) : undefined,
      };
      if (gate.at) {
        const unknown = gate.at.filter((a) => !noise.includes(a));
        if (unknown.length)
          throw new UserError(`--gate-at: ${unknown.join(',')} is not among --noise ${noise.join(',')}`);
      }
      const ruleSet = loadRuleSet(flags.rules);
      const tty = process.stderr.isTTY && !flags.json;
      const run = await runEval(dir, {
        noise,
        seed,
        repeats,
        ruleSet,
        model: flags.model,
        onProgress: tty
          ? (d, t) => process.stderr.write(`\rcollecting sessions ${d}/${t}${d === t ? '\n' : ''}`)
          : undefined,
      });
      const missed = checkGates(run, gate);
      const gated = gate.minRecall !== undefined || gate.minPrecision !== undefined;
      if (flags.json) {
        process.stdout.write(
          `${JSON.stringify({ ...run, gate: gated ? { ...gate, missed, passed: missed.length === 0 } : undefined }, null, 2)}\n`,
        );
      } else {
        process.stdout.write(formatRun(run, flags.details ?? false));
        if (gated) {
          process.stdout.write(
            missed.length ? `\ntargets missed:\n${missed.map((m) => `  ${m}`).join('\n')}\n` : '\ntargets met\n',
          );
        }
      }
      if (missed.length > 0) process.exitCode = 1;
    });
}
