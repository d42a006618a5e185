// The example matcher: a rule lists real-shaped example sentences; a sentence of the transcript
// matches when it is similar enough to one of them (TF-IDF cosine over sound-class bigrams, see
// text/similarity). Paraphrases a regex would miss still land near an example, and the report can
// show which example a sentence was taken for.
import type { TextView } from '../../text/corpus.js';
import { findWord, type Lexicon } from '../../text/lexicon.js';
import { normText } from '../../text/normalize.js';
import { canonText } from '../../text/pinyin.js';
import { IdfModel, sentenceTerms, type TermVector } from '../../text/similarity.js';
import type { Hit } from './hit.js';

export interface CompiledExample {
  /** as written in the rule */
  text: string;
  norm: string;
  canon: string;
  vector?: TermVector;
  /** the example itself denies or warns (so a denial in the sentence is not a reversal) */
  cautious: boolean;
}

export interface ExampleBlock {
  examples: CompiledExample[];
  minSimilarity: number;
  /** term → (example index, weight): a sentence is scored against the examples it shares terms with */
  postings?: Map<string, [number, number][]>;
  /** the examples' distinctive sound bigrams as numbers: a sentence with fewer than two of them is
   *  not similar enough to bother scoring (most of a session) */
  anchors?: Set<number>;
}

const bigramKey = (s: string, i: number): number => s.charCodeAt(i) * 65536 + s.charCodeAt(i + 1);
/** below this IDF a bigram is too common among insurance sentences to anchor a match */
const ANCHOR_IDF = 1.5;

/** Background for IDF: every example and test sentence of the loaded rules. */
export function buildIdf(texts: Iterable<string>): IdfModel {
  const idf = new IdfModel();
  for (const t of texts) {
    const n = normText(t);
    if (n) idf.add(sentenceTerms(n, canonText(n)));
  }
  return idf;
}

export function compileExample(text: string): CompiledExample {
  const norm = normText(text);
  return { text, norm, canon: canonText(norm), cautious: false };
}

/** Vectors and polarity once the IDF background is known (after every rule has loaded). */
export function finishExamples(block: ExampleBlock, idf: IdfModel, lex: Lexicon): void {
  const postings = new Map<string, [number, number][]>();
  block.examples.forEach((e, i) => {
    e.vector = idf.vector(sentenceTerms(e.norm, e.canon));
    e.cautious = polarity(e.norm, e.canon, lex) !== 0;
    for (const [t, w] of e.vector.terms) {
      let l = postings.get(t);
      if (!l) postings.set(t, (l = []));
      l.push([i, w]);
    }
  });
  block.postings = postings;
  const anchors = new Set<number>();
  for (const e of block.examples) {
    for (let i = 0; i + 1 < e.canon.length; i++) {
      if (idf.idf(`b${e.canon[i]}${e.canon[i + 1]}`) >= ANCHOR_IDF) anchors.add(bigramKey(e.canon, i));
    }
  }
  block.anchors = anchors;
}

/** at least two of the block's anchor bigrams in [a, b) of the sound-class text */
function anchored(canon: string, a: number, b: number, anchors: Set<number> | undefined): boolean {
  if (!anchors) return true;
  let n = 0;
  for (let i = a; i + 1 < b; i++) if (anchors.has(bigramKey(canon, i)) && ++n >= 2) return true;
  return false;
}

/** A unit of matching: a sentence, or a piece of a long run-on one. */
export interface Unit {
  start: number;
  end: number;
  /** built on first use: most sentences share too little with any example to be scored */
  vector?: TermVector;
}

/** Longer sentences are cut at clause breaks into pieces of about this many characters. */
const MAX_UNIT = 80;

const unitCache = new WeakMap<TextView, WeakMap<IdfModel, Unit[]>>();

/** The sentences of a view (cut when they run on), with their term vectors. Cached per view. */
export function unitsOf(view: TextView, idf: IdfModel): Unit[] {
  let byIdf = unitCache.get(view);
  if (!byIdf) unitCache.set(view, (byIdf = new WeakMap()));
  let units = byIdf.get(idf);
  if (units) return units;
  units = [];
  const add = (a: number, b: number): void => {
    if (b - a < 4) return;
    units!.push({ start: a, end: b });
  };
  let s = 0;
  while (s < view.length) {
    const e = view.sentenceEnd(s);
    if (e - s <= MAX_UNIT) add(s, e);
    else {
      // a run-on sentence (no punctuation from ASR): pieces of whole clauses, overlapping by one clause
      let a = s;
      while (a < e) {
        let b = a;
        let lastClause = a;
        while (b < e && b - a < MAX_UNIT) {
          b = view.clauseEnd(b);
          if (b - a <= MAX_UNIT) lastClause = b;
        }
        const cut = lastClause > a ? lastClause : Math.min(e, a + MAX_UNIT);
        add(a, cut);
        if (cut >= e) break;
        // next piece starts at the last clause of this one, so a sentence cut there is whole once
        const back = view.clauseStart(cut - 1);
        a = back > a ? back : cut;
      }
    }
    s = e;
  }
  byIdf.set(idf, units);
  return units;
}

