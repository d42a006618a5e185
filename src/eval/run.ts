// Runs a labelled folder through the real pipeline at several simulated ASR-noise levels.
// Facts are collected once per session (import / transcription, roles); each noise level then
// re-scores a noised copy of the transcript, which is what a worse ASR engine would hand the rules.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { SessionFacts } from '../model/index.js';
import { errorReport } from '../pipeline/analyze.js';
import { collectFacts } from '../pipeline/collect.js';
import { scoreFacts } from '../pipeline/score.js';
import { sessionsInFolder, type SessionInput } from '../pipeline/session.js';
import type { RuleSet } from '../rules/index.js';
import { UserError, errorMessage } from '../util/errors.js';
import { sessionLogger } from '../util/log.js';
import { computeMetrics, ExpectedSchema, type EvalMetrics, type Expected, type SessionOutcome } from './metrics.js';
import { fmt, pct } from './format.js';
import { applyAsrNoise } from './noise.js';

export const EXPECTED_SUFFIX = '.expected.json';

export interface LabelledSession {
  input: SessionInput;
  expectedFile: string;
  expected: Expected;
}

export interface DiscoverResult {
  sessions: LabelledSession[];
  /** sessions found without an expected.json beside them (not scored) */
  unlabelled: string[];
}

/** Every session under `dir` (recursively) that has `<name>.expected.json` beside it. */
export function discoverLabelledSessions(dir: string): DiscoverResult {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UserError(`${dir}: not a folder`, dir);
  const sessions: LabelledSession[] = [];
  const unlabelled: string[] = [];
  const walk = (folder: string) => {
    for (const input of sessionsInFolder(folder)) {
      const expectedFile = input.base + EXPECTED_SUFFIX;
      if (!existsSync(expectedFile)) {
        unlabelled.push(relative(root, input.base) || input.name);
        continue;
      }
      sessions.push({ input, expectedFile, expected: readExpected(expectedFile) });
    }
    for (const entry of readdirSync(folder).sort()) {
      const sub = join(folder, entry);
      if (!entry.startsWith('.') && entry !== 'node_modules' && statSync(sub).isDirectory()) walk(sub);
    }
  };
  walk(root);
  if (sessions.length === 0) {
    throw new UserError(
      `${dir}: no labelled session (a recording or <name>.transcript.json with <name>${EXPECTED_SUFFIX} beside it)`,
      dir,
    );
  }
  return { sessions, unlabelled };
}

export function readExpected(file: string): Expected {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(`${file}: not valid JSON (${errorMessage(err)})`, file);
  }
  const parsed = ExpectedSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length ? issue.path.map(String).join('.') : '(top level)';
    throw new UserError(`${file}: field "${field}": ${issue.message}`, file);
  }
  return parsed.data;
}

export interface NoiseLevelResult {
  noise: number;
  /** characters actually changed / Han characters, over the whole set */
  realisedRate: number;
  metrics: EvalMetrics;
}

export interface EvalRun {
  dir: string;
  seed: number;
  /** noise draws per level (seeds seed … seed+repeats-1), pooled into one set of figures */
  repeats: number;
  sessions: number;
  unlabelled: string[];
  /** sessions that could not be analyzed at all: scored as the error report `analyze` writes for them */
  unanalysable: { session: string; error: string }[];
  levels: NoiseLevelResult[];
}

export interface EvalOptions {
  noise: number[];
  seed: number;
  /**
   * Noised copies of each session per level, one seed each, pooled. One draw of 10 % noise over a
   * set of ~50 sessions moves recall by a few points from seed to seed; pooling several gives a
   * steadier figure and makes it harder to fit rules to one particular draw.
   */
  repeats?: number;
  ruleSet: RuleSet;
  model?: string;
  onProgress?: (done: number, total: number) => void;
}

