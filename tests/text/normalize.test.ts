import { describe, expect, it } from 'vitest';
import { normalize, normText } from '../../src/text/normalize.js';
import { parseChineseNumber, readNumeralBySound } from '../../src/text/numerals.js';
import { canonText, fuzzyKey, toPinyin } from '../../src/text/pinyin.js';

describe('normalize', () => {
  it('folds full width, case and punctuation', () => {
    expect(normText('ＡＢＣ１２３，　你好！')).toBe('abc123你好');
  });

  it('converts traditional to simplified', () => {
    expect(normText('責任免除條款')).toBe('责任免除条款');
  });

  it('turns numerals before a unit into digits, and leaves words alone', () => {
    expect(normText('犹豫期为十五天')).toBe('犹豫期为15天');
    expect(normText('年交保费一万二千元')).toBe('年交保费12000元');
    expect(normText('百分之三')).toBe('3%');
    expect(normText('两年')).toBe('2年');
    expect(normText('跟存款一样')).toBe('跟存款一样');
    expect(normText('万能险')).toBe('万能险');
    expect(normText('千万不要')).toBe('千万不要');
  });

  it('recognises a misheard unit by sound (十五填 → 15填)', () => {
    expect(normText('十五填')).toBe('15填');
  });

  it('does not join numerals across a clause break', () => {
    expect(normText('百分之三，两年')).toBe('3%2年');
  });

  it('keeps offsets into the original text and clause breaks', () => {
    const src = '您好，犹豫期十五天';
    const n = normalize(src);
    expect(n.text).toBe('您好犹豫期15天');
    // every normalised character points at a character of the source
    const i = n.text.indexOf('犹');
    expect(src[n.orig[i]]).toBe('犹');
    expect(n.brk[i]).toBe(true);
    expect(src.slice(n.orig[n.text.indexOf('1')], n.orig[n.text.indexOf('天')] + 1)).toBe('十五天');
  });
});

describe('pinyin', () => {
  it('gives tone-less pinyin and merges ASR-confusable sounds', () => {
    expect(toPinyin('责任免除')).toEqual(['ze', 'ren', 'mian', 'chu']);
    expect(fuzzyKey('zhong')).toBe('zon');
    expect(fuzzyKey('lan')).toBe(fuzzyKey('nang'));
    expect(fuzzyKey('fu')).toBe(fuzzyKey('hu'));
  });

  it('maps homophones to the same sound-class string', () => {
    expect(canonText('则任勉除')).toBe(canonText('责任免除'));
    expect(canonText('保本')).not.toBe(canonText('保费'));
    // offsets are kept: one unit in, one unit out
    expect(canonText('犹豫期15天').length).toBe('犹豫期15天'.length);
  });
});

describe('numerals', () => {
  it('parses well-formed Chinese numbers only', () => {
    expect(parseChineseNumber('十五')).toBe(15);
    expect(parseChineseNumber('两万三千')).toBe(23000);
    expect(parseChineseNumber('八千六百')).toBe(8600);
    expect(parseChineseNumber('十十五')).toBeUndefined();
  });

  it('reads numerals written as homophones back by sound', () => {
    expect(readNumeralBySound('十午')).toBe(15);
    expect(readNumeralBySound('是十午')).toBe(15);
    expect(readNumeralBySound('两湾')).toBe(20000);
    expect(readNumeralBySound('从您')).toBeUndefined();
  });
});
