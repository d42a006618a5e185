import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudioFloat32, extractAudioWav, SAMPLE_RATE, synthesizeClip } from '../../src/media/index.js';
import { UserError } from '../../src/util/errors.js';
import { STEREO_SPEC, tempDir } from '../fixtures/media-fixtures.js';

let dir: string;
let cleanup: () => void;
let mono: string;
let stereo: string;
let videoOnly: string;

// an AAC frame is 1024 samples at the source rate: the decoder may add or trim up to one
const FRAME_AT_16K = Math.ceil((1024 * SAMPLE_RATE) / 48000);

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('audio'));
  mono = join(dir, 'mono.mp4');
  stereo = join(dir, 'stereo.mp4');
  videoOnly = join(dir, 'video-only.mp4');
  await synthesizeClip(mono, {
    segments: [
      { durationS: 4, audio: 'tone' },
      { durationS: 3, audio: 'silence' },
    ],
  });
  await synthesizeClip(stereo, STEREO_SPEC);
  await synthesizeClip(videoOnly, { audio: 'none', segments: [{ durationS: 2 }] });
});
afterAll(() => cleanup());

function rms(x: Float32Array, fromS: number, toS: number): number {
  const a = Math.floor(fromS * SAMPLE_RATE);
  const b = Math.min(x.length, Math.floor(toS * SAMPLE_RATE));
  let sum = 0;
  for (let i = a; i < b; i++) sum += x[i]! * x[i]!;
  return Math.sqrt(sum / Math.max(1, b - a));
}

/** Parses a WAV file chunk by chunk (not assuming a 44-byte header). */
function readWav(path: string): {
  format: number;
  channels: number;
  rate: number;
  bits: number;
  samples: Float32Array;
} {
  const buf = readFileSync(path);
  expect(buf.toString('latin1', 0, 4)).toBe('RIFF');
  expect(buf.toString('latin1', 8, 12)).toBe('WAVE');
  let off = 12;
  let fmt: { format: number; channels: number; rate: number; bits: number } | undefined;
  while (off + 8 <= buf.length) {
    const id = buf.toString('latin1', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    if (id === 'fmt ') {
      fmt = {
        format: buf.readUInt16LE(off + 8),
        channels: buf.readUInt16LE(off + 10),
        rate: buf.readUInt32LE(off + 12),
        bits: buf.readUInt16LE(off + 22),
      };
    } else if (id === 'data') {
      const n = Math.floor(size / 2);
      const samples = new Float32Array(n);
      for (let i = 0; i < n; i++) samples[i] = buf.readInt16LE(off + 8 + 2 * i) / 32768;
      return { ...fmt!, samples };
    }
    off += 8 + size + (size % 2);
  }
  throw new Error('no data chunk');
}

describe('decodeAudioFloat32', () => {
  it('returns 16 kHz mono samples: the right count for a known length', async () => {
    const x = await decodeAudioFloat32(mono);
    expect(Math.abs(x.length - 7 * SAMPLE_RATE)).toBeLessThanOrEqual(FRAME_AT_16K);
    // the tone (amplitude 1/8: rms ≈ 0.088) then digital silence
    expect(rms(x, 0.5, 3.5)).toBeGreaterThan(0.07);
    expect(rms(x, 0.5, 3.5)).toBeLessThan(0.11);
    expect(rms(x, 4.5, 6.5)).toBeLessThan(0.001);
  });

  it('decodes a window with startS/durationS', async () => {
    const x = await decodeAudioFloat32(mono, { startS: 3, durationS: 2 });
    expect(Math.abs(x.length - 2 * SAMPLE_RATE)).toBeLessThanOrEqual(FRAME_AT_16K);
    // 3-4 s is tone, 4-5 s silence
    expect(rms(x, 0.1, 0.9)).toBeGreaterThan(0.07);
    expect(rms(x, 1.1, 1.9)).toBeLessThan(0.001);
  });

  it('separates the channels of a stereo recording', async () => {
    const left = await decodeAudioFloat32(stereo, { channel: 'left' });
    const right = await decodeAudioFloat32(stereo, { channel: 'right' });
    const mix = await decodeAudioFloat32(stereo, { channel: 'mix' });
    // left speaks in the first half only, right in the second half only
    expect(rms(left, 0.5, 5.5)).toBeGreaterThan(0.05);
    expect(rms(left, 6.5, 11.5)).toBeLessThan(0.001);
    expect(rms(right, 0.5, 5.5)).toBeLessThan(0.001);
    expect(rms(right, 6.5, 11.5)).toBeGreaterThan(0.05);
    // the mix has both halves
    expect(rms(mix, 0.5, 5.5)).toBeGreaterThan(0.02);
    expect(rms(mix, 6.5, 11.5)).toBeGreaterThan(0.02);
  });

  it('refuses a channel a mono file does not have, and a file without audio', async () => {
    await expect(decodeAudioFloat32(mono, { channel: 'right' })).rejects.toThrow(UserError);
    await expect(decodeAudioFloat32(mono, { channel: 'right' })).rejects.toThrow(/mono/);
    await expect(decodeAudioFloat32(videoOnly)).rejects.toThrow(`${videoOnly}: has no audio stream`);
  });
});

describe('extractAudioWav', () => {
  it('writes 16 kHz mono 16-bit PCM with a canonical header', async () => {
    const out = join(dir, 'out', 'mono.wav');
    await extractAudioWav(mono, out);
    const wav = readWav(out);
    expect(wav).toMatchObject({ format: 1, channels: 1, rate: 16000, bits: 16 });
    expect(readFileSync(out).toString('latin1', 36, 40)).toBe('data');
    expect(Math.abs(wav.samples.length - 7 * SAMPLE_RATE)).toBeLessThanOrEqual(FRAME_AT_16K);
  });

  it('writes each side of a stereo recording separately', async () => {
    await extractAudioWav(stereo, join(dir, 'l.wav'), { channel: 'left' });
    await extractAudioWav(stereo, join(dir, 'r.wav'), { channel: 'right' });
    const l = readWav(join(dir, 'l.wav')).samples;
    const r = readWav(join(dir, 'r.wav')).samples;
    expect(rms(l, 0.5, 5.5)).toBeGreaterThan(0.05);
    expect(rms(l, 6.5, 11.5)).toBeLessThan(0.001);
    expect(rms(r, 0.5, 5.5)).toBeLessThan(0.001);
    expect(rms(r, 6.5, 11.5)).toBeGreaterThan(0.05);
  });

  it('leaves no temp file behind when it fails', async () => {
    const out = join(dir, 'fail', 'x.wav');
    await expect(extractAudioWav(videoOnly, out)).rejects.toThrow(UserError);
    expect(readdirSync(join(dir, 'fail'))).toEqual([]);
  });
});