export async function runEval(dir: string, opts: EvalOptions): Promise<EvalRun> {
  const { sessions, unlabelled } = discoverLabelledSessions(dir);
  const collected: { id: string; facts?: SessionFacts; failed?: SessionOutcome; expected: Expected }[] = [];
  const unanalysable: EvalRun['unanalysable'] = [];
  for (const [i, s] of sessions.entries()) {
    try {
      // per-session progress lines would drown the tables: warnings only, unless a level was asked for
      const base = sessionLogger(s.input.name);
      const logger = process.env.DUALREC_LOG_LEVEL || process.env.LOG_LEVEL ? base : base.child({}, { level: 'warn' });
      const facts = await collectFacts(s.input, { logger, model: opts.model });
      collected.push({ id: s.input.name, facts, expected: s.expected });
    } catch (err) {
      // e.g. a truncated recording: analyze would write a report saying why; that report is the prediction
      const reason = errorMessage(err);
      unanalysable.push({ session: s.input.name, error: reason });
      const report = errorReport(s.input, s.input.name, reason);
      collected.push({
        id: s.input.name,
        expected: s.expected,
        failed: { id: s.input.name, expected: s.expected, verdict: report.verdict, findings: report.findings },
      });
    }
    opts.onProgress?.(i + 1, sessions.length);
  }

  const repeats = Math.max(1, Math.floor(opts.repeats ?? 1));
  const levels: NoiseLevelResult[] = [];
  for (const rate of opts.noise) {
    const outcomes: SessionOutcome[] = [];
    let han = 0;
    let errors = 0;
    // without noise every draw is the same: score once
    const draws = rate > 0 ? repeats : 1;
    for (let r = 0; r < draws; r++) {
      const seed = opts.seed + r;
      for (const c of collected) {
        const id = draws > 1 ? `${c.id}@seed${seed}` : c.id;
        if (!c.facts) {
          outcomes.push({ ...c.failed!, id });
          continue;
        }
        let facts = c.facts;
        if (rate > 0 && facts.transcript) {
          // keyed by session, so each session's errors are independent of the set's order
          const noised = applyAsrNoise(facts.transcript, { rate, seed, key: c.id });
          han += noised.stats.hanChars;
          errors += noised.stats.realisedRate * noised.stats.hanChars;
          facts = { ...facts, transcript: noised.transcript };
        }
        const scored = scoreFacts(facts, opts.ruleSet);
        outcomes.push({ id, expected: c.expected, verdict: scored.verdict, findings: scored.findings });
      }
    }
    levels.push({ noise: rate, realisedRate: han === 0 ? 0 : errors / han, metrics: computeMetrics(outcomes) });
  }
  return { dir: resolve(dir), seed: opts.seed, repeats, sessions: collected.length, unlabelled, unanalysable, levels };
}

export interface GateOptions {
  minRecall?: number;
  minPrecision?: number;
  /** gate on strict recall instead of lenient */
  strict?: boolean;
  /** the noise levels the gate applies to (default: all) */
  at?: number[];
}

/**
 * Which targets were missed. Recall is the lenient micro recall (a violation sent to a person counts
 * as caught) unless `strict`; precision is always the strict micro precision (predicted fails only).
 */
export function checkGates(run: EvalRun, gate: GateOptions): string[] {
  const missed: string[] = [];
  const levels = gate.at ? run.levels.filter((l) => gate.at!.some((a) => Math.abs(a - l.noise) < 1e-9)) : run.levels;
  for (const l of levels) {
    const recall = (gate.strict ? l.metrics.micro.strict : l.metrics.micro.lenient).recall;
    const precision = l.metrics.micro.strict.precision;
    if (gate.minRecall !== undefined && (recall ?? 0) < gate.minRecall) {
      missed.push(
        `noise ${pct(l.noise)}: ${gate.strict ? 'strict' : 'lenient'} recall ${fmt(recall)} < ${gate.minRecall}`,
      );
    }
    // no predicted fail at all is precision "n/a": a gate on it is met only if there were no violations to find
    if (
      gate.minPrecision !== undefined &&
      (precision ?? (l.metrics.micro.strict.violations === 0 ? 1 : 0)) < gate.minPrecision
    ) {
      missed.push(`noise ${pct(l.noise)}: precision ${fmt(precision)} < ${gate.minPrecision}`);
    }
  }
  return missed;
}
