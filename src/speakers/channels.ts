// Two-channel recordings (a lapel mic per person on left and right): per frame, the channel that is
// clearly louder is the one whose person speaks; both loud at once is an overlap (抢话).
import type { Interval } from '../model/index.js';
import type { VoiceTrack } from './assign.js';
import { frameEnergyDb, HOP } from './features.js';
import { speechMask } from './cluster.js';
import { median } from './stats.js';

export interface ChannelAnalysis {
  track: VoiceTrack;
  /** the channels carry different signals (not one mic copied to both sides) */
  distinct: boolean;
  /** typical loudness difference between the two sides while one person speaks, dB */
  separationDb: number;
  overlaps: Interval[];
  /** speech that reaches both mics alike: a person near neither of them (voice 2, "room" in the track) */
  roomVoices: Interval[];
  /** seconds of speech dominated by each side */
  speechS: { left: number; right: number };
}

/** Below this typical difference the two sides are the same signal, or one mic heard everyone. */
const MIN_SEPARATION_DB = 4;
const MIN_OVERLAP_FRAMES = 15; // ~0.25 s
/** dB above the crosstalk level at which the quieter side counts as speaking too */
const OVERLAP_EXCESS_DB = 5;
/** correlation of the two sides above which one source is heard by both mics alike */
const ROOM_CORRELATION = 0.7;
/** a voice near neither mic is reported from this long (~0.5 s) */
const MIN_ROOM_FRAMES = 31;

export function analyzeChannels(
  left: Float32Array,
  right: Float32Array,
  sampleRate: number,
  opts: { regions?: Interval[]; silence?: Interval[] } = {},
): ChannelAnalysis {
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
  const track: VoiceTrack = {
    hopS,
    labels,
    strength,
    strengthScale: Math.max(2, separationDb / 3),
    voices: ['left', 'right', 'room'],
  };
  const distinct = separationDb >= MIN_SEPARATION_DB;
  if (!distinct) return { track, distinct, separationDb, overlaps: [], roomVoices: [], speechS: { left: 0, right: 0 } };

  // Smooth the difference over ±80 ms: syllables are longer than that, crosstalk transients are not.
  const smooth = new Float32Array(n);
  const half = 5;
  for (let i = 0; i < n; i++) {
    if (!mask[i]) continue;
    let s = 0;
    let c = 0;
    for (let j = Math.max(0, i - half); j <= Math.min(n - 1, i + half); j++)
      if (mask[j]) {
        s += diff[j];
        c++;
      }
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
  const room = new Uint8Array(n);
  let leftFrames = 0;
  let rightFrames = 0;
  for (let i = 0; i < n; i++) {
    if (!mask[i]) continue;
    const d = smooth[i];
    labels[i] = d >= 0 ? 0 : 1;
    strength[i] = Math.abs(d);
    // the quieter side is louder than the leak explains, and at its own speaking level: two sources
    const rightTalksToo = d >= 0 && leftLeak - d > OVERLAP_EXCESS_DB && R.energyDb[i] > rightLevel - 10;
    const leftTalksToo = d < 0 && rightLeak + d > OVERLAP_EXCESS_DB && L.energyDb[i] > leftLevel - 10;
    if (rightTalksToo || leftTalksToo || Math.abs(d) < separationDb / 3) {
      // one voice near neither mic reaches both with the same waveform; two people talking do not
      if (channelCorrelation(left, right, i * HOP, HOP * 2) >= ROOM_CORRELATION) room[i] = 1;
      else if (rightTalksToo || leftTalksToo) both[i] = 1;
    }
  }
  closeGaps(both, 6);
  closeGaps(room, 10);
  for (let i = 0; i < n; i++) {
    if (room[i] && mask[i]) {
      labels[i] = 2;
      strength[i] = separationDb;
    } else if (labels[i] === 0) leftFrames++;
    else if (labels[i] === 1) rightFrames++;
  }
  const overlaps = runsOf(both, MIN_OVERLAP_FRAMES, hopS);
  const roomVoices = runsOf(room, MIN_ROOM_FRAMES, hopS);
  // frames of room runs too short to report go back to the louder side
  for (let i = 0; i < n; i++) {
    if (labels[i] === 2 && !roomVoices.some((r) => i * hopS >= r.start && i * hopS < r.end))
      labels[i] = smooth[i] >= 0 ? 0 : 1;
  }
  return {
    track,
    distinct,
    separationDb,
    overlaps,
    roomVoices,
    speechS: { left: leftFrames * hopS, right: rightFrames * hopS },
  };
}

function runsOf(m: Uint8Array, minFrames: number, hopS: number): Interval[] {
  const out: Interval[] = [];
  for (let i = 0; i < m.length;) {
    if (!m[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < m.length && m[j]) j++;
    if (j - i >= minFrames) out.push({ start: round3(i * hopS), end: round3(j * hopS) });
    i = j;
  }
  return out;
}

/** Highest normalised cross-correlation of the two sides over ±2 ms around `start`, on `len` samples. */
function channelCorrelation(left: Float32Array, right: Float32Array, start: number, len: number): number {
  const maxLag = 32;
  if (start < maxLag || start + len + maxLag > Math.min(left.length, right.length)) return 0;
  let ll = 0;
  for (let i = 0; i < len; i++) ll += left[start + i] * left[start + i];
  let best = 0;
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let lr = 0;
    let rr = 0;
    for (let i = 0; i < len; i++) {
      const r = right[start + i + lag];
      lr += left[start + i] * r;
      rr += r * r;
    }
    const c = lr / Math.sqrt(ll * rr + 1e-20);
    if (c > best) best = c;
  }
  return best;
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
