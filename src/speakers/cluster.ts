// Acoustic diarization of mono audio without neural models:
//   speech frames → MFCC + pitch → ~1 s chunks → top-down 2-means splits of the chunks, each kept only
//   when the halves differ by the cross-likelihood ratio of held-out speech (this sets the count, up to 4)
//   → one GMM per speaker on frames → Viterbi re-segmentation (a speaker change must be earned).
import type { Interval } from '../model/index.js';
import { extractFeatures, frameAt, frameEnergyDb, frameTime, MFCC_DIMS } from './features.js';
import { fitGmm, gmmLogLikelihood, kmeans, median, quantile, type Gmm } from './stats.js';

export interface DiarizeInput {
  samples: Float32Array;
  sampleRate: number;
  /**
   * Transcript segments: speech is looked for only in them (±0.3 s), chunks never cross their edges,
   * and their words tell which chunks say the same thing (see contentGroups).
   */
  segments?: { start: number; end: number; text?: string }[];
  /** known silence (from media); frames inside are not speech */
  silence?: Interval[];
  maxSpeakers?: number;
  debug?: (line: string) => void;
}

export interface Diarization {
  hopS: number;
  frameCount: number;
  /** per frame: -1 not speech, else speaker index (0 speaks most) */
  labels: Int8Array;
  /** per frame: smoothed log-likelihood margin of the chosen speaker over the next best (nats per frame) */
  margin: Float32Array;
  speakerCount: number;
  /** seconds of speech per speaker index */
  speechS: number[];
  /** smallest cross-likelihood ratio between two speakers (nats per frame; 0 with one speaker) */
  separation: number;
  notes: string[];
}

const CHUNK_FRAMES = 62; // ~1 s
/** transcript times are loose: speech is looked for this far around each segment */
const REGION_PAD_S = 0.3;
const MIN_CHUNK_FRAMES = 20; // ~0.3 s
/** log2(f0) gets this many MFCC dimensions' worth of weight when chunks are clustered */
const F0_WEIGHT = 3;
/** nats a speaker change costs in the Viterbi pass; cheaper across a pause */
const SWITCH_PENALTY = 15;
const SWITCH_PENALTY_AFTER_PAUSE = 3;
const PAUSE_FRAMES = 15;
/** a frame can't vote more than this many nats against a speaker (clicks, noise bursts) */
const FRAME_LL_FLOOR = 10;
const GMM_COMPONENTS = 8;
const MAX_TRAIN_FRAMES = 4000;
/**
 * Two clusters are different voices when their cross-likelihood ratio (nats per frame) exceeds this.
 * Small clusters need more: with a chunk or two per side, what was said weighs as much as who said it.
 */
function clrDistinct(minChunks: number): number {
  return 1.75 + 1.5 / Math.max(1, minChunks);
}
const CLR_COMPONENTS = 4;
const FRAMES_PER_COMPONENT = 150;
/**
 * A voice needs this many chunks (about as many utterances) to be told apart: with one or two, a
 * model of it is a model of what was said, not of who said it.
 */
const MIN_VOICE_CHUNKS = 3;
/** a cluster needs this much speech to count as a speaker */
const MIN_SPEAKER_S = 1.0;

export function speechMask(
  energyDb: Float32Array,
  hopS: number,
  input: { regions?: Interval[]; silence?: Interval[] },
): Uint8Array {
  const n = energyDb.length;
  const mask = new Uint8Array(n);
  if (n === 0) return mask;
  const p10 = quantile(energyDb, 0.1);
  const p98 = quantile(energyDb, 0.98);
  // above the noise floor, but never so far below the loudest speech that breath and hum count
  const threshold = Math.min(p98 - 15, Math.max(p10 + 12, p98 - 40));
  for (let i = 0; i < n; i++) mask[i] = energyDb[i] > threshold ? 1 : 0;
  const frames = { hopS, count: n };
  if (input.regions) {
    const inRegion = new Uint8Array(n);
    for (const r of input.regions)
      for (let i = frameAt(frames, r.start); i < Math.min(n, frameAt(frames, r.end)); i++) inRegion[i] = 1;
    for (let i = 0; i < n; i++) mask[i] &= inRegion[i];
  }
  for (const s of input.silence ?? [])
    for (let i = frameAt(frames, s.start); i < Math.min(n, frameAt(frames, s.end)); i++) mask[i] = 0;
  // bridge gaps under 100 ms, then drop blips under 100 ms
  closeRuns(mask, 0, 6);
  closeRuns(mask, 1, 6);
  return mask;
}

