// Generates the labelled evaluation set (tests/eval-set/): transcript-only 双录 sessions with scripted
// variations (compliant scripts by different agents, each disclosure missing, missing / hedged / proxy
// confirmations, rushed speech, real and negated guarantees, deposit confusion, seniors).
//
// The wording (tests/eval-set/source/wording.yaml) and the cases (cases.yaml) are data; this draws each
// script from them with a seeded random generator. The labels come from what the generator put into
// each script, never from the rule packs, so the set also measures whether the rules generalise.
// Deterministic: same code and data, same files.
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { verdictFromLabels } from '../../../src/eval/concept-severity.js';
import type { Expected, LabelStatus } from '../../../src/eval/metrics.js';
import { createRng, type Rng } from '../../../src/eval/random.js';
import { CHANNELS, PRODUCT_TYPES, type CONCEPTS, type Verdict } from '../../../src/model/index.js';
import {
  buildSession,
  pad2,
  readYaml,
  sessionName,
  spokenChars,
  writeLabelledSet,
  type LabelledSession,
} from './session.js';

const SOURCE = fileURLToPath(new URL('../../../tests/eval-set/source/', import.meta.url));

/** The steps of a sales script, in the order a typical agent reads them. */
export const STEPS = [
  'identity-agent',
  'consent',
  'identity-customer',
  'insurer-product',
  'coverage',
  'term',
  'premium',
  'fees',
  'exclusions',
  'health-notice',
  'benefit-uncertainty',
  'not-deposit',
  'cooling-off',
  'surrender-loss',
  'closing',
] as const;
export type Step = (typeof STEPS)[number];

/** Which concept a step's content answers for (not-deposit and closing have none of their own). */
const STEP_CONCEPT: Partial<Record<Step, string>> = {
  'identity-agent': 'identity.agent',
  consent: 'consent.recording',
  'identity-customer': 'identity.customer',
  'insurer-product': 'disclosure.insurer-product',
  coverage: 'disclosure.coverage',
  term: 'disclosure.term',
  premium: 'disclosure.premium',
  fees: 'disclosure.fees',
  exclusions: 'disclosure.exclusions',
  'health-notice': 'disclosure.health-notice',
  'benefit-uncertainty': 'disclosure.benefit-uncertainty',
  'cooling-off': 'disclosure.cooling-off',
  'surrender-loss': 'disclosure.surrender-loss',
};

/** Concepts every generated session is labelled on; the rest (visual, integrity …) can't be told from text. */
export const LABELLED_CONCEPTS = [
  'consent.recording',
  'identity.agent',
  'identity.customer',
  'disclosure.insurer-product',
  'disclosure.coverage',
  'disclosure.exclusions',
  'disclosure.premium',
  'disclosure.fees',
  'disclosure.term',
  'disclosure.cooling-off',
  'disclosure.surrender-loss',
  'disclosure.benefit-uncertainty',
  'disclosure.health-notice',
  'confirmation.customer',
  'conduct.speech-rate',
  'conduct.proxy-answer',
  'prohibited.guarantee',
  'prohibited.deposit-confusion',
] as const satisfies readonly (typeof CONCEPTS)[number][];

// ---------------------------------------------------------------------------------------------
// The source files' shape

/** A line of a wording pool: a plain string, or `colloquial: …` for one said in the agent's own words. */
const PhraseSchema = z
  .union([z.string(), z.strictObject({ colloquial: z.string() })])
  .transform((x) =>
    typeof x === 'string' ? { text: x, colloquial: false } : { text: x.colloquial, colloquial: true },
  );
type Phrase = z.output<typeof PhraseSchema>;
const Pool = z.array(PhraseSchema).min(1);
const Lines = z.array(z.string()).min(1);

const PRODUCT_KEYS = ['traditional', 'annuity', 'participating', 'universal', 'investment-linked', 'health'] as const;
const ProductSchema = z.strictObject({
  type: z.enum(PRODUCT_TYPES),
  name: z.string(),
  insurer: z.string(),
  /** what it pays for, as an agent would list it */
  coverage: z.string(),
  coverTerm: z.string(),
  payTerm: z.string(),
  premium: z.string(),
  termYears: z.number().int().positive().optional(),
  /** new-type products must say their benefits beyond the guarantee are uncertain */
  uncertainBenefits: z.boolean(),
  /** products that deduct explicit charges from an account */
  chargesFees: z.boolean(),
});
type Product = z.output<typeof ProductSchema>;

