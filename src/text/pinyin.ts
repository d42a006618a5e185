// Tone-less pinyin per character, interned to small integers, plus a "fuzzy" key that merges
// the sound pairs Mandarin ASR (and southern accents) confuse most: zh/z, ch/c, sh/s, n/l, f/h,
// and front/back nasals (an/ang, en/eng, in/ing).
import { pinyin } from 'pinyin-pro';
// the distance functions only: the package index loads dotenv, which reads ./.env and prints to stdout
import natural from 'natural/lib/natural/distance/index.js';

const sylIds = new Map<string, number>();
const sylNames: string[] = [];
const fuzzyOf: number[] = [];
const charSyl = new Map<string, number>();

function intern(s: string): number {
  let id = sylIds.get(s);
  if (id === undefined) {
    id = sylNames.length;
    sylIds.set(s, id);
    sylNames.push(s);
    fuzzyOf.push(-1);
    fuzzyOf[id] = internFuzzy(s, id);
  }
  return id;
}

const fuzzyIds = new Map<string, number>();
function internFuzzy(s: string, _id: number): number {
  const key = fuzzyKey(s);
  let f = fuzzyIds.get(key);
  if (f === undefined) {
    f = fuzzyIds.size;
    fuzzyIds.set(key, f);
  }
  return f;
}

export function fuzzyKey(syl: string): string {
  if (!/^[a-z]+$/.test(syl)) return syl;
  return syl
    .replace(/^zh/, 'z')
    .replace(/^ch/, 'c')
    .replace(/^sh/, 's')
    .replace(/^n(?=[aeiouv])/, 'l')
    .replace(/^f/, 'h')
    .replace(/ng$/, 'n');
}

/** Syllable id of one normalised character (Han → tone-less pinyin; anything else → itself). */
export function syllableId(ch: string): number {
  let id = charSyl.get(ch);
  if (id === undefined) {
    let syl = ch;
    if (/\p{Script=Han}/u.test(ch)) {
      syl = pinyin(ch, { toneType: 'none', type: 'string', v: true } as Parameters<typeof pinyin>[1] & {
        type: 'string';
      }) as unknown as string;
      syl = syl.replace(/ü/g, 'v').trim() || ch;
    }
    id = intern(syl);
    charSyl.set(ch, id);
  }
  return id;
}

export function fuzzyId(syl: number): number {
  return fuzzyOf[syl];
}

export function syllableName(syl: number): string {
  return sylNames[syl];
}

export function toPinyin(text: string): string[] {
  return [...text].map((c) => sylNames[syllableId(c)]);
}

const nearCache = new Map<number, number>();
/**
 * Similarity 0..1 of two different syllables (e.g. "mian" vs "min"): Jaro-Winkler from
 * `natural`, cached per pair; used as partial credit in alignment.
 */
export function syllableSimilarity(a: number, b: number): number {
  const key = a < b ? a * 65536 + b : b * 65536 + a;
  let v = nearCache.get(key);
  if (v === undefined) {
    const sa = sylNames[a];
    const sb = sylNames[b];
    v = /^[a-z]+$/.test(sa) && /^[a-z]+$/.test(sb) ? natural.JaroWinklerDistance(sa, sb, {}) : 0;
    nearCache.set(key, v);
  }
  return v;
}

export function syllableCount(): number {
  return sylNames.length;
}
export function fuzzyCount(): number {
  return fuzzyIds.size;
}

const canonCache = new Map<string, string>();
/**
 * A stand-in character per fuzzy syllable (Private Use Area), so that text and patterns mapped
 * this way compare equal exactly when they sound alike: 则任勉除 and 责任免除 become the same
 * string, and an ordinary regex or indexOf over it is homophone-tolerant. Non-Han characters
 * (digits, latin) stay themselves.
 */
export function canonChar(ch: string): string {
  let c = canonCache.get(ch);
  if (c === undefined) {
    c = ch;
    if (/\p{Script=Han}/u.test(ch)) {
      const f = fuzzyId(syllableId(ch));
      if (f < 6400) c = String.fromCharCode(0xe000 + f);
    }
    canonCache.set(ch, c);
  }
  return c;
}

/** canonChar over a string (UTF-16 unit by unit, so offsets are kept). */
export function canonText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += canonChar(text[i]);
  return out;
}