/** Flips runs of `value` shorter than `minLen` frames (bounded on both sides) to the other value. */
function closeRuns(mask: Uint8Array, value: 0 | 1, minLen: number): void {
  let i = 0;
  while (i < mask.length) {
    if (mask[i] !== value) {
      i++;
      continue;
    }
    let j = i;
    while (j < mask.length && mask[j] === value) j++;
    const bounded = value === 1 || (i > 0 && j < mask.length);
    if (j - i < minLen && bounded) mask.fill(value === 1 ? 0 : 1, i, j);
    i = j;
  }
}

interface Chunk {
  start: number;
  end: number;
  /** chunks with the same group say (nearly) the same words */
  group: number;
}

function makeChunks(
  mask: Uint8Array,
  cutFrames: Set<number>,
  groupAt: (frame: number, run: number) => number,
): Chunk[] {
  const chunks: Chunk[] = [];
  let runs = 0;
  let i = 0;
  while (i < mask.length) {
    if (!mask[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < mask.length && mask[j] && (j === i || !cutFrames.has(j))) j++;
    // split the run [i, j) into near-equal pieces of about CHUNK_FRAMES
    const len = j - i;
    const pieces = Math.max(1, Math.round(len / CHUNK_FRAMES));
    const run = runs++;
    for (let p = 0; p < pieces; p++) {
      const start = i + Math.floor((len * p) / pieces);
      const end = i + Math.floor((len * (p + 1)) / pieces);
      chunks.push({ start, end, group: groupAt((start + end) >> 1, run) });
    }
    i = j;
  }
  return chunks;
}

export function diarize(input: DiarizeInput): Diarization {
  const { samples, sampleRate } = input;
  const maxSpeakers = input.maxSpeakers ?? 4;
  const energy = frameEnergyDb(samples, sampleRate);
  const { hopS, count: n } = energy;
  const segs = input.segments;
  const regions = segs?.map((g) => ({ start: Math.max(0, g.start - REGION_PAD_S), end: g.end + REGION_PAD_S }));
  const mask = speechMask(energy.energyDb, hopS, { regions, silence: input.silence });
  const feats = extractFeatures(samples, sampleRate, mask);
  const notes: string[] = [];
  const labels = new Int8Array(n).fill(-1);
  const margin = new Float32Array(n);

  // frame vectors: MFCCs standardised over the speech frames
  const dim = MFCC_DIMS;
  const speechIdx: number[] = [];
  for (let i = 0; i < n; i++) if (mask[i]) speechIdx.push(i);
  const empty: Diarization = {
    hopS,
    frameCount: n,
    labels,
    margin,
    speakerCount: 0,
    speechS: [],
    separation: 0,
    notes,
  };
  if (speechIdx.length < MIN_CHUNK_FRAMES) {
    notes.push('too little speech to tell voices apart');
    return empty;
  }
  const mean = new Float64Array(dim);
  const sd = new Float64Array(dim);
  for (const i of speechIdx) for (let q = 0; q < dim; q++) mean[q] += feats.mfcc[i * dim + q];
  for (let q = 0; q < dim; q++) mean[q] /= speechIdx.length;
  for (const i of speechIdx) for (let q = 0; q < dim; q++) sd[q] += (feats.mfcc[i * dim + q] - mean[q]) ** 2;
  for (let q = 0; q < dim; q++) sd[q] = Math.sqrt(sd[q] / speechIdx.length) || 1;
  const z = new Float64Array(n * dim);
  for (const i of speechIdx) for (let q = 0; q < dim; q++) z[i * dim + q] = (feats.mfcc[i * dim + q] - mean[q]) / sd[q];
  const logF0 = new Float64Array(n).fill(NaN);
  for (const i of speechIdx) if (feats.f0[i] > 0) logF0[i] = Math.log2(feats.f0[i]);

  // chunks and their vectors: mean MFCC + median log pitch
  const cutFrames = new Set((segs ?? []).flatMap((g) => [frameAt(feats, g.start), frameAt(feats, g.end)]));
  const groups = segs ? contentGroups(segs.map((g) => g.text ?? '')) : [];
  // a chunk's content group: its segment's, or (outside segments / without text) its own speech run
  const groupAt = (frame: number, run: number): number => {
    const t = frameTime(feats, frame);
    const k = segs ? segs.findIndex((g) => t >= g.start && t <= g.end) : -1;
    return k >= 0 && segs![k].text ? groups[k] : segs ? segs.length + run : run;
  };
  const chunks = makeChunks(mask, cutFrames, groupAt).filter((c) => c.end - c.start >= MIN_CHUNK_FRAMES);
  const cdim = dim + 1;
  const cx = new Float64Array(chunks.length * cdim);
  const chunkF0: number[] = [];
  chunks.forEach((c, ci) => {
    const f0s: number[] = [];
    for (let i = c.start; i < c.end; i++) {
      for (let q = 0; q < dim; q++) cx[ci * cdim + q] += z[i * dim + q] / (c.end - c.start);
      if (!Number.isNaN(logF0[i])) f0s.push(logF0[i]);
    }
    chunkF0.push(f0s.length >= 3 ? median(f0s) : NaN);
  });
  const knownF0 = chunkF0.filter((v) => !Number.isNaN(v));
  const f0Mean = knownF0.length ? knownF0.reduce((a, b) => a + b, 0) / knownF0.length : 0;
  const f0Sd =
    knownF0.length > 1 ? Math.sqrt(knownF0.reduce((a, b) => a + (b - f0Mean) ** 2, 0) / knownF0.length) || 1 : 1;
  // standardise every chunk dimension, then give pitch its weight
  for (let q = 0; q < cdim; q++) {
    if (q === dim) {
      chunks.forEach((_, ci) => {
        const v = Number.isNaN(chunkF0[ci]) ? 0 : (chunkF0[ci] - f0Mean) / f0Sd;
        cx[ci * cdim + q] = v * Math.sqrt(F0_WEIGHT);
      });
      continue;
    }
    let m = 0;
    let s = 0;
    for (let ci = 0; ci < chunks.length; ci++) m += cx[ci * cdim + q];
    m /= Math.max(1, chunks.length);
    for (let ci = 0; ci < chunks.length; ci++) s += (cx[ci * cdim + q] - m) ** 2;
    s = Math.sqrt(s / Math.max(1, chunks.length)) || 1;
    for (let ci = 0; ci < chunks.length; ci++) cx[ci * cdim + q] = (cx[ci * cdim + q] - m) / s;
  }

  const choice = chooseSpeakerCount(cx, chunks, cdim, maxSpeakers, z, dim, input.debug);
  notes.push(...choice.notes);
  const k = choice.k;
  const chunkLabel = choice.assign;

  if (k <= 1) {
    for (const i of speechIdx) labels[i] = 0;
    margin.fill(0);
    return { ...empty, speakerCount: 1, speechS: [speechIdx.length * hopS], separation: 0 };
  }

  // frame models per speaker: GMM on MFCC frames, Gaussian on log pitch
  const models: { gmm: Gmm; f0Mean: number; f0Var: number }[] = [];
  const varFloor = new Float64Array(dim).fill(0.01);
  for (let c = 0; c < k; c++) {
    const frames: number[] = [];
    chunks.forEach((ch, ci) => {
      if (chunkLabel[ci] === c) for (let i = ch.start; i < ch.end; i++) frames.push(i);
    });
    const step = Math.max(1, Math.floor(frames.length / MAX_TRAIN_FRAMES));
    const picked = frames.filter((_, i) => i % step === 0);
    const x = new Float64Array(picked.length * dim);
    picked.forEach((f, r) => x.set(z.subarray(f * dim, f * dim + dim), r * dim));
    const gmm = fitGmm(x, picked.length, dim, GMM_COMPONENTS, { seed: 11 + c, varFloor });
    const f0s = frames.map((f) => logF0[f]).filter((v) => !Number.isNaN(v));
    const fm = f0s.length ? f0s.reduce((a, b) => a + b, 0) / f0s.length : f0Mean;
    const fv = f0s.length > 1 ? f0s.reduce((a, b) => a + (b - fm) ** 2, 0) / f0s.length : 1;
    models.push({ gmm, f0Mean: fm, f0Var: Math.max(fv, 0.0025) });
  }

  // frame log-likelihoods, floored relative to the frame's best
  const m = speechIdx.length;
  const ll = new Float64Array(m * k);
  for (let r = 0; r < m; r++) {
    const i = speechIdx[r];
    let best = -Infinity;
    for (let c = 0; c < k; c++) {
      let v = gmmLogLikelihood(models[c].gmm, z, i * dim);
      if (!Number.isNaN(logF0[i])) {
        const d = logF0[i] - models[c].f0Mean;
        v += -0.5 * (Math.log(2 * Math.PI * models[c].f0Var) + (d * d) / models[c].f0Var);
      }
      ll[r * k + c] = v;
      if (v > best) best = v;
    }
    for (let c = 0; c < k; c++) ll[r * k + c] = Math.max(ll[r * k + c], best - FRAME_LL_FLOOR);
  }

  const path = viterbi(ll, m, k, speechIdx);
  // a speaker left with under half the minimum speech is dropped; the rest are numbered by speech
  const counts = new Array(k).fill(0);
  for (const c of path) counts[c]++;
  const kept = counts
    .map((cnt, c) => ({ cnt, c }))
    .filter((o) => o.cnt * hopS >= MIN_SPEAKER_S / 2)
    .sort((a, b) => b.cnt - a.cnt);
  const remap = new Int32Array(k).fill(-1);
  kept.forEach((o, idx) => (remap[o.c] = idx));
  if (kept.length < k) notes.push(`${k - kept.length} voice cluster(s) vanished after re-segmentation`);
  const bestKept = (r: number, except?: number): number => {
    let best = -1;
    for (const o of kept) if (o.c !== except && (best < 0 || ll[r * k + o.c] > ll[r * k + best])) best = o.c;
    return best;
  };
  const own = new Int32Array(m);
  for (let r = 0; r < m; r++) {
    own[r] = remap[path[r]] >= 0 ? path[r] : bestKept(r);
    labels[speechIdx[r]] = remap[own[r]];
  }

  // margin: the chosen speaker's log-likelihood over the best other, averaged over ±0.25 s of speech
  const raw = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    const other = bestKept(r, own[r]);
    raw[r] = other < 0 ? FRAME_LL_FLOOR : ll[r * k + own[r]] - ll[r * k + other];
  }
  const half = 15;
  let acc = 0;
  let lo = 0;
  let hi = 0;
  for (let r = 0; r < m; r++) {
    while (hi < m && hi <= r + half) acc += raw[hi++];
    while (lo < r - half) acc -= raw[lo++];
    margin[speechIdx[r]] = acc / (hi - lo);
  }

  const speechS = kept.map((o) => o.cnt * hopS);
  return { hopS, frameCount: n, labels, margin, speakerCount: kept.length, speechS, separation: choice.minClr, notes };
}

