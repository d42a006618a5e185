// Symbolic links are not followed without --follow-symlinks: a linked transcript, recording or sidecar
// makes that session REVIEW with the reason (nothing read through the link), and a report folder
// replaced by a link is not written through.
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeClip } from '../../src/media/index.js';
import { ROOT, runCli } from '../helpers/cli.js';

let dir: string;
const SECRET_LINE = '这是另一位客户的对话，不应出现在报告里。';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dualrec-links-'));
  mkdirSync(join(dir, 'elsewhere'));
  const transcript = JSON.parse(readFileSync(join(ROOT, 'samples', 'compliant-participating.transcript.json'), 'utf8'));
  transcript.segments[1].text = SECRET_LINE;
  writeFileSync(join(dir, 'elsewhere', 'target.transcript.json'), JSON.stringify(transcript));
  copyFileSync(join(ROOT, 'samples', 'compliant-participating.meta.json'), join(dir, 'elsewhere', 'target.meta.json'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function session(name: string): string {
  const d = join(dir, name);
  mkdirSync(d);
  symlinkSync(join(dir, 'elsewhere', 'target.transcript.json'), join(d, 'linked.transcript.json'));
  return join(d, 'linked.transcript.json');
}

describe('symbolic links', () => {
  it('a symlinked transcript is refused without --follow-symlinks: REVIEW with the reason, nothing read', () => {
    const file = session('plain');
    const out = join(dir, 'out-plain');
    const res = runCli(['analyze', file, '--out', out]);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(
      /linked\.transcript\.json: the transcript is a symbolic link, not followed \(use --follow-symlinks/,
    );
    const json = readFileSync(join(out, 'linked', 'report.json'), 'utf8');
    const report = JSON.parse(json);
    expect(report.verdict).toBe('REVIEW');
    expect(report.error).toMatch(/symbolic link/);
    expect(json).not.toContain(SECRET_LINE);
    expect(report.transcript).toBeUndefined();
  });

  it('and accepted with it', () => {
    const file = session('follow');
    const out = join(dir, 'out-follow');
    const res = runCli(['analyze', file, '--out', out, '--follow-symlinks']);
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'linked', 'report.json'), 'utf8'));
    expect(report.error).toBeUndefined();
    expect(report.transcript.segments.map((s: { text: string }) => s.text)).toContain(SECRET_LINE);
  });

  it('a symlinked sidecar is refused the same way', () => {
    const d = join(dir, 'meta');
    mkdirSync(d);
    copyFileSync(join(dir, 'elsewhere', 'target.transcript.json'), join(d, 's.transcript.json'));
    symlinkSync(join(dir, 'elsewhere', 'target.meta.json'), join(d, 's.meta.json'));
    const out = join(dir, 'out-meta');
    const res = runCli(['analyze', join(d, 's.transcript.json'), '--out', out]);
    expect(res.code).toBe(3);
    expect(JSON.parse(readFileSync(join(out, 's', 'report.json'), 'utf8')).error).toMatch(
      /s\.meta\.json: the metadata sidecar is a symbolic link/,
    );
  });

  it('a report folder replaced by a symlink is not written through', () => {
    const d = join(dir, 'outlink');
    mkdirSync(d);
    copyFileSync(join(dir, 'elsewhere', 'target.transcript.json'), join(d, 's.transcript.json'));
    const out = join(dir, 'out-outlink');
    const victim = join(dir, 'victim');
    mkdirSync(out);
    mkdirSync(victim);
    writeFileSync(join(victim, 'report.html'), 'not yours');
    symlinkSync(victim, join(out, 's'));
    const res = runCli(['analyze', join(d, 's.transcript.json'), '--out', out]);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/the report folder was a symbolic link/);
    expect(readdirSync(victim)).toEqual(['report.html']);
    expect(readFileSync(join(victim, 'report.html'), 'utf8')).toBe('not yours');
    expect(lstatSync(join(out, 's')).isSymbolicLink()).toBe(false);
    const report = JSON.parse(readFileSync(join(out, 's', 'report.json'), 'utf8'));
    expect(report.verdict).toBe('REVIEW');
    expect(report.error).toMatch(/symbolic link/);
    expect(existsSync(victim)).toBe(true);
  });

  it("batch: a symlinked recording is that session's REVIEW, the batch goes on; followed with --follow-symlinks", async () => {
    const inbox = join(dir, 'inbox');
    mkdirSync(inbox);
    await synthesizeClip(join(dir, 'elsewhere', 'rec.m4a'), {
      segments: [{ durationS: 2, audio: 'tone' }],
      video: false,
    });
    symlinkSync(join(dir, 'elsewhere', 'rec.m4a'), join(inbox, 'linked.m4a'));
    copyFileSync(join(dir, 'elsewhere', 'target.transcript.json'), join(inbox, 'plain.transcript.json'));
    const out = join(dir, 'out-batch');
    const res = runCli(['batch', inbox, '--out', out, '--no-vision', '--no-progress', '--concurrency', '1'], {
      timeoutMs: 180_000,
    });
    expect(res.code, res.stderr).toBe(3);
    expect(res.stdout).toMatch(/linked\.m4a: the recording is a symbolic link, not followed/);
    const linked = JSON.parse(readFileSync(join(out, 'linked', 'report.json'), 'utf8'));
    expect(linked.verdict).toBe('REVIEW');
    expect(linked.media).toBeUndefined();
    expect(JSON.parse(readFileSync(join(out, 'plain', 'report.json'), 'utf8')).error).toBeUndefined();
    const followed = runCli(
      [
        'batch',
        inbox,
        '--out',
        join(dir, 'out-batch-f'),
        '--no-vision',
        '--no-progress',
        '--concurrency',
        '1',
        '--follow-symlinks',
      ],
      { timeoutMs: 180_000 },
    );
    expect(followed.stdout).not.toMatch(/symbolic link/);
    expect(
      JSON.parse(readFileSync(join(dir, 'out-batch-f', 'linked', 'report.json'), 'utf8')).media.probe.duration,
    ).toBeCloseTo(2, 0);
  }, 300_000);
});
