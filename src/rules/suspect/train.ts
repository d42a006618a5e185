// `dualrec rules train`: builds the suspicion models (model.ts) from labelled text. Positives are the
// corpus sentences labelled `violates` for the model's concepts; negatives are every other agent
// sentence of the corpus (cautions, plain facts, disclosures) and, at a lower weight, the agent lines
// of sessions labelled compliant for those concepts — so ordinary sales talk stays below threshold.
// What to train on and how is data (rules/models/train.yaml); training is deterministic, so
// `--check` can tell whether a shipped model still matches its corpus.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { importTranscript } from '../../asr/import/index.js';
import { PROJECT_ROOT } from '../../util/version.js';
import { UserError, errorMessage } from '../../util/errors.js';
import { parse as parseYaml } from 'yaml';
import { readScanFile } from '../corpus-file.js';
import { MODEL_FORMAT, featuresOfText, type ModelFile } from './model.js';

export const TrainSpecSchema = z
  .object({
    description: z.string().optional(),
    /** corpus folders or files (tests/corpus/*.yaml shape), relative to the project */
    corpus: z.array(z.string()).min(1),
    /** session folders (<name>.transcript.* beside <name>.expected.json) whose compliant agent lines are negatives */
    sessions: z.array(z.string()).default([]),
    settings: z
      .object({
        epochs: z.number().int().min(1).max(200).default(20),
        l2: z.number().min(0).max(1).default(1e-4),
        rate: z.number().positive().max(5).default(0.3),
        positiveWeight: z.number().positive().default(1),
        sessionWeight: z.number().positive().default(0.3),
        /** weights smaller than this are dropped from the shipped file */
        prune: z.number().min(0).default(0.002),
      })
      .strict(),
    models: z.record(
      z.string().regex(/^[a-z][a-z0-9-]*$/),
      z.object({ concepts: z.array(z.string()).min(1) }).strict(),
    ),
  })
  .strict();
export type TrainSpec = z.infer<typeof TrainSpecSchema>;

export const DEFAULT_TRAIN_SPEC = join(PROJECT_ROOT, 'rules', 'models', 'train.yaml');

export function readTrainSpec(file = DEFAULT_TRAIN_SPEC): TrainSpec {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(`${file}: cannot read the training spec (${errorMessage(err)})`, file);
  }
  const r = TrainSpecSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new UserError(`${file}: ${i.path.join('.') || 'file'}: ${i.message}`, file);
  }
  return r.data;
}

interface Row {
  features: string[];
  positive: boolean;
  weight: number;
}

interface TrainingText {
  corpus: { text: string; concepts: string[]; label?: string }[];
  sessions: { lines: string[]; expected: Record<string, string> }[];
  files: string[];
  sha256: string;
}

function walk(p: string, keep: (f: string) => boolean): string[] {
  if (!existsSync(p)) throw new UserError(`${p}: training input not found`, p);
  if (!readdirSafe(p)) return keep(p) ? [p] : [];
  return readdirSafe(p)!
    .sort()
    .flatMap((e) => (e.startsWith('.') ? [] : walk(join(p, e), keep)));
}
function readdirSafe(p: string): string[] | undefined {
  try {
    return readdirSync(p);
  } catch {
    return undefined;
  }
}

