// Suspicion models (rules/models, `suspect:` in a prohibited rule): a paraphrase no pattern knows
// sends the session to REVIEW with the sentence and the nearest known violation as evidence, never
// FAIL; the compliant session it was slipped into passes without it; the shipped models match the
// corpus they were trained on; a missing or broken model is named.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/index.js';
import { runCli } from '../helpers/cli.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'dualrec-suspect-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const COMPLIANT = join(ROOT, 'tests/eval-set/01-compliant-traditional');

/** The compliant session with `line` said by the agent after segment `after`. */
function sessionWith(name: string, line?: string, after = 12): string {
  const t = JSON.parse(readFileSync(`${COMPLIANT}.transcript.json`, 'utf8')) as {
    segments: { id: number; start: number; end: number; text: string; speaker: string }[];
  };
  if (line) {
    // a new agent segment in the pause after `after`, shifting the rest
    const at = t.segments[after];
    const dur = line.length / 4;
    for (const s of t.segments.slice(after + 1)) {
      s.start += dur + 1;
      s.end += dur + 1;
    }
    t.segments.splice(after + 1, 0, { id: 0, start: at.end + 0.5, end: at.end + 0.5 + dur, text: line, speaker: 'A' });
    t.segments.forEach((s, i) => (s.id = i));
  }
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.transcript.json`), JSON.stringify(t));
  cpSync(`${COMPLIANT}.meta.json`, join(dir, `${name}.meta.json`));
  return join(dir, `${name}.transcript.json`);
}

function analyze(transcript: string): Report {
  const out = join(work, 'out');
  const r = runCli(['analyze', transcript, '--out', out, '--no-vision']);
  expect(r.code, r.stderr).not.toBe(2);
  const name = transcript.split('/').pop()!.replace('.transcript.json', '');
  return JSON.parse(readFileSync(join(out, name, 'report.json'), 'utf8')) as Report;
}

// paraphrases written for this test (not corpus sentences): a dividend sold as fixed in advance,
// a callback answered by a grunt on the agent's instruction
const GUARANTEE = '每年那笔红利公司都是早就算好的，到点就打到您卡上。';
const PROXY = '待会儿电话里那姑娘问什么，您嗯一声就过去了，剩下的交给我。';

describe('suspicion models', () => {
  it('a compliant session passes; with a paraphrased promise or proxy instruction slipped in it is REVIEW (not FAIL), with the sentence and the nearest known violation', () => {
    const clean = analyze(sessionWith('clean'));
    expect(clean.verdict).toBe('PASS');
    expect(clean.findings.filter((f) => f.status === 'undetermined').map((f) => [f.ruleId, f.message])).toEqual([]);

    for (const [name, line, ruleId] of [
      ['promise', GUARANTEE, 'no-guarantee'],
      ['proxy', PROXY, 'no-proxy-answer'],
    ] as const) {
      const r = analyze(sessionWith(name, line));
      expect(r.verdict, name).toBe('REVIEW');
      const f = r.findings.find((x) => x.ruleId === ruleId)!;
      expect(f.status).toBe('undetermined');
      expect(f.evidence[0].matched).toContain(line.slice(0, 8));
      expect(f.evidence[0].example, 'the nearest training violation is shown').toBeTruthy();
      expect(f.evidence[0].note).toContain('与已知违规说法相似');
      // the line adds no failure: what failed in the clean session (a minor practice check) is all
      const fails = (rep: Report) => rep.findings.filter((x) => x.status === 'fail').map((x) => x.ruleId);
      expect(fails(r)).toEqual(fails(clean));
    }
  }, 120_000);

  it('rules scan names the model as what flagged a sentence; --no-models leaves it to the patterns', () => {
    const txt = join(work, 'lines.txt');
    writeFileSync(txt, `${GUARANTEE}\n`);
    const withModels = runCli(['rules', 'scan', txt]);
    expect(withModels.stdout).toMatch(/no-guarantee suspect .*nearest example/);
    const patternsOnly = runCli(['rules', 'scan', txt, '--no-models']);
    expect(patternsOnly.stdout).not.toContain('no-guarantee');
  }, 60_000);

  it('the shipped models match the corpus they were trained on; a corpus edit makes them stale', () => {
    const check = runCli(['rules', 'train', '--check']);
    expect(check.code, check.stdout).toBe(0);
    expect(check.stdout).toMatch(/ok\s+rules\/models\/guarantee\.json/);

    // the same spec over a corpus with one more labelled sentence
    const spec = join(work, 'models', 'train.yaml');
    mkdirSync(join(work, 'models'), { recursive: true });
    cpSync(join(ROOT, 'rules/models'), join(work, 'models'), { recursive: true });
    const corpus = join(work, 'corpus');
    cpSync(join(ROOT, 'tests/corpus/dev'), corpus, { recursive: true });
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('  - tests/corpus/dev', `  - ${corpus}`));
    expect(
      runCli(['rules', 'train', '--check', '--spec', spec]).code,
      'an unchanged copy of the corpus is the same corpus',
    ).toBe(0);
    const f = join(corpus, 'prohibited.yaml');
    writeFileSync(
      f,
      `${readFileSync(f, 'utf8')}  - text: "${GUARANTEE}"\n    concepts: [prohibited.guarantee]\n    label: violates\n    speaker: agent\n    source: ${/^  ([a-z0-9][a-z0-9._-]*):$/m.exec(readFileSync(f, 'utf8'))![1]}\n`,
    );
    const stale = runCli(['rules', 'train', '--check', '--spec', spec]);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(/STALE .*guarantee\.json: the corpus or sessions changed/);
    expect(stale.stdout).toContain('run `dualrec rules train`');
  }, 120_000);

  it('a rule naming a model that is not there, or a broken model file, is named with the fix', () => {
    const pack = join(work, 'pack');
    mkdirSync(join(pack, 'p'), { recursive: true });
    const rule = (model: string) =>
      `id: no-x\ntitle: x\ncategory: prohibited\nkind: prohibited\nseverity: critical\nsource: test\nconcepts: [prohibited.guarantee]\nsuspect: { model: ${model}, threshold: 0.5 }\nmatch:\n  - any: [稳赚]\n`;
    writeFileSync(join(pack, 'p', 'x.yaml'), rule('nope'));
    const missing = runCli(['rules', 'check', pack]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('field "suspect.model": no model "nope"');

    mkdirSync(join(pack, 'models'));
    writeFileSync(join(pack, 'models', 'mine.json'), '{"format":"something else"}');
    writeFileSync(join(pack, 'p', 'x.yaml'), rule('mine'));
    const broken = runCli(['rules', 'check', pack]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(`${join(pack, 'models', 'mine.json')}: not a suspicion model`);
  }, 60_000);
});
