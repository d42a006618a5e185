// Negation around a claim: "本产品不保本" / "不能保证收益" / "保本是不可能的" deny the claim;
// "这个产品保本", "哪有不保本的" (rhetorical), "不是不保本" (double negative) make it.
// Also dismissals for required disclosures: "责任免除您回去自己看就行" is not a disclosure.
import type { Lexicon } from '../../text/lexicon.js';
import type { Hit } from './hit.js';

function countNegators(text: string, lex: Lexicon): number {
  let rest = text;
  for (const w of lex.not_negators) rest = rest.split(w).join('\u0000'.repeat(w.length));
  let count = 0;
  for (const n of lex.negators) {
    let i = rest.indexOf(n);
    while (i >= 0) {
      count++;
      rest = rest.slice(0, i) + '\u0000'.repeat(n.length) + rest.slice(i + n.length);
      i = rest.indexOf(n);
    }
  }
  return count;
}

/** The text before the hit that can still negate it: same clause, after the last contrast word. */
function prefixOf(hit: Hit, lex: Lexicon, max: number): string {
  const v = hit.view;
  const from = Math.max(v.clauseStart(hit.start), hit.start - max);
  let prefix = v.text.slice(from, hit.start);
  for (const c of lex.conjunctions) {
    const i = prefix.lastIndexOf(c);
    if (i >= 0) prefix = prefix.slice(i + c.length);
  }
  return prefix;
}

export interface NegationResult {
  negated: boolean;
  /** the words that decided it */
  cue?: string;
}

export function negationOf(hit: Hit, lex: Lexicon): NegationResult {
  const v = hit.view;
  const prefix = prefixOf(hit, lex, 6);
  const wide = prefixOf(hit, lex, 12);
  const n = countNegators(prefix, lex);
  const rhetorical = lex.rhetorical.find((r) => wide.includes(r));
  if (n % 2 === 1) {
    // "哪有不保本的" / "难道不保本吗": a rhetorical negative asserts the claim
    if (rhetorical) return { negated: false, cue: rhetorical };
    return { negated: true, cue: prefix };
  }
  const clauseEnd = v.clauseEnd(Math.max(hit.start, hit.end - 1));
  const suffix = v.text.slice(hit.end, Math.min(clauseEnd, hit.end + 10));
  const post = lex.post_negators.find((p) => {
    const i = suffix.indexOf(p);
    return i >= 0 && i <= 3;
  });
  if (post && !rhetorical) return { negated: true, cue: post };
  return { negated: false };
}

/** A required disclosure waved away in the same breath ("责任免除就不念了，您回去看"). */
export function dismissalOf(hit: Hit, lex: Lexicon): string | undefined {
  const v = hit.view;
  const seg = v.seg[hit.start];
  let end = hit.end;
  while (end < v.length && end < hit.end + 14 && v.seg[end] === seg) end++;
  const start = Math.max(v.clauseStart(hit.start), hit.start - 6);
  const ctx = v.text.slice(start, hit.start) + '|' + v.text.slice(hit.end, end);
  return lex.dismissals.find((d) => ctx.includes(d));
}
