// The shipped packs grade faults by the regulation's table (src/eval/concept-severity.ts, shown in
// docs/rules.md): a rule for a required element carries the element's severity, and only a check of
// insurers' practice (its source says 实务) may be milder. Otherwise a missing health notice could FAIL in
// the product and only REVIEW in the labels, or a missing risk statement PASS.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONCEPT_SEVERITY } from '../../src/eval/concept-severity.js';
import { loadRuleSet } from '../../src/rules/index.js';

const RANK = { minor: 0, major: 1, critical: 2 } as const;
const table = CONCEPT_SEVERITY as Record<string, keyof typeof RANK>;

describe('severity table', () => {
  const rules = loadRuleSet().rules.filter((r) => r.spec.enabled);

  it("each rule carries its concept's severity; only practice checks are milder", () => {
    const wrong: string[] = [];
    for (const r of rules) {
      for (const c of r.spec.concepts) {
        const want = table[c];
        if (!want) continue;
        const practice = r.spec.source.includes('实务');
        const ok = practice ? RANK[r.spec.severity] <= RANK[want] : r.spec.severity === want;
        if (!ok)
          wrong.push(
            `${r.id}: ${r.spec.severity}, table says ${want} for ${c}${practice ? ' (practice may only be milder)' : ''}`,
          );
      }
    }
    expect(wrong).toEqual([]);
  });

  it('docs/rules.md names every rule that checks a required element in its table', () => {
    const doc = readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8');
    const section = doc.slice(
      doc.indexOf('## What the recording must contain'),
      doc.indexOf('## Testing rules on real wording'),
    );
    expect(section.length).toBeGreaterThan(500);
    const missing = rules
      .filter((r) => r.spec.concepts.some((c) => table[c]) && !section.includes(`\`${r.id}\``))
      .map((r) => r.id);
    expect(missing).toEqual([]);
  });
});
