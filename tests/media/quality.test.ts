// Recording quality with the real ffmpeg: a clean generated clip is not flagged; each degraded copy is
// flagged for its own fault (and only that), with the measured number and the stretch affected.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  detectSignals,
  probeMedia,
  synthesizeClip,
  assessQuality,
  type QualityAssessment,
} from '../../src/media/index.js';
import type { MediaSignals } from '../../src/model/index.js';
import { loadQualityThresholds, qualityFindings } from '../../src/pipeline/quality.js';
import { degrade, type Degradation } from '../helpers/degrade.js';
import { ROOT, runCli } from '../helpers/cli.js';

let dir: string;
const measured = new Map<string, { signals: MediaSignals; a: QualityAssessment }>();

async function measure(name: string, file: string): Promise<void> {
  const probe = await probeMedia(file);
  const signals = await detectSignals(file, probe);
  measured.set(name, { signals, a: assessQuality(signals.quality, loadQualityThresholds(), signals.black) });
}

const KINDS: Degradation[] = ['blur', 'dark', 'small', 'fps2', 'quiet', 'clipped', 'noisy', 'dark-middle', 'stutter'];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dualrec-quality-'));
  const clean = join(dir, 'clean.mp4');
  // 12 s, 640×360 at 25 fps, a tone (-21 dBFS RMS) with pauses like a conversation's
  const seg = (d: number, audio: 'tone' | 'silence') => ({ durationS: d, video: 'moving' as const, audio });
  await synthesizeClip(clean, {
    width: 640,
    height: 360,
    fps: 25,
    segments: [
      seg(2, 'tone'),
      seg(1, 'silence'),
      seg(2, 'tone'),
      seg(1, 'silence'),
      seg(2, 'tone'),
      seg(1, 'silence'),
      seg(3, 'tone'),
    ],
  });
  await measure('clean', clean);
  for (const k of KINDS) {
    const f = join(dir, `${k}.mp4`);
    degrade(clean, f, k);
    await measure(k, f);
  }
}, 240_000);

const kinds = (name: string) => {
  const a = measured.get(name)!.a;
  return { video: a.video.map((p) => p.kind), audio: a.audio.map((p) => p.kind) };
};
const problem = (name: string, kind: string) =>
  [...measured.get(name)!.a.video, ...measured.get(name)!.a.audio].find((p) => p.kind === kind)!;

