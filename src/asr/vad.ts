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
  /** zeros between packed pieces so words from two regions don't run together */
  joinGapS?: number;
  maxWindowS?: number;
}

const DEFAULTS: Required<VadOptions> = { padS: 0.25, mergeGapS: 0.6, minVoicedS: 0.15, joinGapS: 0.3, maxWindowS: MAX_WINDOW_S };

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
export function energyVad(pcm: Float32Array, opts: { thresholdDb?: number } = {}): Interval[] {
  const n = Math.floor(pcm.length / FRAME);
  if (n === 0) return [];
  const db = new Float64Array(n);
  for (let f = 0; f < n; f++) db[f] = frameDb(pcm, f * FRAME, (f + 1) * FRAME);
  const sorted = Array.from(db).sort((a, b) => a - b);
  const floor = sorted[Math.floor(n * 0.1)];
  const thr = opts.thresholdDb ?? Math.min(-40, Math.max(-60, floor + 10));
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
  const o = { ...DEFAULTS, ...opts };
  const merged = merge(normalise(voiced, durationS), o.mergeGapS).filter((i) => i.end - i.start >= o.minVoicedS);
  const padded = merged.map((i) => ({ start: Math.max(0, i.start - o.padS), end: Math.min(durationS, i.end + o.padS) }));
  return merge(padded, 0);
}

/** Splits a region longer than maxS at the quietest 100 ms in the last third before each limit. */
function splitLong(r: Interval, maxS: number, pcm: Float32Array | undefined): Interval[] {
  const out: Interval[] = [];
  let start = r.start;
  while (r.end - start > maxS) {
    let cut = start + maxS;
    if (pcm) {
      let best = Infinity;
      const step = 0.1;
      for (let t = start + maxS * (2 / 3); t + step <= start + maxS; t += step) {
        const db = frameDb(pcm, toSample(t), Math.min(pcm.length, toSample(t + step)));
        if (db < best) {
          best = db;
          cut = t + step / 2;
        }
      }
    }
    out.push({ start, end: cut });
    start = cut;
  }
  out.push({ start, end: r.end });
  return out;
}

/**
 * Packs voiced regions, in order, into windows of at most maxWindowS seconds of audio.
 * A region never straddles two windows unless it is longer than a window by itself.
 */
export function planWindows(voiced: Interval[], durationS: number, pcm?: Float32Array, opts: VadOptions = {}): Window[] {
  const o = { ...DEFAULTS, ...opts };
  const maxLen = toSample(o.maxWindowS);
  const gap = toSample(o.joinGapS);
  const windows: Window[] = [];
  let cur: Window | undefined;
  for (const region of voiced.flatMap((r) => splitLong(r, o.maxWindowS, pcm))) {
    const recStart = toSample(region.start);
    const recEnd = Math.min(toSample(region.end), pcm ? pcm.length : Number.MAX_SAFE_INTEGER);
    const len = recEnd - recStart;
    if (len <= 0) continue;
    if (cur && cur.length + gap + len <= maxLen) {
      cur.pieces.push({ recStart, recEnd, winStart: cur.length + gap });
      cur.length += gap + len;
    } else {
      cur = { pieces: [{ recStart, recEnd, winStart: 0 }], length: len };
      windows.push(cur);
    }
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
