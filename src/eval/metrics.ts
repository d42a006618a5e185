// Scores predicted findings and verdicts against labelled sessions.
//
// Counting rules (documented in `dualrec eval --help` too):
// - A concept's session status is derived from the findings carrying it: any fail → fail; else any
//   undetermined → undetermined; else any pass → pass; else any not_applicable → not_applicable;
//   no finding → absent.
// - A violation is a concept labelled `fail`. Concepts a session's expected.json does not list are
//   not scored for that session (a predicted fail there is listed as "unlabelled", never counted).
// - strict: a violation is caught only when the concept is predicted fail.
// - lenient: a violation is also caught when the concept is predicted undetermined and the session
//   goes to REVIEW or FAIL — a person will look at it, so it does not slip through.
// - false positives are the same in both: a predicted fail on a concept labelled anything but fail.
//   An undetermined on a compliant concept is not an accusation; its cost shows in the REVIEW rate.
import { z } from 'zod';
import { CONCEPTS, type Finding, type FindingStatus, type Verdict } from '../model/index.js';

export const LABEL_STATUSES = ['pass', 'fail', 'undetermined', 'not_applicable'] as const;
export type LabelStatus = (typeof LABEL_STATUSES)[number];
export type ConceptStatus = FindingStatus | 'absent';
export const VERDICTS: readonly Verdict[] = ['PASS', 'FAIL', 'REVIEW'];

export const ExpectedSchema = z
  .object({
    verdict: z.enum(['PASS', 'FAIL', 'REVIEW']),
    concepts: z.partialRecord(z.enum(CONCEPTS), z.enum(LABEL_STATUSES)),
    /** free text: what the case is, for people reading the set */
    case: z.string().max(200).optional(),
    notes: z.array(z.string().max(500)).optional(),
  })
  .strict();
export type Expected = z.infer<typeof ExpectedSchema>;

/** Session-level status of every concept the findings mention. */
export function conceptStatuses(findings: readonly Finding[]): Map<string, ConceptStatus> {
  const rank: Record<FindingStatus, number> = { fail: 4, undetermined: 3, pass: 2, not_applicable: 1 };
  const out = new Map<string, ConceptStatus>();
  for (const f of findings) {
    for (const c of f.concepts) {
      const prev = out.get(c);
      if (prev === undefined || prev === 'absent' || rank[f.status] > rank[prev]) out.set(c, f.status);
    }
  }
  return out;
}

export interface SessionOutcome {
  id: string;
  expected: Expected;
  verdict: Verdict;
  findings: Finding[];
}

export interface Counts {
  /** concepts labelled fail */
  violations: number;
  tp: number;
  fp: number;
  fn: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export interface ConceptMetrics {
  concept: string;
  /** sessions where this concept is labelled (any status) */
  labelled: number;
  strict: Counts;
  lenient: Counts;
}

export type CaseErrorKind =
  /** violation not caught even leniently */
  | 'missed'
  /** violation predicted undetermined, session sent to REVIEW/FAIL: caught leniently only */
  | 'review-only'
  /** predicted fail on a concept labelled pass / not_applicable / undetermined */
  | 'false-alarm';

export interface CaseError {
  session: string;
  concept: string;
  kind: CaseErrorKind;
  expected: LabelStatus;
  predicted: ConceptStatus;
  verdict: Verdict;
  expectedVerdict: Verdict;
  /** findings carrying the concept: rule id and status, so the rule at fault can be found */
  rules: { ruleId: string; status: FindingStatus }[];
}

export interface EvalMetrics {
  sessions: number;
  concepts: ConceptMetrics[];
  /** pooled over every labelled (session, concept) pair */
  micro: { strict: Counts; lenient: Counts };
  verdict: {
    accuracy: number | null;
    reviewRate: number | null;
    /** confusion[expected][predicted] */
    confusion: Record<Verdict, Record<Verdict, number>>;
    /** expected FAIL predicted PASS: the one outcome the tool must never produce */
    unsafePasses: string[];
  };
  errors: CaseError[];
  /** predicted fails on concepts the expected file does not list */
  unlabelledFails: { session: string; concept: string; rules: string[] }[];
}

function ratio(num: number, den: number): number | null {
  return den === 0 ? null : num / den;
}

function counts(violations: number, tp: number, fp: number): Counts {
  const fn = violations - tp;
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, violations);
  const f1 =
    precision === null || recall === null || precision + recall === 0
      ? tp === 0 && violations > 0
        ? 0
        : null
      : (2 * precision * recall) / (precision + recall);
  return { violations, tp, fp, fn, precision, recall, f1 };
}

