// media/frames.ts with real ffmpeg: frame times, sizes, content, early stop, errors, JPEG and encoding.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeImage,
  encodeRawVideo,
  frameStreamArgs,
  grabFrame,
  grabFrames,
  probeMedia,
  renderTextCard,
  rgbToJpeg,
  streamFrames,
  streamWindows,
  synthesizeClip,
  writeFrameJpeg,
  writeFrameJpegs,
} from '../../src/media/index.js';
import { UserError } from '../../src/util/errors.js';
import { tempDir } from '../fixtures/media-fixtures.js';

let dir: string;
let cleanup: () => void;
let clip: string;
let coded: string;
const W = 64;
const H = 36;

/** Frame i is a flat grey of level 20 + 20*i for the first half of the frame, white below. */
function frameAt(i: number): Uint8Array {
  const f = new Uint8Array(W * H * 3).fill(255);
  f.fill(20 + 20 * i, 0, (W * H * 3) / 2);
  return f;
}

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('frames'));
  clip = join(dir, 'clip.mp4');
  // 4 s: 2 s moving test pattern, then 2 s black
  await synthesizeClip(clip, {
    segments: [
      { durationS: 2, video: 'moving' },
      { durationS: 2, video: 'black' },
    ],
    width: 160,
    height: 120,
    fps: 10,
  });
  coded = join(dir, 'coded.mp4');
  // 10 frames at 5 fps, each a different grey: 2 s
  await encodeRawVideo(
    coded,
    { width: W, height: H, fps: 5 },
    Array.from({ length: 10 }, (_, i) => frameAt(i)),
  );
});
afterAll(() => cleanup());

describe('streamFrames', () => {
  it('yields frames of the asked size at the asked rate, timed from the window start', async () => {
    const frames = [];
    for await (const f of streamFrames(clip, { fps: 2, width: 80, height: 60 })) frames.push(f);
    expect(frames.length).toBeGreaterThanOrEqual(7);
    expect(frames.length).toBeLessThanOrEqual(9);
    expect(frames.map((f) => f.time).slice(0, 3)).toEqual([0, 0.5, 1]);
    for (const f of frames) expect(f.rgb.length).toBe(80 * 60 * 3);
    // moving pattern first, black at the end
    const mean = (b: Uint8Array) => b.reduce((s, x) => s + x, 0) / b.length;
    expect(mean(frames[0]!.rgb)).toBeGreaterThan(40);
    expect(mean(frames[frames.length - 1]!.rgb)).toBeLessThan(10);
  });

  it('seeks to a window and times frames on the recording timeline', async () => {
    const times: number[] = [];
    const levels: number[] = [];
    for await (const f of streamFrames(coded, { fps: 5, start: 1, duration: 0.8, width: W, height: H })) {
      times.push(f.time);
      levels.push(f.rgb[0]!);
    }
    expect(times).toEqual([1, 1.2, 1.4, 1.6]);
    // frame 5 (t = 1 s) has level 120; allow codec error
    expect(Math.abs(levels[0]! - 120)).toBeLessThanOrEqual(8);
    expect(levels[1]! - levels[0]!).toBeGreaterThan(10);
  });

  it('stops ffmpeg when the consumer breaks out early', async () => {
    let n = 0;
    for await (const f of streamFrames(clip, { fps: 10, width: 32, height: 24 })) {
      expect(f.rgb.length).toBe(32 * 24 * 3);
      if (++n === 2) break;
    }
    expect(n).toBe(2);
  });

  it('streams several windows one after another', async () => {
    const times: number[] = [];
    for await (const f of streamWindows(
      coded,
      [
        { start: 0, end: 0.4, fps: 5 },
        { start: 1.6, end: 2, fps: 5 },
      ],
      { width: W, height: H },
    ))
      times.push(f.time);
    expect(times).toEqual([0, 0.2, 1.6, 1.8]);
  });

  it('fails with a one-line UserError naming the file', async () => {
    const bad = join(dir, 'text.mp4');
    writeFileSync(bad, 'not a video\n'.repeat(50));
    const run = async () => {
      for await (const _ of streamFrames(bad, { fps: 1, width: 32, height: 32 })) void _;
    };
    await expect(run()).rejects.toBeInstanceOf(UserError);
    await expect(run()).rejects.toThrow(/text\.mp4/);
    await expect(async () => {
      for await (const _ of streamFrames(join(dir, 'missing.mp4'), { fps: 1, width: 32, height: 32 })) void _;
    }).rejects.toThrow(/no such file/);
  });

  it('builds argv with the file: protocol and no shell', () => {
    const args = frameStreamArgs('/tmp/a;b $(x).mp4', { fps: 1, start: 3, duration: 2, width: 320, height: 180 });
    expect(args).toContain('file:/tmp/a;b $(x).mp4');
    expect(args[args.indexOf('-ss') + 1]).toBe('3.000');
    expect(args.join(' ')).toMatch(/fps=1,scale=320:180/);
  });
});

