// Session scripts for the real-wording labelled sets (tests/eval-real/scripts/<part>/<id>.yaml) and
// the shared source list (tests/eval-real/sources.yaml): their schema, and the labelling table of
// /work/corpus-staging/REQUIRED.md (which concept a session must carry, and how severe a fail is).
// A script that breaks a rule is rejected with a one-line message naming the file and the field.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CHANNELS, PRODUCT_TYPES, type Channel, type ProductType } from '../../../src/model/index.js';
import { CONCEPT_SEVERITY } from '../../../src/eval/concept-severity.js';

export const FORMATS = ['whispercpp', 'whisperx', 'openai', 'srt', 'vtt', 'dualrec'] as const;
export type Format = (typeof FORMATS)[number];
export const PARTS = ['dev', 'holdout', 'holdout2', 'holdout3'] as const;
export type Part = (typeof PARTS)[number];

/** The labelling table (src/eval/concept-severity.ts): every concept a real-wording session is labelled
 *  on, with its severity (confirmation.voluntary is practice and not labelled in these sessions). */
const { 'confirmation.voluntary': _voluntary, ...LABELLED } = CONCEPT_SEVERITY;
export const LABELLED_CONCEPTS = LABELLED;
export type LabelledConcept = keyof typeof LABELLED_CONCEPTS;
const CONCEPT_NAMES = Object.keys(LABELLED_CONCEPTS) as [LabelledConcept, ...LabelledConcept[]];

const NEW_TYPE_PRODUCTS: readonly ProductType[] = ['participating', 'universal', 'investment-linked'];

/** Whether the table requires `concept` for a session with this channel, product and policyholder. */
export function isRequired(
  concept: LabelledConcept,
  s: { channel: Channel; type: ProductType; termYears?: number; age: number },
): boolean {
  const overOneYear = s.termYears === undefined || s.termYears > 1; // no term given: whole life
  switch (concept) {
    case 'consent.recording':
    case 'consent.fixed-notice':
      return s.channel !== 'telesales'; // telesales calls are recorded in full by rule (54号 第五条)
    case 'disclosure.cooling-off':
    case 'disclosure.surrender-loss':
      return overOneYear;
    case 'disclosure.benefit-uncertainty':
    case 'conduct.risk-statement-copied':
      return NEW_TYPE_PRODUCTS.includes(s.type);
    case 'disclosure.fees':
      return s.type === 'universal' || s.type === 'investment-linked';
    case 'disclosure.not-deposit':
      return s.channel === 'bank';
    case 'disclosure.suitability':
      return s.age >= 60;
    default:
      return true;
  }
}

const id = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lowercase a-z, 0-9 and single dashes');
const chars = (max: number) => z.string().trim().min(1).max(max);

const timing = { rate: z.number().min(1).max(15).optional(), pause: z.number().min(0).max(30).optional() };
/** A turn by the agent, the customer, or someone else in the room (a relative speaking up). */
const Turn = z.union([
  z.strictObject({ agent: chars(2000), ...timing }),
  z.strictObject({ customer: chars(2000), ...timing }),
  z.strictObject({ other: chars(2000), ...timing }),
]);
export type Turn = z.infer<typeof Turn>;
export type Role = 'agent' | 'customer' | 'other';

export function turnRole(t: Turn): Role {
  return 'agent' in t ? 'agent' : 'customer' in t ? 'customer' : 'other';
}

export function turnText(t: Turn): string {
  return 'agent' in t ? t.agent : 'customer' in t ? t.customer : t.other;
}

const Render = z
  .strictObject({
    format: z.enum(FORMATS),
    speakers: z.boolean(),
    traditional: z.boolean().default(false),
    punctuation: z.boolean().default(true),
    split_sentences: z.boolean().default(false),
    /** the labels a diarizer gave each voice; SPEAKER_00 is not always the agent */
    labels: z.strictObject({ agent: chars(40), customer: chars(40), other: chars(40).optional() }).optional(),
  })
  .refine((r) => !(r.speakers && (r.format === 'whispercpp' || r.format === 'openai')), {
    message: 'whispercpp and openai transcripts never carry speakers (set speakers: false)',
    path: ['speakers'],
  })
  .refine((r) => !(!r.speakers && r.format === 'whisperx'), {
    message: 'a WhisperX transcript is told apart by its speakers (set speakers: true)',
    path: ['speakers'],
  })
  .refine((r) => !r.labels || (r.speakers && r.labels.agent !== r.labels.customer), {
    message: 'labels need speakers: true and two different labels',
    path: ['labels'],
  });
export type RenderSpec = z.infer<typeof Render>;

const Label = z.enum(['pass', 'fail', 'not_applicable']);

