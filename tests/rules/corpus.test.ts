// The rules over the real-wording corpus (tests/corpus: sentences written after published regulator
// templates, insurers' scripts, policy clauses and reported misleading sales, each labelled): what
// `dualrec rules scan` reports.
// - dev: the accuracy issue's bar (no caution fires, ≥ 90 % of stated disclosures found, ≥ 80 % of
//   violations caught, a hedge never read as a yes). Rules are tuned on it.
// - holdout: written after sources nobody tuned the rules on, scored once when the change was done
//   (figures in docs/rules.md). It does not reach the bar yet; the floors below are those first
//   measured, so a change that makes the rules generalise worse fails here.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readScanFile } from '../../src/rules/corpus-file.js';
import { loadRuleSet } from '../../src/rules/index.js';
import { scanSentences, scoreScan } from '../../src/rules/scan.js';

const ROOT = join(import.meta.dirname, '..', 'corpus');
const rules = loadRuleSet();

function scorePart(part: string) {
  const dir = join(ROOT, part);
  const sentences = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => readScanFile(join(dir, f)));
  const score = scoreScan(rules, scanSentences(rules, sentences));
  const misses = (pred: (why: string) => boolean): string =>
    score.misses
      .filter((m) => pred(m.why))
      .map((m) => `${m.sentence.text} — ${m.why}`)
      .join('\n');
  const sum = (f: (c: (typeof score.concepts)[number]) => number): number =>
    score.concepts.reduce((a, c) => a + f(c), 0);
  return { sentences, score, misses, sum };
}

describe('real-wording corpus, dev part', () => {
  const { sentences, score, misses } = scorePart('dev');

  it('holds several hundred labelled sentences from many sources', () => {
    expect(sentences.length).toBeGreaterThanOrEqual(500);
    expect(new Set(sentences.map((s) => `${s.file}#${s.source}`)).size).toBeGreaterThanOrEqual(25);
  });

  it('no prohibited rule fires on a caution or a neutral sentence', () => {
    expect(misses((w) => /^(cautions|neutral), but/.test(w))).toBe('');
  });

  it('each required rule finds at least 90 % of the sentences stating its concept', () => {
    const low = score.concepts
      .filter((c) => c.states >= 3 && c.statesFound / c.states < 0.9)
      .map((c) => `${c.concept}: ${c.statesFound}/${c.states}`);
    expect(
      low,
      misses((w) => w.includes('stated, not found')),
    ).toEqual([]);
  });

  it("catches most reported misleading talk, and reads customers' answers as they were meant", () => {
    for (const c of score.concepts.filter((x) => x.violates >= 5)) {
      expect(
        c.violatesCaught / c.violates,
        `${c.concept}\n${misses((w) => w.startsWith(`${c.concept}: violation`))}`,
      ).toBeGreaterThanOrEqual(0.8);
    }
    const affirms = Object.values(score.replies.affirms ?? {}).reduce((a, b) => a + b, 0);
    expect((score.replies.affirms?.affirmative ?? 0) / affirms).toBeGreaterThanOrEqual(0.85);
    expect(
      score.replies.hedges?.affirmative ?? 0,
      misses((w) => w.includes('labelled hedges')),
    ).toBe(0);
  });
});

describe('real-wording corpus, holdout part (regression floors)', () => {
  const { sentences, score, misses, sum } = scorePart('holdout');

  it('holds a few hundred sentences from sources of its own', () => {
    expect(sentences.length).toBeGreaterThanOrEqual(700);
    expect(new Set(sentences.map((s) => `${s.file}#${s.source}`)).size).toBeGreaterThanOrEqual(8);
  });

  it('stays at or above what it scored when first measured', () => {
    // holdout 2 (scored once at b12351f), holdout 4 (once at 48e6918), holdout 5 (proxy and guarantee,
    // once at 9ed9e18) and holdout 6 (proxy and guarantee, once at 09c3b6f, after the suspicion models;
    // holdouts 2, 4 and 5 had chosen the models' settings), together at 09c3b6f: stated disclosures found
    // 92/105; violations flagged by some prohibited rule 250/324 (patterns alone 214: proxy 64→82/134,
    // guarantee 95→112/133, deposit 55→56/57); cautions and neutral sentences fired on 12/208, the
    // models on none; one hedge read as a yes ("…吧" guess)
    expect(
      sum((c) => c.statesFound) / sum((c) => c.states),
      misses((w) => w.includes('stated, not found')),
    ).toBeGreaterThanOrEqual(0.85);
    expect(
      sum((c) => c.violatesFlagged) / sum((c) => c.violates),
      misses((w) => w.includes('violation not caught')),
    ).toBeGreaterThanOrEqual(0.75);
    expect(
      sum((c) => c.cautionsFired) / sum((c) => c.cautions),
      misses((w) => /^(cautions|neutral), but/.test(w)),
    ).toBeLessThanOrEqual(0.06);
    expect(sum((c) => c.cautionsSuspect)).toBeLessThanOrEqual(2);
    expect(score.replies.hedges?.affirmative ?? 0).toBeLessThanOrEqual(1);
  });
});
