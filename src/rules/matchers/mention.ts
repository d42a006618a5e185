// A disclosure is something the agent states. The same topic words also come up where nothing is
// disclosed: a recap ("我已经向您说明了保险责任、责任免除…，请问您是否清楚？"), an announcement ("然后再跟您
// 说犹豫期和退保这几块"), or a question that only names the item ("请问您对责任免除条款是否清楚？").
// Rules that ask for a statement (`statement: true`) don't count such mentions as the disclosure.
import { firstWord, type Lexicon } from '../../text/lexicon.js';
import type { Hit } from './hit.js';

export type MentionKind = 'statement' | 'recap' | 'question';

/** the original text right after character p of the view, up to its next character: its punctuation */
function punctuationAfter(hit: Hit, p: number): string {
  const v = hit.view;
  const seg = v.segments[v.seg[p]];
  const from = v.orig[p] + 1;
  const next = p + 1 < v.length && v.seg[p + 1] === v.seg[p] ? v.orig[p + 1] : seg.text.length;
  return seg.text.slice(from, next);
}

/** Is the sentence around the hit a question? */
function inQuestion(hit: Hit, lex: Lexicon): boolean {
  const v = hit.view;
  const a = v.sentenceStart(hit.start);
  const b = v.sentenceEnd(Math.max(hit.start, hit.end - 1));
  if (/[？?]/.test(punctuationAfter(hit, b - 1))) return true;
  const norm = v.text.slice(a, b);
  const canon = v.canon.slice(a, b);
  if (/[吗呢么]$/.test(norm)) return true;
  return firstWord(norm, canon, lex.question_markers, lex) !== undefined;
}

/** The hit's sentence asks what or whether (什么, 哪些, 有没有 …) without speaking to 您. */
function asksForContent(hit: Hit, lex: Lexicon): boolean {
  const v = hit.view;
  const a = v.sentenceStart(hit.start);
  const b = v.sentenceEnd(Math.max(hit.start, hit.end - 1));
  const norm = v.text.slice(a, b);
  return !norm.includes('您') && firstWord(norm, v.canon.slice(a, b), lex.content_questions, lex) !== undefined;
}

export function mentionKind(hit: Hit, lex: Lexicon): MentionKind {
  const v = hit.view;
  const a = v.scopeStart(hit.start);
  const b = v.scopeEnd(Math.max(hit.start, hit.end - 1));
  const norm = v.text.slice(a, b);
  const canon = v.canon.slice(a, b);
  if (firstWord(norm, canon, lex.recap_markers, lex) !== undefined) return 'recap';
  // a bare name of the item in a question asks about it; a question that carries the content
  // ("犹豫期从签收次日起算十五天，这个您了解吗？") still states it
  if (hit.by === 'any' && inQuestion(hit, lex)) return 'question';
  // "那有没有什么情况是不赔的？": asking what the content is, not saying it (a question that states it
  // asks the other person to confirm: "…，您清楚吗？")
  if (inQuestion(hit, lex) && asksForContent(hit, lex)) return 'question';
  return 'statement';
}
