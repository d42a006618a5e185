// Simulated ASR noise for Chinese transcripts: at a given rate per Han character, the character is
// replaced by a homophone (same tone-less pinyin) or near-homophone (zh/z, ch/c, sh/s, n/l, f/h,
// -ng/-n merged — the confusions Mandarin ASR and southern accents actually make), deleted, or
// followed by an inserted character. Seeded, so a run is reproducible; segment and word times are kept.
import { pinyin } from 'pinyin-pro';
import type { Segment, Transcript, Word } from '../model/index.js';
import { createRng, type Rng } from './random.js';

export interface NoiseMix {
  substitute: number;
  delete: number;
  insert: number;
}

/** Substitutions dominate Mandarin ASR errors; deletions and insertions are rarer. */
export const DEFAULT_MIX: NoiseMix = { substitute: 0.7, delete: 0.15, insert: 0.15 };

export interface NoiseOptions {
  /** errors per Han character, 0..1 */
  rate: number;
  seed: number | string;
  /** mixed into the seed so sessions sharing one seed get different errors */
  key?: string;
  mix?: NoiseMix;
  /** share of substitutions that use an exact tone-less homophone; the rest use a near-homophone */
  exactShare?: number;
}

export interface NoiseStats {
  /** Han characters in the input: the denominator of the rate */
  hanChars: number;
  substitutions: number;
  exactHomophones: number;
  nearHomophones: number;
  deletions: number;
  insertions: number;
  /** (substitutions + deletions + insertions) / hanChars */
  realisedRate: number;
}

const HAN = /^\p{Script=Han}$/u;

interface Tables {
  chars: string[];
  byPinyin: Map<string, string[]>;
  byFuzzy: Map<string, string[]>;
  byLead: Map<string, string[]>;
  reading: Map<string, string>;
}

let tables: Tables | undefined;

/**
 * The 3,755 level-1 characters of GB2312 (the everyday set), decoded from their byte ranges rather
 * than listed by hand. ASR output is drawn from common characters, so substitutes come from here.
 */
export function commonHanzi(): string[] {
  return buildTables().chars;
}

/** Merges the initials and finals Mandarin ASR (and southern accents) confuse, so near sounds share a key. */
export function fuzzyPinyin(py: string): string {
  return py
    .replace(/^([zcs])h/, '$1')
    .replace(/^n(?=[a-zü])/, 'l')
    .replace(/^f/, 'h')
    .replace(/ng$/, 'n');
}

/** The default reading of one character, tone-less ("" when it is not Han). */
export function tonelessPinyin(ch: string): string {
  return pinyin(ch, { toneType: 'none', type: 'array' })[0] ?? '';
}

