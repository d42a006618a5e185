import { describe, expect, it } from 'vitest';
import { loadRuleSet, runRuleTests } from '../../src/rules/index.js';
import { runCli } from '../helpers/cli.js';
import { rulesDir } from './helpers.js';

describe('shipped rule packs', () => {
  const rs = loadRuleSet();

  it("every rule's own tests pass (dualrec rules test)", () => {
    const results = runRuleTests(rs);
    const failed = results
      .filter((r) => !r.ok)
      .map((r) => `${r.ruleId} ${r.kind}[${r.index}] ${r.text}: expected ${r.expected}, got ${r.got}`);
    expect(failed).toEqual([]);
    expect(results.length).toBeGreaterThan(150);
  });

  it('every rule cites a source, and every matching rule has hit and miss cases', () => {
    for (const r of rs.rules) {
      expect(r.spec.source.length, r.id).toBeGreaterThan(3);
      if (r.spec.kind !== 'silence') {
        expect(r.spec.tests?.hit?.length ?? 0, r.id).toBeGreaterThan(0);
        expect((r.spec.tests?.miss?.length ?? 0) + (r.spec.tests?.cases?.length ?? 0), r.id).toBeGreaterThan(0);
      }
    }
  });

  it('the rule tester reports a failing case with the text, expected and got', () => {
    const dir = rulesDir({
      'p/r.yaml': `
id: wrong
title: 故意写错的规则
category: disclosure
severity: critical
source: 测试
concepts: [disclosure.exclusions]
match: { any: [犹豫期] }
tests:
  hit: [请您特别注意责任免除条款。]
  miss: [犹豫期十五天。]
`,
    });
    const results = runRuleTests(loadRuleSet([dir]));
    expect(results.map((r) => r.ok)).toEqual([false, false]);
    expect(results[0]).toMatchObject({
      ruleId: 'wrong',
      kind: 'hit',
      text: '请您特别注意责任免除条款。',
      expected: 'hit',
    });
    expect(results[1].got).toMatch(/^hit/);
  });
});

describe('dualrec rules (CLI)', () => {
  it('check, test and list the shipped packs', () => {
    const check = runCli(['rules', 'check']);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/^ok: \d+ rules in 4 pack\(s\)/m);
    const test = runCli(['rules', 'test']);
    expect(test.code, test.stdout).toBe(0);
    expect(test.stdout).toMatch(/(\d+)\/\1 rule test cases passed/);
    const list = runCli(['rules', 'list', '--json']);
    const rules = JSON.parse(list.stdout).rules as { id: string; concepts: string }[];
    expect(rules.find((r) => r.id === 'disclose-exclusions')?.concepts).toBe('disclosure.exclusions');
  });

  it('a broken pack: check exits non-zero with file:line: field', () => {
    const dir = rulesDir({
      'bad.yaml':
        'id: x\ntitle: t\ncategory: disclosure\nseverity: critical\nsource: s\nconcepts: [disclosure.exclusions]\nmatch: { any: [a] }\nspeeker: agent\n',
    });
    const r = runCli(['rules', 'check', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:8: unknown field "speeker" \(did you mean "speaker"\?\)/);
  });

  it('a failing rule test: test prints the case and exits 1', () => {
    const dir = rulesDir({
      'p/r.yaml':
        'id: x\ntitle: t\ncategory: disclosure\nseverity: critical\nsource: s\nconcepts: [disclosure.exclusions]\nmatch: { any: [责任免除] }\ntests: { hit: [犹豫期十五天] }\n',
    });
    const r = runCli(['rules', 'test', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL x hit[0]: 犹豫期十五天');
    expect(r.stdout).toContain('expected: hit');
  });
});
