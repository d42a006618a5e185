// Negation around a claim: "本产品不保本" / "不能保证收益" / "保本是不可能的" deny the claim;
// "这个产品保本", "哪有不保本的" (rhetorical), "不是不保本" (double negative) make it.
// Also dismissals for required disclosures: "责任免除您回去自己看就行" is not a disclosure.
// Compared by sound (view.canon and the lexicon's sound-class lists): ASR often writes 不 as 布.
import { findWord, firstWord, type Lexicon } from '../../text/lexicon.js';
import { canonChar, canonText } from '../../text/pinyin.js';
import { normText } from '../../text/normalize.js';
import type { Hit } from './hit.js';

/** normalised text and its sound-class form, same length */
interface Span {
  norm: string;
  canon: string;
}

function mask(s: Span, i: number, len: number): Span {
  const blank = '\u0000'.repeat(len);
  return {
    norm: s.norm.slice(0, i) + blank + s.norm.slice(i + len),
    canon: s.canon.slice(0, i) + blank + s.canon.slice(i + len),
  };
}

function countNegators(span: Span, lex: Lexicon): number {
  let rest = span;
  for (const w of lex.not_negators) {
    for (let i = findWord(rest.norm, rest.canon, w, lex); i >= 0; i = findWord(rest.norm, rest.canon, w, lex))
      rest = mask(rest, i, w.length);
  }
  let count = 0;
  for (const n of lex.negators) {
    for (let i = findWord(rest.norm, rest.canon, n, lex); i >= 0; i = findWord(rest.norm, rest.canon, n, lex)) {
      count++;
      rest = mask(rest, i, n.length);
    }
  }
  return count;
}

function has(span: Span, list: string[], lex: Lexicon): string | undefined {
  return firstWord(span.norm, span.canon, list, lex);
}

/** The text before the hit that can still negate it: same scope clause, after the last contrast word. */
function prefixOf(hit: Hit, lex: Lexicon, max: number): Span {
  const v = hit.view;
  const from = Math.max(v.scopeStart(hit.start), v.sentenceStart(hit.start), hit.start - max);
  return afterContrast({ norm: v.text.slice(from, hit.start), canon: v.canon.slice(from, hit.start) }, lex);
}

/** what follows the last contrast word (但是, 其实 …): a new assertion starts there */
function afterContrast(p: Span, lex: Lexicon): Span {
  for (const c of lex.conjunctions) {
    let last = -1;
    for (let i = findWord(p.norm, p.canon, c, lex); i >= 0; i = findWord(p.norm, p.canon, c, lex, i + 1)) last = i;
    if (last >= 0) p = { norm: p.norm.slice(last + c.length), canon: p.canon.slice(last + c.length) };
  }
  return p;
}

/** what comes before the first contrast word: a caution after "但是" does not reach back */
function beforeContrast(p: Span, lex: Lexicon): Span {
  let first = p.norm.length;
  for (const c of lex.contrasts) {
    const i = findWord(p.norm, p.canon, c, lex);
    if (i >= 0 && i < first) first = i;
  }
  return { norm: p.norm.slice(0, first), canon: p.canon.slice(0, first) };
}

/** a lexicon word in the span that is not itself negated ("有风险" in "没有风险" is not a caution) */
function unnegated(span: Span, list: string[], lex: Lexicon): string | undefined {
  for (const w of list) {
    for (let i = findWord(span.norm, span.canon, w, lex); i >= 0; i = findWord(span.norm, span.canon, w, lex, i + 1)) {
      const before = span.norm.slice(Math.max(0, i - 1), i);
      if (!before || !WRITTEN_NEGATORS.includes(before)) return w;
    }
  }
  return undefined;
}

export interface NegationResult {
  negated: boolean;
  /** the words that decided it */
  cue?: string;
  /** how: a negator in the clause, a caution frame (切勿 / 不得 / 误导 …), the claim denied after it,
   *  or the sentence saying the thing is uncertain */
  how?: 'negator' | 'caution' | 'post' | 'uncertain';
  /** not negated as written, but a character right before the claim sounds like 不/没/非 ("布保本"):
   *  the negation may have been misheard */
  damaged?: string;
}

const NEGATOR_SOUNDS = new Set(['不', '没', '非'].map(canonChar));
const WRITTEN_NEGATORS = '不没无非未别勿莫';
/** how far back a plain negator (不, 没有, 并非) reaches inside its clause */
const NEGATOR_REACH = 10;
/** how far back a caution frame (切勿, 不得, 请不要 …) reaches inside its clause */
const CAUTION_REACH = 40;

