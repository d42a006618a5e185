// VAD gating: only voiced audio goes to the engine. Voiced regions (from the media stage's silence
// detection, or an energy VAD here) are packed into windows of at most 30 s — whisper always
// encodes a full 30 s window, so fewer windows is what saves time — and every time the engine
// reports is mapped back to the recording's timeline through the window's piece table, sample-exact.
import type { Interval } from '../model/index.js';

export const SAMPLE_RATE = 16000;
/** whisper's encoder window */
export const MAX_WINDOW_S = 30;

export interface VadOptions {
  /** seconds of real audio kept around each voiced region, so word edges aren't clipped */
  padS?: number;
  /** voiced regions closer than this are merged */
  mergeGapS?: number;
  /** voiced regions shorter than this (after merging) are dropped as clicks */
  minVoicedS?: number;
  /** zeros between packed pieces (on top of each piece's padding) so two regions don't run together */
  joinGapS?: number;
  maxWindowS?: number;
}

export const VAD_DEFAULTS: Required<VadOptions> = {
  padS: 0.2,
  mergeGapS: 0.6,
  minVoicedS: 0.15,
  joinGapS: 0.1,
  maxWindowS: MAX_WINDOW_S,
};

/** One stretch of recording audio inside a window. All positions are sample indices. */
export interface Piece {
  /** first sample on the recording's timeline */
  recStart: number;
  /** one past the last sample on the recording's timeline */
  recEnd: number;
  /** where the piece starts inside the window's audio */
  winStart: number;
}

export interface Window {
  pieces: Piece[];
  /** samples in the window's audio (pieces plus join gaps) */
  length: number;
}

const toSample = (s: number) => Math.round(s * SAMPLE_RATE);

function normalise(intervals: Interval[], durationS: number): Interval[] {
  return intervals
    .map((i) => ({ start: Math.max(0, Math.min(i.start, durationS)), end: Math.max(0, Math.min(i.end, durationS)) }))
    .filter((i) => i.end > i.start)
    .sort((a, b) => a.start - b.start);
}

function merge(intervals: Interval[], gapS: number): Interval[] {
  const out: Interval[] = [];
  for (const i of intervals) {
    const last = out[out.length - 1];
    if (last && i.start - last.end <= gapS) last.end = Math.max(last.end, i.end);
    else out.push({ ...i });
  }
  return out;
}

/** The complement of `silence` within [0, durationS]. */
export function voicedFromSilence(silence: Interval[], durationS: number): Interval[] {
  const out: Interval[] = [];
  let t = 0;
  for (const s of merge(normalise(silence, durationS), 0)) {
    if (s.start > t) out.push({ start: t, end: s.start });
    t = Math.max(t, s.end);
  }
  if (t < durationS) out.push({ start: t, end: durationS });
  return out;
}

/** The complement of `voiced` within [0, durationS]. */
export function silenceFromVoiced(voiced: Interval[], durationS: number): Interval[] {
  return voicedFromSilence(voiced, durationS);
}

const FRAME = 320; // 20 ms

function frameDb(pcm: Float32Array, start: number, end: number): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += pcm[i] * pcm[i];
  const rms = Math.sqrt(sum / Math.max(1, end - start));
  return 20 * Math.log10(rms + 1e-10);
}

/**
 * Energy VAD for when the media stage gave no silence intervals: 20 ms frames, voiced when louder
 * than the noise floor (10th percentile) + 10 dB, with the threshold held within −60…−40 dBFS so
 * an all-speech file (high "floor") still counts as speech and digital silence never does.
 */
function frameLevels(pcm: Float32Array): Float64Array {
  const n = Math.floor(pcm.length / FRAME);
  const db = new Float64Array(n);
  for (let f = 0; f < n; f++) db[f] = frameDb(pcm, f * FRAME, (f + 1) * FRAME);
  return db;
}

function thresholdOf(db: Float64Array): number {
  if (db.length === 0) return -60;
  const sorted = Array.from(db).sort((a, b) => a - b);
  const floor = sorted[Math.floor(db.length * 0.1)];
  return Math.min(-40, Math.max(-60, floor + 10));
}

/** The level (dBFS) above which a 20 ms frame counts as speech in this recording. */
export function speechThresholdDb(pcm: Float32Array): number {
  return thresholdOf(frameLevels(pcm));
}

export function energyVad(pcm: Float32Array, opts: { thresholdDb?: number } = {}): Interval[] {
  const db = frameLevels(pcm);
  const n = db.length;
  if (n === 0) return [];
  const thr = opts.thresholdDb ?? thresholdOf(db);
  const out: Interval[] = [];
  let start = -1;
  for (let f = 0; f <= n; f++) {
    const on = f < n && db[f] > thr;
    if (on && start < 0) start = f;
    if (!on && start >= 0) {
      out.push({ start: (start * FRAME) / SAMPLE_RATE, end: (f * FRAME) / SAMPLE_RATE });
      start = -1;
    }
  }
  return out;
}

/** Merges, drops clicks and pads voiced regions; the result never overlaps. */
export function prepareVoiced(voiced: Interval[], durationS: number, opts: VadOptions = {}): Interval[] {
  const o = { ...VAD_DEFAULTS, ...opts };
  const merged = merge(normalise(voiced, durationS), o.mergeGapS).filter((i) => i.end - i.start >= o.minVoicedS);
  const padded = merged.map((i) => ({
    start: Math.max(0, i.start - o.padS),
    end: Math.min(durationS, i.end + o.padS),
  }));
  return merge(padded, 0);
}

const STEP = 1600; // 100 ms: the resolution of split points

