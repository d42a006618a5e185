// `dualrec eval` through the real CLI: the real importer, pipeline and shipped rule packs.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';
import type { EvalRun } from '../../src/eval/run.js';

const SET = join(ROOT, 'tests/eval-set');
const tmp = mkdtempSync(join(tmpdir(), 'dualrec-eval-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Two real sessions, relabelled so the outcome does not depend on the rule packs: the pipeline's own
 *  transcript check always passes a transcript with text, so labelling it "fail" is a sure miss. */
function gateFixture(): string {
  const dir = join(tmp, 'gate');
  mkdirSync(join(dir, 'nested'), { recursive: true });
  for (const [name, sub] of [
    ['01-compliant-traditional', ''],
    ['19-missing-exclusions', 'nested'],
  ] as const) {
    for (const part of ['transcript', 'meta'])
      copyFileSync(join(SET, `${name}.${part}.json`), join(dir, sub, `${name}.${part}.json`));
    writeFileSync(
      join(dir, sub, `${name}.expected.json`),
      JSON.stringify({ verdict: 'FAIL', concepts: { 'transcript.available': 'fail', 'metadata.sidecar': 'pass' } }),
    );
  }
  // a session without labels is found but not scored
  copyFileSync(join(SET, '02-compliant-participating.transcript.json'), join(dir, 'unlabelled.transcript.json'));
  return dir;
}

describe('dualrec eval', () => {
  const gateDir = gateFixture();

  it('prints tables per noise level and the degradation, exit 0 without targets', () => {
    const r = runCli(['eval', gateDir, '--noise', '0,0.2', '--details']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/2 labelled sessions/);
    expect(r.stdout).toMatch(/1 session\(s\) without expected.json not scored/);
    expect(r.stdout).toMatch(/Noise 0%/);
    expect(r.stdout).toMatch(/Noise 20% \(realised \d+(\.\d)?% of Han characters\)/);
    expect(r.stdout).toMatch(/Degradation across noise levels/);
    expect(r.stdout).toMatch(
      /missed\s+01-compliant-traditional\s+transcript\.available: expected fail, got pass .*\[transcript\/available=pass\]/,
    );
  });

  it('gates: exit 1 when a target is missed, 0 when met, same numbers for the same seed', () => {
    const missed = runCli(['eval', gateDir, '--noise', '0,0.1', '--min-recall', '0.5', '--gate-at', '0.1', '--json']);
    expect(missed.code).toBe(1);
    const a = JSON.parse(missed.stdout) as EvalRun & { gate: { passed: boolean; missed: string[] } };
    expect(a.gate.passed).toBe(false);
    expect(a.gate.missed).toEqual(['noise 10%: lenient recall 0.000 < 0.5']);
    expect(a.levels.map((l) => l.noise)).toEqual([0, 0.1]);
    expect(a.levels[1]!.realisedRate).toBeGreaterThan(0.05);
    expect(a.levels[0]!.metrics.micro.strict).toMatchObject({ violations: 2, tp: 0, fn: 2, fp: 0 });

    const met = runCli(['eval', gateDir, '--noise', '0,0.1', '--min-recall', '0', '--json']);
    expect(met.code).toBe(0);
    const b = JSON.parse(met.stdout) as EvalRun;
    expect(b.levels).toEqual(a.levels); // deterministic for the default seed
  });

  it('pools several noise draws per level with --repeats', () => {
    const r = runCli(['eval', gateDir, '--noise', '0,0.1', '--seed', '4', '--repeats', '3', '--json']);
    expect(r.code).toBe(0);
    const run = JSON.parse(r.stdout) as EvalRun;
    expect(run.repeats).toBe(3);
    // no noise: one draw; with noise: three seeds, each session scored three times
    expect(run.levels[0]!.metrics.sessions).toBe(2);
    expect(run.levels[1]!.metrics.sessions).toBe(6);
    expect(run.levels[1]!.metrics.errors.map((e) => e.session).sort()).toEqual(
      ['seed4', 'seed5', 'seed6']
        .flatMap((s) => [`01-compliant-traditional@${s}`, `19-missing-exclusions@${s}`])
        .sort(),
    );
  });

  it('scores a session that cannot be analyzed as the error report analyze writes (REVIEW)', () => {
    const dir = join(tmp, 'broken');
    mkdirSync(dir, { recursive: true });
    // not a media file at all: bytes that no demuxer accepts
    writeFileSync(join(dir, 'cut.mp4'), Buffer.from('this is not an mp4 file, just text bytes\n'.repeat(20)));
    writeFileSync(
      join(dir, 'cut.expected.json'),
      JSON.stringify({ verdict: 'REVIEW', concepts: { 'integrity.recording': 'fail' } }),
    );
    const r = runCli(['eval', dir, '--noise', '0,0.1', '--json']);
    expect(r.code).toBe(0);
    const run = JSON.parse(r.stdout) as EvalRun;
    expect(run.unanalysable.map((u) => u.session)).toEqual(['cut']);
    for (const l of run.levels) {
      expect(l.metrics.verdict.confusion.REVIEW.REVIEW).toBe(1);
      expect(l.metrics.verdict.reviewRate).toBe(1);
      expect(l.metrics.micro.strict).toMatchObject({ violations: 1, tp: 1 });
    }
  });

  it('says what is wrong in one line, exit 2', () => {
    const bad = join(tmp, 'bad');
    mkdirSync(bad, { recursive: true });
    copyFileSync(join(SET, '01-compliant-traditional.transcript.json'), join(bad, 's.transcript.json'));
    writeFileSync(
      join(bad, 's.expected.json'),
      JSON.stringify({ verdict: 'FAIL', concepts: { 'disclosure.exclusion': 'fail' } }),
    );
    const r = runCli(['eval', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/s\.expected\.json: field "concepts": .*"disclosure\.exclusion"/);

    const none = runCli(['eval', join(tmp, 'nope')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/nope: not a folder/);

    const rate = runCli(['eval', gateDir, '--noise', '0,1.5']);
    expect(rate.code).toBe(2);
    expect(rate.stderr).toMatch(/--noise: expected a number from 0 to 1, got "1.5"/);
  });

  // The issue's targets, on the generated set at 10 % simulated character noise, pooled over five
  // noise draws (one draw moves recall by several points from seed to seed). If this fails,
  // `dualrec eval tests/eval-set --noise 0.1 --repeats 5 --details` names each missed violation and
  // false alarm with the rule ids involved.
  it('meets the targets on the labelled set at 10 % noise: recall ≥ 0.98, precision ≥ 0.90', () => {
    const args = [
      'eval',
      SET,
      '--noise',
      '0.1',
      '--seed',
      '1',
      '--repeats',
      '5',
      '--min-recall',
      '0.98',
      '--min-precision',
      '0.90',
      '--json',
    ];
    const r = runCli(args, {
      timeoutMs: 300_000,
    });
    const run = JSON.parse(r.stdout) as EvalRun & { gate: { missed: string[] } };
    expect(run.sessions).toBeGreaterThanOrEqual(40);
    expect(run.levels[0]!.metrics.sessions).toBe(run.sessions * 5);
    const m = run.levels[0]!.metrics;
    const summary = m.errors
      .filter((e) => e.kind !== 'review-only')
      .map((e) => `${e.kind} ${e.session} ${e.concept} [${e.rules.map((x) => `${x.ruleId}=${x.status}`).join(', ')}]`);
    expect(run.gate.missed, summary.join('\n')).toEqual([]);
    expect(m.micro.lenient.recall).toBeGreaterThanOrEqual(0.98);
    expect(m.micro.strict.precision).toBeGreaterThanOrEqual(0.9);
    expect(m.verdict.unsafePasses).toEqual([]);
    expect(r.code).toBe(0);
  }, 320_000);
});