describe('recording quality (measured in the signal pass)', () => {
  it('does not flag the clean clip, and measures it', () => {
    expect(kinds('clean')).toEqual({ video: [], audio: [] });
    const q = measured.get('clean')!.signals.quality!;
    expect(q.video).toMatchObject({ width: 640, height: 360 });
    expect(q.video!.effectiveFps).toBeCloseTo(25, 0);
    expect(q.audio!.rmsDb.length).toBeGreaterThanOrEqual(22);
    const findings = qualityFindings({ ...facts(measured.get('clean')!.signals) });
    expect(findings.map((f) => [f.ruleId, f.status])).toEqual([
      ['quality/video', 'pass'],
      ['quality/audio', 'pass'],
    ]);
  });

  it('flags a blurred picture with its blur score', () => {
    expect(kinds('blur')).toEqual({ video: ['blur'], audio: [] });
    expect(problem('blur', 'blur').value).toBeGreaterThan(9);
    expect(problem('blur', 'blur').severe).toBe(true);
  });

  it('flags a dark picture with its mean luma', () => {
    expect(kinds('dark')).toEqual({ video: ['dark'], audio: [] });
    expect(problem('dark', 'dark').value).toBeLessThan(40);
    expect(problem('dark', 'dark').stretches).toEqual([{ start: 0, end: 12 }]);
  });

  it('names the stretch when only part of the picture is dark', () => {
    expect(kinds('dark-middle')).toEqual({ video: ['dark'], audio: [] });
    const p = problem('dark-middle', 'dark');
    expect(p.stretches).toEqual([{ start: 4, end: 8 }]);
    expect(p.severe).toBe(true); // 4 of 12 s ≥ too_poor_share 0.3
    expect(p.message).toContain('0:04.0–0:08.0');
  });

  it('flags a 160×120 picture', () => {
    expect(kinds('small')).toEqual({ video: ['low-resolution'], audio: [] });
    expect(problem('small', 'low-resolution').value).toBe(120);
  });

  it('flags a 2 fps picture with its effective frame rate from the frame timestamps', () => {
    expect(kinds('fps2')).toEqual({ video: ['low-fps'], audio: [] });
    expect(problem('fps2', 'low-fps').value).toBeCloseTo(2, 0);
  });

  it('flags a stall (no frames 4-7 s) as a low frame-rate stretch', () => {
    expect(kinds('stutter')).toEqual({ video: ['low-fps'], audio: [] });
    const p = problem('stutter', 'low-fps');
    expect(p.stretches).toEqual([{ start: 4, end: 7 }]);
    expect(p.value).toBe(0);
    expect(measured.get('stutter')!.signals.quality!.video!.effectiveFps).toBeGreaterThan(15);
  });

  it('flags quiet sound with its level', () => {
    expect(kinds('quiet')).toEqual({ video: [], audio: ['quiet'] });
    const v = problem('quiet', 'quiet').value;
    expect(v).toBeLessThan(-50);
    expect(v).toBeGreaterThan(-60); // -21 dBFS × 0.02 (-34 dB) ≈ -55
  });

  it('flags clipped sound with the clipped share and the clipped stretches', () => {
    expect(kinds('clipped')).toEqual({ video: [], audio: ['clipped'] });
    const p = problem('clipped', 'clipped');
    expect(p.value).toBeGreaterThan(0.5);
    expect(p.stretches[0]).toEqual({ start: 0, end: 2 });
    expect(p.message).toMatch(/削波失真：\d+% /);
  });

  it('flags noisy sound with its signal-to-noise ratio', () => {
    expect(kinds('noisy')).toEqual({ video: [], audio: ['noisy'] });
    expect(problem('noisy', 'noisy').value).toBeLessThan(6);
  });

  it('makes the findings: too poor → major fail (REVIEW by the verdict policy)', () => {
    const f = qualityFindings(facts(measured.get('small')!.signals));
    expect(f.find((x) => x.ruleId === 'quality/video')).toMatchObject({ status: 'fail', severity: 'major' });
    expect(f.find((x) => x.ruleId === 'quality/video')!.message).toContain('160×120');
    expect(f.find((x) => x.ruleId === 'quality/audio')).toMatchObject({ status: 'pass' });
  });
});

describe('dropouts (judged from the measured series)', () => {
  const th = () => loadQualityThresholds();
  const series = (rms: number[]) => ({
    audio: { windowS: 0.5, rmsDb: rms, peakDb: rms.map((r) => r + 3), flat: rms.map(() => 0) },
  });
  it('reports digital silence inside sound when the pauses otherwise carry room noise', () => {
    const rms = [-20, -20, -55, -20, -120, -120, -20, -20, -55, -20, -20, -55];
    const a = assessQuality(series(rms), th());
    expect(a.audio.map((p) => p.kind)).toEqual(['dropout']);
    expect(a.audio[0]!.stretches).toEqual([{ start: 2, end: 3 }]);
  });
  it('does not when every pause is digitally silent (a gated or synthetic source)', () => {
    const rms = [-20, -20, -120, -20, -120, -120, -20, -20, -120, -20];
    expect(assessQuality(series(rms), th()).audio).toEqual([]);
  });
});

function facts(signals: MediaSignals) {
  return { sessionId: 's', meta: {} as never, metaFromSidecar: true, integrity: [], signals };
}

