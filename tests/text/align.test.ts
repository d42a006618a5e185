import { describe, expect, it } from 'vitest';
import type { Segment } from '../../src/model/index.js';
import { alignWindow, findAligned } from '../../src/text/align.js';
import { makePattern, TextView } from '../../src/text/corpus.js';

function view(...texts: string[]): TextView {
  const segs: Segment[] = texts.map((text, id) => ({ id, start: id * 5, end: id * 5 + 4, text }));
  return new TextView(segs);
}

describe('local alignment over characters and pinyin', () => {
  const script = makePattern('请您特别注意保险合同中的责任免除条款');

  it('finds the canonical sentence verbatim with full coverage and the matched span', () => {
    const v = view('好的，下面请您特别注意保险合同中的责任免除条款，谢谢。');
    const [r] = findAligned(script, v, 0.7);
    expect(r.coverage).toBeCloseTo(1, 5);
    expect(v.original(r.start, r.end)).toBe('请您特别注意保险合同中的责任免除条款');
  });

  it('tolerates homophone ASR errors (则任勉除 ≈ 责任免除) with slightly lower coverage', () => {
    const v = view('请您特别注意保险合同中的则任勉除条款');
    const [r] = findAligned(script, v, 0.7);
    expect(r.coverage).toBeGreaterThan(0.9);
    expect(r.coverage).toBeLessThan(1);
  });

  it('tolerates dropped and inserted characters, and reports partial coverage', () => {
    const v = view('请您注意合同中的责任免除条款');
    const r = alignWindow(script, v, 0, v.length)!;
    expect(r.coverage).toBeGreaterThan(0.6);
    expect(r.coverage).toBeLessThan(0.9);
  });

  it('finds a sentence that spans two segments', () => {
    const v = view('请您特别注意保险合同中的', '责任免除条款');
    const [r] = findAligned(script, v, 0.7);
    expect(r).toBeDefined();
    expect(v.seg[r.start]).toBe(0);
    expect(v.seg[r.end - 1]).toBe(1);
    expect(v.original(r.start, r.end)).toBe('请您特别注意保险合同中的 责任免除条款');
  });

  it('finds nothing in unrelated text', () => {
    const v = view('今天天气不错，我们聊聊您的养老规划，以后每年都可以领取年金。');
    expect(findAligned(script, v, 0.7)).toEqual([]);
  });

  it('finds the sentence in a long transcript, more than once', () => {
    const filler = Array.from({ length: 300 }, (_, i) => `这是第${i}段无关的话，我们继续往下看。`);
    filler[40] = '请您特别注意保险合同中的责任免除条款。';
    filler[250] = '再说一次，请您特别注意保险合同中的责任免除条款。';
    const v = view(...filler);
    const hits = findAligned(script, v, 0.7);
    expect(hits.map((h) => v.seg[h.start])).toEqual([40, 250]);
  });
});
