// Per-frame acoustic features for diarization: MFCCs (meyda), frame energy and pitch (YIN).
// Frames are 32 ms every 16 ms at 16 kHz.
import meydaModule from 'meyda';

export const FRAME_SIZE = 512;
export const HOP = 256;
/** MFCC coefficients kept per frame (c1..c12; c0 is loudness, which says more about the microphone than the voice) */
export const MFCC_DIMS = 12;

interface MeydaLike {
  bufferSize: number;
  sampleRate: number;
  melBands: number;
  numberOfMFCCCoefficients: number;
  windowingFunction: string;
  extract(features: string[], signal: Float32Array): { mfcc?: number[]; rms?: number } | null;
}
// meyda ships CommonJS with ESM-style typings: take the object whichever way the loader hands it over.
const Meyda = ((meydaModule as unknown as { default?: MeydaLike }).default ?? meydaModule) as unknown as MeydaLike;

export interface FrameFeatures {
  sampleRate: number;
  hopS: number;
  count: number;
  /** frame energy in dBFS */
  energyDb: Float32Array;
  /** count × MFCC_DIMS, row-major */
  mfcc: Float32Array;
  /** fundamental frequency in Hz, 0 where the frame is not periodic */
  f0: Float32Array;
}

export function frameTime(features: { hopS: number }, i: number): number {
  return (i + FRAME_SIZE / HOP / 2) * features.hopS;
}

/** Frame index whose centre is nearest to t seconds. */
export function frameAt(features: { hopS: number; count: number }, t: number): number {
  const i = Math.round(t / features.hopS - FRAME_SIZE / HOP / 2);
  return Math.max(0, Math.min(features.count, i));
}

/** Energy only (cheap): used for channel dominance and voice activity. */
export function frameEnergyDb(
  samples: Float32Array,
  sampleRate = 16_000,
): { hopS: number; count: number; energyDb: Float32Array } {
  const count = samples.length < FRAME_SIZE ? 0 : Math.floor((samples.length - FRAME_SIZE) / HOP) + 1;
  const energyDb = new Float32Array(count);
  for (let f = 0; f < count; f++) {
    let sum = 0;
    const s0 = f * HOP;
    for (let i = 0; i < FRAME_SIZE; i++) sum += samples[s0 + i] * samples[s0 + i];
    energyDb[f] = 10 * Math.log10(sum / FRAME_SIZE + 1e-10);
  }
  return { hopS: HOP / sampleRate, count, energyDb };
}

/**
 * MFCCs and pitch for frames in `want` (a mask over frames; all frames when absent). Frames left out
 * keep zeros, which saves the cost on silence.
 */
export function extractFeatures(samples: Float32Array, sampleRate = 16_000, want?: Uint8Array): FrameFeatures {
  const { hopS, count, energyDb } = frameEnergyDb(samples, sampleRate);
  const mfcc = new Float32Array(count * MFCC_DIMS);
  const f0 = new Float32Array(count);
  Meyda.bufferSize = FRAME_SIZE;
  Meyda.sampleRate = sampleRate;
  Meyda.melBands = 26;
  Meyda.numberOfMFCCCoefficients = MFCC_DIMS + 1;
  Meyda.windowingFunction = 'hamming';
  // meyda takes log(1 + band energy): on a ±1 float signal that is nearly linear for quiet bands, so
  // frames are scaled to the 16-bit range first, where the log is a log.
  const frame = new Float32Array(FRAME_SIZE);
  const pitchBuf = new Float32Array(PITCH_WINDOW / 2);
  for (let f = 0; f < count; f++) {
    if (want && !want[f]) continue;
    const s0 = f * HOP;
    for (let i = 0; i < FRAME_SIZE; i++) frame[i] = samples[s0 + i] * 32768;
    const out = Meyda.extract(['mfcc'], frame);
    const c = out?.mfcc;
    if (c) for (let k = 0; k < MFCC_DIMS; k++) mfcc[f * MFCC_DIMS + k] = c[k + 1];
    f0[f] = yinPitch(samples, s0 + FRAME_SIZE / 2, sampleRate, pitchBuf);
  }
  return { sampleRate, hopS, count, energyDb, mfcc, f0 };
}

const PITCH_WINDOW = 1024; // 64 ms at 16 kHz: more than three periods of a 60 Hz voice
const F0_MIN = 60;
const F0_MAX = 450;

/**
 * YIN (de Cheveigné & Kawahara 2002) on the signal decimated to 8 kHz around `centre`.
 * Returns 0 when no period is clear enough.
 */
export function yinPitch(samples: Float32Array, centre: number, sampleRate: number, buf: Float32Array): number {
  const half = PITCH_WINDOW / 2;
  const start = centre - half;
  if (start < 0 || start + PITCH_WINDOW > samples.length) return 0;
  const n = buf.length;
  for (let i = 0; i < n; i++) buf[i] = samples[start + 2 * i] + samples[start + 2 * i + 1];
  const rate = sampleRate / 2;
  const tauMin = Math.floor(rate / F0_MAX);
  const tauMax = Math.ceil(rate / F0_MIN);
  const w = n - tauMax;
  if (w <= 0) return 0;
  let running = 0;
  let bestTau = -1;
  let globalTau = -1;
  let globalMin = 1;
  let prev = 1;
  let prevPrev = 1;
  const threshold = 0.2;
  for (let tau = 1; tau <= tauMax; tau++) {
    let d = 0;
    for (let j = 0; j < w; j++) {
      const diff = buf[j] - buf[j + tau];
      d += diff * diff;
    }
    running += d;
    const dn = running > 0 ? (d * tau) / running : 1;
    if (tau > tauMin && dn < globalMin) {
      globalMin = dn;
      globalTau = tau;
    }
    // first local minimum under the threshold
    if (tau > tauMin + 1 && prev < threshold && prev <= dn && prev <= prevPrev) {
      bestTau = tau - 1;
      // parabolic refinement on the normalised curve
      const denom = prevPrev - 2 * prev + dn;
      const shift = denom !== 0 ? (0.5 * (prevPrev - dn)) / denom : 0;
      return rate / (bestTau + Math.max(-0.5, Math.min(0.5, shift)));
    }
    prevPrev = prev;
    prev = dn;
  }
  // no dip under the threshold: the deepest one still marks a period when it is clear enough
  return globalMin < 0.35 && globalTau > 0 ? rate / globalTau : 0;
}
