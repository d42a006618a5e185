// `dualrec rules scan`: every rule over every sentence of a text, a transcript or the labelled corpus,
// as a rule author uses it on published documents saved while working.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'dualrec-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dualrec rules scan', () => {
  it('lists what fired where in a plain text, and stays silent on cautions', () => {
    const file = join(dir, 'brochure.txt');
    writeFileSync(
      file,
      [
        '切勿把本产品视同储蓄，也不要与银行定期存款的利率简单对比。',
        '红利分配是不确定的，某些年度可能为零。',
        '这个产品保本保息，比放定期划算多了。',
        '因下列情形之一导致被保险人身故的，本公司不承担给付保险金的责任：被保险人故意犯罪；两年内自杀。',
      ].join('\n'),
    );
    const r = runCli(['rules', 'scan', file]);
    expect(r.code).toBe(0);
    // the violation is listed with its rule and the matched words; the caution is not listed at all
    expect(r.stdout).toMatch(/brochure\.txt:3 这个产品保本保息/);
    expect(r.stdout).toMatch(/no-guarantee violation “保本/);
    expect(r.stdout).not.toMatch(/brochure\.txt:1/);
    // the formal exclusion clause is found as the disclosure it is (its list after the colon is a sentence of its own)
    expect(r.stdout).toMatch(/brochure\.txt:4[^\n]*\n(\s+→[^\n]*\n)*\s+→ disclose-exclusions found/);
    expect(r.stdout).toMatch(/5 sentences from 1 file\(s\); 3 with a rule firing/);
  });

  it('scores a labelled corpus file per concept, and says why each sentence was wrong', () => {
    const file = join(dir, 'mini.yaml');
    writeFileSync(
      file,
      [
        'sources:',
        '  own: { title: written for this test, kind: other }',
        'sentences:',
        '  - { text: 您签收保单后有十五天的犹豫期，这期间退保全额退还保费。, concepts: [disclosure.cooling-off], label: states, source: own }',
        '  - { text: 犹豫期的事您回去自己看就行。, concepts: [disclosure.cooling-off], label: omits, source: own }',
        '  - { text: 请不要把保险当成存款。, concepts: [prohibited.deposit-confusion], label: cautions, source: own }',
        '  - { text: 您就当是在银行存了个五年定期。, concepts: [prohibited.deposit-confusion], label: violates, source: own }',
        '  - { text: 嗯，应该是清楚的吧。, concepts: [confirmation.customer], label: hedges, speaker: customer, source: own }',
      ].join('\n'),
    );
    const r = runCli(['rules', 'scan', file, '--all']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/disclosure\.cooling-off\s+100% \(1\/1\)\s+0% \(0\/1\)/);
    expect(r.stdout).toMatch(/prohibited\.deposit-confusion\s+—\s+—\s+100% \(1\/1\)\s+100% \(1\/1\)\s+0% \(0\/1\)/);
    expect(r.stdout).toMatch(/hedges: hedge 1/);
    const json = JSON.parse(runCli(['rules', 'scan', file, '--json']).stdout) as {
      sentences: { label: string; fires: { ruleId: string }[] }[];
    };
    expect(json.sentences.find((s) => s.label === 'violates')!.fires.map((f) => f.ruleId)).toContain(
      'no-deposit-confusion',
    );
  });

  it('names the file, line and field of a broken corpus file, and a path that is not there', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'sentences:\n  - { text: 好的。, label: maybe, source: own }\n');
    const r = runCli(['rules', 'scan', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:2: field "sentences\[0\]\.label"/);
    const missing = runCli(['rules', 'scan', join(dir, 'nope.txt')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.txt: no such file or folder/);
  });
});