/** The quietest 100 ms step whose centre lies in [from, to) (samples): its centre and level. */
function quietest(pcm: Float32Array, from: number, to: number): { at: number; db: number } | undefined {
  let best: { at: number; db: number } | undefined;
  for (let s = Math.max(0, from - STEP / 2); s + STEP <= Math.min(pcm.length, to + STEP / 2); s += STEP / 2) {
    const db = frameDb(pcm, s, s + STEP);
    if (!best || db < best.db) best = { at: s + STEP / 2, db };
  }
  return best;
}

/** The last 100 ms step centred in [from, to) (samples) that is quieter than thresholdDb. */
function lastPause(pcm: Float32Array, from: number, to: number, thresholdDb: number): number | undefined {
  for (let c = Math.min(to, pcm.length - STEP / 2); c - STEP / 2 >= 0 && c >= from; c -= STEP / 2) {
    if (frameDb(pcm, c - STEP / 2, c + STEP / 2) <= thresholdDb) return c;
  }
  return undefined;
}

/**
 * Packs voiced regions, in order, into windows of at most maxWindowS seconds of audio. Whisper
 * pays for a whole 30 s window however little is in it, so a region that doesn't fit in what is
 * left of a window is split at the last pause inside it that fits (a 100 ms step below the speech
 * threshold) to fill the window; never mid-speech. A region longer than a window is cut at its quietest point
 * in the last third.
 */
export function planWindows(
  voiced: Interval[],
  durationS: number,
  pcm?: Float32Array,
  opts: VadOptions = {},
): Window[] {
  const o = { ...VAD_DEFAULTS, ...opts };
  const maxLen = toSample(o.maxWindowS);
  const gap = toSample(o.joinGapS);
  const minFill = toSample(2);
  const quietDb = pcm ? speechThresholdDb(pcm) : -Infinity;
  const end = pcm ? pcm.length : toSample(durationS);
  const queue = voiced
    .map((r) => ({ s: toSample(r.start), e: Math.min(toSample(r.end), end) }))
    .filter((r) => r.e > r.s)
    .sort((x, y) => x.s - y.s);
  const windows: Window[] = [];
  let cur: Window | undefined;
  const put = (s: number, e: number) => {
    if (cur) {
      cur.pieces.push({ recStart: s, recEnd: e, winStart: cur.length + gap });
      cur.length += gap + (e - s);
    } else {
      cur = { pieces: [{ recStart: s, recEnd: e, winStart: 0 }], length: e - s };
      windows.push(cur);
    }
  };
  while (queue.length > 0) {
    const r = queue.shift()!;
    const room = cur ? maxLen - cur.length - gap : 0;
    if (cur && r.e - r.s <= room) {
      put(r.s, r.e);
      continue;
    }
    if (cur && pcm && room >= minFill) {
      const at = lastPause(pcm, r.s + STEP * 5, r.s + room, quietDb);
      if (at !== undefined && at > r.s && at < r.e) {
        put(r.s, at);
        queue.unshift({ s: at, e: r.e });
        continue;
      }
    }
    cur = undefined;
    if (r.e - r.s > maxLen) {
      const q = pcm ? quietest(pcm, r.s + Math.round((maxLen * 2) / 3), r.s + maxLen - STEP / 2) : undefined;
      const cut = q ? q.at : r.s + maxLen;
      put(r.s, cut);
      cur = undefined; // the window is (nearly) full
      queue.unshift({ s: cut, e: r.e });
      continue;
    }
    put(r.s, r.e);
  }
  return windows;
}

/** Without gating: the whole recording in consecutive windows of maxWindowS. */
export function planUngatedWindows(totalSamples: number, maxWindowS = MAX_WINDOW_S): Window[] {
  const step = toSample(maxWindowS);
  const out: Window[] = [];
  for (let s = 0; s < totalSamples; s += step) {
    const e = Math.min(totalSamples, s + step);
    out.push({ pieces: [{ recStart: s, recEnd: e, winStart: 0 }], length: e - s });
  }
  return out;
}

/** The window's audio: its pieces copied out of the recording, zeros in the join gaps. */
export function windowAudio(pcm: Float32Array, w: Window): Float32Array {
  const out = new Float32Array(w.length);
  for (const p of w.pieces) out.set(pcm.subarray(p.recStart, p.recEnd), p.winStart);
  return out;
}

/**
 * Maps a time inside the window's audio to the recording's timeline. Inside a piece the mapping
 * is an exact sample offset. A time in a join gap (or in whisper's padding past the end) snaps
 * to the neighbouring piece: a start to the next piece's start, an end to the previous piece's end.
 */
export function mapToRecording(w: Window, tS: number, edge: 'start' | 'end'): number {
  const s = toSample(tS);
  const pieces = w.pieces;
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i];
    const lo = p.winStart;
    const hi = p.winStart + (p.recEnd - p.recStart);
    if (edge === 'start' ? s >= lo && s < hi : s > lo && s <= hi) return (p.recStart + (s - lo)) / SAMPLE_RATE;
    // in the gap before piece i
    if (edge === 'start' ? s < lo : s <= lo) {
      return (edge === 'start' || i === 0 ? p.recStart : pieces[i - 1].recEnd) / SAMPLE_RATE;
    }
  }
  return pieces[pieces.length - 1].recEnd / SAMPLE_RATE;
}

/** Voiced seconds in the windows (what the engine actually hears). */
export function windowsSeconds(ws: Window[]): number {
  return ws.reduce((a, w) => a + w.pieces.reduce((b, p) => b + (p.recEnd - p.recStart), 0), 0) / SAMPLE_RATE;
}
