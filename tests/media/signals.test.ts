import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectSignals, probeMedia, SignalLogParser, synthesizeClip } from '../../src/media/index.js';
import type { Interval } from '../../src/model/index.js';
import { OPEN_END_SPEC, SIGNAL_EXPECTED, SIGNAL_SPEC, tempDir } from '../fixtures/media-fixtures.js';

const TOL = 0.5;
let dir: string;
let cleanup: () => void;
let clip: string;
let openEnd: string;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('signals'));
  clip = join(dir, 'signals.mp4');
  openEnd = join(dir, 'open-end.mp4');
  await synthesizeClip(clip, SIGNAL_SPEC);
  await synthesizeClip(openEnd, OPEN_END_SPEC);
});
afterAll(() => cleanup());

function expectIntervals(found: Interval[], expected: Interval[], what: string): void {
  expect(found, `${what}: ${JSON.stringify(found)}`).toHaveLength(expected.length);
  expected.forEach((e, i) => {
    expect(Math.abs(found[i]!.start - e.start), `${what} start`).toBeLessThanOrEqual(TOL);
    expect(Math.abs(found[i]!.end - e.end), `${what} end`).toBeLessThanOrEqual(TOL);
  });
}

describe('detectSignals', () => {
  it('finds the black, frozen, silent stretches and the cut at their known times', async () => {
    const s = await detectSignals(clip, await probeMedia(clip));
    expectIntervals(s.black, SIGNAL_EXPECTED.black, 'black');
    // the black stretch is static too, but is reported once, as black
    expectIntervals(s.frozen, SIGNAL_EXPECTED.frozen, 'frozen');
    expectIntervals(s.silence, SIGNAL_EXPECTED.silence, 'silence');
    const cut = s.cuts.filter((c) => Math.abs(c.time - SIGNAL_EXPECTED.cut) <= TOL);
    expect(cut, JSON.stringify(s.cuts)).toHaveLength(1);
    expect(cut[0]!.score).toBeGreaterThanOrEqual(10);
    // the steady moving stretches are not cuts
    expect(s.cuts.filter((c) => c.time > 0.5 && c.time < 2.5)).toEqual([]);
    expect(s.cuts.filter((c) => c.time > 9.5)).toEqual([]);
    // a -18 dBFS tone for 10 of 12 s
    expect(s.loudness!.integratedLufs).toBeGreaterThan(-26);
    expect(s.loudness!.integratedLufs).toBeLessThan(-16);
    expect(s.decodeErrors).toBeUndefined();
  });

  it('closes stretches still going at the end of the file', async () => {
    const s = await detectSignals(openEnd, await probeMedia(openEnd));
    expectIntervals(s.frozen, [{ start: 4, end: 8 }], 'frozen');
    expectIntervals(s.silence, [{ start: 4, end: 8 }], 'silence');
    expect(s.black).toEqual([]);
  });

  it('uses thresholds given as options', async () => {
    const s = await detectSignals(clip, await probeMedia(clip), {
      silenceMinS: 2.5,
      freezeMinS: 3,
      blackMinS: 2.5,
      sceneThreshold: 100,
    });
    expect(s.silence).toEqual([]);
    expect(s.frozen).toEqual([]);
    expect(s.black).toEqual([]);
    expect(s.cuts).toEqual([]);
  });

  it('runs only the audio detectors on an audio-only file, only the video ones on a video-only file', async () => {
    const audioOnly = join(dir, 'a.m4a');
    const videoOnly = join(dir, 'v.mp4');
    await synthesizeClip(audioOnly, { ...SIGNAL_SPEC, video: false });
    await synthesizeClip(videoOnly, { ...SIGNAL_SPEC, audio: 'none' });
    const a = await detectSignals(audioOnly, await probeMedia(audioOnly));
    expectIntervals(a.silence, SIGNAL_EXPECTED.silence, 'silence');
    expect(a.black).toEqual([]);
    expect(a.loudness).toBeDefined();
    const v = await detectSignals(videoOnly, await probeMedia(videoOnly));
    expectIntervals(v.black, SIGNAL_EXPECTED.black, 'black');
    expect(v.silence).toEqual([]);
    expect(v.loudness).toBeUndefined();
  });
});

describe('SignalLogParser', () => {
  it('keeps the last loudness summary and closes open intervals at the end', () => {
    const p = new SignalLogParser();
    for (const l of [
      '[Parsed_ebur128_1 @ 0x1] [info] Summary:',
      '  Integrated loudness:',
      '    I:         -70.0 LUFS',
      '  Loudness range:',
      '    LRA:         0.0 LU',
      '[silencedetect @ 0x2] [info] silence_start: -0.0213',
      '[silencedetect @ 0x2] [info] silence_end: 1.5 | silence_duration: 1.52',
      '[freezedetect @ 0x3] [info] lavfi.freezedetect.freeze_start: 7.2',
      '[silencedetect @ 0x2] [info] silence_start: 9',
      '[h264 @ 0x4] [error] error while decoding MB 3 4',
      '[info] frame=  100 fps=0.0 q=-0.0 Lsize=N/A time=00:00:10.00 bitrate=N/A speed= 500x',
      '[Parsed_ebur128_1 @ 0x5] [info] Summary:',
      '  Integrated loudness:',
      '    I:         -23.4 LUFS',
      '    Threshold: -33.4 LUFS',
      '  Loudness range:',
      '    LRA:         6.1 LU',
    ])
      p.line(l);
    // the header claims 12 s but ffmpeg's last time says the data ended at 10 s
    const s = p.finish(12, { freezeMinS: 2 });
    expect(s.loudness).toEqual({ integratedLufs: -23.4, lraLu: 6.1 });
    expect(s.silence).toEqual([
      { start: 0, end: 1.5 },
      { start: 9, end: 10 },
    ]);
    expect(s.frozen).toEqual([{ start: 7.2, end: 10 }]);
    expect(s.decodeErrors).toEqual({ count: 1, samples: ['error while decoding MB 3 4'] });
  });
});
