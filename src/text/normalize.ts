// Chinese text normalisation for matching: full/half width, case, traditional → simplified,
// punctuation dropped (but remembered as clause breaks), Chinese numerals before a unit → digits.
// Every normalised character keeps the offset of the original character it came from, so a
// match can be shown verbatim in the original transcript text.
import * as OpenCC from 'opencc-js';
import Nzh from 'nzh';
import { canonChar } from './pinyin.js';

const t2s = OpenCC.Converter({ from: 't', to: 'cn' });
const charCache = new Map<string, string>();
const simplifiedCache = new Map<string, string>();

/** Traditional → simplified character by character (same length, punctuation kept): for cues that read
 *  the raw text with simplified word lists ("請說一下名字" is a request as much as "请说一下名字"). */
export function toSimplified(text: string): string {
  let out = '';
  for (const c of text) {
    let simple = simplifiedCache.get(c);
    if (simple === undefined) {
      const t: string = (/\p{Script=Han}/u.test(c) ? t2s(c) : c) ?? c;
      simple = [...t].length === 1 ? t : c;
      simplifiedCache.set(c, simple);
    }
    out += simple;
  }
  return out;
}

/** One original character → its normalised form ('' when it is punctuation or space). */
function normChar(c: string): string {
  const cached = charCache.get(c);
  if (cached !== undefined) return cached;
  let n: string;
  if (/^[\p{P}\p{S}\p{Z}\p{C}\s]$/u.test(c) && c !== '%' && c !== '.') {
    n = '';
  } else {
    n = c.normalize('NFKC').toLowerCase();
    // NFKC may produce punctuation (e.g. full-width forms) — re-check after folding.
    if (/^[\p{P}\p{S}\p{Z}\s]+$/u.test(n) && n !== '%' && n !== '.') n = '';
    else if (/\p{Script=Han}/u.test(n)) {
      const s = t2s(n);
      // keep the mapping one-to-one: only accept a same-length conversion
      if ([...s].length === [...n].length) n = s;
    }
  }
  charCache.set(c, n);
  return n;
}

export interface Normalized {
  /** normalised text, one JS string; compare with `normalize()`d patterns */
  text: string;
  /** for each UTF-16 unit of `text`: offset of the original character it came from */
  orig: number[];
  /** for each UTF-16 unit of `text`: true when a clause break (punctuation/space) precedes it */
  brk: boolean[];
  /** for each UTF-16 unit of `text`: true when a sentence end (。！？； or a line break) precedes it */
  sbrk: boolean[];
  /** for each UTF-16 unit of `text`: true when a clause break that ends a negation's or caution's
   *  reach precedes it — commas, colons, spaces, sentence ends; not 、 quotes or brackets, which a
   *  frame reaches across ("切勿将本产品与存款、理财产品混淆", "不得宣传“保本保息”") */
  cbrk: boolean[];
  /** the input ends with sentence-final punctuation (the next segment starts a new sentence) */
  endsSentence: boolean;
}

