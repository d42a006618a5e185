// Two-channel recordings (a lapel mic per person on left and right): per frame, the channel that is
// clearly louder is the one whose person speaks; both loud at once is an overlap (抢话).
import type { Interval } from '../model/index.js';
import type { VoiceTrack } from './assign.js';
import { frameEnergyDb } from './features.js';
import { speechMask } from './cluster.js';
import { median } from './stats.js';

export interface ChannelAnalysis {
  track: VoiceTrack;
  /** the channels carry different signals (not one mic copied to both sides) */
  distinct: boolean;
  /** typical loudness difference between the two sides while one person speaks, dB */
  separationDb: number;
  overlaps: Interval[];
  /** seconds of speech dominated by each side */
  speechS: { left: number; right: number };
}

/** Below this typical difference the two sides are the same signal, or one mic heard everyone. */
const MIN_SEPARATION_DB = 4;
const MIN_OVERLAP_FRAMES = 15; // ~0.25 s
/** dB above the crosstalk level at which the quieter side counts as speaking too */
const OVERLAP_EXCESS_DB = 5;

export function analyseChannels(left: Float32Array, right: Float32Array, sampleRate: number, opts: { regions?: Interval[]; silence?: Interval[] } = {}): ChannelAnalysis {
  const L = frameEnergyDb(left, sampleRate);
  const R = frameEnergyDb(right, sampleRate);
  const n = Math.min(L.count, R.count);
  const hopS = L.hopS;
  const mixDb = new Float32Array(n);
  for (let i = 0; i < n; i++) mixDb[i] = 10 * Math.log10((10 ** (L.energyDb[i] / 10) + 10 ** (R.energyDb[i] / 10)) / 2);
  const mask = speechMask(mixDb, hopS, opts);
  const diff = new Float32Array(n);
  const absDiffs: number[] = [];
  for (let i = 0; i < n; i++) {
    diff[i] = L.energyDb[i] - R.energyDb[i];
    if (mask[i]) absDiffs.push(Math.abs(diff[i]));
  }
  const separationDb = absDiffs.length ? median(absDiffs) : 0;
  const labels = new Int8Array(n).fill(-1);
  const strength = new Float32Array(n);
  const track: VoiceTrack = { hopS, labels, strength, strengthScale: Math.max(2, separationDb / 3), voices: ['left', 'right'] };
  const distinct = separationDb >= MIN_SEPARATION_DB;
  if (!distinct) return { track, distinct, separationDb, overlaps: [], speechS: { left: 0, right: 0 } };

  // Smooth the difference over ±80 ms: syllables are longer than that, crosstalk transients are not.
  const smooth = new Float32Array(n);
  const half = 5;
  for (let i = 0; i < n; i++) {
    if (!mask[i]) continue;
    let s = 0;
    let c = 0;
    for (let j = Math.max(0, i - half); j <= Math.min(n - 1, i + half); j++) if (mask[j]) { s += diff[j]; c++; }
    smooth[i] = s / c;
  }
  // Each side's own speaking level, and how much of the other side leaks into it (crosstalk): while
  // only the right speaks, left − right sits at the leak; left rising well above it is the left talking too.
  const leftOwn: number[] = [];
  const rightOwn: number[] = [];
  const leftLead: number[] = [];
  const rightLead: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!mask[i]) continue;
    if (smooth[i] > separationDb / 2) {
      leftOwn.push(L.energyDb[i]);
      leftLead.push(smooth[i]);
    } else if (smooth[i] < -separationDb / 2) {
      rightOwn.push(R.energyDb[i]);
      rightLead.push(-smooth[i]);
    }
  }
  const leftLevel = leftOwn.length ? median(leftOwn) : Infinity;
  const rightLevel = rightOwn.length ? median(rightOwn) : Infinity;
  const leftLeak = leftLead.length ? median(leftLead) : separationDb;
  const rightLeak = rightLead.length ? median(rightLead) : separationDb;

  const both = new Uint8Array(n);
  let leftFrames = 0;
  let rightFrames = 0;
  for (let i = 0; i < n; i++) {
    if (!mask[i]) continue;
    const d = smooth[i];
    labels[i] = d >= 0 ? 0 : 1;
    strength[i] = Math.abs(d);
    if (d >= 0) leftFrames++;
    else rightFrames++;
    // the quieter side is louder than the leak explains, and at its own speaking level: both talk
    const rightTalksToo = d >= 0 && leftLeak - d > OVERLAP_EXCESS_DB && R.energyDb[i] > rightLevel - 10;
    const leftTalksToo = d < 0 && rightLeak + d > OVERLAP_EXCESS_DB && L.energyDb[i] > leftLevel - 10;
    if (rightTalksToo || leftTalksToo) both[i] = 1;
  }
  closeGaps(both, 6);
  const overlaps: Interval[] = [];
  for (let i = 0; i < n; ) {
    if (!both[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && both[j]) j++;
    if (j - i >= MIN_OVERLAP_FRAMES) overlaps.push({ start: round3(i * hopS), end: round3(j * hopS) });
    i = j;
  }
  return { track, distinct, separationDb, overlaps, speechS: { left: leftFrames * hopS, right: rightFrames * hopS } };
}

/** Fills gaps of up to `maxGap` frames between set frames (syllable breaks inside an overlap). */
function closeGaps(m: Uint8Array, maxGap: number): void {
  let last = -1;
  for (let i = 0; i < m.length; i++) {
    if (!m[i]) continue;
    if (last >= 0 && i - last > 1 && i - last <= maxGap + 1) m.fill(1, last + 1, i);
    last = i;
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
