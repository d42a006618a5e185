import { describe, expect, it } from 'vitest';
import { loadRuleSet } from '../../src/rules/index.js';
import { answersByEcho, answersInvertedQuestion, classifyReply, isBareAffirmative } from '../../src/text/lexicon.js';
import { normalize, normText } from '../../src/text/normalize.js';

// the shipped lexicon (rules/lexicon/*.yaml) is data; these tests pin how it is applied
const lex = loadRuleSet().lexicon;
const kind = (s: string): string => classifyReply(normText(s), lex).kind;

describe('reply classification', () => {
  it('affirmatives', () => {
    for (const s of ['是的。', '清楚了', '明白', '好的，同意。', '没问题，我了解了。', '对，自愿投保。', '嗯，明白。'])
      expect(kind(s), s).toBe('affirmative');
  });

  it('hedges are not confirmations, even next to an affirmative word', () => {
    for (const s of ['不太清楚。', '没听懂', '你再说一遍？', '明白，但还是不太清楚', '这个我不太明白', '差不多吧'])
      expect(kind(s), s).toBe('hedge');
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

  it('a clause break separates a no from the yes after it; without one the no negates it', () => {
    const withBreaks = (t: string): string => {
      const n = normalize(t);
      return classifyReply(n.text, lex, n.brk).kind;
    };
    expect(withBreaks('没有，都明白了。')).toBe('affirmative');
    expect(withBreaks('不，我清楚。')).toBe('affirmative');
    expect(withBreaks('没明白。')).toBe('negative');
    expect(withBreaks('没有明白。')).toBe('negative');
  });

  it('a stray character between 不/没 and the yes word is a hedge, a clipped 太清楚 is no yes', () => {
    for (const s of ['这个我不荷太明白。', '我不嗯太清楚', '没啥太懂了']) expect(kind(s), s).not.toBe('affirmative');
    expect(kind('这个我不荷太明白。')).toBe('hedge');
    expect(kind('太清楚。')).toBe('none');
    expect(kind('太清楚了。')).toBe('affirmative');
    expect(kind('不错，明白了')).toBe('affirmative'); // 不错 is not a negation
  });

  it('with slack, a yes with one stray character is still a bare yes; a longer tail is not', () => {
    expect(isBareAffirmative(normText('是抨的，了解。'), lex)).toBe(false);
    expect(isBareAffirmative(normText('是抨的，了解。'), lex, 1)).toBe(true);
    expect(isBareAffirmative(normText('明白，下面说保费'), lex, 1)).toBe(false);
    expect(isBareAffirmative(normText('好的，您看'), lex, 1)).toBe(false);
  });

  it('a short reply that repeats what the question asks is a yes; negated or hedged it is not', () => {
    const q = (question: string, reply: string): boolean => answersByEcho(normText(question), normText(reply), lex);
    expect(q('您填写的都属实吗', '属实。')).toBe(true);
    expect(q('您是否如实填写了投保单', '如实填写了')).toBe(true);
    expect(q('这是您本人签的吗', '本人签的')).toBe(true);
    expect(q('您填写的都属实吗', '不属实')).toBe(false);
    expect(q('您填写的都属实吗', '属实吧，不太清楚')).toBe(false);
    expect(q('您填写的都属实吗', '我女儿帮我填的，应该属实吧我也记不清了')).toBe(false); // too long to be a bare echo
    expect(q('请您签名', '签好了')).toBe(false); // a request, not a yes/no question
  });

  it('a no answers an inverted question as a yes, not an ordinary one', () => {
    const q = (question: string, reply: string): boolean =>
      answersInvertedQuestion(normText(question), normText(reply), lex);
    expect(q('没有人强迫您买吧', '没有，是我自己要买的')).toBe(true);
    expect(q('您对条款还有什么疑问吗', '没有。')).toBe(true);
    expect(q('还有不明白的地方吗', '没什么了')).toBe(true);
    expect(q('您清楚了吗', '没有。')).toBe(false);
    expect(q('有没有疑问', '没有，不太明白')).toBe(false); // a hedge is never a yes
    expect(q('有没有疑问', '有一点')).toBe(false);
  });
});
