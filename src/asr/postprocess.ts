// Chinese post-processing of engine text: Traditional → Simplified (whisper drifts into Traditional
// on Mandarin), full-width letters/digits → half-width, ASCII punctuation next to Chinese →
// full-width, and no stray spaces between Chinese characters.
import { Converter } from 'opencc-js/t2cn';

let t2s: ((s: string) => string) | undefined;

function toSimplified(text: string): string {
  const convert = (t2s ??= Converter({ from: 't', to: 'cn' }));
  return convert(text);
}

const CJK = '\\p{Script=Han}\\u3000-\\u303f\\uff01-\\uff0f\\uff1a-\\uff20';
const PUNCT_TO_FULL: Record<string, string> = {
  ',': '，',
  '?': '？',
  '!': '！',
  ':': '：',
  ';': '；',
  '(': '（',
  ')': '）',
};

export function normalizeChinese(text: string): string {
  let s = text.replace(/\u3000/g, ' ');
  // full-width ASCII letters and digits → half-width (ＡＢＣ１２３ → ABC123)
  s = s.replace(/[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  s = s.replace(/(?<=\d)\uff0e(?=\d)/g, '.');
  s = toSimplified(s);
  // ASCII punctuation touching Chinese → full-width
  s = s.replace(
    new RegExp(`(?<=[${CJK}])\\s*([,?!:;])|([,?!:;])\\s*(?=[${CJK}])`, 'gu'),
    (_m, a: string | undefined, b: string | undefined) => PUNCT_TO_FULL[(a ?? b)!],
  );
  // a period after Chinese is a 。 (but not in 3.5 or Amara.org)
  s = s.replace(new RegExp(`(?<=[\\p{Script=Han}])\\.(?!\\d)`, 'gu'), '。');
  // spaces whisper puts between Chinese characters (or around Chinese punctuation)
  s = s.replace(new RegExp(`(?<=[${CJK}])\\s+(?=[${CJK}])`, 'gu'), '');
  return s.replace(/\s{2,}/g, ' ').trim();
}