describe('grabFrames', () => {
  // `coded` has 10 frames at 5 fps (t = 0, 0.2 … 1.8), frame i grey 20 + 20*i in its top half
  const level = (f: { rgb: Uint8Array } | undefined) => (f ? Math.round((f.rgb[0]! - 20) / 20) : undefined);

  it('gives the first frame at or after each time, as grabFrame does, in the order asked', async () => {
    const times = [1.3, 0.1, 0.5, 0.9];
    const got = await grabFrames(coded, times, { width: W, height: H });
    expect(got.map(level)).toEqual([7, 1, 3, 5]);
    expect(got.map((f) => f?.time)).toEqual(times);
    for (const [i, t] of times.entries()) {
      const one = await grabFrame(coded, t, { width: W, height: H });
      expect(Buffer.compare(Buffer.from(got[i]!.rgb), Buffer.from(one!.rgb))).toBe(0);
    }
  });

  it('handles two times on one frame and times past the end', async () => {
    const got = await grabFrames(coded, [0.05, 0.1, 1.5, 1.9, 5], { width: W, height: H });
    expect(got.map(level)).toEqual([1, 1, 8, undefined, undefined]);
  });
});

describe('JPEG and raw encoding', () => {
  it('writes many frames as JPEG files with one ffmpeg run per size, leaving no temporary folder', async () => {
    const out = join(dir, 'jpegs');
    const small = { width: W / 2, height: H / 2 };
    const items = [
      { frame: { rgb: frameAt(1), width: W, height: H }, path: join(out, 'a.jpg') },
      { frame: { rgb: new Uint8Array(small.width * small.height * 3).fill(200), ...small }, path: join(out, 'b.jpg') },
      { frame: { rgb: frameAt(6), width: W, height: H }, path: join(out, 'c.jpg') },
    ];
    await writeFrameJpegs(items);
    expect(readdirSync(out).sort()).toEqual(['a.jpg', 'b.jpg', 'c.jpg']);
    const a = await decodeImage(join(out, 'a.jpg'), { width: W, height: H });
    const c = await decodeImage(join(out, 'c.jpg'), { width: W, height: H });
    expect(Math.abs(a.rgb[0]! - 40)).toBeLessThanOrEqual(6);
    expect(Math.abs(c.rgb[0]! - 140)).toBeLessThanOrEqual(6);
    const b = await decodeImage(join(out, 'b.jpg'), small);
    expect(Math.abs(b.rgb[0]! - 200)).toBeLessThanOrEqual(6);
  });

  it('encodes an RGB frame to JPEG and decodes it back', async () => {
    const f = { rgb: frameAt(3), width: W, height: H };
    const jpg = await rgbToJpeg(f);
    expect(jpg.subarray(0, 2).toString('hex')).toBe('ffd8');
    const out = join(dir, 'f.jpg');
    await writeFrameJpeg(f, out);
    expect(existsSync(out)).toBe(true);
    const back = await decodeImage(out, { width: W, height: H });
    expect(Math.abs(back.rgb[0]! - 80)).toBeLessThanOrEqual(6);
    expect(back.rgb[back.rgb.length - 1]!).toBeGreaterThan(240);
  });

  it('writes a playable mp4 with a silent audio track', async () => {
    const p = await probeMedia(coded);
    expect(p.video[0]!.width).toBe(W);
    expect(p.audio.length).toBe(1);
    expect(p.duration).toBeGreaterThan(1.8);
    expect(p.duration).toBeLessThan(2.3);
    expect(readFileSync(coded).length).toBeGreaterThan(500);
  });

  it('rejects frames of the wrong size', async () => {
    await expect(
      encodeRawVideo(join(dir, 'bad.mp4'), { width: W, height: H, fps: 5 }, [new Uint8Array(10)]),
    ).rejects.toThrow(/expected/);
    expect(existsSync(join(dir, 'bad.mp4'))).toBe(false);
  });

  it('renders text cards whose text may hold filtergraph syntax', async () => {
    const card = await renderTextCard({
      width: 200,
      height: 60,
      background: 'white',
      fontFile: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
      items: [{ text: "签名: a'b, [c]; 100%\\", x: 5, y: 5, size: 20 }, { box: { x: 0, y: 50, w: 200, h: 3 } }],
    });
    expect(card.rgb.length).toBe(200 * 60 * 3);
    const dark = (y0: number, y1: number) => {
      let n = 0;
      for (let y = y0; y < y1; y++) for (let x = 0; x < 200; x++) if (card.rgb[(y * 200 + x) * 3]! < 100) n++;
      return n;
    };
    // ink in the text band (more than the single glyph an escaping bug would leave), the rule drawn, blank between
    expect(dark(5, 30)).toBeGreaterThan(150);
    expect(dark(50, 53)).toBe(600);
    expect(dark(35, 48)).toBe(0);
  });
});
