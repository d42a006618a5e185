// Negation around a claim: "本产品不保本" / "不能保证收益" / "保本是不可能的" deny the claim;
// "这个产品保本", "哪有不保本的" (rhetorical), "不是不保本" (double negative) make it.
// Also dismissals for required disclosures: "责任免除您回去自己看就行" is not a disclosure.
// Compared by sound (view.canon and the lexicon's sound-class lists): ASR often writes 不 as 布.
import { findWord, type Lexicon } from '../../text/lexicon.js';
import { canonChar } from '../../text/pinyin.js';
import type { Hit } from './hit.js';

/** normalised text and its sound-class form, same length */
interface Span {
  norm: string;
  canon: string;
}

function mask(s: Span, i: number, len: number): Span {
  const blank = '\u0000'.repeat(len);
  return { norm: s.norm.slice(0, i) + blank + s.norm.slice(i + len), canon: s.canon.slice(0, i) + blank + s.canon.slice(i + len) };
}

function countNegators(span: Span, lex: Lexicon): number {
  let rest = span;
  for (const w of lex.not_negators) {
    for (let i = findWord(rest.norm, rest.canon, w, lex); i >= 0; i = findWord(rest.norm, rest.canon, w, lex)) rest = mask(rest, i, w.length);
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
  return list.find((w) => findWord(span.norm, span.canon, w, lex) >= 0);
}

/** The text before the hit that can still negate it: same clause, after the last contrast word. */
function prefixOf(hit: Hit, lex: Lexicon, max: number): Span {
  const v = hit.view;
  const from = Math.max(v.clauseStart(hit.start), hit.start - max);
  let p: Span = { norm: v.text.slice(from, hit.start), canon: v.canon.slice(from, hit.start) };
  for (const c of lex.conjunctions) {
    let last = -1;
    for (let i = findWord(p.norm, p.canon, c, lex); i >= 0; i = findWord(p.norm, p.canon, c, lex, i + 1)) last = i;
    if (last >= 0) p = { norm: p.norm.slice(last + c.length), canon: p.canon.slice(last + c.length) };
  }
  return p;
}

export interface NegationResult {
  negated: boolean;
  /** the words that decided it */
  cue?: string;
  /** not negated as written, but a character right before the claim sounds like 不/没/非 ("布保本"):
   *  the negation may have been misheard */
  damaged?: string;
}

const NEGATOR_SOUNDS = new Set(['不', '没', '非'].map(canonChar));
const WRITTEN_NEGATORS = '不没无非未别勿莫';

export function negationOf(hit: Hit, lex: Lexicon): NegationResult {
  const v = hit.view;
  const prefix = prefixOf(hit, lex, 6);
  const wide = prefixOf(hit, lex, 12);
  const n = countNegators(prefix, lex);
  const rhetorical = has(wide, lex.rhetorical, lex);
  if (n % 2 === 1) {
    // "哪有不保本的" / "难道不保本吗": a rhetorical negative asserts the claim
    if (rhetorical) return { negated: false, cue: lex.display.get(rhetorical) };
    return { negated: true, cue: prefix.norm };
  }
  const clauseEnd = v.clauseEnd(Math.max(hit.start, hit.end - 1));
  const to = Math.min(clauseEnd, hit.end + 10);
  const suffix: Span = { norm: v.text.slice(hit.end, to), canon: v.canon.slice(hit.end, to) };
  const post = lex.post_negators.find((p) => {
    const i = findWord(suffix.norm, suffix.canon, p, lex);
    return i >= 0 && i <= 3;
  });
  if (post && !rhetorical) return { negated: true, cue: lex.display.get(post) };
  if (!rhetorical) {
    const near = prefix.norm.slice(-2);
    const odd = [...near].find((c) => !WRITTEN_NEGATORS.includes(c) && NEGATOR_SOUNDS.has(canonChar(c)));
    if (odd) return { negated: false, damaged: odd };
    // "它不是存款，也是我们银行的理财产品": after a denial, 也 carries the 不 ASR dropped
    const cs = v.clauseStart(hit.start);
    const before = v.text.slice(Math.max(0, cs - 16), cs);
    if (prefix.norm.includes('也') && /不是|并非|不属于|不同于/.test(before)) return { negated: false, damaged: '也' };
  }
  return { negated: false };
}

/** A required disclosure waved away in the same breath ("责任免除就不念了，您回去看"). */
export function dismissalOf(hit: Hit, lex: Lexicon): string | undefined {
  const v = hit.view;
  const seg = v.seg[hit.start];
  let end = hit.end;
  while (end < v.length && end < hit.end + 14 && v.seg[end] === seg) end++;
  const start = Math.max(v.clauseStart(hit.start), hit.start - 6);
  const ctx: Span = { norm: v.text.slice(start, hit.start) + '|' + v.text.slice(hit.end, end), canon: v.canon.slice(start, hit.start) + '|' + v.canon.slice(hit.end, end) };
  return has(ctx, lex.dismissals, lex);
}
