// Word lists the matchers use (affirmative / hedging / negative replies, negators, rhetorical
// markers, dismissals, synonyms). They are DATA in rules/lexicon/*.yaml so a compliance officer
// can extend them; this module only defines their shape and how they are applied.
import { z } from 'zod';
import { normText } from './normalize.js';

const words = z.array(z.string().min(1).max(40)).max(2000);

export const LexiconFileSchema = z
  .object({
    /** free text: what this file is for */
    description: z.string().max(2000).optional(),
    affirmative: words.optional(),
    /** affirmatives that are also mere acknowledgements (好的, 嗯): from the agent they are not 代答 */
    acknowledgements: words.optional(),
    hedge: words.optional(),
    negative: words.optional(),
    negators: words.optional(),
    rhetorical: words.optional(),
    post_negators: words.optional(),
    /** words that contain a negator character but do not negate (不错, 不断, 不管 …) */
    not_negators: words.optional(),
    /** contrast words that start a new clause for negation purposes (但是, 可是 …) */
    conjunctions: words.optional(),
    dismissals: words.optional(),
    questions: words.optional(),
    synonyms: z.array(words.min(2)).max(2000).optional(),
  })
  .strict();
export type LexiconFile = z.infer<typeof LexiconFileSchema>;

export interface Lexicon {
  affirmative: string[];
  acknowledgements: string[];
  hedge: string[];
  negative: string[];
  negators: string[];
  rhetorical: string[];
  /** phrases right after a claim that deny it ("保本是不可能的") */
  post_negators: string[];
  not_negators: string[];
  conjunctions: string[];
  dismissals: string[];
  questions: string[];
  /** normalised word → its synonym group (normalised, including itself) */
  synonyms: Map<string, string[]>;
}

const byLengthDesc = (a: string, b: string): number => b.length - a.length;

export function buildLexicon(files: LexiconFile[]): Lexicon {
  const lists = {
    affirmative: new Set<string>(),
    acknowledgements: new Set<string>(),
    hedge: new Set<string>(),
    negative: new Set<string>(),
    negators: new Set<string>(),
    rhetorical: new Set<string>(),
    post_negators: new Set<string>(),
    not_negators: new Set<string>(),
    conjunctions: new Set<string>(),
    dismissals: new Set<string>(),
    questions: new Set<string>(),
  };
  const synonyms = new Map<string, string[]>();
  for (const f of files) {
    for (const key of Object.keys(lists) as (keyof typeof lists)[]) {
      for (const w of f[key] ?? []) {
        const n = normText(w);
        if (n) lists[key].add(n);
      }
    }
    for (const group of f.synonyms ?? []) {
      const g = [...new Set(group.map(normText).filter(Boolean))];
      for (const w of g) {
        const merged = new Set([...(synonyms.get(w) ?? []), ...g]);
        synonyms.set(w, [...merged]);
      }
    }
  }
  return {
    affirmative: [...new Set([...lists.affirmative, ...lists.acknowledgements])].sort(byLengthDesc),
    acknowledgements: [...lists.acknowledgements].sort(byLengthDesc),
    hedge: [...lists.hedge].sort(byLengthDesc),
    negative: [...lists.negative].sort(byLengthDesc),
    negators: [...lists.negators].sort(byLengthDesc),
    rhetorical: [...lists.rhetorical].sort(byLengthDesc),
    post_negators: [...lists.post_negators].sort(byLengthDesc),
    not_negators: [...lists.not_negators].sort(byLengthDesc),
    conjunctions: [...lists.conjunctions].sort(byLengthDesc),
    dismissals: [...lists.dismissals].sort(byLengthDesc),
    questions: [...lists.questions].sort(byLengthDesc),
    synonyms,
  };
}

export type ReplyKind = 'affirmative' | 'hedge' | 'negative' | 'none';

export interface ReplyClass {
  kind: ReplyKind;
  /** the lexicon word that decided it */
  word?: string;
}

type Occ = { start: number; end: number; word: string; kind: 'affirmative' | 'hedge' | 'negative' };

function occurrences(text: string, list: string[], kind: Occ['kind']): Occ[] {
  const out: Occ[] = [];
  for (const w of list) {
    let i = text.indexOf(w);
    while (i >= 0) {
      out.push({ start: i, end: i + w.length, word: w, kind });
      i = text.indexOf(w, i + 1);
    }
  }
  return out;
}

/**
 * What a (normalised) reply says. Lexicon words are matched longest first without overlap
 * ("不太清楚" beats "清楚", "没什么问题" beats "什么"); then a hedge anywhere outweighs a
 * negative, which outweighs an affirmative ("明白，但还是不太清楚" is not a confirmation).
 * An affirmative right after a negator ("没明白") counts as a negative even when the list
 * lacks that exact form.
 */
export function classifyReply(text: string, lex: Lexicon): ReplyClass {
  if (!text) return { kind: 'none' };
  const all = [
    ...occurrences(text, lex.hedge, 'hedge'),
    ...occurrences(text, lex.negative, 'negative'),
    ...occurrences(text, lex.affirmative, 'affirmative'),
  ].sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: Occ[] = [];
  for (const o of all) if (!kept.some((k) => o.start < k.end && k.start < o.end)) kept.push(o);
  kept.sort((a, b) => a.start - b.start);
  const hedge = kept.find((o) => o.kind === 'hedge');
  if (hedge) return { kind: 'hedge', word: hedge.word };
  const neg = kept.find((o) => o.kind === 'negative');
  if (neg) return { kind: 'negative', word: neg.word };
  const affs = kept.filter((o) => o.kind === 'affirmative');
  const negated = affs.find((a) => lex.negators.some((n) => n.length <= 2 && text.slice(Math.max(0, a.start - n.length), a.start) === n));
  if (negated) return { kind: 'negative', word: text.slice(Math.max(0, negated.start - 1), negated.end) };
  if (affs.length) return { kind: 'affirmative', word: affs[0].word };
  return { kind: 'none' };
}

/**
 * True when `text` is nothing but affirmative words with at least one that answers a question
 * (是的, 清楚, 明白 …) — an agent saying it alone answers for the customer (代答). Mere
 * acknowledgements (好的, 嗯) are not counted.
 */
export function isBareAffirmative(text: string, lex: Lexicon): boolean {
  if (!text || text.length > 8) return false;
  if (classifyReply(text, lex).kind !== 'affirmative') return false;
  let rest = text;
  let strong = false;
  for (const w of lex.affirmative) {
    if (rest.includes(w)) {
      if (!lex.acknowledgements.includes(w)) strong = true;
      rest = rest.split(w).join('');
    }
  }
  rest = rest.replace(/[的了啊呀嗯哦我都也很非常]/g, '');
  return strong && rest.length === 0;
}