interface CountChoice {
  k: number;
  assign: Int32Array;
  notes: string[];
  /** smallest cross-likelihood ratio between two of the chosen speakers (nats per frame) */
  minClr: number;
}

/**
 * Picks the speaker count top-down: starting from one voice, the cluster whose 2-means split gives
 * the most distinct halves is split, as long as the halves differ by the cross-likelihood ratio of
 * held-out frames (two halves of one voice, split by what was said, score near 0; two voices score
 * well above clrDistinct) and each new half differs from every other voice too.
 */
function chooseSpeakerCount(
  cx: Float64Array,
  chunks: Chunk[],
  cdim: number,
  maxSpeakers: number,
  z: Float64Array,
  dim: number,
  debug?: (s: string) => void,
): CountChoice {
  const N = chunks.length;
  const notes: string[] = [];
  let clusters: number[][] = [chunks.map((_, i) => i)];
  let minClr = 0;
  while (clusters.length < maxSpeakers) {
    let bestSplit: { c: number; halves: number[][]; clr: number; need: number } | undefined;
    clusters.forEach((members, c) => {
      if (members.length < 2 * MIN_VOICE_CHUNKS) return;
      const x = new Float64Array(members.length * cdim);
      members.forEach((ci, r) => x.set(cx.subarray(ci * cdim, ci * cdim + cdim), r * cdim));
      const km = kmeans(x, members.length, cdim, 2, { restarts: 10, seed: 100 + c });
      const halves: number[][] = [[], []];
      km.assign.forEach((h, r) => halves[h].push(members[r]));
      if (halves.some((h) => h.length < MIN_VOICE_CHUNKS)) return;
      const clr = pairwiseClr(halves, chunks, z, dim)[0][0];
      debug?.(`split ${c} (${members.length} chunks) → ${halves[0].length}+${halves[1].length}: CLR ${clr.toFixed(2)}`);
      const need = clrDistinct(Math.min(halves[0].length, halves[1].length));
      if (clr > need && (!bestSplit || clr - need > bestSplit.clr - bestSplit.need))
        bestSplit = { c, halves, clr, need };
    });
    if (!bestSplit) break;
    const others = clusters.filter((_, c) => c !== bestSplit!.c);
    // a half that sounds like another existing voice belongs to it
    const next = [...others];
    let added = 0;
    for (const half of bestSplit.halves) {
      // untestable pairs (NaN) count as the same voice
      const clr = others.length
        ? pairwiseClr([half, ...others], chunks, z, dim)[0].map((v) => (Number.isNaN(v) ? 0 : v))
        : [];
      const nearest = clr.length ? clr.indexOf(Math.min(...clr)) : -1;
      if (nearest >= 0 && clr[nearest] <= clrDistinct(Math.min(half.length, others[nearest].length))) {
        debug?.(`half of ${half.length} chunks joins voice ${nearest} (CLR ${clr[nearest].toFixed(2)})`);
        next[nearest] = [...next[nearest], ...half];
      } else {
        next.push(half);
        added++;
      }
    }
    clusters = next;
    if (added < 2) {
      if (added === 0) break;
      continue;
    }
    minClr = minClr === 0 ? bestSplit.clr : Math.min(minClr, bestSplit.clr);
  }
  const assign = new Int32Array(N);
  clusters.forEach((members, c) => members.forEach((ci) => (assign[ci] = c)));
  if (clusters.length > 1) {
    const clr = pairwiseClr(clusters, chunks, z, dim);
    minClr = Math.min(...clr.flat().filter((v) => !Number.isNaN(v)));
  }
  return { k: clusters.length, assign, notes, minClr };
}

