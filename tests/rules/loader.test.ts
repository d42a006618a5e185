import { describe, expect, it } from 'vitest';
import { loadRuleSet } from '../../src/rules/index.js';
import { UserError } from '../../src/util/errors.js';
import { facts, rulesDir } from './helpers.js';
import { evaluateRules } from '../../src/rules/index.js';

const RULE = (id: string, extra = ''): string => `
id: ${id}
title: 测试规则
category: disclosure
severity: critical
source: 测试
concepts: [disclosure.exclusions]
match:
  any: [责任免除]
${extra}`;

function loadError(files: Record<string, string>): string {
  try {
    loadRuleSet([rulesDir(files)]);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error('expected a load error');
}

describe('loading rule packs', () => {
  it('loads the shipped packs with a content version and pack names', () => {
    const rs = loadRuleSet();
    expect(rs.packs).toEqual(expect.arrayContaining(['cn-baseline', 'cn-participating', 'cn-senior', 'cn-bank']));
    expect(rs.version).toMatch(/^[0-9a-f]{16}$/);
    expect(rs.rules.length).toBeGreaterThan(20);
    // the version is a hash of the contents: same files, same version
    expect(loadRuleSet().version).toBe(rs.version);
  });

  it('the version changes when a rule changes', () => {
    const a = loadRuleSet([rulesDir({ 'p/a.yaml': RULE('a') })]);
    const b = loadRuleSet([rulesDir({ 'p/a.yaml': RULE('a').replace('测试规则', '测试规则二') })]);
    expect(a.version).not.toBe(b.version);
    expect(a.packs).toEqual(['p']);
  });

  it('invalid YAML: file and line', () => {
    const msg = loadError({ 'bad.yaml': 'id: x\ntitle: [unclosed\n' });
    expect(msg).toMatch(/bad\.yaml:\d+: invalid YAML/);
  });

  it('a misspelled field: file, line, the field and a suggestion', () => {
    const msg = loadError({ 'r.yaml': RULE('a', 'severty: major\n') });
    expect(msg).toMatch(/r\.yaml:10: unknown field "severty" \(did you mean "severity"\?\)/);
  });

  it('an unknown field inside match: its path', () => {
    const msg = loadError({ 'r.yaml': RULE('a').replace('any: [责任免除]', 'any: [责任免除]\n  anyy: [x]') });
    expect(msg).toMatch(/r\.yaml:\d+: unknown field "match\.anyy"/);
  });

  it('a wrong value: file, line, field', () => {
    const msg = loadError({ 'r.yaml': RULE('a').replace('severity: critical', 'severity: huge') });
    expect(msg).toMatch(/r\.yaml:5: field "severity"/);
  });

  it('an unknown concept tag', () => {
    const msg = loadError({ 'r.yaml': RULE('a').replace('[disclosure.exclusions]', '[disclosure.exclusion]') });
    expect(msg).toMatch(/r\.yaml:7: field "concepts\[0\]"/);
  });

  it('duplicate ids, naming both places', () => {
    const msg = loadError({ 'a.yaml': RULE('same'), 'b.yaml': RULE('same') });
    expect(msg).toMatch(/b\.yaml:\d+: field "id": duplicate rule id "same" \(first defined at .*a\.yaml:\d+\)/);
  });

  it('a regex RE2 cannot run in linear time (backreference) is rejected', () => {
    const msg = loadError({ 'r.yaml': RULE('a').replace('any: [责任免除]', 'regex: "(责任)\\\\1"') });
    expect(msg).toMatch(/r\.yaml:\d+: field "match\.regex": invalid or unsupported regular expression .*linear-time/);
  });

  it('a catastrophic-backtracking pattern runs in linear time on a long input (no hang)', () => {
    const rs = loadRuleSet([rulesDir({ 'r.yaml': RULE('a').replace('any: [责任免除]', 'regex: "(a+)+$"') })]);
    const started = Date.now();
    // no match: a backtracking engine tries every way of splitting the a's
    expect(evaluateRules(rs, facts([['agent', `${'a'.repeat(5000)}好`]]))[0].status).toBe('fail');
    expect(evaluateRules(rs, facts([['agent', 'a'.repeat(5000)]]))[0].status).toBe('pass');
    // a backtracking engine would take longer than the age of the universe here
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('circular order constraints', () => {
    const msg = loadError({
      'a.yaml': RULE('a', 'order: { after: [b] }\n'),
      'b.yaml': RULE('b', 'order: { after: [a] }\n'),
    });
    expect(msg).toMatch(/\.yaml:\d+: rule "[ab]": field "order": circular order constraint (a → b → a|b → a → b)/);
  });

  it('a reference to an unknown rule', () => {
    const msg = loadError({ 'a.yaml': RULE('a', 'order: { after: [nope] }\n') });
    expect(msg).toMatch(/a\.yaml:\d+: rule "a": field "order\.after" refers to unknown rule "nope"/);
  });

  it('a slot check on a slot the template does not have', () => {
    const msg = loadError({
      'a.yaml': RULE('a').replace('any: [责任免除]', 'slot: "犹豫期 {n} 天"\n  check: { m: { min: 15 } }'),
    });
    expect(msg).toMatch(/a\.yaml:\d+: field "match\.check\.m": no slot \{m\}/);
  });

  it('a required rule without match', () => {
    const msg = loadError({ 'a.yaml': RULE('a').replace('match:\n  any: [责任免除]', '') });
    expect(msg).toMatch(/a\.yaml:\d+: rule "a": field "match" is required/);
  });

  it('several rules per file, and a missing folder', () => {
    const rs = loadRuleSet([
      rulesDir({
        'x/two.yaml': `rules:\n${[RULE('a'), RULE('b')]
          .map((r) =>
            r
              .trim()
              .split('\n')
              .map((l, i) => (i ? '    ' : '  - ') + l)
              .join('\n'),
          )
          .join('\n')}\n`,
      }),
    ]);
    expect(rs.rules.map((r) => r.id).sort()).toEqual(['a', 'b']);
    expect(() => loadRuleSet(['/nonexistent/rules'])).toThrow(/rule folder not found/);
  });

  it('partial traces: checked like match, refused on silence rules, unknown joint_with refs named', () => {
    expect(loadError({ 'r.yaml': RULE('a', 'partial:\n  any: [免责]\n  nonee: [x]') })).toMatch(
      /r\.yaml:\d+: .*partial.*nonee.*none/,
    );
    expect(
      loadError({
        's.yaml':
          'id: s\ntitle: 静默\ncategory: conduct\nseverity: minor\nsource: 测试\nconcepts: [conduct.silence]\nkind: silence\nsilence: { max_s: 60 }\npartial:\n  any: [静默]\n',
      }),
    ).toMatch(/s\.yaml:\d+: rule "s": field "partial" is not for silence rules/);
    expect(loadError({ 'r.yaml': RULE('a', 'confirm: { within_s: 30, joint_with: [nope] }') })).toMatch(
      /field "confirm\.joint_with" refers to unknown rule "nope"/,
    );
  });

  it('a partial trace makes a missing required item undetermined; with no trace it fails', () => {
    const rs = loadRuleSet([rulesDir({ 'r.yaml': RULE('a', 'partial:\n  regex: "特别.{0,2}注意"') })]);
    const status = (text: string): string =>
      evaluateRules(rs, facts([['agent', text]])).find((f) => f.ruleId === 'a')!.status;
    expect(status('请您注意合同里的责任免除条款。')).toBe('pass');
    expect(status('请您特别注意一下合同的这部分。')).toBe('undetermined');
    expect(status('请您看一下合同的这部分。')).toBe('fail');
  });
});
