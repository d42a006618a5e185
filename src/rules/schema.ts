// The rule file format (YAML), validated strictly: an unknown or misspelled field is an error.
// docs/rules.md documents every field; keep the two in step.
import { z } from 'zod';
import { CHANNELS, CONCEPTS, PRODUCT_TYPES } from '../model/index.js';

const oneOrMany = <T extends z.ZodType>(t: T) => z.union([t, z.array(t).min(1)]);
const text = z.string().min(1).max(2000);
const word = z.string().min(1).max(200);
const ruleRef = z.string().regex(/^[a-z0-9][a-z0-9._/-]*$/, 'rule ids use a-z, 0-9, . _ / -');
const date = z.union([z.iso.date(), z.date().transform((d) => d.toISOString().slice(0, 10))]);

export const NumberCheckSchema = z
  .object({
    min: z.number().optional(),
    max: z.number().optional(),
    eq: z.number().optional(),
  })
  .strict();

export const MatchSchema = z
  .object({
    /** at least one of these words (synonyms from the lexicon count too) */
    any: z.array(word).min(1).optional(),
    /** every one of these words, close together (within `within_chars`) */
    all: z.array(word).min(1).optional(),
    /** at least n of these words close together */
    at_least: z
      .object({ n: z.number().int().min(1), of: z.array(word).min(1) })
      .strict()
      .optional(),
    /** a match whose clause contains any of these words is discarded */
    none: z.array(word).min(1).optional(),
    /** how close the words of all / at_least must be, in characters (default 60; 200 with `scope`) */
    within_chars: z.number().int().min(1).max(2000).optional(),
    /** the words of all / at_least must be in one sentence (or one clause) — the unit real wording
     *  keeps together however long it is ("因下列情形之一……本公司不承担给付保险金的责任") */
    scope: z.enum(['sentence', 'clause']).optional(),
    /** example sentences: a sentence of the transcript similar enough to one of them matches
     *  (TF-IDF cosine over characters and sounds); the report names the nearest example */
    examples: z.array(text).min(1).max(500).optional(),
    /** similarity an example match needs, 0..1 (default 0.6) */
    min_similarity: z.number().min(0.2).max(1).optional(),
    /** compare by sound as well, tolerating homophones (default: words of 2+ chars, and all regex/slot patterns) */
    pinyin: z.boolean().optional(),
    /** RE2 (linear-time) regular expressions over the normalised text */
    regex: oneOrMany(text).optional(),
    /** RE2 patterns: a regex/slot match is discarded when one of these matches its clause */
    exclude: oneOrMany(text).optional(),
    /** canonical script sentence(s), matched fuzzily (characters + pinyin, local alignment) */
    script: oneOrMany(text).optional(),
    /** share of the script that must be found, 0..1 (default 0.7) */
    min_coverage: z.number().min(0.1).max(1).optional(),
    /** slot templates: "犹豫期 {n} 天" — a space allows a short gap, {name} captures a number */
    slot: oneOrMany(text).optional(),
    /** checks on captured numbers: { n: { min: 15 } } */
    check: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), NumberCheckSchema).optional(),
  })
  .strict();

export const AppliesSchema = z
  .object({
    product_type: z.array(z.enum(PRODUCT_TYPES)).min(1).optional(),
    channel: z.array(z.enum(CHANNELS)).min(1).optional(),
    min_age: z.number().int().min(0).max(130).optional(),
    max_age: z.number().int().min(0).max(130).optional(),
    /** product term strictly longer than this many years */
    term_over_years: z.number().min(0).optional(),
    region: z.array(z.string().min(1)).min(1).optional(),
    effective_from: date.optional(),
    effective_to: date.optional(),
  })
  .strict();

export const ConfirmSchema = z
  .object({
    by: z.enum(['customer']).default('customer'),
    /** seconds after the disclosure within which the answer must come (default 30) */
    within_s: z.number().positive().max(600).default(30),
    severity: z.enum(['critical', 'major', 'minor']).optional(),
    /** flag the agent answering for the customer (default true) */
    proxy: z.boolean().default(true),
    /** answers that also count as confirming this item (a health question is answered "没有") */
    accept: z.array(word).min(1).optional(),
    /** the words a question uses to name this item ("免责", "犹豫期"): a later question naming it asks
     *  about it again, so the customer's yes to that question confirms it */
    names: z.array(word).min(1).optional(),
    /** the concepts the confirmation answers for (default confirmation.customer) */
    concepts: z.array(z.enum(CONCEPTS)).min(1).optional(),
    /** disclosures that form one item with this one ("犹豫期及退保损失"): going on to one of them is
     *  not moving on, so one question after both confirms both */
    joint_with: z.array(ruleRef).min(1).optional(),
  })
  .strict();

