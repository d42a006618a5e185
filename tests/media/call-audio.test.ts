// Call-centre audio as telephone systems store it (issue 12, tests): G.711 μ-law and A-law WAV, raw
// GSM 06.10 and 8 kHz MP3, made with real ffmpeg from the telesales sample. Each is read whole — its
// length, the transcript checked against its sound, the same findings and verdict as the original.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/index.js';
import { runCli } from '../helpers/cli.js';
import { SAMPLES } from '../batch/inbox.js';

const work = mkdtempSync(join(tmpdir(), 'dualrec-call-audio-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const VARIANTS: Array<{ name: string; ext: string; codec: string[] }> = [
  { name: 'g711-ulaw', ext: '.wav', codec: ['-c:a', 'pcm_mulaw'] },
  { name: 'g711-alaw', ext: '.wav', codec: ['-c:a', 'pcm_alaw'] },
  { name: 'gsm', ext: '.gsm', codec: ['-c:a', 'libgsm', '-f', 'gsm'] },
  { name: 'mp3-8k', ext: '.mp3', codec: ['-c:a', 'libmp3lame', '-b:a', '16k'] },
];

describe('telephone call audio', () => {
  it("G.711 μ-law / A-law, GSM and 8 kHz MP3 give the original's length, findings and verdict", () => {
    const inbox = join(work, 'inbox');
    mkdirSync(inbox);
    const src = join(SAMPLES, 'audio-only-health');
    const add = (name: string) => {
      copyFileSync(`${src}.transcript.srt`, join(inbox, `${name}.transcript.srt`));
      copyFileSync(`${src}.meta.json`, join(inbox, `${name}.meta.json`));
    };
    copyFileSync(`${src}.m4a`, join(inbox, 'original.m4a'));
    add('original');
    for (const v of VARIANTS) {
      const r = spawnSync(
        'ffmpeg',
        ['-v', 'error', '-y', '-i', `${src}.m4a`, '-ar', '8000', '-ac', '1', ...v.codec, join(inbox, v.name + v.ext)],
        { encoding: 'utf8' },
      );
      expect(r.status, r.stderr).toBe(0);
      add(v.name);
    }
    const out = join(work, 'out');
    const r = runCli(['analyze', inbox, '--out', out], { timeoutMs: 300_000 });
    expect([0, 3], r.stderr).toContain(r.code);
    const report = (name: string) => JSON.parse(readFileSync(join(out, name, 'report.json'), 'utf8')) as Report;
    const original = report('original');
    const statuses = (rep: Report) =>
      Object.fromEntries(rep.findings.filter((f) => !f.ruleId.startsWith('quality/')).map((f) => [f.ruleId, f.status]));
    for (const v of VARIANTS) {
      const rep = report(v.name);
      expect([v.name, rep.error]).toEqual([v.name, undefined]);
      expect(rep.media!.probe.audio[0]!.sampleRate).toBe(8000);
      expect(Math.abs(rep.media!.probe.duration - original.media!.probe.duration), v.name).toBeLessThan(0.5);
      // the transcript is backed by the narrow-band sound as by the original
      expect(rep.media!.consistency!.backedS / original.media!.consistency!.backedS, v.name).toBeGreaterThan(0.9);
      expect([v.name, rep.verdict]).toEqual([v.name, original.verdict]);
      expect([v.name, statuses(rep)]).toEqual([v.name, statuses(original)]);
    }
  }, 320_000);
});
