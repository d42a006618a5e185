// Word lists the matchers use (affirmative / hedging / negative replies, negators, rhetorical
// markers, dismissals, synonyms). They are DATA in rules/lexicon/*.yaml so a compliance officer
// can extend them; this module only defines their shape and how they are applied.
import { z } from 'zod';
import { normText } from './normalize.js';
import { canonText } from './pinyin.js';

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
    /** strong contrast words (但是, 不过 …): a judgement or uncertainty after a claim reaches only up to them */
    contrasts: words.optional(),
    /** frames that forbid or warn against what follows in their clause (切勿, 不得, 请不要, 警惕 …) */
    cautions: words.optional(),
    /** words after a claim, in its sentence, that judge it wrong (是误导, 这种说法不对 …) */
    judgements: words.optional(),
    /** reporting words before a quotation ("承认说过“…”", "承诺“…”的"): a claim inside the quotes is reported, not made */
    reported_speech: words.optional(),
    /** words that call the benefit uncertain (不确定, 可能为零, 仅供参考 …): a claim in their sentence is a caution */
    uncertainty: words.optional(),
    dismissals: words.optional(),
    /** the start of a first-person statement ("本人已阅读…", "我知道…"): with an affirmative word in
     *  its clause the reply is a yes whatever content words it restates */
    declaration_openers: words.optional(),
    /** words that make a clause a recap or an announcement of what is (or was) explained, not the
     *  explanation ("我已经向您说明了…", "下面给您介绍…") */
    recap_markers: words.optional(),
    /** words that make a sentence a question ("是否", "有没有", "清楚吗") */
    question_markers: words.optional(),
    /** words that ask what the content is ("什么", "哪些", "有没有"): such a question without 您 asks for
     *  the item rather than stating it */
    content_questions: words.optional(),
    /** words in the agent's question that point at one item ("这部分", "这一点"): after several items,
     *  the answer may be to the last one only */
    singular_refs: words.optional(),
    /** words in the agent's question that make it cover several items ("这些您都清楚吗") */
    bundles: words.optional(),
    /** bundling words that look back over everything said ("以上", "刚才说的"), unlike 都 or 这些, which may
     *  gather the parts of one other item ("这些都是您自愿的吗") */
    look_backs: words.optional(),
    /** the agent reporting an answer for the customer ("王先生表示清楚") */
    proxy_phrases: words.optional(),
    questions: words.optional(),
    /** words in the agent's question that make "no" the confirming answer ("没人逼您吧", "有没有疑问") */
    inverted_questions: words.optional(),
    /** replies that say "no" — a confirmation when the question was inverted */
    no_answers: words.optional(),
    synonyms: z.array(words.min(2)).max(2000).optional(),
    /** named word classes a rule refers to as "@name" in any / all / at_least words and in regexes
     *  ("@deposit": 存款, 定期, 储蓄 …) — one place to extend a vocabulary every rule shares */
    classes: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'class names use a-z, 0-9 and _'), words.min(1)).optional(),
  })
  .strict();
export type LexiconFile = z.infer<typeof LexiconFileSchema>;