interface Tally {
  labelled: number;
  violations: number;
  tp: number;
  tpLenient: number;
  fp: number;
}

export function computeMetrics(outcomes: readonly SessionOutcome[]): EvalMetrics {
  const tallies = new Map<string, Tally>();
  const tally = (c: string): Tally => {
    let t = tallies.get(c);
    if (!t) tallies.set(c, (t = { labelled: 0, violations: 0, tp: 0, tpLenient: 0, fp: 0 }));
    return t;
  };
  const errors: CaseError[] = [];
  const unlabelledFails: EvalMetrics['unlabelledFails'] = [];
  const confusion = Object.fromEntries(
    VERDICTS.map((e) => [e, Object.fromEntries(VERDICTS.map((p) => [p, 0]))]),
  ) as Record<Verdict, Record<Verdict, number>>;
  const unsafePasses: string[] = [];
  let correct = 0;
  let review = 0;

  for (const o of outcomes) {
    const predicted = conceptStatuses(o.findings);
    const rulesFor = (c: string) =>
      o.findings.filter((f) => f.concepts.includes(c)).map((f) => ({ ruleId: f.ruleId, status: f.status }));
    const goesToPerson = o.verdict !== 'PASS';

    for (const [concept, label] of Object.entries(o.expected.concepts) as [string, LabelStatus][]) {
      const t = tally(concept);
      t.labelled++;
      const p = predicted.get(concept) ?? 'absent';
      const base = {
        session: o.id,
        concept,
        expected: label,
        predicted: p,
        verdict: o.verdict,
        expectedVerdict: o.expected.verdict,
      };
      if (label === 'fail') {
        t.violations++;
        if (p === 'fail') {
          t.tp++;
          t.tpLenient++;
        } else if (p === 'undetermined' && goesToPerson) {
          t.tpLenient++;
          errors.push({ ...base, kind: 'review-only', rules: rulesFor(concept) });
        } else {
          errors.push({ ...base, kind: 'missed', rules: rulesFor(concept) });
        }
      } else if (p === 'fail') {
        t.fp++;
        errors.push({ ...base, kind: 'false-alarm', rules: rulesFor(concept) });
      }
    }
    for (const [concept, p] of predicted) {
      if (p === 'fail' && !(concept in o.expected.concepts)) {
        unlabelledFails.push({
          session: o.id,
          concept,
          rules: o.findings.filter((f) => f.status === 'fail' && f.concepts.includes(concept)).map((f) => f.ruleId),
        });
      }
    }

    confusion[o.expected.verdict][o.verdict]++;
    if (o.expected.verdict === o.verdict) correct++;
    if (o.verdict === 'REVIEW') review++;
    if (o.expected.verdict === 'FAIL' && o.verdict === 'PASS') unsafePasses.push(o.id);
  }

  // Fixed vocabulary order first, then anything else the labels used.
  const order = [
    ...CONCEPTS,
    ...[...tallies.keys()].filter((c) => !(CONCEPTS as readonly string[]).includes(c)).sort(),
  ];
  const concepts: ConceptMetrics[] = order
    .filter((c) => tallies.has(c))
    .map((c) => {
      const t = tallies.get(c)!;
      return {
        concept: c,
        labelled: t.labelled,
        strict: counts(t.violations, t.tp, t.fp),
        lenient: counts(t.violations, t.tpLenient, t.fp),
      };
    });
  const sum = (k: keyof Tally) => [...tallies.values()].reduce((a, t) => a + t[k], 0);

  return {
    sessions: outcomes.length,
    concepts,
    micro: {
      strict: counts(sum('violations'), sum('tp'), sum('fp')),
      lenient: counts(sum('violations'), sum('tpLenient'), sum('fp')),
    },
    verdict: {
      accuracy: ratio(correct, outcomes.length),
      reviewRate: ratio(review, outcomes.length),
      confusion,
      unsafePasses,
    },
    errors,
    unlabelledFails,
  };
}
