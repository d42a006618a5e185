// The HELD-OUT labelled set (tests/eval-holdout/): 双录 transcripts written independently of the
// rule packs, to measure whether the rules generalise to wording they were not written against.
//
// Ten full scripts ("bases", tests/eval-holdout/source/scripts/) are written by hand, each by a
// different agent on a different product / channel, the way agents and bank wealth managers actually
// talk in a 双录: fillers, run-on sentences, disclosures spread over several segments, customers
// answering in their own words and asking back before they confirm. Every other case (source/cases.yaml)
// is one of those scripts with a few hand-written edits (a block left out, a hedged answer, the agent
// answering for the customer, a pitch with a promise, a rushed read, hand-made ASR homophone errors).
//
// Labels come from what the script says (each block is tagged with the disclosures it makes), and are
// cross-checked against the violations each case declares, so a slip in one shows up as an error
// here rather than as a wrong label. Nothing here reads the rules. Deterministic: same code and data,
// same files.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { verdictFromLabels } from '../../../src/eval/concept-severity.js';
import type { Expected, LabelStatus } from '../../../src/eval/metrics.js';
import { createRng } from '../../../src/eval/random.js';
import {
  CHANNELS,
  PRODUCT_TYPES,
  type Channel,
  type Concept,
  type ProductType,
  type Verdict,
} from '../../../src/model/index.js';
import {
  buildSession,
  pad2,
  readYaml,
  sessionName,
  spokenChars,
  writeLabelledSet,
  type LabelledSession,
  type TimedTurn,
} from './session.js';

const SOURCE = fileURLToPath(new URL('../../../tests/eval-holdout/source/', import.meta.url));

/** Concepts labelled in the held-out set (visual / integrity ones cannot be told from a transcript). */
export const HOLDOUT_CONCEPTS = [
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
  'disclosure.not-deposit',
  'disclosure.signature',
  'confirmation.customer',
  'confirmation.voluntary',
  'conduct.speech-rate',
  'conduct.proxy-answer',
  'prohibited.guarantee',
  'prohibited.deposit-confusion',
] as const satisfies readonly Concept[];
export type HoldoutConcept = (typeof HOLDOUT_CONCEPTS)[number];

/** Concepts about how the session went, set per case (default pass). */
const BEHAVIOURS = [
  'confirmation.customer',
  'confirmation.voluntary',
  'conduct.speech-rate',
  'conduct.proxy-answer',
  'prohibited.guarantee',
  'prohibited.deposit-confusion',
] as const;
type Behaviour = (typeof BEHAVIOURS)[number];

/** Things a script says (a block's tags): the disclosure-type concepts. */
type Said = Exclude<HoldoutConcept, Behaviour>;
const SAID = HOLDOUT_CONCEPTS.filter((c): c is Said => !isBehaviour(c));

function isBehaviour(c: HoldoutConcept): c is Behaviour {
  return (BEHAVIOURS as readonly string[]).includes(c);
}

/** Whether a disclosure is required for this product and channel. */
function required(c: Said, type: ProductType, channel: Channel): boolean {
  // explicit account charges (initial charge, bid-offer spread, management fees, surrender charge)
  // belong to universal and investment-linked products; traditional products carry none to disclose
  if (c === 'disclosure.fees') return type === 'universal' || type === 'investment-linked';
  // 新型产品: benefits beyond the guarantee are uncertain
  if (c === 'disclosure.benefit-uncertainty') {
    return type === 'participating' || type === 'universal' || type === 'investment-linked';
  }
  if (c === 'disclosure.not-deposit') return channel === 'bank';
  return true;
}

// ---------------------------------------------------------------------------------------------
// The source files' shape (see the head of source/cases.yaml)

const STEPS = [
  'open',
  'agent-id',
  'consent',
  'customer-id',
  'product',
  'not-deposit',
  'coverage',
  'term-premium',
  'benefit',
  'fees',
  'exclusions',
  'health',
  'cooling-off',
  'surrender',
  'signature',
  'closing',
  'pitch',
  'aside',
] as const;
const StepSchema = z.enum(STEPS);
type Step = (typeof STEPS)[number];

