import { describe, expect, it } from 'vitest';
import type { Finding, FindingStatus, Severity } from '../../src/model/index.js';
import { decideVerdict } from '../../src/rules/index.js';

const f = (ruleId: string, status: FindingStatus, severity: Severity, confidence = 0.9): Finding => ({
  ruleId,
  title: ruleId,
  category: 'x',
  concepts: ['disclosure.exclusions'],
  status,
  severity,
  confidence,
  evidence: [],
  message: `${ruleId} ${status}`,
});

describe('decideVerdict', () => {
  it('any critical fail → FAIL, naming the rule', () => {
    const v = decideVerdict([
      f('a', 'pass', 'critical'),
      f('b', 'fail', 'critical'),
      f('c', 'undetermined', 'critical'),
    ]);
    expect(v.verdict).toBe('FAIL');
    expect(v.reasons[0]).toContain('b');
    expect(v.reasons.some((r) => r.includes('c'))).toBe(true);
  });

  it('any critical undetermined → REVIEW (never PASS)', () => {
    expect(decideVerdict([f('a', 'pass', 'critical'), f('c', 'undetermined', 'critical')]).verdict).toBe('REVIEW');
  });

  it('a major fail alone → REVIEW by default (a known problem never PASSes)', () => {
    expect(decideVerdict([f('a', 'fail', 'major'), f('c', 'not_applicable', 'critical')]).verdict).toBe('REVIEW');
  });

  it('minor problems and major undetermined alone → PASS by default', () => {
    expect(
      decideVerdict([f('a', 'undetermined', 'major'), f('b', 'fail', 'minor'), f('c', 'not_applicable', 'critical')])
        .verdict,
    ).toBe('PASS');
  });

  it('pipeline findings (integrity.recording) are treated like any finding', () => {
    expect(decideVerdict([f('integrity.recording', 'fail', 'critical')]).verdict).toBe('FAIL');
  });

  it('an unsure critical fail is REVIEW, not a false FAIL', () => {
    expect(decideVerdict([f('a', 'fail', 'critical', 0.3)]).verdict).toBe('REVIEW');
  });

  it('policy: majors count as critical', () => {
    const p = {
      failOn: ['critical', 'major'] as Severity[],
      reviewOnUndetermined: ['critical', 'major'] as Severity[],
    };
    expect(decideVerdict([f('a', 'fail', 'major')], p).verdict).toBe('FAIL');
    expect(decideVerdict([f('a', 'undetermined', 'major')], p).verdict).toBe('REVIEW');
  });

  it('policy: a major fail → REVIEW', () => {
    expect(decideVerdict([f('a', 'fail', 'major')], { reviewOnFail: ['major'] }).verdict).toBe('REVIEW');
  });

  it('no findings → PASS with a reason line', () => {
    const v = decideVerdict([]);
    expect(v.verdict).toBe('PASS');
    expect(v.reasons.length).toBe(1);
  });
});