const PersonaSchema = z.strictObject({
  name: z.string(),
  licence: z.string(),
  /** characters per second in normal speech */
  pace: z.number().positive(),
  fillers: z.array(z.string()).min(1),
  /** asks the confirmation question in the same breath as the disclosure */
  questionInline: z.boolean(),
  /** prefers the colloquial phrasings */
  colloquial: z.boolean(),
  /** how the agent addresses the customer */
  address: z.string(),
});
type Persona = z.output<typeof PersonaSchema>;

/** Steps whose wording does not depend on the product. */
type PlainStep = Exclude<Step, 'fees' | 'benefit-uncertainty' | 'closing'>;
const PLAIN_STEPS = STEPS.filter((s): s is PlainStep => s !== 'fees' && s !== 'benefit-uncertainty' && s !== 'closing');

const WordingSchema = z.strictObject({
  products: z.record(z.enum(PRODUCT_KEYS), ProductSchema),
  personas: z.array(PersonaSchema).min(1),
  seniorAddress: Lines,
  disclosures: z.record(z.enum(PLAIN_STEPS as [PlainStep, ...PlainStep[]]), Pool),
  fees: z.strictObject({ charges: Pool, none: Pool }),
  uncertainty: z.strictObject({ participating: Pool, universal: Pool, 'investment-linked': Pool }),
  closing: Pool,
  closingNewType: Pool,
  questions: Lines,
  answers: z.strictObject({
    plain: Lines,
    consent: Lines,
    identity: Lines,
    voluntary: Lines,
    health: Lines,
    afterClarify: Lines,
  }),
  /** `repeat: …` marks the hedge that asks for the same words again */
  hedges: z.array(z.union([z.string(), z.strictObject({ repeat: z.string() })])).min(1),
  clarify: z.strictObject({ repeat: z.string(), rephrase: z.string() }),
  moveOn: Lines,
  proxyInline: Lines,
  proxySeparate: Lines,
  guarantees: Lines,
  negatedGuarantees: Lines,
  /** `guarantee: …` marks a deposit comparison that also promises the money back */
  depositConfusion: z.array(z.union([z.string(), z.strictObject({ guarantee: z.string() })])).min(1),
});

const StepSchema = z.enum(STEPS);
const CaseSchema = z.strictObject({
  slug: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
  description: z.string(),
  product: z.enum(PRODUCT_KEYS),
  channel: z.enum(CHANNELS),
  age: z.number().int().positive(),
  persona: z.number().int().nonnegative(),
  /** steps left out entirely (disclosure and its confirmation) */
  omit: z.array(StepSchema).optional(),
  /** disclosure made, no question asked, no answer given */
  noConfirm: z.array(StepSchema).optional(),
  /** customer hedges; clarified = the agent explains again and gets a clear yes */
  hedge: z
    .array(z.strictObject({ step: StepSchema, kind: z.number().int().nonnegative(), clarified: z.boolean() }))
    .optional(),
  /** agent answers for the customer (inline: in the same breath; else a separate agent turn) */
  proxy: z.array(z.strictObject({ step: StepSchema, inline: z.boolean() })).optional(),
  /** disclosures read at about 8 characters a second */
  rushed: z.boolean().optional(),
  /** real guarantee lines (positions in `guarantees`), said after the coverage */
  guarantees: z.array(z.number().int().nonnegative()).optional(),
  /** negated guarantee lines (positions in `negatedGuarantees`), compliant */
  negated: z.array(z.number().int().nonnegative()).optional(),
  /** deposit confusion lines (positions in `depositConfusion`) */
  deposit: z.array(z.number().int().nonnegative()).optional(),
  /** only the colloquial phrasings */
  colloquialOnly: z.boolean().optional(),
});
type CaseSpec = z.output<typeof CaseSchema>;

const W = readYaml(`${SOURCE}wording.yaml`, WordingSchema);
const HEDGES = W.hedges.map((h) =>
  typeof h === 'string' ? { text: h, repeat: false } : { text: h.repeat, repeat: true },
);
const DEPOSIT_CONFUSION = W.depositConfusion.map((d) =>
  typeof d === 'string' ? { text: d, guarantee: false } : { text: d.guarantee, guarantee: true },
);

/** Every case of the set, in order. */
export const CASES: readonly CaseSpec[] = readYaml(`${SOURCE}cases.yaml`, z.array(CaseSchema).min(1));

// ---------------------------------------------------------------------------------------------
// Drawing one script