/** 1 when the text denies or warns (a caution frame, an uncertainty word, an odd number of negators), else 0. */
function polarity(norm: string, canon: string, lex: Lexicon): number {
  const present = (list: string[]): boolean =>
    list.some((w) => {
      for (let i = findWord(norm, canon, w, lex); i >= 0; i = findWord(norm, canon, w, lex, i + 1)) {
        const before = norm.slice(Math.max(0, i - 1), i);
        if (!before || !'不没无非未'.includes(before)) return true;
      }
      return false;
    });
  if (present(lex.cautions) || present(lex.judgements) || present(lex.uncertainty)) return 1;
  let masked = norm;
  let maskedCanon = canon;
  for (const w of lex.not_negators) {
    for (let i = findWord(masked, maskedCanon, w, lex); i >= 0; i = findWord(masked, maskedCanon, w, lex)) {
      const blank = '\u0000'.repeat(w.length);
      masked = masked.slice(0, i) + blank + masked.slice(i + w.length);
      maskedCanon = maskedCanon.slice(0, i) + blank + maskedCanon.slice(i + w.length);
    }
  }
  let n = 0;
  for (const w of lex.negators) {
    for (let i = findWord(masked, maskedCanon, w, lex); i >= 0; i = findWord(masked, maskedCanon, w, lex)) {
      n++;
      const blank = '\u0000'.repeat(w.length);
      masked = masked.slice(0, i) + blank + masked.slice(i + w.length);
      maskedCanon = maskedCanon.slice(0, i) + blank + maskedCanon.slice(i + w.length);
    }
  }
  return n % 2;
}

/** below this similarity the nearest example explains nothing and is not shown */
const SHOWN_SIMILARITY = 0.25;

/** The rule's example nearest to the sentence a hit is in, when it is near enough to explain it. */
export function nearestExample(
  rule: { matches: { examples?: ExampleBlock }[] },
  hit: Hit,
  idf: IdfModel,
): string | undefined {
  const blocks = rule.matches.flatMap((m) => (m.examples ? [m.examples] : []));
  if (!blocks.length) return undefined;
  const v = hit.view;
  const a = v.sentenceStart(hit.start);
  const b = Math.min(v.sentenceEnd(Math.max(hit.start, hit.end - 1)), a + 120);
  const vec = idf.vector(sentenceTerms(v.text.slice(a, b), v.canon.slice(a, b)));
  let best: string | undefined;
  let bestSim = SHOWN_SIMILARITY;
  for (const block of blocks) {
    for (const e of block.examples) {
      if (!e.vector?.norm || !vec.norm) continue;
      let dot = 0;
      for (const [t, w] of vec.terms) dot += w * (e.vector.terms.get(t) ?? 0);
      const sim = dot / (e.vector.norm * vec.norm);
      if (sim > bestSim) {
        bestSim = sim;
        best = e.text;
      }
    }
  }
  return best;
}

export interface ExampleMatchOptions {
  /** prohibited rules: a sentence that denies or warns where its example asserts is not a match */
  checkPolarity: boolean;
  lex: Lexicon;
}

/** Units similar enough to one of the block's examples. */
export function matchExamples(view: TextView, block: ExampleBlock, idf: IdfModel, opts: ExampleMatchOptions): Hit[] {
  const out: Hit[] = [];
  const dots = new Float64Array(block.examples.length);
  for (const u of unitsOf(view, idf)) {
    if (!anchored(view.canon, u.start, u.end, block.anchors)) continue;
    u.vector ??= idf.vector(sentenceTerms(view.text.slice(u.start, u.end), view.canon.slice(u.start, u.end)));
    // dot products through the postings: only the examples sharing a term with the sentence
    dots.fill(0);
    let any = false;
    for (const [t, w] of u.vector.terms) {
      const l = block.postings?.get(t);
      if (!l) continue;
      any = true;
      for (const [i, ew] of l) dots[i] += w * ew;
    }
    if (!any) continue;
    let best: CompiledExample | undefined;
    let bestSim = 0;
    for (let i = 0; i < dots.length; i++) {
      const e = block.examples[i];
      const sim = dots[i] && e.vector?.norm && u.vector.norm ? dots[i] / (e.vector.norm * u.vector.norm) : 0;
      if (sim > bestSim) {
        bestSim = sim;
        best = e;
      }
    }
    if (!best || bestSim < block.minSimilarity) continue;
    if (
      opts.checkPolarity &&
      !best.cautious &&
      polarity(view.text.slice(u.start, u.end), view.canon.slice(u.start, u.end), opts.lex) !== 0
    )
      continue;
    out.push({
      view,
      start: u.start,
      end: u.end,
      by: 'example',
      what: best.text,
      similarity: Math.round(bestSim * 100) / 100,
    });
  }
  return out;
}