/** `A: text` (agent) or `C: text` (customer), with `gap:` seconds of silence before it where fixed. */
const TurnSchema = z
  .union([
    z.strictObject({ A: z.string().min(1), gap: z.number().nonnegative().optional() }),
    z.strictObject({ C: z.string().min(1), gap: z.number().nonnegative().optional() }),
  ])
  .transform((t) => ({ sp: 'A' in t ? ('A' as const) : ('C' as const), text: 'A' in t ? t.A : t.C, gap: t.gap }));
type Turn = z.output<typeof TurnSchema>;

const blockFields = { says: z.array(z.enum(SAID as [Said, ...Said[]])).default([]), turns: z.array(TurnSchema) };
interface Block {
  step: Step;
  says: Said[];
  turns: Turn[];
  /** read at an unnaturally fast pace */
  rushed?: boolean;
}

const BaseSchema = z.strictObject({
  product: z.strictObject({
    name: z.string(),
    type: z.enum(PRODUCT_TYPES),
    termYears: z.number().int().positive().optional(),
  }),
  channel: z.enum(CHANNELS),
  age: z.number().int().positive(),
  licence: z.string(),
  /** speaker labels as the transcript vendor wrote them (diarisation labels are arbitrary) */
  labels: z.strictObject({ agent: z.string(), customer: z.string() }),
  /** agent characters per second in normal speech */
  agentPace: z.number().positive(),
  customerPace: z.number().positive(),
  blocks: z.array(z.strictObject({ step: StepSchema, ...blockFields })).min(1),
});
type Base = z.output<typeof BaseSchema>;

type Edit = { omit: Step } | { replace: Step; with: Block } | { after: Step; insert: Block } | { rush: Step[] };
const EditSchema = z.union([
  z.strictObject({ omit: StepSchema }),
  z.strictObject({ rush: z.array(StepSchema).min(1) }),
  z
    .strictObject({ replace: StepSchema, ...blockFields })
    .transform((e): Edit => ({ replace: e.replace, with: { step: e.replace, says: e.says, turns: e.turns } })),
  z
    .strictObject({ after: StepSchema, insert: StepSchema, ...blockFields })
    .transform((e): Edit => ({ after: e.after, insert: { step: e.insert, says: e.says, turns: e.turns } })),
]);

const ConceptSchema = z.enum(HOLDOUT_CONCEPTS);
const CaseSchema = z.strictObject({
  slug: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
  base: z.string(),
  case: z.string(),
  age: z.number().int().positive().optional(),
  edits: z.array(EditSchema).optional(),
  /** how the session went beyond what was said (default: pass) */
  behaviour: z.partialRecord(z.enum(BEHAVIOURS), z.literal('fail')).optional(),
  /** concepts a reader could fairly label either way here: left out of expected.json */
  unlabelled: z.array(z.strictObject({ concept: ConceptSchema, why: z.string() })).optional(),
  /** hand-made ASR errors: [said, heard] pairs, each must occur in the script */
  asr: z
    .strictObject({ subs: z.array(z.tuple([z.string(), z.string()])).min(1), dropPunctuation: z.boolean().optional() })
    .optional(),
  /** the violations this case is written to contain: must equal what the labels derive to */
  violations: z.array(ConceptSchema),
});
type CaseSpec = z.output<typeof CaseSchema>;

const BASES: Record<string, Base> = Object.fromEntries(
  readdirSync(`${SOURCE}scripts`)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => [f.replace(/\.yaml$/, ''), readYaml(`${SOURCE}scripts/${f}`, BaseSchema)]),
);

/** Every held-out case, in order. */
export const HOLDOUT_CASES: readonly CaseSpec[] = readYaml(`${SOURCE}cases.yaml`, z.array(CaseSchema).min(1));

// ---------------------------------------------------------------------------------------------
// Building a session

export interface HoldoutSession extends LabelledSession {
  /** characters per second of each rushed block's agent speech, for checks */
  rushedRates: number[];
}

const PAUSE = /[，、；：,;:]/g;
const RUSHED_PACE = 8.7;