/**
 * Is the claim at `hit` denied, warned against or called uncertain by its clause or sentence?
 * "本产品不保本" (negator), "切勿把本产品视同储蓄或与定期存款简单对比" (caution frame over the clause,
 * across 、 and quotes), "保本是不可能的" (denied after), "非保证部分可能为零，不能按保证收益理解"
 * (negator), "有人说跟存款一样，这是误导" (judged after, same sentence), "分红是不确定的，…" (the
 * sentence calls it uncertain). A contrast word (但是 …) starts a new assertion; a rhetorical
 * question ("哪有不保本的") asserts.
 */
export function negationOf(hit: Hit, lex: Lexicon): NegationResult {
  const v = hit.view;
  const prefix = prefixOf(hit, lex, NEGATOR_REACH);
  const wide = prefixOf(hit, lex, CAUTION_REACH);
  const rhetorical = has(prefixOf(hit, lex, 12), lex.rhetorical, lex);
  if (rhetorical) {
    // "哪有不保本的" / "难道不保本吗": a rhetorical negative asserts the claim
    return { negated: false, cue: lex.display.get(rhetorical) };
  }
  const caution = unnegatedFrame(wide, lex);
  if (caution) return { negated: true, cue: lex.display.get(caution) ?? caution, how: 'caution' };
  const reported = reportedQuote(hit, lex);
  if (reported) return { negated: true, cue: reported, how: 'caution' };
  // a caution that heads a list ("以下行为均属于销售误导：夸大收益；把保险说成银行存款…") covers its items
  const heading = listHeading(hit, lex);
  if (heading) return { negated: true, cue: lex.display.get(heading) ?? heading, how: 'caution' };
  // "也不保本、不保证收益": an item of a list that carries its own negator is denied by it, whatever the
  // items before it say (their 不 does not cancel its 不)
  const itemStart = v.clauseStart(hit.start);
  if (itemStart > v.scopeStart(hit.start) && itemStart < hit.start) {
    const item = { norm: v.text.slice(itemStart, hit.start), canon: v.canon.slice(itemStart, hit.start) };
    if (countNegators(item, lex) % 2 === 1) return { negated: true, cue: item.norm, how: 'negator' };
  }
  // an all / at_least match: a negator between its words counts too ("本金不一定能全额拿回")
  const gaps = gapsOf(hit);
  const n = countNegators(prefix, lex) + gaps.reduce((k, g) => k + countNegators(g, lex), 0);
  if (n % 2 === 1) return { negated: true, cue: prefix.norm, how: 'negator' };

  // after the claim: the rest of its clause, then the rest of the sentence up to a contrast word
  const clauseEnd = v.scopeEnd(Math.max(hit.start, hit.end - 1));
  const sentenceEnd = Math.min(v.sentenceEnd(Math.max(hit.start, hit.end - 1)), hit.end + CAUTION_REACH);
  const suffix: Span = {
    norm: v.text.slice(hit.end, Math.min(clauseEnd, hit.end + 12)),
    canon: v.canon.slice(hit.end, Math.min(clauseEnd, hit.end + 12)),
  };
  const post = lex.post_negators.find((p) => {
    const i = findWord(suffix.norm, suffix.canon, p, lex);
    return i >= 0 && i <= 4;
  });
  if (post) return { negated: true, cue: lex.display.get(post), how: 'post' };
  const rest = beforeContrast(
    { norm: v.text.slice(hit.end, sentenceEnd), canon: v.canon.slice(hit.end, sentenceEnd) },
    lex,
  );
  const judged = has(rest, lex.judgements, lex);
  if (judged) return { negated: true, cue: lex.display.get(judged), how: 'caution' };
  // the sentence around the claim calls it uncertain, with no contrast word between
  const sentenceStart = Math.max(v.sentenceStart(hit.start), hit.start - CAUTION_REACH);
  const before = afterContrast(
    { norm: v.text.slice(sentenceStart, hit.start), canon: v.canon.slice(sentenceStart, hit.start) },
    lex,
  );
  const uncertain = unnegated(before, lex.uncertainty, lex) ?? unnegated(rest, lex.uncertainty, lex);
  if (uncertain) return { negated: true, cue: lex.display.get(uncertain), how: 'uncertain' };

  const near = prefix.norm.slice(-2);
  const odd = [...near].find((c) => !WRITTEN_NEGATORS.includes(c) && NEGATOR_SOUNDS.has(canonChar(c)));
  if (odd) return { negated: false, damaged: odd };
  // "它不是存款，也是我们银行的理财产品": after a denial, 也 carries the 不 ASR dropped
  const cs = v.clauseStart(hit.start);
  const beforeClause = v.text.slice(Math.max(0, cs - 16), cs);
  if (prefix.norm.includes('也') && /不是|并非|不属于|不同于/.test(beforeClause))
    return { negated: false, damaged: '也' };
  return { negated: false };
}

