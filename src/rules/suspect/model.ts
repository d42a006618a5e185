// The suspicion model: a logistic regression over sentence features (see features.ts), trained by
// `dualrec rules train` on the labelled real-wording corpus (tests/corpus/dev) and on the agent
// lines of compliant sessions. A prohibited rule that names a model (`suspect:` in its YAML) asks
// it about every sentence its own patterns did not flag; a sentence scoring at or above the rule's
// threshold makes the finding undetermined (REVIEW), never FAIL: the model finds paraphrases the
// phrase rules have never seen, but it cannot say why, so a person decides.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { normText } from '../../text/normalize.js';
import { canonText } from '../../text/pinyin.js';
import { UserError, errorMessage } from '../../util/errors.js';
import { sentenceFeatures } from './features.js';

export const MODEL_FORMAT = 'dualrec-suspect-model/1';

export const ModelFileSchema = z
  .object({
    format: z.literal(MODEL_FORMAT),
    name: z.string().regex(/^[a-z][a-z0-9-]*$/),
    /** corpus concepts whose `violates` sentences were the positives */
    concepts: z.array(z.string()).min(1),
    /** what it was trained on, for `rules train --check` */
    trainedOn: z
      .object({ files: z.array(z.string()), sha256: z.string(), positives: z.number(), negatives: z.number() })
      .strict(),
    settings: z
      .object({
        epochs: z.number(),
        l2: z.number(),
        rate: z.number(),
        positiveWeight: z.number(),
        sessionWeight: z.number(),
      })
      .strict(),
    bias: z.number(),
    // tens of thousands of entries: checked in one loop (a zod record costs a quarter second per load)
    weights: z.custom<Record<string, number>>(
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        !Array.isArray(v) &&
        Object.values(v).every((x) => typeof x === 'number' && Number.isFinite(x)),
      'an object of feature → finite number',
    ),
    /** the training violations, shown as "resembles" evidence */
    examples: z.array(z.string()).max(5000),
  })
  .strict();
export type ModelFile = z.infer<typeof ModelFileSchema>;

export interface SuspectModel {
  name: string;
  file: string;
  concepts: string[];
  score(norm: string, canon: string): number;
  /** the same, over features already extracted (windowFeatures), so several models share them */
  scoreWindows(windows: string[][]): number;
  /** the training violation sharing the most weight with the sentence */
  nearest(norm: string, canon: string): string | undefined;
}

/** Sentences longer than this are scored in overlapping windows (the corpus's sentences are shorter;
 *  a minute of unpunctuated ASR would otherwise add up weight from unrelated talk). */
const WINDOW = 80;
const STEP = 40;

/** The features of a sentence, one list per window (one window for a sentence of ≤ 80 characters). */
export function windowFeatures(norm: string, canon: string): string[][] {
  if (norm.length <= WINDOW) return [sentenceFeatures(norm, canon)];
  const out: string[][] = [];
  for (let a = 0; a < norm.length; a += STEP) {
    out.push(sentenceFeatures(norm.slice(a, a + WINDOW), canon.slice(a, a + WINDOW)));
    if (a + WINDOW >= norm.length) break;
  }
  return out;
}

export function compileModel(m: ModelFile, file: string): SuspectModel {
  const w = new Map(Object.entries(m.weights));
  // built on first use: only a session with a suspect sentence needs the nearest example
  let exampleFeatures: Set<string>[] | undefined;
  const logit = (f: string[]): number => f.reduce((z, x) => z + (w.get(x) ?? 0), m.bias);
  const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
  const scoreWindows = (windows: string[][]): number =>
    windows.reduce((best, f) => Math.max(best, sigmoid(logit(f))), 0);
  return {
    name: m.name,
    file,
    concepts: m.concepts,
    scoreWindows,
    score: (norm, canon) => scoreWindows(windowFeatures(norm, canon)),
    nearest(norm, canon) {
      const f = sentenceFeatures(norm, canon).filter((x) => (w.get(x) ?? 0) > 0);
      let best: string | undefined;
      let bestScore = 0;
      exampleFeatures ??= m.examples.map((e) => new Set(featuresOfText(e)));
      exampleFeatures.forEach((ef, i) => {
        let s = 0;
        for (const x of f) if (ef.has(x)) s += w.get(x)!;
        if (s > bestScore) [best, bestScore] = [m.examples[i], s];
      });
      return best;
    },
  };
}

/** Features of a stored example text (normalised the way a transcript sentence is). */
export function featuresOfText(text: string): string[] {
  const n = normText(text);
  return sentenceFeatures(n, canonText(n));
}

/** The model file as stored, validated. */
export function loadModelFile(file: string): ModelFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(
      `${file}: cannot read the suspicion model (${errorMessage(err)}); run \`dualrec rules train\` to rebuild it`,
      file,
    );
  }
  const r = ModelFileSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new UserError(
      `${file}: not a suspicion model (${i.path.join('.') || 'file'}: ${i.message}); run \`dualrec rules train\` to rebuild it`,
      file,
    );
  }
  return r.data;
}

export function loadModel(file: string): SuspectModel {
  return compileModel(loadModelFile(file), file);
}