function applyEdits(blocks: readonly Block[], edits: readonly Edit[], slug: string): Block[] {
  let out = blocks.map((b) => ({ ...b }));
  const find = (step: Step) => {
    const i = out.findIndex((b) => b.step === step);
    if (i < 0) throw new Error(`${slug}: no block "${step}" to edit`);
    return i;
  };
  for (const e of edits) {
    if ('omit' in e) out.splice(find(e.omit), 1);
    else if ('replace' in e) out[find(e.replace)] = e.with;
    else if ('after' in e) out.splice(find(e.after) + 1, 0, e.insert);
    else for (const s of e.rush) out[find(s)] = { ...out[find(s)]!, rushed: true };
  }
  out = out.filter((b) => b.turns.length > 0);
  return out;
}

function mishear(text: string, subs: readonly [string, string][], used: Set<string>, dropPunctuation: boolean): string {
  let t = text;
  for (const [said, heard] of subs) {
    if (t.includes(said)) {
      t = t.split(said).join(heard);
      used.add(said);
    }
  }
  // Whisper-style Chinese without punctuation: clauses separated by spaces
  if (dropPunctuation)
    t = t
      .replace(/[，。？！、；：…]+/g, ' ')
      .trim()
      .replace(/\s+/g, ' ');
  return t;
}

function generateSession(spec: CaseSpec, index: number): HoldoutSession {
  const base = BASES[spec.base];
  if (!base) throw new Error(`${spec.slug}: no base script "${spec.base}" in ${SOURCE}scripts/`);
  const rng = createRng(`dualrec-holdout:${spec.slug}`);
  const blocks = applyEdits(base.blocks, spec.edits ?? [], spec.slug);
  const age = spec.age ?? base.age;
  const senior = age >= 60;

  // ---- timed turns: pace and the silence before each, drawn from who speaks after whom
  const turns: TimedTurn[] = [];
  /** per block, the positions of its rushed agent turns */
  const rushedTurns: number[][] = [];
  const used = new Set<string>();
  const start = 0.6 + rng.next();
  let prev: Turn['sp'] | undefined;
  for (const b of blocks) {
    const rushedHere: number[] = [];
    for (const turn of b.turns) {
      const text = spec.asr ? mishear(turn.text, spec.asr.subs, used, spec.asr.dropPunctuation ?? false) : turn.text;
      const agent = turn.sp === 'A';
      const rushed = agent && b.rushed === true;
      const jitter = 0.94 + rng.next() * 0.12;
      const pace = rushed ? RUSHED_PACE * jitter : (agent ? base.agentPace : base.customerPace) * jitter;
      let gap: number;
      if (turn.gap !== undefined) gap = turn.gap;
      else if (rushed && prev === 'A') gap = 0.08 + rng.next() * 0.1;
      else if (prev === undefined || prev === turn.sp) gap = 0.25 + rng.next() * 0.45;
      else if (turn.sp === 'C') gap = senior ? 0.9 + rng.next() * 1.1 : 0.5 + rng.next() * 0.8;
      else gap = 0.4 + rng.next() * 0.6;
      if (rushed) rushedHere.push(turns.length);
      turns.push({
        speaker: agent ? base.labels.agent : base.labels.customer,
        text,
        chars: spokenChars(turn.text),
        pace,
        gap,
        // short pauses at commas inside a segment; a reader racing through the text makes none
        pauses: rushed ? 0 : (turn.text.match(PAUSE)?.length ?? 0) * 0.16,
        tail: rushed ? 0.05 : 0.12,
        minDuration: 0.45,
      });
      prev = turn.sp;
    }
    rushedTurns.push(rushedHere);
  }
  if (spec.asr) {
    const unused = spec.asr.subs.filter(([said]) => !used.has(said)).map(([s]) => s);
    if (unused.length) throw new Error(`${spec.slug}: ASR substitutions never applied: ${unused.join(', ')}`);
  }

  const name = sessionName(index, spec.slug);
  const session = buildSession({
    name,
    description: spec.case,
    start,
    turns,
    meta: {
      sessionId: `holdout-${name}`,
      recordedAt: `2025-${pad2((index % 12) + 1)}-${pad2(((index * 7) % 28) + 1)}`,
      product: base.product,
      channel: base.channel,
      age,
      licence: base.licence,
      labels: base.labels,
    },
    expected: labelFor(spec, base, blocks),
  });

  // rushed pace as the transcript tells it: over the rounded times
  const rushedRates: number[] = [];
  for (const positions of rushedTurns) {
    let chars = 0;
    let time = 0;
    for (const i of positions) {
      const seg = session.transcript.segments[i]!;
      chars += turns[i]!.chars;
      time += seg.end - seg.start;
    }
    if (time > 0) rushedRates.push(chars / time);
  }
  return { ...session, rushedRates };
}