/**
 * The word lists are kept in sound-class form (see canonText): replies and contexts are compared
 * by sound, so "布太清楚" (ASR for 不太清楚) is still a hedge. `display` maps back to the word.
 */
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
  contrasts: string[];
  cautions: string[];
  judgements: string[];
  reported_speech: string[];
  uncertainty: string[];
  dismissals: string[];
  declaration_openers: string[];
  recap_markers: string[];
  question_markers: string[];
  content_questions: string[];
  bundles: string[];
  look_backs: string[];
  singular_refs: string[];
  proxy_phrases: string[];
  questions: string[];
  inverted_questions: string[];
  no_answers: string[];
  /** normalised word → its synonym group (normalised, including itself) */
  synonyms: Map<string, string[]>;
  /** class name → its words (normalised, longest first) */
  classes: Map<string, string[]>;
  /** sound-class form → the word as written */
  display: Map<string, string>;
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
    contrasts: new Set<string>(),
    cautions: new Set<string>(),
    judgements: new Set<string>(),
    reported_speech: new Set<string>(),
    uncertainty: new Set<string>(),
    dismissals: new Set<string>(),
    declaration_openers: new Set<string>(),
    recap_markers: new Set<string>(),
    question_markers: new Set<string>(),
    content_questions: new Set<string>(),
    bundles: new Set<string>(),
    look_backs: new Set<string>(),
    singular_refs: new Set<string>(),
    proxy_phrases: new Set<string>(),
    questions: new Set<string>(),
    inverted_questions: new Set<string>(),
    no_answers: new Set<string>(),
  };
  const synonyms = new Map<string, string[]>();
  const classes = new Map<string, Set<string>>();
  const display = new Map<string, string>();
  for (const f of files) {
    for (const key of Object.keys(lists) as (keyof typeof lists)[]) {
      for (const w of f[key] ?? []) {
        const n = normText(w);
        if (!n) continue;
        const c = canonText(n);
        lists[key].add(c);
        if (!display.has(c)) display.set(c, n);
      }
    }
    for (const [name, ws] of Object.entries(f.classes ?? {})) {
      const set = classes.get(name) ?? new Set<string>();
      for (const w of ws) {
        const n = normText(w);
        if (n) set.add(n);
      }
      classes.set(name, set);
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
    contrasts: [...lists.contrasts].sort(byLengthDesc),
    cautions: [...lists.cautions].sort(byLengthDesc),
    judgements: [...lists.judgements].sort(byLengthDesc),
    reported_speech: [...lists.reported_speech].sort(byLengthDesc),
    uncertainty: [...lists.uncertainty].sort(byLengthDesc),
    dismissals: [...lists.dismissals].sort(byLengthDesc),
    declaration_openers: [...lists.declaration_openers].sort(byLengthDesc),
    recap_markers: [...lists.recap_markers].sort(byLengthDesc),
    question_markers: [...lists.question_markers].sort(byLengthDesc),
    content_questions: [...lists.content_questions].sort(byLengthDesc),
    bundles: [...lists.bundles].sort(byLengthDesc),
    look_backs: [...lists.look_backs].sort(byLengthDesc),
    singular_refs: [...lists.singular_refs].sort(byLengthDesc),
    proxy_phrases: [...lists.proxy_phrases].sort(byLengthDesc),
    questions: [...lists.questions].sort(byLengthDesc),
    inverted_questions: [...lists.inverted_questions].sort(byLengthDesc),
    no_answers: [...lists.no_answers].sort(byLengthDesc),
    synonyms,
    classes: new Map([...classes].map(([k, v]) => [k, [...v].sort(byLengthDesc)])),
    display,
  };
}

export type ReplyKind = 'affirmative' | 'hedge' | 'negative' | 'none';

export interface ReplyClass {
  kind: ReplyKind;
  /** the lexicon word that decided it */
  word?: string;
}

type Occ = { start: number; end: number; word: string; kind: 'affirmative' | 'hedge' | 'negative' };

/**
 * Where a lexicon word (sound-class key) occurs: by sound in `canon`, except single characters,
 * which are compared as written in `norm` (one syllable has too many homophones: 没 = 每 = 美).
 */
export function findWord(norm: string, canon: string, key: string, lex: Lexicon, from = 0): number {
  const shown = lex.display.get(key);
  if (shown !== undefined && shown.length === 1) return norm.indexOf(shown, from);
  return canon.indexOf(key, from);
}

interface ListMatcher {
  /** words of 2+ characters, sound-class form, as one alternation (longest first) */
  multi?: RegExp;
  /** single characters, compared as written */
  singles: Map<string, string>;
}
const listMatchers = new WeakMap<string[], ListMatcher>();

/**
 * A word of `list` that occurs in the text (norm and its sound-class form), or undefined — the same
 * answer as trying findWord with each word, in one pass over the text (the rules ask this of every
 * hit's clause, so it is on the hot path).
 */
