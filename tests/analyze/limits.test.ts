// Input limits (src/model/limits.ts): a hostile transcript or rule file gets a clear message naming the
// file, quickly, instead of running the heap out, blowing the stack or taking minutes.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/index.js';
import { SEGMENT_MAX_CHARS, TRANSCRIPT_MAX_SEGMENTS } from '../../src/model/limits.js';
import { evaluateRules, loadRuleSet } from '../../src/rules/index.js';
import { tickStep } from '../../src/report/format.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { facts, rulesDir } from '../rules/helpers.js';

const work = mkdtempSync(join(tmpdir(), 'dualrec-limits-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const sample = JSON.parse(readFileSync(join(ROOT, 'samples/compliant-participating.transcript.json'), 'utf8')) as {
  segments: { start: number; end: number; text: string; speaker?: string }[];
};

function transcriptWith(name: string, segments: unknown[]): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.transcript.json`);
  writeFileSync(file, JSON.stringify({ ...sample, segments }));
  return file;
}

function analyze(file: string): { code: number; stderr: string; report: Report; ms: number } {
  const out = join(work, 'out-' + Math.random().toString(36).slice(2));
  const t0 = Date.now();
  const r = runCli(['analyze', file, '--out', out, '--rules', join(ROOT, 'rules')], { timeoutMs: 120_000 });
  const ms = Date.now() - t0;
  const name = file.split('/').pop()!.replace('.transcript.json', '');
  return {
    code: r.code,
    stderr: r.stderr,
    report: JSON.parse(readFileSync(join(out, name, 'report.json'), 'utf8')) as Report,
    ms,
  };
}

describe('transcript limits', () => {
  it('a timestamp of 1e300 is refused at once, naming the file (it used to run the heap out)', () => {
    const segs = sample.segments.map((s) => ({ ...s }));
    segs[3]!.end = 1e300;
    const r = analyze(transcriptWith('huge-time', segs));
    expect(r.code).toBe(3);
    expect(r.report.verdict).toBe('REVIEW');
    expect(r.report.error).toMatch(/huge-time\.transcript\.json: .*1e\+300s is past the 24 h/);
    expect(r.stderr).toMatch(/huge-time\.transcript\.json/);
    expect(r.ms).toBeLessThan(60_000);
  }, 130_000);

  it('a 9.6 MB one-segment transcript is refused by the segment length limit, not a stack overflow', () => {
    const text = sample.segments.map((s) => s.text).join('');
    const big = text.repeat(Math.ceil(3_200_000 / text.length));
    const r = analyze(transcriptWith('one-segment', [{ start: 0, end: 60, text: big, speaker: 'agent' }]));
    expect(r.code).toBe(3);
    expect(r.report.error).toMatch(
      new RegExp(
        `one-segment\\.transcript\\.json: segments\\[0\\]: text of \\d+ characters.*limit ${SEGMENT_MAX_CHARS}`,
      ),
    );
    expect(r.stderr).not.toMatch(/call stack|internal error/);
  }, 130_000);

  it('too many segments, and times past the end of the recording, are refused naming the file', () => {
    const many = Array.from({ length: TRANSCRIPT_MAX_SEGMENTS + 1 }, (_, i) => ({
      start: i,
      end: i + 0.5,
      text: '好',
    }));
    const r = analyze(transcriptWith('many', many));
    expect(r.report.error).toMatch(/many\.transcript\.json: 100001 segments.*limit 100000/);

    // the sample recording is ~3 minutes; a transcript running to 2 hours is not its transcript
    const dir = join(work, 'long');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'rec.mp4'), readFileSync(join(ROOT, 'samples/compliant-participating.mp4')));
    const segs = sample.segments.map((s) => ({ ...s }));
    segs[segs.length - 1]!.end = 7200;
    writeFileSync(join(dir, 'rec.transcript.json'), JSON.stringify({ ...sample, segments: segs }));
    const out = join(work, 'out-long');
    const res = runCli(['analyze', join(dir, 'rec.mp4'), '--out', out, '--no-vision'], { timeoutMs: 120_000 });
    expect(res.code).toBe(3);
    const rep = JSON.parse(readFileSync(join(out, 'rec', 'report.json'), 'utf8')) as Report;
    expect(rep.error).toMatch(/rec\.transcript\.json: segment \d+ ends at 7200 s, past the end of the recording/);
  }, 130_000);

  it('the report timeline has a bounded number of ticks whatever the duration', () => {
    for (const d of [10, 3600, 20 * 3600, 1e6, 1e300]) expect(d / tickStep(d)).toBeLessThanOrEqual(10);
  });
});

describe('no recursion that grows with the input', () => {
  it('a rule matching 130,000 times in one segment does not overflow the stack', () => {
    const dir = rulesDir({
      'p/guarantee.yaml': `id: t-guarantee
title: 保本承诺（测试）
category: prohibited
kind: prohibited
severity: critical
source: dualrec tests
concepts: [prohibited.guarantee]
speaker: agent
match:
  any: [保本]
`,
    });
    const rs = loadRuleSet([dir]);
    // before: found.push(...hits) with 130k hits → "Maximum call stack size exceeded"
    const out = evaluateRules(rs, facts([['agent', '保本'.repeat(130_000), { start: 0, end: 100 }]]));
    expect(out.find((f) => f.ruleId === 't-guarantee')?.status).toBe('fail');
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});

describe('rule file limits', () => {
  const pack = (yaml: string) => rulesDir({ 'p/r.yaml': yaml });
  it('a YAML alias bomb, an oversized and a too deeply nested rule file are named, exit 2', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 8; i++)
      levels.push(
        `l${i}: &l${i} [${Array(9)
          .fill(i === 1 ? '*a' : `*l${i - 1}`)
          .join(',')}]`,
      );
    const bomb = pack(levels.join('\n') + '\n');
    let r = runCli(['rules', 'check', bomb]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/r\.yaml: too many YAML aliases \(limit 100\)/);

    const big = pack('id: x\ntitle: "' + 'a'.repeat(2 * 1024 * 1024) + '"\n');
    r = runCli(['rules', 'check', big]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/r\.yaml: \d+ bytes, too large for a rule file \(limit 1048576 bytes\)/);

    const deep = pack('id: x\ntitle: ' + '['.repeat(100_000) + ']'.repeat(100_000) + '\n');
    r = runCli(['rules', 'check', deep]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/r\.yaml(:\d+)?: invalid YAML: nested too deeply/);
    expect(r.stderr).not.toMatch(/internal error/);
  }, 120_000);
});
