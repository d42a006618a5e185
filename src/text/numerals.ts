// Chinese numerals → numbers, including numerals that ASR wrote as homophones ("十午天" for
// 十五天): each character is read back by its tone-less pinyin.
import { syllableId, syllableName } from './pinyin.js';

const BY_SOUND: Record<string, string> = {
  ling: '零',
  yi: '一',
  er: '二',
  liang: '两',
  san: '三',
  si: '四',
  wu: '五',
  liu: '六',
  qi: '七',
  ba: '八',
  jiu: '九',
  shi: '十',
  bai: '百',
  qian: '千',
  wan: '万',
};

/** The characters whose sound classes may stand for a numeral. */
export const NUMERAL_CHARS = '零一二两三四五六七八九十百千万';

const D = '[一二两三四五六七八九]';
const BELOW_WAN = `(?:${D}千)?(?:零?${D}百)?(?:零?${D}?十)?(?:零?[一二三四五六七八九])?`;
const VALID = new RegExp(`^(?:(?:${D}?千)?(?:${D}?百)?(?:${D}?十)?${D}?万)?${BELOW_WAN}$`);
const DIGIT: Record<string, number> = { 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

function parseBelowWan(s: string): number {
  let total = 0;
  let cur = 0;
  for (const c of s) {
    if (c in DIGIT) cur = DIGIT[c];
    else if (c === '十') {
      total += (cur || 1) * 10;
      cur = 0;
    } else if (c === '百') {
      total += cur * 100;
      cur = 0;
    } else if (c === '千') {
      total += cur * 1000;
      cur = 0;
    }
  }
  return total + cur;
}

/** True for a character that is not a numeral but sounds like one (是 ~ 十, 午 ~ 五). */
export function soundsNumeral(ch: string): boolean {
  return (
    !NUMERAL_CHARS.includes(ch) && /\p{Script=Han}/u.test(ch) && BY_SOUND[syllableName(syllableId(ch))] !== undefined
  );
}

/** A well-formed Chinese numeral ("十五", "两万三千") → its value; undefined otherwise. */
export function parseChineseNumber(s: string): number | undefined {
  if (!s || !VALID.test(s)) return undefined;
  const i = s.indexOf('万');
  if (i < 0) return parseBelowWan(s);
  const hi = s.slice(0, i);
  return (hi ? parseBelowWan(hi) : 1) * 10000 + parseBelowWan(s.slice(i + 1));
}

/**
 * Reads a run of (possibly misheard) numeral characters by sound; returns the value of the
 * longest well-formed tail ("是十午" → 十五 → 15), or undefined.
 */
export function readNumeralBySound(text: string): number | undefined {
  const asNumeral = [...text].map((c) => BY_SOUND[syllableName(syllableId(c))] ?? '?').join('');
  for (let i = 0; i < asNumeral.length; i++) {
    const v = parseChineseNumber(asNumeral.slice(i));
    if (v !== undefined) return v;
  }
  return undefined;
}