export const ScriptSchema = z.strictObject({
  id,
  case: chars(200).refine((s) => !s.includes('\n') && /[\u4e00-\u9fff]/.test(s), 'one line of Chinese'),
  sources: z.array(id).min(1),
  meta: z.strictObject({
    recorded_at: z.iso.date(),
    product: z.strictObject({
      name: chars(100),
      type: z.enum(PRODUCT_TYPES),
      term_years: z.number().int().positive().optional(),
    }),
    channel: z.enum(CHANNELS),
    policyholder: z.strictObject({ age: z.number().int().min(18).max(100) }),
    insured_is_policyholder: z.boolean(),
    agent: z.strictObject({ id: chars(40) }),
  }),
  render: Render,
  expected: z.strictObject({
    verdict: z.enum(['PASS', 'FAIL']),
    concepts: z.partialRecord(z.enum(CONCEPT_NAMES), Label),
    /** concepts a careful reader could label either way: not scored, the reason goes to the notes */
    left_out: z.partialRecord(z.enum(CONCEPT_NAMES), chars(400)).optional(),
    notes: z.array(chars(400)).optional(),
  }),
  turns: z.array(Turn).min(4),
});
export type Script = z.infer<typeof ScriptSchema>;

export const SourcesSchema = z.strictObject({
  sources: z.record(
    id,
    z.strictObject({
      title: chars(300),
      url: z.url(),
      kind: z.enum([
        'regulation',
        'regulator-template',
        'insurer-script',
        'callback-script',
        'telesales-script',
        'policy-clause',
        'product-brochure',
        'consumer-education',
        'court-report',
        'penalty-report',
        'press-report',
        'training-material',
        'other',
      ]),
      part: z.enum(PARTS),
      /** what in it the sessions follow */
      used_for: chars(300),
    }),
  ),
});
export type Sources = z.infer<typeof SourcesSchema>['sources'];

/** A script error: one line, naming the file and the field. */
export class ScriptError extends Error {}

function fieldPath(path: readonly PropertyKey[]): string {
  return (
    path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('') ||
    '(top level)'
  );
}

function parseFile<T extends z.ZodType>(file: string, schema: T): z.infer<T> {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ScriptError(
      `${file}: not valid YAML: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`,
    );
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new ScriptError(`${file}: field "${fieldPath(issue.path)}": ${issue.message}`);
  }
  return r.data;
}

export function loadSources(file: string): Sources {
  return parseFile(file, SourcesSchema).sources;
}

/** What the labels say about the session (after not-required, unmentioned concepts became not_applicable). */
export interface Labels {
  verdict: 'PASS' | 'FAIL';
  concepts: Partial<Record<LabelledConcept, 'pass' | 'fail' | 'not_applicable'>>;
  notes: string[];
}

/** Reads one script and checks it against the labelling table and the sources of its part. */
export function loadScript(file: string, part: Part, sources: Sources): Script & { labels: Labels } {
  const s = parseFile(file, ScriptSchema);
  const fail = (field: string, problem: string): never => {
    throw new ScriptError(`${file}: field "${field}": ${problem}`);
  };
  if (`${s.id}.yaml` !== basename(file)) fail('id', `must match the file name (${basename(file, '.yaml')})`);
  if (!s.id.startsWith(`${part}-`)) fail('id', `must start with "${part}-"`);
  s.sources.forEach((src, i) => {
    const known = sources[src];
    if (!known) fail(`sources[${i}]`, `unknown source "${src}" (add it to sources.yaml)`);
    else if (known.part !== part)
      fail(`sources[${i}]`, `source "${src}" belongs to the ${known.part} part; the parts share no source`);
  });
  const who = new Set(s.turns.map(turnRole));
  if (!who.has('agent') || !who.has('customer')) fail('turns', 'needs both agent and customer turns');

  const facts = {
    channel: s.meta.channel,
    type: s.meta.product.type,
    termYears: s.meta.product.term_years,
    age: s.meta.policyholder.age,
  };
  const concepts: Labels['concepts'] = {};
  for (const c of CONCEPT_NAMES) {
    const label = s.expected.concepts[c];
    const leftOut = s.expected.left_out?.[c];
    if (label && leftOut) fail(`expected.left_out.${c}`, 'is also labelled; a concept is either labelled or left out');
    if (leftOut) continue;
    if (isRequired(c, facts)) {
      if (label !== 'pass' && label !== 'fail')
        fail(
          `expected.concepts.${c}`,
          'is required for this channel/product/age: label it pass or fail, or leave it out with a reason',
        );
      concepts[c] = label;
    } else {
      if (label === 'fail') fail(`expected.concepts.${c}`, 'is not required for this session, so it cannot fail');
      concepts[c] = label ?? 'not_applicable';
    }
  }
  const failing = CONCEPT_NAMES.filter((c) => concepts[c] === 'fail');
  const verdict = failing.some((c) => LABELLED_CONCEPTS[c] !== 'minor') ? 'FAIL' : 'PASS';
  if (s.expected.verdict !== verdict) {
    fail(
      'expected.verdict',
      `${s.expected.verdict} contradicts the labels (fails: ${failing.join(', ') || 'none'}; only minor fails keep a PASS)`,
    );
  }
  const notes = [
    ...(s.expected.notes ?? []),
    ...Object.entries(s.expected.left_out ?? {}).map(([c, why]) => `${c} left unlabelled: ${why}`),
  ];
  return { ...s, labels: { verdict, concepts, notes } };
}