function fill(template: string, product: Product, persona: Persona): string {
  return (
    template
      .replaceAll('{insurer}', product.insurer)
      .replaceAll('{product}', product.name)
      .replaceAll('{coverage}', product.coverage)
      .replaceAll('{coverTerm}', product.coverTerm)
      .replaceAll('{payTerm}', product.payTerm)
      .replaceAll('{premium}', product.premium)
      .replaceAll('{agent}', persona.name)
      .replaceAll('{licence}', persona.licence)
      // "您，听明白了吗" reads wrong: a bare 您 runs straight into the question
      .replaceAll('{addr}，', persona.address === '您' ? '您' : `${persona.address}，`)
      .replaceAll('{addr}', persona.address)
  );
}

const isNewType = (product: Product) =>
  product.type === 'participating' || product.type === 'universal' || product.type === 'investment-linked';

function poolFor(step: Step, product: Product): Phrase[] {
  if (step === 'closing') return isNewType(product) ? W.closingNewType : W.closing;
  if (step === 'fees') return W.fees[product.chargesFees ? 'charges' : 'none'];
  if (step === 'benefit-uncertainty') {
    if (product.type === 'participating' || product.type === 'universal' || product.type === 'investment-linked') {
      return W.uncertainty[product.type];
    }
    return [];
  }
  return W.disclosures[step];
}

/** Whether a step belongs in this product's and channel's script at all. */
function stepApplies(step: Step, product: Product, channel: CaseSpec['channel']): boolean {
  if (step === 'benefit-uncertainty') return product.uncertainBenefits;
  if (step === 'not-deposit') return channel === 'bank';
  return true;
}

function choosePhrase(rng: Rng, pool: Phrase[], spec: CaseSpec, persona: Persona, avoid?: Phrase): Phrase {
  let candidates = pool.filter((x) => x !== avoid);
  if (spec.colloquialOnly) {
    const c = candidates.filter((x) => x.colloquial);
    if (c.length > 0) candidates = c;
  } else if (!persona.colloquial) {
    // formal agents read the script; keep their colloquial lines rare
    const formal = candidates.filter((x) => !x.colloquial);
    if (formal.length > 0 && !rng.chance(0.15)) candidates = formal;
  }
  return rng.pick(candidates);
}

interface Utterance {
  speaker: 'A' | 'C';
  text: string;
  /** characters per second for this utterance */
  pace: number;
  /** seconds of silence before it */
  gap: number;
}

const RUSHED_STEPS = new Set<Step>([
  'coverage',
  'term',
  'premium',
  'fees',
  'exclusions',
  'health-notice',
  'benefit-uncertainty',
  'cooling-off',
  'surrender-loss',
]);