describe('quality thresholds file', () => {
  it('refuses a bad value, naming the file, line and field', () => {
    const d = mkdtempSync(join(tmpdir(), 'dualrec-qcfg-'));
    const f = join(d, 'quality.yaml');
    writeFileSync(
      f,
      readFileSync(join(ROOT, 'config', 'quality.yaml'), 'utf8').replace(/min_fps: \d+/, 'min_fps: fast'),
    );
    expect(() => loadQualityThresholds(f)).toThrow(
      new RegExp(`${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: field "video.min_fps"`),
    );
    writeFileSync(
      f,
      readFileSync(join(ROOT, 'config', 'quality.yaml'), 'utf8').replace('too_poor_share: 0.3', 'too_poor_share: 3'),
    );
    expect(() => loadQualityThresholds(f)).toThrow(/field "too_poor_share"/);
  });

  it('stops `dualrec analyze` (exit 2) on a bad thresholds file', () => {
    const d = mkdtempSync(join(tmpdir(), 'dualrec-qcfg-'));
    const f = join(d, 'quality.yaml');
    writeFileSync(f, 'video: {min_fps: 1}\n');
    const r = runCli(['analyze', join(ROOT, 'samples', 'missing-exclusions.transcript.json'), '--out', d], {
      env: { DUALREC_QUALITY: f },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(f);
  });
});

describe('verdict through `dualrec analyze`', () => {
  it('a clean copy of the compliant sample stays PASS; quiet or 160×120 copies are REVIEW for quality', () => {
    const src = join(ROOT, 'samples', 'compliant-participating');
    const d = mkdtempSync(join(tmpdir(), 'dualrec-qcli-'));
    const inbox = join(d, 'in');
    mkdirSync(inbox);
    for (const name of ['clean', 'quiet', 'small']) {
      copyFileSync(`${src}.transcript.json`, join(inbox, `${name}.transcript.json`));
      const meta = JSON.parse(readFileSync(`${src}.meta.json`, 'utf8'));
      writeFileSync(join(inbox, `${name}.meta.json`), JSON.stringify({ ...meta, session_id: `Q-${name}` }));
      if (name === 'clean') copyFileSync(`${src}.mp4`, join(inbox, `${name}.mp4`));
      else degrade(`${src}.mp4`, join(inbox, `${name}.mp4`), name as Degradation);
    }
    // --no-vision: the picture checks are not what is tested here, and they are slow on a busy machine
    const r = runCli(['analyze', inbox, '--out', join(d, 'out'), '--no-vision'], { timeoutMs: 300_000 });
    expect(r.code, r.stderr).toBe(0);
    const report = (n: string) => JSON.parse(readFileSync(join(d, 'out', n, 'report.json'), 'utf8'));
    expect(report('clean').verdict).toBe('PASS');
    const quiet = report('quiet');
    expect(quiet.verdict).toBe('REVIEW');
    expect(quiet.verdictReasons.join('\n')).toMatch(/quality\/audio \[major\] fail: .*声音过小/);
    const small = report('small');
    expect(small.verdict).toBe('REVIEW');
    expect(small.verdictReasons.join('\n')).toMatch(/quality\/video \[major\] fail: .*160×120/);
    const ev = small.findings.find((f: { ruleId: string }) => f.ruleId === 'quality/video').evidence[0];
    expect(ev).toMatchObject({ start: 0 });
    expect(ev.end).toBeGreaterThan(190);
    // the report's timeline draws the poor stretch in its own lane; the clean report has none that blocks
    // (the sample's speech clips here and there: minor stretches only)
    const html = readFileSync(join(d, 'out', 'small', 'report.html'), 'utf8');
    expect(html).toMatch(/id="lane-quality"[^]*?<span class="qlt q-major" style="left:0%;width:100%"/);
    expect(readFileSync(join(d, 'out', 'clean', 'report.html'), 'utf8')).not.toContain('qlt q-major');
  }, 320_000);
});