export function firstWord(norm: string, canon: string, list: string[], lex: Lexicon): string | undefined {
  let m = listMatchers.get(list);
  if (!m) {
    const singles = new Map<string, string>();
    const multi: string[] = [];
    for (const w of list) {
      const shown = lex.display.get(w);
      if (shown !== undefined && shown.length === 1) singles.set(shown, w);
      else multi.push(w);
    }
    m = {
      singles,
      multi: multi.length
        ? new RegExp(multi.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'))
        : undefined,
    };
    listMatchers.set(list, m);
  }
  const hit = m.multi?.exec(canon);
  if (hit) return hit[0];
  if (m.singles.size)
    for (const c of norm) {
      const w = m.singles.get(c);
      if (w !== undefined) return w;
    }
  return undefined;
}

function occurrences(norm: string, canon: string, list: string[], kind: Occ['kind'], lex: Lexicon): Occ[] {
  const out: Occ[] = [];
  for (const w of list) {
    let i = findWord(norm, canon, w, lex);
    while (i >= 0) {
      out.push({ start: i, end: i + w.length, word: w, kind });
      i = findWord(norm, canon, w, lex, i + 1);
    }
  }
  return out;
}

/**
 * What a reply says; `norm` is the normalised reply (normText); words are compared by sound. Lexicon words are matched longest first without overlap
 * ("不太清楚" beats "清楚", "没什么问题" beats "什么"); then a hedge anywhere outweighs a
 * negative, which outweighs an affirmative ("明白，但还是不太清楚" is not a confirmation).
 * An affirmative right after a negator ("没明白") counts as a negative even when the list
 * lacks that exact form.
 */
export function classifyReply(norm: string, lex: Lexicon, brk?: readonly boolean[]): ReplyClass {
  if (!norm) return { kind: 'none' };
  // a clause break between two positions: "没有，明白了" answers two things, "没明白" one
  const broken = (a: number, b: number): boolean => {
    if (!brk) return false;
    for (let i = a + 1; i <= b && i < brk.length; i++) if (brk[i]) return true;
    return false;
  };
  const text = canonText(norm);
  const all = [
    ...occurrences(norm, text, lex.hedge, 'hedge', lex),
    ...occurrences(norm, text, lex.negative, 'negative', lex),
    ...occurrences(norm, text, lex.affirmative, 'affirmative', lex),
  ].sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: Occ[] = [];
  for (const o of all) if (!kept.some((k) => o.start < k.end && k.start < o.end)) kept.push(o);
  kept.sort((a, b) => a.start - b.start);
  const hedge = kept.find((o) => o.kind === 'hedge');
  const show = (w: string): string => lex.display.get(w) ?? w;
  if (hedge) return { kind: 'hedge', word: show(hedge.word) };
  const declared = declaration(norm, text, kept, lex, broken);
  if (declared) return { kind: 'affirmative', word: show(declared.word) };
  const neg = kept.find((o) => o.kind === 'negative');
  if (neg) return { kind: 'negative', word: show(neg.word) };
  // a one-character yes (是, 对, 行) is an answer only at the start: "其实是我儿子让我买的" is not
  const lead = (o: Occ): boolean => {
    const before = norm.slice(0, o.start);
    return [...before].every((c) => '嗯哦啊噢呃那'.includes(c));
  };
  const affs = kept.filter((o) => o.kind === 'affirmative' && (o.end - o.start > 1 || lead(o)));
  const negated = affs.find((a) =>
    lex.negators.some(
      (n) =>
        n.length <= 2 &&
        a.start >= n.length &&
        findWord(norm, text, n, lex, a.start - n.length) === a.start - n.length &&
        !broken(a.start - n.length, a.start),
    ),
  );
  if (negated) return { kind: 'negative', word: norm.slice(Math.max(0, negated.start - 1), negated.end) };
  // "不荷太明白": one stray character between 不/没 and the yes word is most likely a hedge that ASR
  // garbled (不太 / 没太 / 不很 …), never a clear yes; "不，我明白" (a pronoun between) is not
  let slurFrom = -1;
  const slurred = affs.find((a) => {
    if (a.end - a.start < 2) return false;
    for (let d = 2; d <= 4 && a.start - d >= 0; d++) {
      const at = a.start - d;
      const neg = norm[at];
      const gap = norm.slice(at + 1, a.start);
      if (
        (neg === '不' || neg === '没') &&
        !broken(at, a.start) &&
        ![...gap].some((c) => '我你您都也就是那还不没'.includes(c)) &&
        !lex.not_negators.some((w) => findWord(norm, text, w, lex, at) === at)
      ) {
        slurFrom = at;
        return true;
      }
    }
    return false;
  });
  if (slurred) return { kind: 'hedge', word: norm.slice(slurFrom, slurred.end) };
  // "太清楚。" alone: 不太清楚 with its 不 lost more likely than a yes ("太清楚了" is a yes)
  const clipped = affs.find(
    (a) =>
      a.start >= 1 &&
      '太大'.includes(norm[a.start - 1]) &&
      norm[a.end] !== '了' &&
      norm[a.end - 1] !== '了' &&
      !broken(a.start - 1, a.start),
  );
  if (clipped) return { kind: 'none' };
  if (affs.length) return { kind: 'affirmative', word: show(affs[0].word) };
  return { kind: 'none' };
}

/** "本人已阅读…了解…不确定性" / "我知道这个是保险，不是存款": an opener, then (same clause, within a
 *  few characters) an affirmative word that no negator touches */
function declaration(
  norm: string,
  canon: string,
  kept: Occ[],
  lex: Lexicon,
  broken: (a: number, b: number) => boolean,
): Occ | undefined {
  for (const o of lex.declaration_openers) {
    for (let i = findWord(norm, canon, o, lex); i >= 0; i = findWord(norm, canon, o, lex, i + 1)) {
      const from = i + o.length;
      const aff = kept.find(
        (k) =>
          k.kind === 'affirmative' &&
          k.end - k.start > 1 &&
          k.start >= i &&
          k.start - from <= 8 &&
          !broken(i, k.start) &&
          !/[不没未]/.test(norm.slice(i, k.start)),
      );
      if (aff) return aff;
    }
  }
  return undefined;
}

/**
 * `norm` is the normalised text. True when it is nothing but affirmative words with at least one that answers a question
 * (是的, 清楚, 明白 …) — an agent saying it alone answers for the customer (代答). Mere
 * acknowledgements (好的, 嗯) are not counted.
 */
const FILLERS = [...'的了啊呀嗯哦哈啦嘛呢我都也很非常'].map((c) => canonText(c));

/**
 * "没有" / "没人逼我" in answer to a question whose yes is a no ("没人逼您吧？", "有没有疑问？"):
 * `question` and `reply` normalised. True when the question is inverted and the reply opens with a no
 * (and holds no hedge).
 */
export function answersInvertedQuestion(question: string, reply: string, lex: Lexicon): boolean {
  if (!question || !reply) return false;
  const qc = canonText(question);
  if (!lex.inverted_questions.some((w) => findWord(question, qc, w, lex) >= 0)) return false;
  const rc = canonText(reply);
  if (lex.hedge.some((w) => findWord(reply, rc, w, lex) >= 0)) return false;
  return lex.no_answers.some((w) => findWord(reply, rc, w, lex) === 0);
}

/**
 * "您填写的都属实吗？" — "属实。", "您是否如实填写？" — "如实填写了": a short reply that repeats what a yes/no
 * question asks about is a yes (a negator or a hedge in it makes it none).
 */
export function answersByEcho(question: string, reply: string, lex: Lexicon): boolean {
  if (!question || !reply) return false;
  const r = reply.replace(/[^\p{Script=Han}A-Za-z0-9]/gu, '');
  if (!r || r.length > 8) return false;
  const asked =
    /是否([\p{Script=Han}]{2})/u.exec(question)?.[1] ??
    /([\p{Script=Han}]{2})(?:了|的|过)?(?:吗|么|嘛)[？?。]?\s*$/u.exec(question)?.[1];
  if (!asked || !r.includes(asked)) return false;
  const rc = canonText(r);
  if ([...lex.hedge, ...lex.negative].some((w) => findWord(r, rc, w, lex) >= 0)) return false;
  const before = r.slice(0, r.indexOf(asked));
  const bc = canonText(before);
  return !lex.negators.some((w) => findWord(before, bc, w, lex) >= 0);
}

export function isBareAffirmative(norm: string, lex: Lexicon, slack = 0): boolean {
  if (!norm || norm.length > 8) return false;
  if (classifyReply(norm, lex).kind !== 'affirmative') return false;
  let rest = canonText(norm);
  let strong = false;
  for (const w of lex.affirmative) {
    if (rest.includes(w)) {
      if (!lex.acknowledgements.includes(w)) strong = true;
      rest = rest.split(w).join('');
    }
  }
  for (const f of FILLERS) rest = rest.split(f).join('');
  // slack: characters left over that ASR may have split off a yes ("明的明白的" for 明白的明白的)
  // nothing left over is bare whatever the slack; leftovers must be few against a long enough reply
  return strong && (rest.length === 0 || (rest.length <= slack && norm.length >= 2 * rest.length + 3));
}
