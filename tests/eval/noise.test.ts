import { describe, expect, it } from 'vitest';
import { pinyin } from 'pinyin-pro';
import {
  applyAsrNoise,
  commonHanzi,
  fuzzyPinyin,
  homophonesOf,
  nearHomophonesOf,
  noiseText,
  tonelessPinyin,
} from '../../src/eval/noise.js';
import { generateEvalSet } from '../../scripts/lib/eval-sets/generated.js';
import type { Transcript } from '../../src/model/index.js';

// Real disclosure text from the generated set: a few thousand characters.
const corpus = generateEvalSet()
  .slice(0, 12)
  .flatMap((s) => s.transcript.segments.map((x) => x.text))
  .join('');

const contextual = (text: string) =>
  pinyin(text, { type: 'all', toneType: 'none' }).map((r) => ({
    ch: r.origin,
    py: r.pinyin,
    zh: /\p{Script=Han}/u.test(r.origin),
  }));

// Independent index of the common set: reading → characters, fuzzy key → readings.
const readings = new Map<string, Set<string>>();
const fuzzyKeys = new Map<string, Set<string>>();
for (const c of commonHanzi()) {
  const py = pinyin(c, { toneType: 'none' });
  if (!readings.has(py)) readings.set(py, new Set());
  readings.get(py)!.add(c);
  const k = fuzzyPinyin(py);
  if (!fuzzyKeys.has(k)) fuzzyKeys.set(k, new Set());
  fuzzyKeys.get(k)!.add(py);
}

describe('character tables', () => {
  it('holds the GB2312 level-1 set, all Han', () => {
    const chars = commonHanzi();
    expect(chars.length).toBe(3755);
    expect(chars.every((c) => /^\p{Script=Han}$/u.test(c))).toBe(true);
    expect(new Set(chars).size).toBe(chars.length);
  });

  it('homophones really share the tone-less reading', () => {
    for (const py of ['shi', 'bao', 'zhi', 'yi', 'mian']) {
      const hs = homophonesOf(py);
      expect(hs.length).toBeGreaterThan(3);
      for (const h of hs) expect(tonelessPinyin(h)).toBe(py);
    }
  });

  it('near-homophones differ in reading but share the fuzzy key', () => {
    const near = nearHomophonesOf('zhu');
    expect(near.length).toBeGreaterThan(0);
    for (const c of near) {
      expect(tonelessPinyin(c)).not.toBe('zhu');
      expect(fuzzyPinyin(tonelessPinyin(c))).toBe(fuzzyPinyin('zhu'));
    }
    expect(fuzzyPinyin('zhang')).toBe('zan');
    expect(fuzzyPinyin('nian')).toBe('lian');
    expect(fuzzyPinyin('fu')).toBe('hu');
  });
});

