// Tone-less pinyin per character, interned to small integers, plus a "fuzzy" key that merges
// the sound pairs Mandarin ASR (and southern accents) confuse most: zh/z, ch/c, sh/s, n/l,
// and front/back nasals (an/ang, en/eng, in/ing).
import { pinyin } from 'pinyin-pro';
import natural from 'natural';

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
    .replace(/ng$/, 'n');
}

/** Syllable id of one normalised character (Han → tone-less pinyin; anything else → itself). */
export function syllableId(ch: string): number {
  let id = charSyl.get(ch);
  if (id === undefined) {
    let syl = ch;
    if (/\p{Script=Han}/u.test(ch)) {
      syl = pinyin(ch, { toneType: 'none', type: 'string', v: true } as Parameters<typeof pinyin>[1] & { type: 'string' }) as unknown as string;
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