export const OrderSchema = z
  .object({
    after: z.array(ruleRef).min(1).optional(),
    before: z.array(ruleRef).min(1).optional(),
    /** the hit must come within this many seconds of the `after` rule's hit */
    within_s: z.number().positive().optional(),
    severity: z.enum(['critical', 'major', 'minor']).optional(),
  })
  .strict();

export const SpeechRateSchema = z
  .object({
    /** characters per minute above which the disclosure counts as rushed */
    max_cpm: z.number().positive(),
    /** spans shorter than this (characters) are not measured (default 12) */
    min_chars: z.number().int().positive().default(12),
    severity: z.enum(['critical', 'major', 'minor']).default('major'),
  })
  .strict();

export const SilenceSchema = z
  .object({
    max_s: z.number().positive(),
    /** the stage: from the first hit of the first rule to the first hit of the second */
    between: z.tuple([ruleRef, ruleRef]).optional(),
  })
  .strict();

const dialogueLine = z
  .string()
  .regex(/^(agent|customer|unknown)\s*:/, 'dialogue lines start with "agent:", "customer:" or "unknown:"');

export const TestCaseSchema = z
  .object({
    /** lines "agent: …" / "customer: …" (a few seconds apart) */
    dialogue: z.array(dialogueLine).min(1),
    /** expected status per finding: "" is the rule itself, "confirm", "proxy", "rate", "order" */
    expect: z.record(z.string(), z.enum(['pass', 'fail', 'undetermined', 'not_applicable'])),
    note: z.string().optional(),
  })
  .strict();

export const TestsSchema = z
  .object({
    /** texts (said by the rule's speaker) that must match */
    hit: z.array(text).optional(),
    /** texts that must not match */
    miss: z.array(text).optional(),
    /** texts that give only a partial trace: the required rule is undetermined */
    partial: z.array(text).optional(),
    cases: z.array(TestCaseSchema).optional(),
  })
  .strict();

export const RuleSchema = z
  .object({
    id: ruleRef,
    title: z.string().min(1).max(200),
    description: z.string().max(4000).optional(),
    category: z.enum(['consent', 'identity', 'disclosure', 'confirmation', 'conduct', 'prohibited', 'visual', 'other']),
    severity: z.enum(['critical', 'major', 'minor']),
    source: z.string().min(1).max(500),
    concepts: z.array(z.enum(CONCEPTS)).min(1),
    /** required: must be said; prohibited: must not be said; silence: no long gap */
    kind: z.enum(['required', 'prohibited', 'silence']).default('required'),
    applies: AppliesSchema.optional(),
    speaker: z.enum(['agent', 'customer', 'either']).default('agent'),
    match: oneOrMany(MatchSchema).optional(),
    /** looser matches that show something was partly said (a trace: the topic word with a number ASR
     *  garbled, a claim with a word lost). Required: not found by `match` but found here →
     *  undetermined, never pass. Prohibited: a trace (not negated) → undetermined, never pass. */
    partial: oneOrMany(MatchSchema).optional(),
    /** required rules: the item must be stated — a mention in a recap, an announcement or a question
     *  that only names it ("我已经向您说明了…责任免除…，您是否清楚？") does not count (then undetermined) */
    statement: z.boolean().optional(),
    /** prohibited rules: a match preceded by a negation ("不保本") is not a violation (default true) */
    negation: z.boolean().optional(),
    order: OrderSchema.optional(),
    confirm: ConfirmSchema.optional(),
    speech_rate: SpeechRateSchema.optional(),
    silence: SilenceSchema.optional(),
    /** prohibited rules: ask a suspicion model (rules/models/<model>.json, built by `dualrec rules
     *  train`) about every agent sentence the patterns did not flag; a sentence scoring at or above
     *  `threshold` makes the finding undetermined (REVIEW), never fail */
    suspect: z
      .object({
        model: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a model name: lowercase a-z 0-9 -'),
        threshold: z.number().min(0.05).max(0.99),
      })
      .strict()
      .optional(),
    /** Chinese messages; defaults are generated from the title */
    messages: z.object({ pass: z.string().optional(), fail: z.string().optional() }).strict().optional(),
    enabled: z.boolean().default(true),
    tests: TestsSchema.optional(),
  })
  .strict();

export type RuleSpec = z.infer<typeof RuleSchema>;
export type MatchSpec = z.infer<typeof MatchSchema>;
export type TestCaseSpec = z.infer<typeof TestCaseSchema>;

/** A rule file holds one rule, or `rules:` with several. */
export const RuleFileSchema = z.union([
  z.object({ rules: z.array(z.unknown()).min(1), description: z.string().optional() }).strict(),
  z.record(z.string(), z.unknown()),
]);
