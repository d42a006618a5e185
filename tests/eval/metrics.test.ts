import { describe, expect, it } from 'vitest';
import { computeMetrics, conceptStatuses, ExpectedSchema, type SessionOutcome } from '../../src/eval/metrics.js';
import type { Finding, FindingStatus, Verdict } from '../../src/model/index.js';

function finding(ruleId: string, concepts: string[], status: FindingStatus): Finding {
  return {
    ruleId,
    title: ruleId,
    category: 'test',
    concepts,
    status,
    severity: 'major',
    confidence: 1,
    evidence: [],
    message: '',
  };
}

function outcome(
  id: string,
  expected: SessionOutcome['expected'],
  verdict: Verdict,
  findings: Finding[],
): SessionOutcome {
  return { id, expected: ExpectedSchema.parse(expected), verdict, findings };
}

describe('conceptStatuses', () => {
  it('fail beats undetermined beats pass beats not_applicable', () => {
    const s = conceptStatuses([
      finding('a', ['x', 'y'], 'pass'),
      finding('b', ['x'], 'undetermined'),
      finding('c', ['y', 'z'], 'not_applicable'),
      finding('d', ['w'], 'not_applicable'),
      finding('e', ['w'], 'fail'),
      finding('f', ['w'], 'pass'),
    ]);
    expect(s.get('x')).toBe('undetermined');
    expect(s.get('y')).toBe('pass');
    expect(s.get('z')).toBe('not_applicable');
    expect(s.get('w')).toBe('fail');
    expect(s.get('absent')).toBeUndefined();
  });
});

describe('computeMetrics', () => {
  const sessions: SessionOutcome[] = [
    // caught violation, correct FAIL
    outcome(
      's1',
      { verdict: 'FAIL', concepts: { 'disclosure.exclusions': 'fail', 'prohibited.guarantee': 'pass' } },
      'FAIL',
      [
        finding('disclose-exclusions', ['disclosure.exclusions'], 'fail'),
        finding('no-guarantee', ['prohibited.guarantee'], 'pass'),
      ],
    ),
    // violation left undetermined, session to REVIEW: lenient catch only
    outcome('s2', { verdict: 'FAIL', concepts: { 'disclosure.exclusions': 'fail' } }, 'REVIEW', [
      finding('disclose-exclusions', ['disclosure.exclusions'], 'undetermined'),
    ]),
    // violation missed outright and the session passes: unsafe
    outcome(
      's3',
      { verdict: 'FAIL', concepts: { 'prohibited.guarantee': 'fail', 'disclosure.exclusions': 'pass' } },
      'PASS',
      [
        finding('no-guarantee', ['prohibited.guarantee'], 'pass'),
        finding('disclose-exclusions', ['disclosure.exclusions'], 'pass'),
      ],
    ),
    // false alarm on a compliant session, plus an unlabelled fail
    outcome(
      's4',
      { verdict: 'PASS', concepts: { 'prohibited.guarantee': 'pass', 'disclosure.exclusions': 'pass' } },
      'FAIL',
      [
        finding('no-guarantee', ['prohibited.guarantee'], 'fail'),
        finding('disclose-exclusions', ['disclosure.exclusions'], 'pass'),
        finding('visual-signature', ['visual.signature'], 'fail'),
      ],
    ),
    // compliant, correct PASS; violation concept absent from findings on a labelled-pass concept
    outcome(
      's5',
      { verdict: 'PASS', concepts: { 'disclosure.exclusions': 'pass', 'disclosure.fees': 'not_applicable' } },
      'PASS',
      [finding('disclose-exclusions', ['disclosure.exclusions'], 'pass')],
    ),
    // violation predicted undetermined but the session PASSes: a miss even leniently
    outcome('s6', { verdict: 'FAIL', concepts: { 'disclosure.fees': 'fail' } }, 'PASS', [
      finding('disclose-fees', ['disclosure.fees'], 'undetermined'),
    ]),
  ];
  const m = computeMetrics(sessions);

  it('counts per concept, strict and lenient', () => {
    const ex = m.concepts.find((c) => c.concept === 'disclosure.exclusions')!;
    expect(ex.labelled).toBe(5);
    expect(ex.strict).toMatchObject({ violations: 2, tp: 1, fp: 0, fn: 1, precision: 1, recall: 0.5 });
    expect(ex.strict.f1).toBeCloseTo(2 / 3);
    expect(ex.lenient).toMatchObject({ violations: 2, tp: 2, fp: 0, fn: 0, precision: 1, recall: 1, f1: 1 });

    const g = m.concepts.find((c) => c.concept === 'prohibited.guarantee')!;
    expect(g.strict).toMatchObject({ violations: 1, tp: 0, fp: 1, fn: 1, precision: 0, recall: 0, f1: 0 });

    const fees = m.concepts.find((c) => c.concept === 'disclosure.fees')!;
    expect(fees.strict).toMatchObject({ violations: 1, tp: 0, fp: 0, precision: null, recall: 0, f1: 0 });
    expect(fees.lenient.recall).toBe(0);
  });

  it('pools micro figures over all labelled pairs', () => {
    expect(m.micro.strict).toMatchObject({ violations: 4, tp: 1, fp: 1, fn: 3 });
    expect(m.micro.strict.precision).toBeCloseTo(0.5);
    expect(m.micro.strict.recall).toBeCloseTo(0.25);
    expect(m.micro.lenient).toMatchObject({ violations: 4, tp: 2, fp: 1, fn: 2 });
  });

  it('scores verdicts: accuracy, REVIEW rate, confusion, unsafe passes', () => {
    expect(m.sessions).toBe(6);
    expect(m.verdict.accuracy).toBeCloseTo(2 / 6);
    expect(m.verdict.reviewRate).toBeCloseTo(1 / 6);
    expect(m.verdict.confusion.FAIL).toEqual({ PASS: 2, FAIL: 1, REVIEW: 1 });
    expect(m.verdict.confusion.PASS).toEqual({ PASS: 1, FAIL: 1, REVIEW: 0 });
    expect(m.verdict.unsafePasses).toEqual(['s3', 's6']);
  });

  it('lists each error with the rules that carry the concept', () => {
    const kinds = m.errors.map((e) => `${e.session}:${e.concept}:${e.kind}`).sort();
    expect(kinds).toEqual([
      's2:disclosure.exclusions:review-only',
      's3:prohibited.guarantee:missed',
      's4:prohibited.guarantee:false-alarm',
      's6:disclosure.fees:missed',
    ]);
    const fa = m.errors.find((e) => e.kind === 'false-alarm')!;
    expect(fa.rules).toEqual([{ ruleId: 'no-guarantee', status: 'fail' }]);
    expect(m.unlabelledFails).toEqual([{ session: 's4', concept: 'visual.signature', rules: ['visual-signature'] }]);
  });

  it('gives null, not NaN, where nothing was there to count', () => {
    const empty = computeMetrics([]);
    expect(empty.micro.strict).toMatchObject({ precision: null, recall: null, f1: null });
    expect(empty.verdict.accuracy).toBeNull();
  });

  it('rejects an expected file with an unknown concept or status', () => {
    expect(ExpectedSchema.safeParse({ verdict: 'FAIL', concepts: { 'disclosure.nope': 'fail' } }).success).toBe(false);
    expect(ExpectedSchema.safeParse({ verdict: 'FAIL', concepts: { 'disclosure.fees': 'bad' } }).success).toBe(false);
    expect(ExpectedSchema.safeParse({ verdict: 'MAYBE', concepts: {} }).success).toBe(false);
  });
});