/** Labels from what the script says and the case's behaviour, checked against its declared violations. */
function labelFor(spec: CaseSpec, base: Base, blocks: readonly Block[]): Expected {
  const said = new Set(blocks.flatMap((b) => b.says));
  const concepts: Partial<Record<HoldoutConcept, LabelStatus>> = {};
  let disclosureMissing = false;
  for (const c of SAID) {
    if (said.has(c)) concepts[c] = 'pass';
    else if (required(c, base.product.type, base.channel)) {
      concepts[c] = 'fail';
      disclosureMissing = true;
    } else concepts[c] = 'not_applicable';
  }
  const behaviour = spec.behaviour ?? {};
  // A whole step left out takes its confirmation question with it: whether that is also a missing
  // confirmation is a matter of reading, so confirmation is left unlabelled there.
  if (behaviour['confirmation.customer'] === 'fail') concepts['confirmation.customer'] = 'fail';
  else if (!disclosureMissing) concepts['confirmation.customer'] = 'pass';
  for (const c of [
    'conduct.speech-rate',
    'conduct.proxy-answer',
    'prohibited.guarantee',
    'prohibited.deposit-confusion',
  ] as const) {
    concepts[c] = behaviour[c] ?? 'pass';
  }
  // the voluntariness question is insurers' practice: labelled only where a case is about it
  if (behaviour['confirmation.voluntary']) concepts['confirmation.voluntary'] = behaviour['confirmation.voluntary'];
  const notes: string[] = [];
  if (!('confirmation.customer' in concepts)) {
    notes.push(
      'confirmation.customer unlabelled: a required disclosure is missing, ' +
        'so whether its confirmation is missing too reads either way',
    );
  }
  for (const u of spec.unlabelled ?? []) {
    delete concepts[u.concept];
    notes.push(`${u.concept} unlabelled: ${u.why}`);
  }

  // ---- consistency checks between the script, the edits and the declared violations
  const fails = HOLDOUT_CONCEPTS.filter((c) => concepts[c] === 'fail');
  const declared = [...spec.violations].sort();
  if (fails.slice().sort().join() !== declared.join()) {
    throw new Error(
      `${spec.slug}: labels derive to [${fails.join(', ')}] but the case declares [${declared.join(', ')}]`,
    );
  }
  const rushedEdit = (spec.edits ?? []).some((e) => 'rush' in e);
  if (rushedEdit !== (behaviour['conduct.speech-rate'] === 'fail')) {
    throw new Error(`${spec.slug}: rush edits and speech-rate label disagree`);
  }

  const ordered: Partial<Record<Concept, LabelStatus>> = {};
  for (const c of HOLDOUT_CONCEPTS) if (concepts[c]) ordered[c] = concepts[c];
  // only minor fails (a customer identity check left out) keep a PASS: src/eval/concept-severity.ts
  const verdict: Verdict = verdictFromLabels(ordered);
  return { verdict, concepts: ordered, case: spec.case, ...(notes.length ? { notes } : {}) };
}

/** Every held-out session, in a fixed order. */
export function generateHoldoutSet(): HoldoutSession[] {
  return HOLDOUT_CASES.map((spec, i) => generateSession(spec, i));
}

/**
 * Writes the set into `dir` (three files per session plus INDEX.md) and removes generated files of
 * sessions that no longer exist. Returns the file names written.
 */
