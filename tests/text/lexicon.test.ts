import { describe, expect, it } from 'vitest';
import { loadRuleSet } from '../../src/rules/index.js';
import { classifyReply, isBareAffirmative } from '../../src/text/lexicon.js';
import { normText } from '../../src/text/normalize.js';

// the shipped lexicon (rules/lexicon/*.yaml) is data; these tests pin how it is applied
const lex = loadRuleSet().lexicon;
const kind = (s: string): string => classifyReply(normText(s), lex).kind;

describe('reply classification', () => {
  it('affirmatives', () => {
    for (const s of ['是的。', '清楚了', '明白', '好的，同意。', '没问题，我了解了。', '对，自愿投保。', '嗯，明白。']) expect(kind(s), s).toBe('affirmative');
  });

  it('hedges are not confirmations, even next to an affirmative word', () => {
    for (const s of ['不太清楚。', '没听懂', '你再说一遍？', '明白，但还是不太清楚', '这个我不太明白', '差不多吧']) expect(kind(s), s).toBe('hedge');
  });

  it('negatives, including an affirmative right after a negator', () => {
    for (const s of ['不清楚', '不同意', '没明白', '不是。']) expect(kind(s), s).toBe('negative');
  });

  it('homophone ASR errors keep their meaning (布太清楚 is still a hedge)', () => {
    expect(kind('布太清楚')).toBe('hedge');
    expect(kind('青楚了')).toBe('affirmative');
  });

  it('a one-character yes counts only at the start', () => {
    expect(kind('其实是我儿子让我买的')).toBe('none');
    expect(kind('是，我本人')).toBe('affirmative');
  });

  it('bare affirmatives (an agent saying them alone answers for the customer)', () => {
    expect(isBareAffirmative(normText('是的，清楚。'), lex)).toBe(true);
    expect(isBareAffirmative(normText('明白的明白的'), lex)).toBe(true);
    // a mere acknowledgement is not an answer
    expect(isBareAffirmative(normText('好的'), lex)).toBe(false);
    expect(isBareAffirmative(normText('好的，下面我们看一下保费'), lex)).toBe(false);
  });
});