/**
 * Groups texts that say nearly the same thing (half or more of their characters shared): a customer
 * answering 清楚了 ten times must not look like a voice of its own next to his 明白 and 没有.
 */
export function contentGroups(texts: string[]): number[] {
  const sets = texts.map((t) => new Set(t.replace(/[\s\p{P}]/gu, '')));
  const parent = texts.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  for (let a = 0; a < sets.length; a++) {
    for (let b = a + 1; b < sets.length; b++) {
      if (!sets[a].size || !sets[b].size) continue;
      let shared = 0;
      for (const ch of sets[a]) if (sets[b].has(ch)) shared++;
      if (shared / (sets[a].size + sets[b].size - shared) >= 0.5) parent[find(a)] = find(b);
    }
  }
  return texts.map((_, i) => find(i));
}

/** Symmetric cross-likelihood ratio per pair: each cluster's model is trained on every other chunk and tested on the rest. */
function pairwiseClr(members: number[][], chunks: Chunk[], z: Float64Array, dim: number): number[][] {
  const k = members.length;
  const varFloor = new Float64Array(dim).fill(0.01);
  const models: Gmm[] = [];
  const test: number[][] = [];
  for (let c = 0; c < k; c++) {
    // held out by content: what a model is tested on was never said in what it was trained on
    const order = [...new Set(members[c].map((ci) => chunks[ci].group))];
    let train: number[] = [];
    let held: number[] = [];
    for (const ci of members[c]) {
      const side = order.indexOf(chunks[ci].group) % 2 ? held : train;
      for (let i = chunks[ci].start; i < chunks[ci].end; i++) side.push(i);
    }
    // long recordings: an even subsample is as good and keeps the cost flat
    train = thin(train, MAX_TRAIN_FRAMES);
    held = thin(held, MAX_TRAIN_FRAMES);
    const x = new Float64Array(train.length * dim);
    train.forEach((f, r) => x.set(z.subarray(f * dim, f * dim + dim), r * dim));
    // few frames, few components: a small model should not learn the words instead of the voice
    const m = Math.min(CLR_COMPONENTS, Math.max(1, Math.floor(train.length / FRAMES_PER_COMPONENT)));
    models.push(fitGmm(x, train.length, dim, m, { seed: 31 + c, varFloor }));
    test.push(held);
  }
  // mean over a cluster's held-out frames of log p(x | own) − log p(x | other), clipped per frame
  const own = test.map((frames, c) => frames.map((f) => gmmLogLikelihood(models[c], z, f * dim)));
  const out: number[][] = [];
  for (let a = 0; a < k; a++) {
    const row: number[] = [];
    for (let b = a + 1; b < k; b++) {
      const side = (p: number, q: number) => {
        let t = 0;
        test[p].forEach(
          (f, r) =>
            (t += Math.max(
              -FRAME_LL_FLOOR,
              Math.min(FRAME_LL_FLOOR, own[p][r] - gmmLogLikelihood(models[q], z, f * dim)),
            )),
        );
        // nothing held out (one thing said over and over): no evidence of a different voice
        return test[p].length ? t / test[p].length : NaN;
      };
      row.push((side(a, b) + side(b, a)) / 2);
    }
    out.push(row);
  }
  return out;
}

