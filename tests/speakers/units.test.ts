// The pieces under the speaker stage, on inputs whose answer is known by construction: pitch of
// synthetic tones, features only where asked, content groups, and splitting a line where its words
// change voice.
import { describe, expect, it } from 'vitest';
import { extractFeatures, FRAME_SIZE, HOP, yinPitch } from '../../src/speakers/features.js';
import { contentGroups } from '../../src/speakers/cluster.js';
import { splitOnVoiceChanges, type VoiceTrack } from '../../src/speakers/assign.js';
import type { Transcript } from '../../src/model/index.js';

const RATE = 16_000;

function tone(f0: number, seconds: number): Float32Array {
  // a voice-like harmonic series, strongest at the second harmonic (YIN must not jump an octave)
  return Float32Array.from({ length: Math.round(RATE * seconds) }, (_, i) => {
    const t = i / RATE;
    return (
      0.2 * Math.sin(2 * Math.PI * f0 * t) +
      0.3 * Math.sin(2 * Math.PI * 2 * f0 * t + 0.5) +
      0.1 * Math.sin(2 * Math.PI * 3 * f0 * t + 1)
    );
  });
}

describe('pitch (YIN)', () => {
  for (const f0 of [70, 110, 220, 380]) {
    it(`finds ${f0} Hz within 2 %`, () => {
      const x = tone(f0, 0.5);
      const got = yinPitch(x, RATE / 4, RATE, new Float32Array(512));
      expect(Math.abs(got - f0) / f0).toBeLessThan(0.02);
    });
  }

  it('finds no pitch in noise', () => {
    let seed = 3;
    const noise = Float32Array.from(
      { length: RATE },
      () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1,
    );
    let voiced = 0;
    for (let c = 1024; c < RATE - 1024; c += 400) if (yinPitch(noise, c, RATE, new Float32Array(512)) > 0) voiced++;
    expect(voiced).toBeLessThanOrEqual(2);
  });
});

describe('frame features', () => {
  it('computes MFCCs and pitch only for the frames asked for', () => {
    const x = tone(150, 1);
    const count = Math.floor((x.length - FRAME_SIZE) / HOP) + 1;
    const want = new Uint8Array(count);
    want.fill(1, 10, 20);
    const f = extractFeatures(x, RATE, want);
    expect(f.count).toBe(count);
    for (let i = 0; i < count; i++) {
      const row = Array.from(f.mfcc.subarray(i * 12, i * 12 + 12));
      if (want[i]) {
        expect(row.some((v) => v !== 0)).toBe(true);
        expect(Math.abs(f.f0[i] - 150)).toBeLessThan(3);
      } else {
        expect(row.every((v) => v === 0)).toBe(true);
        expect(f.f0[i]).toBe(0);
      }
    }
  });
});

describe('content groups', () => {
  it('puts lines that say nearly the same thing together, and only those', () => {
    const g = contentGroups(['清楚了。', '清楚。', '明白。', '明白了', '好的，我同意投保。', '同意。', '']);
    expect(g[0]).toBe(g[1]);
    expect(g[2]).toBe(g[3]);
    expect(g[0]).not.toBe(g[2]);
    expect(g[4]).not.toBe(g[5]);
    expect(new Set(g).size).toBe(5);
  });
});

describe('splitting a line where the voice changes', () => {
  // voice 0 from 0 to 2 s, voice 1 from 2 s on; frames every 16 ms
  function track(changeS: number, blipS?: number): VoiceTrack {
    const n = 300;
    const labels = new Int8Array(n).map((_, i) => ((i + 1) * 0.016 < changeS ? 0 : 1));
    if (blipS !== undefined)
      for (let i = Math.round(blipS / 0.016); i < Math.round((blipS + 0.08) / 0.016); i++) labels[i] = 1;
    return { hopS: 0.016, labels, strength: new Float32Array(n).fill(5), strengthScale: 1.5, voices: ['a', 'b'] };
  }
  const transcript = (): Transcript => ({
    segments: [
      { id: 0, start: 0, end: 0.9, text: '您好。' },
      {
        id: 1,
        start: 1,
        end: 3,
        text: '犹豫期十五天，您明白吗？明白。',
        words: [
          { start: 1, end: 1.5, text: '犹豫期十五天，' },
          { start: 1.5, end: 1.95, text: '您明白吗？' },
          { start: 2.1, end: 2.6, text: '明白。' },
        ],
        confidence: 0.9,
      },
      { id: 2, start: 3.2, end: 4, text: '好的。' },
    ],
    source: { kind: 'import', format: 'whisperx-json', file: 'x.json' },
  });

  it('splits at the word, keeps the punctuation and renumbers the ids', () => {
    const t = transcript();
    expect(splitOnVoiceChanges(t, track(2.05))).toBe(1);
    expect(t.segments.map((s) => [s.id, s.text, s.start, s.end])).toEqual([
      [0, '您好。', 0, 0.9],
      [1, '犹豫期十五天，您明白吗？', 1, 1.95],
      [2, '明白。', 2.1, 3],
      [3, '好的。', 3.2, 4],
    ]);
    expect(t.segments[2].confidence).toBe(0.9);
  });

  it('does not split for a blip shorter than a word', () => {
    const t = transcript();
    expect(splitOnVoiceChanges(t, track(9, 1.2))).toBe(0);
    expect(t.segments).toHaveLength(3);
  });
});
