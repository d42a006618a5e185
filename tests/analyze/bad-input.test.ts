// The bad-input table of `dualrec analyze`: each case gives one clear line naming the file and the
// problem, a non-zero exit, no stack trace, and no half-written file left behind.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesizeClip } from '../../src/media/index.js';
import { ROOT, runCli } from '../helpers/cli.js';

let dir: string;
const sample = (name: string) => join(ROOT, 'samples', name);

function allFiles(d: string): string[] {
  return readdirSync(d, { recursive: true, encoding: 'utf8' });
}

function expectCleanUserError(res: { code: number; stderr: string }, file: string, problem: RegExp) {
  expect(res.code).not.toBe(0);
  expect(res.stderr).toContain(file);
  expect(res.stderr).toMatch(problem);
  expect(res.stderr).not.toMatch(/^\s+at /m); // no stack trace
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dualrec-bad-'));
  writeFileSync(join(dir, 'empty.mp4'), '');
  writeFileSync(join(dir, 'notes.mp4'), 'this is a text file, not a recording\n');
  copyFileSync(sample('broken-truncated.mp4'), join(dir, 'truncated.mp4'));
  await synthesizeClip(join(dir, 'audio-only.m4a'), { segments: [{ durationS: 3, audio: 'tone' }], video: false });
  await synthesizeClip(join(dir, 'video-only.mp4'), { segments: [{ durationS: 3, video: 'moving' }], audio: 'none' });
  mkdirSync(join(dir, 'empty-folder'));
});

describe('analyze: bad input', () => {
  it('a path that does not exist', () => {
    const res = runCli(['analyze', join(dir, 'nope.mp4'), '--out', join(dir, 'out-nope')]);
    expect(res.code).toBe(2);
    expectCleanUserError(res, 'nope.mp4', /no such file/);
    expect(existsSync(join(dir, 'out-nope'))).toBe(false);
  });

  it('a folder with nothing to analyze', () => {
    const res = runCli(['analyze', join(dir, 'empty-folder'), '--out', join(dir, 'out-ef')]);
    expect(res.code).toBe(2);
    expectCleanUserError(res, 'empty-folder', /no recording/);
  });

  it.each([
    ['empty.mp4', /empty|zero|0 bytes/i],
    ['notes.mp4', /not a media file/i],
    ['truncated.mp4', /truncated/i],
  ])('%s gets a one-line reason and a REVIEW report that says why', (name, problem) => {
    const out = join(dir, `out-${name}`);
    const res = runCli(['analyze', join(dir, name), '--out', out]);
    expect(res.code).toBe(3);
    expectCleanUserError(res, name, problem);
    const stem = name.replace(/\.mp4$/, '');
    const report = JSON.parse(readFileSync(join(out, stem, 'report.json'), 'utf8'));
    expect(report.verdict).toBe('REVIEW');
    expect(report.error).toMatch(problem);
    expect(
      report.findings.some(
        (f: { concepts: string[]; status: string }) =>
          f.concepts.includes('integrity.recording') && f.status === 'fail',
      ),
    ).toBe(true);
    expect(allFiles(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  // No sidecar: whether a picture is required depends on the channel (telesales is audio-only), so a
  // missing picture is undetermined (REVIEW); missing sound fails whatever the channel.
  it.each([
    ['audio-only.m4a', 'no-video', /no video/i, 'undetermined'],
    ['video-only.mp4', 'no-audio', /no audio/i, 'fail'],
  ])('%s is analyzed, recording integrity says so, and exits non-zero', (name, code, problem, status) => {
    const out = join(dir, `out-${name}`);
    const res = runCli(['analyze', join(dir, name), '--out', out]);
    expectCleanUserError(res, name, problem);
    expect(res.code).toBe(3);
    const report = JSON.parse(readFileSync(join(out, name.replace(/\.\w+$/, ''), 'report.json'), 'utf8'));
    const integrity = report.findings.find((f: { ruleId: string }) => f.ruleId === `integrity/${code}`);
    expect(integrity?.status).toBe(status);
    expect(report.verdict).not.toBe('PASS');
  });

  it('an invalid sidecar is named with its field', () => {
    const d = join(dir, 'badmeta');
    mkdirSync(d);
    copyFileSync(sample('compliant-participating.transcript.json'), join(d, 's1.transcript.json'));
    writeFileSync(join(d, 's1.meta.json'), JSON.stringify({ session_id: 'S1', channel: 'carrier-pigeon' }));
    const res = runCli(['analyze', join(d, 's1.transcript.json'), '--out', join(d, 'out')]);
    expectCleanUserError(res, 's1.meta.json', /channel/);
    const report = JSON.parse(readFileSync(join(d, 'out', 's1', 'report.json'), 'utf8'));
    expect(report.verdict).toBe('REVIEW');
  });

  it('paths with spaces, quotes, ;, $(...), backticks and Chinese characters just work', () => {
    const name = `客户 it's "a" ; $(touch pwned) \`touch pwned2\` 录像`;
    const d = join(dir, 'hostile $(touch pwned3)');
    mkdirSync(d);
    // the sample's first 42 s (its first six lines) and their transcript: a whole analysis, vision on, in less time
    const cut = spawnSync('ffmpeg', [
      '-v',
      'error',
      '-i',
      sample('missing-exclusions.mp4'),
      '-t',
      '42',
      '-c',
      'copy',
      join(d, `${name}.mp4`),
    ]);
    expect(cut.status, String(cut.stderr)).toBe(0);
    copyFileSync(sample('missing-exclusions.meta.json'), join(d, `${name}.meta.json`));
    const transcript = JSON.parse(readFileSync(sample('missing-exclusions.transcript.json'), 'utf8')) as {
      segments: { end: number }[];
    };
    transcript.segments = transcript.segments.filter((s) => s.end <= 42);
    writeFileSync(join(d, `${name}.transcript.json`), JSON.stringify(transcript));
    const out = join(d, 'out');
    const res = runCli(['analyze', join(d, `${name}.mp4`), '--out', out], { cwd: d, timeoutMs: 170_000 });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^FAIL/m);
    const [folder] = readdirSync(out);
    const report = JSON.parse(readFileSync(join(out, folder!, 'report.json'), 'utf8'));
    expect(report.session.recording).toBe(`${name}.mp4`);
    for (const where of [dir, d, ROOT]) {
      expect(readdirSync(where).filter((f) => f.startsWith('pwned'))).toEqual([]);
    }
  }, 180_000);
});