/** Reads what the spec names, relative to `root`; the hash covers every file read. */
export function readTrainingText(spec: TrainSpec, root = PROJECT_ROOT): TrainingText {
  const hash = createHash('sha256');
  const files: string[] = [];
  const corpus: TrainingText['corpus'] = [];
  for (const c of spec.corpus) {
    const top = resolve(root, c);
    for (const f of walk(top, (x) => /\.ya?ml$/.test(x))) {
      files.push(relative(root, f));
      // named relative to the spec's entry: a copy of the corpus elsewhere hashes the same
      hash.update(relative(top, f)).update('\0').update(readFileSync(f)).update('\0');
      for (const s of readScanFile(f))
        if (s.speaker === 'agent') corpus.push({ text: s.text, concepts: s.concepts, label: s.label });
    }
  }
  const sessions: TrainingText['sessions'] = [];
  for (const d of spec.sessions) {
    const top = resolve(root, d);
    for (const f of walk(top, (x) => /\.transcript\.(json|srt|vtt|txt)$/.test(x))) {
      const exp = f.replace(/\.transcript\.[a-z]+$/, '.expected.json');
      if (!existsSync(exp)) continue;
      files.push(relative(root, f));
      hash
        .update(relative(top, f))
        .update('\0')
        .update(readFileSync(f))
        .update('\0')
        .update(readFileSync(exp))
        .update('\0');
      const expected = (JSON.parse(readFileSync(exp, 'utf8')) as { concepts?: Record<string, string> }).concepts ?? {};
      const lines = importTranscript(f)
        .segments.filter((s) => s.role !== 'customer')
        .map((s) => s.text);
      sessions.push({ lines, expected });
    }
  }
  return { corpus, sessions, files, sha256: hash.digest('hex') };
}

/** L2-regularised logistic regression by AdaGrad, rows in a fixed order (deterministic). */
function fit(rows: Row[], s: TrainSpec['settings']): { bias: number; weights: Map<string, number> } {
  const w = new Map<string, number>();
  const g2 = new Map<string, number>();
  let bias = 0;
  let gb = 1e-8;
  for (let e = 0; e < s.epochs; e++) {
    for (const r of rows) {
      let z = bias;
      for (const f of r.features) z += w.get(f) ?? 0;
      const g = (1 / (1 + Math.exp(-z)) - (r.positive ? 1 : 0)) * r.weight;
      for (const f of r.features) {
        const wi = w.get(f) ?? 0;
        const gi = g + s.l2 * wi;
        const acc = (g2.get(f) ?? 1e-8) + gi * gi;
        g2.set(f, acc);
        w.set(f, wi - (s.rate * gi) / Math.sqrt(acc));
      }
      gb += g * g;
      bias -= (s.rate * g) / Math.sqrt(gb);
    }
  }
  return { bias, weights: w };
}

const round = (x: number): number => Math.round(x * 1e5) / 1e5;

export function trainModel(name: string, spec: TrainSpec, text: TrainingText): ModelFile {
  const concepts = spec.models[name].concepts;
  const s = spec.settings;
  const rows: Row[] = [];
  const examples: string[] = [];
  for (const c of text.corpus) {
    const positive = c.label === 'violates' && c.concepts.some((x) => concepts.includes(x));
    if (positive) examples.push(c.text);
    rows.push({ features: featuresOfText(c.text), positive, weight: positive ? s.positiveWeight : 1 });
  }
  for (const sess of text.sessions) {
    // only sessions labelled compliant for every concept of the model
    if (
      !concepts.every(
        (c) => sess.expected[c] === 'pass' || sess.expected[c] === 'not_applicable' || sess.expected[c] === undefined,
      )
    )
      continue;
    if (!concepts.some((c) => sess.expected[c] === 'pass')) continue;
    for (const l of sess.lines) rows.push({ features: featuresOfText(l), positive: false, weight: s.sessionWeight });
  }
  const { bias, weights } = fit(rows, s);
  const kept: Record<string, number> = {};
  for (const [f, v] of [...weights].sort((a, b) => (a[0] < b[0] ? -1 : 1)))
    if (Math.abs(v) >= s.prune) kept[f] = round(v);
  return {
    format: MODEL_FORMAT,
    name,
    concepts,
    trainedOn: {
      files: text.files,
      sha256: text.sha256,
      positives: examples.length,
      negatives: rows.length - examples.length,
    },
    settings: {
      epochs: s.epochs,
      l2: s.l2,
      rate: s.rate,
      positiveWeight: s.positiveWeight,
      sessionWeight: s.sessionWeight,
    },
    bias: round(bias),
    weights: kept,
    examples,
  };
}
