// Runs every rule's own test cases (like ESLint's RuleTester): `tests.hit` texts must match,
// `tests.miss` texts must not, `tests.cases` dialogues must give the expected statuses.
import type { Finding, FindingStatus, Segment } from '../model/index.js';
import { evaluateRules } from './evaluator.js';
import { factsForLines as factsFor, matchOnly } from './single-text.js';
import type { CompiledRule, RuleSet } from './types.js';

export interface RuleTestResult {
  ruleId: string;
  file: string;
  kind: 'hit' | 'miss' | 'partial' | 'case';
  index: number;
  text: string;
  ok: boolean;
  expected: string;
  got: string;
}

function statusOf(findings: Finding[], ruleId: string, part: string): FindingStatus | 'absent' {
  const id = part ? `${ruleId}/${part}` : ruleId;
  return findings.find((f) => f.ruleId === id)?.status ?? 'absent';
}

/** Did the rule "hit" the text: a required rule passes, a prohibited rule fails. */
function hitOf(rule: CompiledRule, f: Finding | undefined): boolean {
  if (!f) return false;
  return rule.spec.kind === 'prohibited' ? f.status === 'fail' || f.status === 'undetermined' : f.status === 'pass';
}

export function runRuleTests(ruleSet: RuleSet): RuleTestResult[] {
  const results: RuleTestResult[] = [];
  for (const rule of ruleSet.rules) {
    const t = rule.spec.tests;
    if (!t) continue;
    const single = { ...ruleSet, rules: [matchOnly(rule, false)] };
    const role = rule.spec.speaker === 'customer' ? 'customer' : 'agent';
    const one = (text: string): { hit: boolean; f?: Finding } => {
      const fs = evaluateRules(single, factsFor([{ role, text }]));
      const f = fs.find((x) => x.ruleId === rule.id);
      return { hit: hitOf(rule, f), f };
    };
    const describe = (f?: Finding): string =>
      f
        ? `${f.status}${f.evidence[0]?.matched ? ` (matched “${f.evidence[0].matched}”)` : ''}: ${f.message}`
        : 'no finding';
    (t.hit ?? []).forEach((text, i) => {
      const r = one(text);
      results.push({
        ruleId: rule.id,
        file: rule.file,
        kind: 'hit',
        index: i,
        text,
        ok: r.hit,
        expected: 'hit',
        got: r.hit ? 'hit' : `miss — ${describe(r.f)}`,
      });
    });
    (t.miss ?? []).forEach((text, i) => {
      const r = one(text);
      results.push({
        ruleId: rule.id,
        file: rule.file,
        kind: 'miss',
        index: i,
        text,
        ok: !r.hit,
        expected: 'miss',
        got: r.hit ? `hit — ${describe(r.f)}` : 'miss',
      });
    });
    (t.partial ?? []).forEach((text, i) => {
      const r = one(text);
      const ok = r.f?.status === 'undetermined';
      results.push({
        ruleId: rule.id,
        file: rule.file,
        kind: 'partial',
        index: i,
        text,
        ok,
        expected: 'undetermined',
        got: ok ? 'undetermined' : describe(r.f),
      });
    });
    (t.cases ?? []).forEach((c, i) => {
      const lines = c.dialogue.map((l) => {
        const m = /^(agent|customer|unknown)\s*:\s*(.*)$/s.exec(l)!;
        return { role: m[1] as Segment['role'], text: m[2] };
      });
      const fs = evaluateRules({ ...ruleSet, rules: [matchOnly(rule, true)] }, factsFor(lines));
      const wrong: string[] = [];
      for (const [part, want] of Object.entries(c.expect)) {
        const got = statusOf(fs, rule.id, part);
        if (got !== want) wrong.push(`${part || '(rule)'}: expected ${want}, got ${got}`);
      }
      results.push({
        ruleId: rule.id,
        file: rule.file,
        kind: 'case',
        index: i,
        text: c.dialogue.join(' / '),
        ok: wrong.length === 0,
        expected: Object.entries(c.expect)
          .map(([k, v]) => `${k || '(rule)'}=${v}`)
          .join(', '),
        got: wrong.length ? wrong.join('; ') : 'as expected',
      });
    });
  }
  return results;
}
