import { describe, expect, it } from 'vitest';
import { blocklisted, findLoop, guardSegments } from '../../src/asr/guard.js';

const seg = (start: number, end: number, text: string) => ({ start, end, text });

describe('hallucination guard', () => {
  it('drops known Whisper inventions, whatever the spacing or punctuation', () => {
    const { kept, diagnostics } = guardSegments(
      [
        seg(0, 2, '请您特别注意责任免除条款'),
        seg(2, 4, '字幕由 Amara.org 社群提供'),
        seg(4, 6, '请不吝点赞、订阅、转发、打赏支持明镜与点点栏目'),
        seg(6, 8, '明白了'),
      ],
      { silence: [] },
    );
    expect(kept.map((s) => s.text)).toEqual(['请您特别注意责任免除条款', '明白了']);
    expect(diagnostics.map((d) => [d.kind, d.start, d.text])).toEqual([
      ['dropped-blocklist', 2, '字幕由 Amara.org 社群提供'],
      ['dropped-blocklist', 4, '请不吝点赞、订阅、转发、打赏支持明镜与点点栏目'],
    ]);
  });

  it('keeps short answers a customer really gives', () => {
    for (const t of ['嗯', '谢谢', '好好好', '对对对对', '是的，我明白', '再见'])
      expect(blocklisted(t)).toBeUndefined();
    expect(findLoop('好好好')).toBeUndefined();
    expect(findLoop('对对对对')).toBeUndefined();
  });

  it('drops a segment that lies in silence and keeps one that only touches it', () => {
    const { kept, diagnostics } = guardSegments([seg(10, 12, '保险期间二十年'), seg(19, 21, '犹豫期十五天')], {
      silence: [
        { start: 9.8, end: 12.2 },
        { start: 20.5, end: 30 },
      ],
    });
    expect(kept.map((s) => s.text)).toEqual(['犹豫期十五天']);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ kind: 'dropped-silence', start: 10, end: 12 });
    expect(diagnostics[0].message).toMatch(/100% of the segment lies in silence/);
  });

  it('collapses a loop inside a segment and marks it low-confidence', () => {
    const { kept, diagnostics } = guardSegments([seg(0, 30, '现金价值是现金价值是现金价值是现金价值是现金价值是')], {
      silence: [],
    });
    expect(kept).toEqual([{ start: 0, end: 30, text: '现金价值是', lowConfidence: true }]);
    expect(diagnostics[0]).toMatchObject({ kind: 'repetition-loop' });
    expect(diagnostics[0].message).toMatch(/"现金价值是" ×5/);
  });

  it('drops the third and later copies of the same segment in a row', () => {
    const { kept, diagnostics } = guardSegments(
      [
        seg(0, 2, '这个产品保本保息'),
        seg(2, 4, '这个产品保本保息'),
        seg(4, 6, '这个产品保本保息。'),
        seg(6, 8, '这个产品保本保息'),
        seg(8, 9, '好的'),
      ],
      { silence: [] },
    );
    expect(kept.map((s) => [s.start, s.text])).toEqual([
      [0, '这个产品保本保息'],
      [2, '这个产品保本保息'],
      [8, '好的'],
    ]);
    expect(kept[1].lowConfidence).toBe(true);
    expect(diagnostics.filter((d) => d.kind === 'repetition-loop').map((d) => d.start)).toEqual([4, 6]);
  });

  it('finds the widest loop', () => {
    expect(findLoop('啊啊啊啊啊啊啊啊')).toEqual({ unit: '啊', count: 8, index: 0 });
    expect(findLoop('我说的是ABABABAB吗')).toMatchObject({ unit: 'AB', count: 4 });
    expect(findLoop('请您仔细阅读条款')).toBeUndefined();
  });
});