function thin<T>(xs: T[], max: number): T[] {
  if (xs.length <= max) return xs;
  const step = xs.length / max;
  return Array.from({ length: max }, (_, i) => xs[Math.floor(i * step)]);
}

/** Best speaker path over speech frames; a change costs SWITCH_PENALTY nats, less across a pause. */
function viterbi(ll: Float64Array, m: number, k: number, frameIdx: number[]): Int32Array {
  const back = new Int32Array(m * k);
  let score = new Float64Array(k);
  let next = new Float64Array(k);
  for (let c = 0; c < k; c++) score[c] = ll[c];
  for (let r = 1; r < m; r++) {
    const pen = frameIdx[r] - frameIdx[r - 1] > PAUSE_FRAMES ? SWITCH_PENALTY_AFTER_PAUSE : SWITCH_PENALTY;
    let bestPrev = 0;
    for (let c = 1; c < k; c++) if (score[c] > score[bestPrev]) bestPrev = c;
    for (let c = 0; c < k; c++) {
      const stay = score[c];
      const sw = score[bestPrev] - pen;
      if (stay >= sw || bestPrev === c) {
        next[c] = stay + ll[r * k + c];
        back[r * k + c] = c;
      } else {
        next[c] = sw + ll[r * k + c];
        back[r * k + c] = bestPrev;
      }
    }
    [score, next] = [next, score];
  }
  const path = new Int32Array(m);
  let c = 0;
  for (let j = 1; j < k; j++) if (score[j] > score[c]) c = j;
  for (let r = m - 1; r >= 0; r--) {
    path[r] = c;
    c = back[r * k + c];
  }
  return path;
}
