// Chinese text normalisation for matching: full/half width, case, traditional → simplified,
// punctuation dropped (but remembered as clause breaks), Chinese numerals before a unit → digits.
// Every normalised character keeps the offset of the original character it came from, so a
// match can be shown verbatim in the original transcript text.
import * as OpenCC from 'opencc-js';
import Nzh from 'nzh';
import { canonChar } from './pinyin.js';

const t2s = OpenCC.Converter({ from: 't', to: 'cn' });
const charCache = new Map<string, string>();

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
}

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
  let pendingBreak = false;
  let i = 0;
  for (const c of input) {
    const n = normChar(c);
    if (n === '') {
      pendingBreak = true;
    } else {
      for (const u of n) {
        chars.push(u);
        orig.push(i);
        brk.push(pendingBreak);
        pendingBreak = false;
      }
    }
    i += c.length;
  }
  let text = chars.join('');
  if (!/[零〇一二两三四五六七八九十百千万亿]/.test(text)) return { text, orig, brk };

  // Numerals → digits, rebuilding the maps for the replaced runs. A run never crosses a
  // clause break ("百分之三，两年" is 3% and 2年).
  const outChars: string[] = [];
  const outOrig: number[] = [];
  const outBrk: boolean[] = [];
  let k = 0;
  while (k < text.length) {
    if (!NUMERAL.includes(text[k])) {
      outChars.push(text[k]);
      outOrig.push(orig[k]);
      outBrk.push(brk[k]);
      k++;
      continue;
    }
    let end = k + 1;
    while (end < text.length && NUMERAL.includes(text[end]) && !brk[end]) end++;
    const run = text.slice(k, end);
    const percent = k >= 3 && text.slice(k - 3, k) === '百分之' && !brk[k] && !brk[k - 1] && !brk[k - 2];
    const digits = percent || isUnit(text[end]) ? decodeNumeral(run) : undefined;
    if (digits === undefined) {
      for (let q = k; q < end; q++) {
        outChars.push(text[q]);
        outOrig.push(orig[q]);
        outBrk.push(brk[q]);
      }
    } else {
      let at = orig[k];
      let first = brk[k];
      if (percent) {
        // drop the 百分之 already copied
        outChars.length -= 3;
        outOrig.length -= 3;
        outBrk.length -= 3;
        at = orig[k - 3];
        first = brk[k - 3];
      }
      const repl = percent ? `${digits}%` : digits;
      for (let q = 0; q < repl.length; q++) {
        outChars.push(repl[q]);
        outOrig.push(at);
        outBrk.push(q === 0 ? first : false);
      }
    }
    k = end;
  }
  return { text: outChars.join(''), orig: outOrig, brk: outBrk };
}

/** Normalised text only (patterns, keywords, lexicon entries). */
export function normText(input: string): string {
  return normalize(input).text;
}