/** The script of one case: who says what, at what pace and after what silence. */
function drawScript(spec: CaseSpec, rng: Rng, product: Product, persona: Persona): Utterance[] {
  const utterances: Utterance[] = [];
  const agentPace = () => persona.pace * (0.92 + rng.next() * 0.16);
  const say = (text: string, pace = agentPace(), gap = 0.4 + rng.next() * 0.8) =>
    utterances.push({ speaker: 'A', text, pace, gap });
  const answer = (text: string) =>
    utterances.push({ speaker: 'C', text, pace: 2.6 + rng.next() * 0.6, gap: 0.6 + rng.next() * 1.2 });
  const question = () => fill(rng.pick(W.questions), product, persona);
  const filler = () => (rng.chance(0.35) ? rng.pick(persona.fillers) : '');

  const omit = new Set(spec.omit ?? []);
  const noConfirm = new Set(spec.noConfirm ?? []);
  const hedges = new Map((spec.hedge ?? []).map((h) => [h.step, h]));
  const proxies = new Map((spec.proxy ?? []).map((x) => [x.step, x]));

  // Some agents talk premium before term, or cooling-off straight after exclusions: order varies.
  const steps = [...STEPS];
  if (rng.chance(0.5)) swap(steps, steps.indexOf('term'), steps.indexOf('premium'));
  if (rng.chance(0.3)) swap(steps, steps.indexOf('fees'), steps.indexOf('exclusions'));

  for (const step of steps) {
    if (!stepApplies(step, product, spec.channel) || omit.has(step)) continue;
    const pool = poolFor(step, product);
    const phrase = choosePhrase(rng, pool, spec, persona);
    const text = fill(phrase.text, product, persona);
    const pace = spec.rushed && RUSHED_STEPS.has(step) ? 7.6 + rng.next() * 1.2 : agentPace();
    const opening =
      step === 'identity-agent' || step === 'consent' || step === 'identity-customer' || step === 'closing';
    const lead = opening ? '' : filler();

    if (step === 'identity-agent') {
      // no answer expected: the agent introduces himself and goes on to consent
      say(text, pace);
      continue;
    }
    // these lines are questions themselves
    const selfAsking = step === 'consent' || step === 'identity-customer' || step === 'closing';
    const q = selfAsking ? '' : question();
    const proxy = proxies.get(step);

    if (noConfirm.has(step)) {
      // made, but no one asks and no one answers: strip the question a consent / closing line carries
      if (step === 'closing') continue;
      say(lead + text, pace);
      continue;
    }
    if (proxy) {
      if (proxy.inline) {
        say(lead + text + (q || '') + rng.pick(W.proxyInline), pace);
      } else {
        if (persona.questionInline || selfAsking) say(lead + text + q, pace);
        else {
          say(lead + text, pace);
          say(q);
        }
        // the customer stays silent; the agent fills the gap himself
        say(rng.pick(W.proxySeparate), agentPace(), 1.5 + rng.next());
      }
      continue;
    }

    if (persona.questionInline || selfAsking) say(lead + text + q, pace);
    else {
      say(lead + text, pace);
      say(q);
    }

    const hedge = hedges.get(step);
    if (hedge) {
      const h = HEDGES[hedge.kind % HEDGES.length]!;
      answer(h.text);
      if (hedge.clarified) {
        const again = h.repeat ? phrase : choosePhrase(rng, pool, { ...spec, colloquialOnly: false }, persona, phrase);
        say((h.repeat ? W.clarify.repeat : W.clarify.rephrase) + fill(again.text, product, persona) + question());
        answer(rng.pick(W.answers.afterClarify));
      } else {
        say(rng.pick(W.moveOn));
      }
    } else {
      answer(rng.pick(yesFor(step)));
    }

    // sales talk goes after the coverage, where agents pitch the product
    if (step === 'coverage') {
      for (const g of spec.guarantees ?? []) say(filler() + W.guarantees[g]!);
      for (const g of spec.negated ?? []) say(filler() + W.negatedGuarantees[g]!);
    }
    if (step === 'benefit-uncertainty' || (step === 'premium' && !product.uncertainBenefits)) {
      for (const d of spec.deposit ?? []) say(DEPOSIT_CONFUSION[d]!.text);
    }
  }
  // deposit talk needs a place even if the step that carries it was omitted
  if ((spec.deposit?.length ?? 0) > 0 && !utterances.some((u) => DEPOSIT_CONFUSION.some((d) => u.text === d.text))) {
    throw new Error(`${spec.slug}: deposit line has no place in the script`);
  }
  return utterances;
}

function yesFor(step: Step): string[] {
  if (step === 'consent') return W.answers.consent;
  if (step === 'identity-customer') return W.answers.identity;
  if (step === 'closing') return W.answers.voluntary;
  if (step === 'health-notice') return W.answers.health;
  return W.answers.plain;
}

function swap<T>(a: T[], i: number, j: number): void {
  const x = a[i]!;
  a[i] = a[j]!;
  a[j] = x;
}

function generateSession(spec: CaseSpec, index: number): LabelledSession {
  const rng = createRng(`dualrec-eval-set:${spec.slug}`);
  const product = W.products[spec.product];
  const basePersona = W.personas[spec.persona % W.personas.length]!;
  const persona: Persona = spec.age >= 60 ? { ...basePersona, address: rng.pick(W.seniorAddress) } : basePersona;
  const utterances = drawScript(spec, rng, product, persona);
  const name = sessionName(index, spec.slug);
  return buildSession({
    name,
    description: spec.description,
    start: 1.0,
    turns: utterances.map((u) => ({
      speaker: u.speaker,
      text: u.text,
      chars: spokenChars(u.text),
      pace: u.pace,
      gap: u.gap,
      tail: 0.15,
    })),
    meta: {
      sessionId: `eval-${name}`,
      recordedAt: `2024-${pad2((index % 12) + 1)}-${pad2((index % 27) + 1)}`,
      product: { name: product.name, type: product.type, termYears: product.termYears },
      channel: spec.channel,
      age: spec.age,
      licence: persona.licence,
      labels: { agent: 'A', customer: 'C' },
    },
    expected: labelFor(spec, product),
  });
}