export function writeHoldoutSet(dir: string): string[] {
  const sessions = generateHoldoutSet();
  return writeLabelledSet(dir, sessions, indexMarkdown(sessions));
}

function indexMarkdown(sessions: HoldoutSession[]): string {
  const lines = [
    '# dualrec held-out evaluation set',
    '',
    'Generated by `npx tsx scripts/make-holdout-set.ts` from `source/` (scripts/lib/eval-sets/holdout.ts) — do not edit',
    'by hand.',
    'Written without looking at the rule packs, to measure whether the rules generalise to wording they were',
    'not written against. Ten hand-written 双录 scripts (different agents, products and channels: 个险, 银保,',
    '经纪, 电销) and hand-written edits of them. Transcript-only: `<name>.transcript.json` (dualrec-json) +',
    '`<name>.meta.json`, labelled in `<name>.expected.json`. Timings: agents speak 4.4–5.4 characters a',
    'second between short pauses at commas (about 4–5 a second, 240–320 a minute, over a segment);',
    'customers 3.1–4.4 (seniors slowest); rushed blocks about 8–9 a second (about 500 a minute), no pauses.',
    '',
    'Run: `npx tsx src/cli/main.ts eval tests/eval-holdout --noise 0,0.1 --repeats 3 --details`.',
    '',
    'How the labels are set (from what each script says, never from the rules):',
    '- `disclosure.*`, `consent.recording`, `identity.*`: `pass` when said, `fail` when a required one was',
    '  not said, `not_applicable` when not required and not said. Required: `disclosure.fees` for universal',
    '  and investment-linked products only (explicit account charges); `disclosure.benefit-uncertainty` for',
    '  participating / universal / investment-linked; `disclosure.not-deposit` on the bank channel; the rest',
    "  always (`disclosure.signature` = the agent asks for the customer's own signature, and for new-type",
    '  products the copied risk statement).',
    '- The copied risk statement (“…了解本产品的特点和保单利益的不确定性”) is something the customer writes;',
    '  it does not count as the agent explaining that dividends / crediting rates are uncertain.',
    '- `confirmation.customer`: `fail` when a required confirmation was never asked, hedged (不太清楚, 没听懂,',
    '  再说一遍, 我还得想想) with no later clear yes, or answered by the agent; `pass` when every one got a',
    '  clear yes (a customer asking back first and then saying yes, or one question after several',
    '  disclosures, is a yes). Unlabelled where a whole disclosure was left out with its question.',
    '- `conduct.speech-rate`: `fail` when disclosures are read at over ~400 characters a minute.',
    '  `conduct.proxy-answer`: `fail` when the agent answered for the customer.',
    '- `prohibited.guarantee` / `prohibited.deposit-confusion`: `fail` only when the promise or the',
    '  deposit framing was made by the agent; negated statements (不保本, 收益不能保证, 不是存款, 不能说稳赚',
    "  不赔), the contract's guaranteed minimum rate of a universal product, a guaranteed payout period",
    '  (保证领取二十年), and the customer asking “这就是存款吧” and being corrected are compliant.',
    '- A concept a reader could fairly label either way is left out of that expected.json (see its `notes`).',
    '- Visual and integrity concepts are not labelled: a transcript cannot tell them.',
    '- `verdict`: `FAIL` when a concept that is not minor is `fail` (src/eval/concept-severity.ts: the customer ' +
      "identity check and the voluntariness question are insurers' practice), else `PASS`.",
    '',
    '| session | channel | product | age | case | expected | violations |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const s of sessions) {
    const m = s.meta as { channel: string; product: { type: string }; policyholder: { age: number } };
    const fails = Object.entries(s.expected.concepts)
      .filter(([, v]) => v === 'fail')
      .map(([k]) => k);
    lines.push(
      `| ${s.name} | ${m.channel} | ${m.product.type} | ${m.policyholder.age} | ${s.description} ` +
        `| ${s.expected.verdict} | ${fails.join(', ') || '—'} |`,
    );
  }
  return lines.join('\n') + '\n';
}
