// Sentence similarity for the example matcher: a sentence is a bag of sound-class character
// bigrams (homophones ASR writes compare equal) and content characters, weighted by TF-IDF over
// the rules' own example sentences (`natural`'s TfIdf), compared by cosine. Numbers become one
// token, so "15日内" and "20日内" are alike. Cheap enough to run over every sentence of a session.
import tfidf from 'natural/lib/natural/tfidf/index.js';
import { canonChar } from './pinyin.js';

/** Characters that carry no topic on their own (particles, pronouns, the commonest verbs). */
const STOP = new Set(
  [...'的了是您我你他她它这那个就在有和也都吗呢啊吧哦嗯呀么们着过就还又要会能可以对把被给让从到上下里中一不'].map(
    canonChar,
  ),
);
const NUMBER = '#';

/** Terms of a normalised sentence and its sound-class form (same length). */
export function sentenceTerms(norm: string, canon: string): string[] {
  const chars: string[] = [];
  for (let i = 0; i < canon.length; i++) {
    const c = canon[i];
    if (/[0-9.%]/.test(norm[i])) {
      if (chars[chars.length - 1] !== NUMBER) chars.push(NUMBER);
    } else if (/[\p{Script=Han}a-z]/u.test(norm[i])) chars.push(c);
  }
  const terms: string[] = [];
  for (let i = 0; i < chars.length; i++) {
    const a = chars[i];
    if (a !== NUMBER && !STOP.has(a)) terms.push(`u${a}`);
    const b = chars[i + 1];
    if (b !== undefined && !(STOP.has(a) && STOP.has(b))) terms.push(`b${a}${b}`);
  }
  return terms;
}

/** Unigrams count less than bigrams: a shared character is weaker evidence than a shared word. */
const UNIGRAM_WEIGHT = 0.4;

export interface TermVector {
  terms: Map<string, number>;
  norm: number;
}

/** IDF over a background of sentences (the rules' examples and test texts). */
export class IdfModel {
  private readonly tf = new tfidf.TfIdf();
  private readonly cache = new Map<string, number>();
  private documents = 0;

  add(terms: string[]): void {
    this.tf.addDocument(terms);
    this.documents++;
    this.cache.clear();
  }

  idf(term: string): number {
    let v = this.cache.get(term);
    if (v === undefined) {
      // natural's idf: 1 + ln(N / (1 + df)); a term no background sentence has gets the top weight
      v = this.documents ? this.tf.idf(term) : 1;
      this.cache.set(term, v);
    }
    return v;
  }

  vector(terms: string[]): TermVector {
    const counts = new Map<string, number>();
    for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
    const out = new Map<string, number>();
    let sq = 0;
    for (const [t, n] of counts) {
      const w = (1 + Math.log(n)) * this.idf(t) * (t[0] === 'u' ? UNIGRAM_WEIGHT : 1);
      out.set(t, w);
      sq += w * w;
    }
    return { terms: out, norm: Math.sqrt(sq) };
  }
}

export function cosine(a: TermVector, b: TermVector): number {
  if (!a.norm || !b.norm) return 0;
  const [small, large] = a.terms.size <= b.terms.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [t, w] of small.terms) {
    const v = large.terms.get(t);
    if (v !== undefined) dot += w * v;
  }
  return dot / (a.norm * b.norm);
}