/** A caution or judgement word before a colon earlier in the hit's sentence, with no contrast word
 *  after it: a heading whose list the hit is an item of. */
const LIST_HEADING_REACH = 1000;

function listHeading(hit: Hit, lex: Lexicon): string | undefined {
  const v = hit.view;
  const s = v.sentenceStart(hit.start);
  const seg = v.segments[v.seg[hit.start]];
  // the colon is punctuation, so it is only in the original text: look for it there — not further
  // back than any real list reaches, so a long text without sentence ends stays linear to check
  for (let p = hit.start - 1; p > s && p >= hit.start - LIST_HEADING_REACH; p--) {
    if (!v.cbrk[p] || v.seg[p] !== v.seg[hit.start]) continue;
    const between = seg.text.slice(v.orig[p - 1] + 1, v.orig[p]);
    if (!/[：:]/.test(between)) continue;
    const head: Span = { norm: v.text.slice(s, p), canon: v.canon.slice(s, p) };
    return unnegated(head, lex.cautions, lex) ?? has(head, lex.judgements, lex);
  }
  return undefined;
}

/** The hit inside a quotation that a reporting word introduces ("业务员承认说过“有病看病、没病养老”"):
 *  someone's words cited, not the speaker's claim. Quotes live only in the original text. */
function reportedQuote(hit: Hit, lex: Lexicon): string | undefined {
  const v = hit.view;
  const seg = v.segments[v.seg[hit.start]];
  const at = v.orig[hit.start];
  const before = seg.text.slice(Math.max(0, at - 40), at);
  const open = Math.max(before.lastIndexOf('“'), before.lastIndexOf('「'), before.lastIndexOf('『'));
  if (open < 0 || /[”」』]/.test(before.slice(open + 1))) return undefined;
  // the reporting words end right before the quote, or a few characters before it with the topic between
  // ("业务员说储蓄险「比定存好」")
  const lead = canonText(normText(before.slice(Math.max(0, open - 10), open)));
  const w = lex.reported_speech.find(
    (r) => lead.endsWith(r) || lead.slice(0, -1).endsWith(r) || (r.length >= 3 && lead.includes(r)),
  );
  return w && (lex.display.get(w) ?? w);
}

/** the text between the words of an all / at_least match */
function gapsOf(hit: Hit): Span[] {
  if (!hit.parts || hit.parts.length < 2) return [];
  const v = hit.view;
  const parts = [...hit.parts].sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (let i = 1; i < parts.length; i++) {
    const a = parts[i - 1].end;
    const b = parts[i].start;
    if (b > a) out.push({ norm: v.text.slice(a, b), canon: v.canon.slice(a, b) });
  }
  return out;
}

/** a caution frame in the clause before the claim ("请勿", "不得", "切勿", "警惕"), not itself denied */
function unnegatedFrame(span: Span, lex: Lexicon): string | undefined {
  return unnegated(span, lex.cautions, lex);
}

/** A required disclosure waved away in the same breath ("责任免除就不念了，您回去看"). */
export function dismissalOf(hit: Hit, lex: Lexicon): string | undefined {
  const v = hit.view;
  const seg = v.seg[hit.start];
  // up to the end of the sentence ("免责的那些条款，合同后面都写着呢，内容比较多，您回去自己翻一下就行")
  let end = hit.end;
  const sentenceEnd = Math.min(v.sentenceEnd(Math.max(hit.start, hit.end - 1)), hit.end + 36);
  while (end < sentenceEnd && (v.seg[end] === seg || !v.tbrk[end])) end++;
  const start = Math.max(v.clauseStart(hit.start), hit.start - 6);
  const ctx: Span = {
    norm: v.text.slice(start, hit.start) + '|' + v.text.slice(hit.end, end),
    canon: v.canon.slice(start, hit.start) + '|' + v.canon.slice(hit.end, end),
  };
  return has(ctx, lex.dismissals, lex);
}