describe('noiseText', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = noiseText(corpus, { rate: 0.1, seed: 7 });
    const b = noiseText(corpus, { rate: 0.1, seed: 7 });
    const c = noiseText(corpus, { rate: 0.1, seed: 8 });
    expect(a.text).toBe(b.text);
    expect(a.stats).toEqual(b.stats);
    expect(c.text).not.toBe(a.text);
    expect(a.text).not.toBe(corpus);
  });

  it('leaves text alone at rate 0', () => {
    const r = noiseText(corpus, { rate: 0, seed: 1 });
    expect(r.text).toBe(corpus);
    expect(r.stats.realisedRate).toBe(0);
    expect(r.stats.hanChars).toBeGreaterThan(2000);
  });

  it('roughly honours the rate and the mix', () => {
    for (const rate of [0.05, 0.1, 0.2]) {
      const { stats } = noiseText(corpus, { rate, seed: 3 });
      expect(Math.abs(stats.realisedRate - rate)).toBeLessThan(rate * 0.2 + 0.005);
      const errors = stats.substitutions + stats.deletions + stats.insertions;
      expect(stats.substitutions / errors).toBeGreaterThan(0.6);
      expect(stats.substitutions / errors).toBeLessThan(0.8);
      expect(stats.deletions).toBeGreaterThan(0);
      expect(stats.insertions).toBeGreaterThan(0);
    }
  });

  it('substitutes with characters that sound the same (in context) or nearly the same', () => {
    const mix = { substitute: 1, delete: 0, insert: 0 };
    const orig = contextual(corpus);
    for (const exactShare of [1, 0]) {
      const { text, stats } = noiseText(corpus, { rate: 0.3, seed: 11, mix, exactShare });
      const out = [...text];
      expect(out.length).toBe(orig.length); // substitutions only: positions line up
      let changed = 0;
      for (let i = 0; i < out.length; i++) {
        const o = orig[i]!;
        if (out[i] === o.ch) continue;
        changed++;
        expect(o.zh).toBe(true);
        const got = tonelessPinyin(out[i]!);
        const hasExact = (readings.get(o.py)?.size ?? 0) > (readings.get(o.py)?.has(o.ch) ? 1 : 0);
        const hasNear = [...(fuzzyKeys.get(fuzzyPinyin(o.py)) ?? [])].some((py) => py !== o.py);
        if (hasExact && (exactShare === 1 || !hasNear)) {
          expect(got).toBe(o.py);
        } else if (hasNear) {
          expect(got).not.toBe(o.py);
          expect(fuzzyPinyin(got)).toBe(fuzzyPinyin(o.py));
        } else {
          // no neighbour at all (给 gei): same leading sound
          expect(fuzzyPinyin(got)[0]).toBe(fuzzyPinyin(o.py)[0]);
        }
      }
      expect(changed).toBeGreaterThan(0);
      expect(changed).toBeLessThanOrEqual(stats.substitutions);
      if (exactShare === 0) expect(stats.nearHomophones).toBeGreaterThan(stats.exactHomophones);
    }
  });

  it('never touches digits, Latin letters or punctuation', () => {
    const text = '犹豫期15天，工号RF2023-0571，保费20000元。';
    const { text: noised } = noiseText(text, { rate: 1, seed: 5 });
    const strip = (s: string) => [...s].filter((c) => !/\p{Script=Han}/u.test(c)).join('');
    expect(strip(noised)).toBe(strip(text));
  });

  it('rejects a rate outside 0..1', () => {
    expect(() => noiseText('你好', { rate: 1.5, seed: 1 })).toThrow(RangeError);
  });
});

describe('applyAsrNoise', () => {
  const transcript: Transcript = {
    source: { kind: 'import', format: 'dualrec-json', file: 'x.transcript.json' },
    language: 'zh',
    segments: [
      { id: 0, start: 1, end: 6, text: '请您特别注意合同中的责任免除条款。', speaker: 'A', role: 'agent' },
      { id: 1, start: 7, end: 8, text: '是。', speaker: 'C', role: 'customer' },
      {
        id: 2,
        start: 9,
        end: 12,
        text: '犹豫期十五天',
        speaker: 'A',
        role: 'agent',
        words: [
          { start: 9, end: 10, text: '犹豫期' },
          { start: 10, end: 11, text: '十五' },
          { start: 11, end: 12, text: '天' },
        ],
      },
    ],
  };

  it('keeps times, speakers and roles, and words consistent with the text', () => {
    for (let seed = 0; seed < 30; seed++) {
      const { transcript: out } = applyAsrNoise(transcript, { rate: 0.3, seed, key: 's1' });
      for (const seg of out.segments) {
        const src = transcript.segments.find((s) => s.start === seg.start)!;
        expect(seg.end).toBe(src.end);
        expect(seg.speaker).toBe(src.speaker);
        expect(seg.role).toBe(src.role);
        if (seg.words) {
          expect(seg.words.map((w) => w.text).join('')).toBe(seg.text);
          for (const w of seg.words)
            expect(src.words!.some((sw) => sw.start === w.start && sw.end === w.end)).toBe(true);
        }
      }
      expect(out.segments.map((s) => s.id)).toEqual(out.segments.map((_, i) => i));
    }
  });

  it('drops a segment whose only character was deleted', () => {
    const one: Transcript = { ...transcript, segments: [transcript.segments[1]!] };
    const outcomes = new Set<number>();
    for (let seed = 0; seed < 200; seed++) {
      outcomes.add(
        applyAsrNoise(one, { rate: 1, seed, mix: { substitute: 0, delete: 1, insert: 0 } }).transcript.segments.length,
      );
    }
    expect(outcomes).toEqual(new Set([0]));
  });

  it('is deterministic per key and notes the simulation in diagnostics', () => {
    const a = applyAsrNoise(transcript, { rate: 0.2, seed: 1, key: 'a' });
    const b = applyAsrNoise(transcript, { rate: 0.2, seed: 1, key: 'a' });
    expect(a).toEqual(b);
    expect(a.transcript.diagnostics?.at(-1)?.message).toMatch(/simulated ASR noise/);
    expect(transcript.diagnostics).toBeUndefined(); // input untouched
  });
});
