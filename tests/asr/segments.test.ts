// smart-whisper's detail output → engine segments → recording-timeline segments with words and
// confidence. The binding shapes are in tests/fixtures/asr-binding-output.ts (see there why).
import { describe, expect, it } from 'vitest';
import { fromBindingSegments, isSpecialToken } from '../../src/asr/binding-map.js';
import { BindingResultSchema } from '../../src/asr/options.js';
import { mapWindowSegments, segmentConfidence } from '../../src/asr/segments.js';
import { SAMPLE_RATE, type Window } from '../../src/asr/vad.js';
import { WINDOW_A, WINDOW_LOW } from '../fixtures/asr-binding-output.js';

// the window's first 4 s are recording 100–104 s; after a 0.3 s gap the rest is from 200 s on
const W: Window = {
  pieces: [
    { recStart: 100 * SAMPLE_RATE, recEnd: 104 * SAMPLE_RATE, winStart: 0 },
    { recStart: 200 * SAMPLE_RATE, recEnd: 225.7 * SAMPLE_RATE, winStart: 4.3 * SAMPLE_RATE },
  ],
  length: 30 * SAMPLE_RATE,
};

describe('binding output mapping', () => {
  it("accepts the binding's shape and rejects a changed one", () => {
    expect(BindingResultSchema.safeParse(WINDOW_A).success).toBe(true);
    expect(BindingResultSchema.safeParse([{ from: '0', to: 1, text: 'x' }]).success).toBe(false);
    expect(BindingResultSchema.safeParse(new Error('whisper_full operation failed')).success).toBe(false);
  });

  it('converts ms to s and tells control tokens from text', () => {
    const segs = fromBindingSegments(WINDOW_A);
    expect(segs[0]).toMatchObject({ start: 0, end: 3.2, text: ' 請您特別注意責任免除條款', lang: 'zh' });
    expect(segs[0].tokens[0]).toMatchObject({ text: '[_BEG_]', special: true });
    expect(segs[0].tokens[1]).toMatchObject({ text: ' 請', special: false, start: 0, end: 0.3, p: 0.91 });
    expect(segs[0].tokens.at(-1)).toMatchObject({ text: '[_TT_160]', special: true });
    expect(isSpecialToken(50257, 'whatever')).toBe(true);
    expect(isSpecialToken(220, ' ')).toBe(false);
    expect(isSpecialToken(100, '<|endoftext|>')).toBe(true);
  });

  it('confidence is the mean probability of the text tokens only', () => {
    const segs = fromBindingSegments(WINDOW_LOW);
    expect(segmentConfidence(segs[0].tokens)).toBe(0.29); // (0.31+0.22+0.35+0.28)/4, timestamps left out
    expect(segmentConfidence([])).toBeUndefined();
  });

  it('maps segments and words onto the recording, rebuilding characters split over two tokens', () => {
    const mapped = mapWindowSegments(fromBindingSegments(WINDOW_A), W);
    // the second segment runs across the join: it starts in piece 1 and ends in piece 2
    expect(mapped.map((s) => [s.start, s.end])).toEqual([
      [100, 103.2],
      [103.2, 200.7],
      [222.7, 225.7],
    ]);
    const words = mapped[0].words!;
    expect(words.map((w) => w.text).join('')).toBe(' 請您特別注意責任免除條款');
    const mian = words.find((w) => w.text === '免')!;
    expect(mian).toEqual({ start: 102.2, end: 102.4, text: '免', probability: 0.52 });
    expect(words[0]).toEqual({ start: 100, end: 100.3, text: ' 請', probability: 0.91 });
    // "白" ends at 4.3 s in the window, the end of the join gap: that is the end of piece 1
    expect(mapped[1].words!.map((w) => [w.text, w.start, w.end])).toEqual([
      [' 明', 103.2, 103.7],
      ['白', 103.7, 104],
      ['了', 200, 200.7],
    ]);
  });

  it('leaves words out when tokens cannot be lined up with the text', () => {
    const [seg] = fromBindingSegments([
      { from: 0, to: 1000, text: ' 你好', tokens: [{ text: '再见', id: 5, p: 0.9, from: 0, to: 1000 }] },
    ]);
    expect(mapWindowSegments([seg], W)[0].words).toBeUndefined();
  });
});