// Sentence-final punctuation: a caution frame ("切勿…") or a negator governs up to here, not beyond.
// (；separates the items of one sentence's list in formal text: a clause break, not a sentence end)
const SENTENCE_END = /^[。！？!?…\n\r]$/u;
// Inside a clause: enumeration commas, quotes, brackets and title marks.
const INSIDE_CLAUSE = /^[、“”‘’"'（）()《》〈〉【】\[\]「」『』·/／]$/u;

const NUMERAL = '零〇一二两三四五六七八九十百千万亿';
// A numeral run is converted only when a unit follows (or 百分之 precedes), so words such as
// 一样, 一定, 万能, 千万 stay words. The unit is recognised by sound as well, so "十五填" (ASR
// for 十五天) still becomes 15 + 填, which compares equal to 15天 by sound.
const UNITS = [...'天日年岁个月周元块倍次期份号时分秒万千百亿点成家条项种位名页笔'];
let unitSounds: Set<string> | undefined;
function isUnit(ch: string | undefined): boolean {
  if (!ch) return false;
  if (ch === '%' || UNITS.includes(ch)) return true;
  unitSounds ??= new Set(UNITS.map((u) => canonChar(u)));
  return /\p{Script=Han}/u.test(ch) && unitSounds.has(canonChar(ch));
}

function decodeNumeral(run: string): string | undefined {
  const cleaned = run.replace(/两/g, '二').replace(/〇/g, '零');
  // A lone unit character (十/百/千/万/亿 alone is fine for 十, odd for the others)
  if (/^[百千万亿]+$/.test(cleaned)) return undefined;
  // Digit-by-digit strings (一五 = "15" as read aloud) vs positional (十五)
  if (/^[零一二三四五六七八九]{2,}$/.test(cleaned)) {
    return [...cleaned].map((c) => '零一二三四五六七八九'.indexOf(c)).join('');
  }
  try {
    // nzh's typings say string, it returns a number
    const v = String(Nzh.cn.decodeS(cleaned) as unknown);
    return /^\d+(\.\d+)?$/.test(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export function normalize(input: string): Normalized {
  const chars: string[] = [];
  const orig: number[] = [];
  const brk: boolean[] = [];
  const sbrk: boolean[] = [];
  const cbrk: boolean[] = [];
  let pendingBreak = false;
  let pendingSentence = false;
  let pendingClause = false;
  let i = 0;
  for (const c of input) {
    const n = normChar(c);
    if (n === '') {
      pendingBreak = true;
      if (SENTENCE_END.test(c)) pendingSentence = true;
      if (!INSIDE_CLAUSE.test(c)) pendingClause = true;
    } else {
      for (const u of n) {
        chars.push(u);
        orig.push(i);
        brk.push(pendingBreak);
        sbrk.push(pendingSentence);
        cbrk.push(pendingClause);
        pendingBreak = false;
        pendingSentence = false;
        pendingClause = false;
      }
    }
    i += c.length;
  }
  const endsSentence = pendingSentence;
  let text = chars.join('');
  if (!/[零〇一二两三四五六七八九十百千万亿]/.test(text)) return { text, orig, brk, sbrk, cbrk, endsSentence };

  // Numerals → digits, rebuilding the maps for the replaced runs. A run never crosses a
  // clause break ("百分之三，两年" is 3% and 2年).
  const outChars: string[] = [];
  const outOrig: number[] = [];
  const outBrk: boolean[] = [];
  const outSbrk: boolean[] = [];
  const outCbrk: boolean[] = [];
  let k = 0;
  while (k < text.length) {
    if (!NUMERAL.includes(text[k])) {
      outChars.push(text[k]);
      outOrig.push(orig[k]);
      outBrk.push(brk[k]);
      outSbrk.push(sbrk[k]);
      outCbrk.push(cbrk[k]);
      k++;
      continue;
    }
    let end = k + 1;
    while (end < text.length && NUMERAL.includes(text[end]) && !brk[end]) end++;
    const run = text.slice(k, end);
    const percent = k >= 3 && text.slice(k - 3, k) === '百分之' && !brk[k] && !brk[k - 1] && !brk[k - 2];
    // "每年两万，交五年": a run that ends in a magnitude (两万, 三千) is an amount with no unit after
    // it; 万 and 亿 stay as the unit ("两万" → "2万", as "两万元" reads "2万元")
    const amount =
      !percent &&
      !isUnit(text[end]) &&
      run.length >= 2 &&
      /[百千万亿]$/.test(run) &&
      /^[一二两三四五六七八九十]/.test(run);
    if (amount && /[万亿]$/.test(run) && run.length >= 2) {
      const head = decodeNumeral(run.slice(0, -1));
      if (head !== undefined) {
        for (let q = 0; q < head.length; q++) {
          outChars.push(head[q]);
          outOrig.push(orig[k]);
          outBrk.push(q === 0 ? brk[k] : false);
          outSbrk.push(q === 0 ? sbrk[k] : false);
          outCbrk.push(q === 0 ? cbrk[k] : false);
        }
        outChars.push(run[run.length - 1]);
        outOrig.push(orig[end - 1]);
        outBrk.push(false);
        outSbrk.push(false);
        outCbrk.push(false);
        k = end;
        continue;
      }
    }
    const digits = percent || amount || isUnit(text[end]) ? decodeNumeral(run) : undefined;
    if (digits === undefined) {
      for (let q = k; q < end; q++) {
        outChars.push(text[q]);
        outOrig.push(orig[q]);
        outBrk.push(brk[q]);
        outSbrk.push(sbrk[q]);
        outCbrk.push(cbrk[q]);
      }
    } else {
      let at = orig[k];
      let first = brk[k];
      let firstS = sbrk[k];
      let firstC = cbrk[k];
      if (percent) {
        // drop the 百分之 already copied
        outChars.length -= 3;
        outOrig.length -= 3;
        outBrk.length -= 3;
        outSbrk.length -= 3;
        outCbrk.length -= 3;
        at = orig[k - 3];
        first = brk[k - 3];
        firstS = sbrk[k - 3];
        firstC = cbrk[k - 3];
      }
      const repl = percent ? `${digits}%` : digits;
      for (let q = 0; q < repl.length; q++) {
        outChars.push(repl[q]);
        outOrig.push(at);
        outBrk.push(q === 0 ? first : false);
        outSbrk.push(q === 0 ? firstS : false);
        outCbrk.push(q === 0 ? firstC : false);
      }
    }
    k = end;
  }
  return { text: outChars.join(''), orig: outOrig, brk: outBrk, sbrk: outSbrk, cbrk: outCbrk, endsSentence };
}

/** Normalised text only (patterns, keywords, lexicon entries). */
export function normText(input: string): string {
  return normalize(input).text;
}