function buildTables(): Tables {
  if (tables) return tables;
  const decoder = new TextDecoder('gb18030');
  const chars: string[] = [];
  for (let row = 0xb0; row <= 0xd7; row++) {
    for (let cell = 0xa1; cell <= 0xfe; cell++) {
      if (row === 0xd7 && cell > 0xf9) break; // the level-1 block ends at D7F9
      const ch = decoder.decode(new Uint8Array([row, cell]));
      if (HAN.test(ch)) chars.push(ch);
    }
  }
  const byPinyin = new Map<string, string[]>();
  const byFuzzy = new Map<string, string[]>();
  const reading = new Map<string, string>();
  const byLead = new Map<string, string[]>();
  for (const ch of chars) {
    const py = tonelessPinyin(ch);
    if (!py) continue;
    reading.set(ch, py);
    push(byLead, fuzzyPinyin(py)[0]!, ch);
    push(byPinyin, py, ch);
    push(byFuzzy, fuzzyPinyin(py), ch);
  }
  tables = { chars, byPinyin, byFuzzy, byLead, reading };
  return tables;
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Common characters read exactly `py` (tone-less), other than `except`. */
export function homophonesOf(py: string, except?: string): string[] {
  return (buildTables().byPinyin.get(py) ?? []).filter((c) => c !== except);
}

/** Common characters whose reading differs from `py` only by a merged initial or final. */
export function nearHomophonesOf(py: string): string[] {
  const t = buildTables();
  return (t.byFuzzy.get(fuzzyPinyin(py)) ?? []).filter((c) => t.reading.get(c) !== py);
}

/** Last resort for the few syllables with neither (给 gei, 日 ri, 特 te …): same leading sound. */
export function sameLeadOf(py: string): string[] {
  const t = buildTables();
  const key = fuzzyPinyin(py);
  return key ? (t.byLead.get(key[0]!) ?? []).filter((c) => t.reading.get(c) !== py) : [];
}

function emptyStats(): NoiseStats {
  return {
    hanChars: 0,
    substitutions: 0,
    exactHomophones: 0,
    nearHomophones: 0,
    deletions: 0,
    insertions: 0,
    realisedRate: 0,
  };
}

function finishStats(s: NoiseStats): NoiseStats {
  const errors = s.substitutions + s.deletions + s.insertions;
  return { ...s, realisedRate: s.hanChars === 0 ? 0 : errors / s.hanChars };
}

interface Resolved {
  rate: number;
  mix: NoiseMix;
  exactShare: number;
}

function resolve(opts: Pick<NoiseOptions, 'rate' | 'mix' | 'exactShare'>): Resolved {
  if (!(opts.rate >= 0 && opts.rate <= 1)) throw new RangeError(`noise rate must be within 0..1 (got ${opts.rate})`);
  const mix = opts.mix ?? DEFAULT_MIX;
  const total = mix.substitute + mix.delete + mix.insert;
  if (!(total > 0)) throw new RangeError('noise mix must have a positive total');
  return {
    rate: opts.rate,
    mix: { substitute: mix.substitute / total, delete: mix.delete / total, insert: mix.insert / total },
    exactShare: opts.exactShare ?? 0.7,
  };
}

/** Noises one string; the caller's RNG carries on across calls so a transcript is one stream. */
function noiseString(text: string, rng: Rng, cfg: Resolved, stats: NoiseStats): string {
  if (cfg.rate === 0 || text.length === 0) {
    for (const ch of text) if (HAN.test(ch)) stats.hanChars++;
    return text;
  }
  // Readings in context, so a polyphone (银行 háng vs 行走 xíng) gets homophones of the sound spoken.
  const readings = pinyin(text, { type: 'all', toneType: 'none' });
  const t = buildTables();
  let out = '';
  for (const r of readings) {
    const ch = r.origin;
    if (!HAN.test(ch)) {
      out += ch;
      continue;
    }
    stats.hanChars++;
    if (!rng.chance(cfg.rate)) {
      out += ch;
      continue;
    }
    const op = rng.next();
    if (op < cfg.mix.substitute) {
      const py = r.pinyin;
      const exact = homophonesOf(py, ch);
      const near = nearHomophonesOf(py);
      const tiers: [string[], 'exact' | 'near'][] = rng.chance(cfg.exactShare)
        ? [
            [exact, 'exact'],
            [near, 'near'],
          ]
        : [
            [near, 'near'],
            [exact, 'exact'],
          ];
      const [pool, kind] = tiers.find(([list]) => list.length > 0) ?? [sameLeadOf(py), 'near' as const];
      if (pool.length === 0) {
        // No common character sounds like it: an ASR engine would more likely drop it.
        stats.deletions++;
        continue;
      }
      out += rng.pick(pool);
      stats.substitutions++;
      if (kind === 'exact') stats.exactHomophones++;
      else stats.nearHomophones++;
    } else if (op < cfg.mix.substitute + cfg.mix.delete) {
      stats.deletions++;
    } else {
      out += ch + rng.pick(t.chars);
      stats.insertions++;
    }
  }
  return out;
}

/** Noises a plain string (for rule tests and the simulator's own tests). */
export function noiseText(text: string, opts: NoiseOptions): { text: string; stats: NoiseStats } {
  const cfg = resolve(opts);
  const rng = createRng(`${opts.seed}:${opts.key ?? ''}`);
  const stats = emptyStats();
  const noised = noiseString(text, rng, cfg, stats);
  return { text: noised, stats: finishStats(stats) };
}

/**
 * A new transcript with simulated recognition errors. Segment and word times are kept; when a
 * segment's words spell its text, the words are noised and the text rebuilt from them, so the two
 * stay consistent. Segments left with nothing spoken are dropped (an engine would emit nothing) and ids
 * renumbered.
 */
export function applyAsrNoise(
  transcript: Transcript,
  opts: NoiseOptions,
): { transcript: Transcript; stats: NoiseStats } {
  const cfg = resolve(opts);
  const rng = createRng(`${opts.seed}:${opts.key ?? ''}`);
  const stats = emptyStats();
  const segments: Segment[] = [];
  for (const seg of transcript.segments) {
    let text: string;
    let words: Word[] | undefined;
    if (seg.words && seg.words.length > 0) {
      const spelled = seg.words
        .map((w) => w.text)
        .join('')
        .replace(/\s+/g, '');
      if (spelled === seg.text.replace(/\s+/g, '')) {
        words = seg.words.map((w) => ({ ...w, text: noiseString(w.text, rng, cfg, stats) }));
        text = words.map((w) => w.text).join('');
      } else {
        // Words and text disagree (punctuation, spacing): noise both, count the text only.
        words = seg.words.map((w) => ({ ...w, text: noiseString(w.text, rng, cfg, emptyStats()) }));
        text = noiseString(seg.text, rng, cfg, stats);
      }
      words = words.filter((w) => /[\p{L}\p{N}]/u.test(w.text));
    } else {
      text = noiseString(seg.text, rng, cfg, stats);
    }
    // nothing left to say (a lone 是 deleted leaves only its 。): the engine would emit no segment
    if (!/[\p{L}\p{N}]/u.test(text)) continue;
    const next: Segment = { ...seg, id: segments.length, text };
    if (words) next.words = words;
    else delete next.words;
    segments.push(next);
  }
  const diagnostics = [
    ...(transcript.diagnostics ?? []),
    {
      kind: 'note' as const,
      message: `simulated ASR noise: rate ${opts.rate}, seed ${String(opts.seed)}`,
    },
  ];
  return { transcript: { ...transcript, segments, diagnostics }, stats: finishStats(stats) };
}