/** Labels from what the script contains (see the counting notes in tests/eval-set/INDEX.md). */
function labelFor(spec: CaseSpec, product: Product): Expected {
  const concepts: Partial<Record<string, LabelStatus>> = {};
  const omit = new Set(spec.omit ?? []);
  for (const step of STEPS) {
    const concept = STEP_CONCEPT[step];
    if (!concept) continue;
    if (!stepApplies(step, product, spec.channel)) concepts[concept] = 'not_applicable';
    else concepts[concept] = omit.has(step) ? 'fail' : 'pass';
  }
  const hedgedUnclear = (spec.hedge ?? []).some((h) => !h.clarified);
  const proxied = (spec.proxy ?? []).length > 0;
  // the closing's voluntariness question is insurers' practice, not the regulation's: leaving it out
  // is no violation (src/eval/concept-severity.ts)
  const unconfirmed = (spec.noConfirm ?? []).some((s) => s !== 'closing');
  const confirmationFails = hedgedUnclear || proxied || unconfirmed;
  // A whole step left out takes its confirmation with it: whether that is a missing confirmation or
  // only a missing disclosure is a matter of reading, so confirmation is left unlabelled there —
  // unless a confirmation that was asked for failed as well.
  if (confirmationFails) concepts['confirmation.customer'] = 'fail';
  else if (omit.size === 0) concepts['confirmation.customer'] = 'pass';
  concepts['conduct.speech-rate'] = spec.rushed ? 'fail' : 'pass';
  concepts['conduct.proxy-answer'] = proxied ? 'fail' : 'pass';
  // "到期本金利息一起拿回来" promises the money back in full: a guarantee as well as a deposit comparison
  const depositPromises = (spec.deposit ?? []).some((d) => DEPOSIT_CONFUSION[d]?.guarantee);
  concepts['prohibited.guarantee'] = (spec.guarantees?.length ?? 0) > 0 || depositPromises ? 'fail' : 'pass';
  concepts['prohibited.deposit-confusion'] = (spec.deposit?.length ?? 0) > 0 ? 'fail' : 'pass';

  const ordered: Partial<Record<(typeof CONCEPTS)[number], LabelStatus>> = {};
  for (const c of LABELLED_CONCEPTS) if (concepts[c]) ordered[c] = concepts[c];
  // only minor fails (the customer identity check) keep a PASS
  const verdict: Verdict = verdictFromLabels(ordered);
  return { verdict, concepts: ordered, case: spec.description };
}

/** Every session of the set, in a fixed order. */
export function generateEvalSet(): LabelledSession[] {
  return CASES.map((spec, i) => generateSession(spec, i));
}

/**
 * Writes the set into `dir` (three files per session plus INDEX.md) and removes generated files of
 * sessions that no longer exist. Returns the file names written.
 */
export function writeEvalSet(dir: string): string[] {
  const sessions = generateEvalSet();
  return writeLabelledSet(dir, sessions, indexMarkdown(sessions));
}

function indexMarkdown(sessions: LabelledSession[]): string {
  const lines = [
    '# dualrec evaluation set',
    '',
    'Generated by `npx tsx scripts/make-eval-set.ts` from `source/*.yaml` (scripts/lib/eval-sets/generated.ts) — do not',
    'edit by hand.',
    'Transcript-only sessions (`<name>.transcript.json` + `<name>.meta.json`), labelled in `<name>.expected.json`.',
    '',
    'How the labels are set (from what the generator put into each script, not from the rules):',
    '- `disclosure.*`, `consent.recording`, `identity.*`: `pass` when said, `fail` when left out; a',
    '  disclosure the product does not need (e.g. benefit uncertainty for a traditional product) and that',
    '  was not said is `not_applicable`.',
    '- `confirmation.customer`: `fail` when a confirmation was never asked, hedged with no later clear yes,',
    '  or answered by the agent; `pass` when every one got a clear yes. Left unlabelled where a whole',
    '  disclosure step (and so its question) was left out: that reads either way.',
    '- `conduct.speech-rate`: `fail` when the disclosures are read at about 8 characters a second',
    '  (normal: about 3–3.5). `conduct.proxy-answer`: `fail` when the agent answered for the customer.',
    '- `prohibited.guarantee` / `prohibited.deposit-confusion`: `fail` only for real promises; negated',
    '  statements (不保本, 不能保证收益, 不是存款) are compliant.',
    '- Visual and integrity concepts are not labelled: a transcript cannot tell them.',
    '- `verdict`: `FAIL` when a concept that is not minor is `fail` (src/eval/concept-severity.ts), else `PASS`.',
    '',
    '| session | case | expected | violations |',
    '|---|---|---|---|',
  ];
  for (const s of sessions) {
    const fails = Object.entries(s.expected.concepts)
      .filter(([, v]) => v === 'fail')
      .map(([k]) => k);
    lines.push(`| ${s.name} | ${s.description} | ${s.expected.verdict} | ${fails.join(', ') || '—'} |`);
  }
  return lines.join('\n') + '\n';
}
