// Local alignment (Smith-Waterman) of a canonical script sentence against a transcript view,
// scoring identical characters highest, then homophones (same tone-less pinyin), then
// accent/ASR-confusable syllables (zh/z, n/l, an/ang …), then near syllables (Jaro-Winkler via
// `natural`, cached). Candidate windows are found first by counting the distinct pattern
// syllables in a sliding window, so a 30-minute transcript is aligned only where the sentence
// could be. Written for speed: typed arrays, a reused scratch buffer, no allocation per cell.
import type { Pattern, TextView } from './corpus.js';
import { syllableSimilarity } from './pinyin.js';

export interface AlignResult {
  /** matched span in the view, [start, end) */
  start: number;
  end: number;
  /** weighted share of the pattern's characters found in order, 0..1 */
  coverage: number;
  score: number;
  /** pattern indices of the first and last pattern characters found */
  pFirst: number;
  pLast: number;
}

const GAP = -1.2;
const MISMATCH = -1;
// score / coverage weight per kind of pair
const S_SAME = 2,
  W_SAME = 1;
const S_HOMO = 1.8,
  W_HOMO = 0.9;
const S_FUZZY = 1.4,
  W_FUZZY = 0.75;
const S_NEAR = 0.2,
  W_NEAR = 0.3;
const NEAR = 0.88;

// near-syllable cache: 0 unknown, 1 near, 2 not near (ids beyond the table fall back to a Map)
const MAXS = 2048;
const nearTable = new Uint8Array(MAXS * MAXS);
function near(a: number, b: number): boolean {
  if (a < MAXS && b < MAXS) {
    const k = a * MAXS + b;
    let v = nearTable[k];
    if (v === 0) {
      v = syllableSimilarity(a, b) >= NEAR ? 1 : 2;
      nearTable[k] = v;
      nearTable[b * MAXS + a] = v;
    }
    return v === 1;
  }
  return syllableSimilarity(a, b) >= NEAR;
}

let scratchH = new Float32Array(4096);
let scratchT = new Uint8Array(4096);
let scratchW = new Float32Array(4096);

/** Best local alignment of the whole pattern inside view[from, to). */
export function alignWindow(p: Pattern, v: TextView, from: number, to: number): AlignResult | undefined {
  const m = p.text.length;
  from = Math.max(0, from);
  to = Math.min(v.length, to);
  const w = to - from;
  if (m === 0 || w <= 0) return undefined;
  const cols = w + 1;
  const size = (m + 1) * cols;
  if (scratchH.length < size) {
    scratchH = new Float32Array(size * 2);
    scratchT = new Uint8Array(size * 2);
    scratchW = new Float32Array(size * 2);
  }
  const H = scratchH;
  const T = scratchT;
  const W = scratchW; // coverage weight of the diagonal step into each cell
  H.fill(0, 0, cols);
  const ptext = p.text;
  const vtext = v.text;
  const psyl = p.syl;
  const pfz = p.fz;
  const vsyl = v.syl;
  const vfz = v.fz;
  let best = 0;
  let bi = 0;
  let bj = 0;
  for (let i = 1; i <= m; i++) {
    const row = i * cols;
    const prev = row - cols;
    H[row] = 0;
    const pc = ptext.charCodeAt(i - 1);
    const ps = psyl[i - 1];
    const pf = pfz[i - 1];
    for (let j = 1; j <= w; j++) {
      const q = from + j - 1;
      let s: number;
      let wt: number;
      if (vtext.charCodeAt(q) === pc) {
        s = S_SAME;
        wt = W_SAME;
      } else if (vsyl[q] === ps) {
        s = S_HOMO;
        wt = W_HOMO;
      } else if (vfz[q] === pf) {
        s = S_FUZZY;
        wt = W_FUZZY;
      } else if (near(ps, vsyl[q])) {
        s = S_NEAR;
        wt = W_NEAR;
      } else {
        s = MISMATCH;
        wt = 0;
      }
      let h = 0;
      let t = 0;
      const d = H[prev + j - 1] + s;
      if (d > h) {
        h = d;
        t = 1;
      }
      const up = H[prev + j] + GAP; // pattern char missing from the text
      if (up > h) {
        h = up;
        t = 2;
      }
      const left = H[row + j - 1] + GAP; // extra text char
      if (left > h) {
        h = left;
        t = 3;
      }
      H[row + j] = h;
      T[row + j] = t;
      W[row + j] = wt;
      if (h > best) {
        best = h;
        bi = i;
        bj = j;
      }
    }
  }
  if (best <= 0) return undefined;
  let i = bi;
  let j = bj;
  let weight = 0;
  let startJ = bj;
  let pFirst = -1;
  let pLast = -1;
  while (i > 0 && j > 0) {
    const t = T[i * cols + j];
    if (t === 0) break;
    if (t === 1) {
      const w1 = W[i * cols + j];
      weight += w1;
      if (w1 > 0) {
        if (pLast < 0) pLast = i - 1;
        pFirst = i - 1;
      }
      startJ = j;
      i--;
      j--;
    } else if (t === 2) i--;
    else j--;
  }
  return { start: from + startJ - 1, end: from + bj, coverage: weight / m, score: best, pFirst, pLast };
}

/** All non-overlapping places where the pattern aligns with coverage ≥ minCoverage. */
export function findAligned(p: Pattern, v: TextView, minCoverage: number, maxHits = 20): AlignResult[] {
  const m = p.text.length;
  const n = v.length;
  if (m === 0 || n === 0) return [];
  // pattern syllable → how many times the pattern has it (typed arrays indexed by sound id)
  let maxF = 0;
  for (let i = 0; i < m; i++) if (p.fz[i] > maxF) maxF = p.fz[i];
  const want = new Int32Array(maxF + 1);
  for (let i = 0; i < m; i++) want[p.fz[i]]++;
  const win = Math.min(m, n);
  // a window can't reach the coverage unless it holds enough of the pattern's syllables
  // (counted with multiplicity up to the pattern's own count, so "的的的的" doesn't qualify)
  const need = Math.max(1, Math.ceil(minCoverage * m * 0.75));
  const have = new Int32Array(maxF + 1);
  let useful = 0;
  const add = (f: number, d: number): void => {
    if (f > maxF) return;
    const cap = want[f];
    if (cap === 0) return;
    const before = have[f];
    const after = before + d;
    have[f] = after;
    useful += Math.min(after, cap) - Math.min(before, cap);
  };
  const out: AlignResult[] = [];
  const slack = Math.ceil(m / 2) + 4;
  let j = 0;
  for (let k = 0; k < win; k++) add(v.fz[k], 1);
  // slide [j, j + win)
  while (j + win <= n && out.length < maxHits) {
    if (useful >= need) {
      // the best-filled window nearby, then one alignment around it
      let bestJ = j;
      let bestU = useful;
      let u = useful;
      let jj = j;
      while (jj + 1 + win <= n && jj < j + win) {
        add(v.fz[jj], -1);
        add(v.fz[jj + win], 1);
        jj++;
        u = useful;
        if (u > bestU) {
          bestU = u;
          bestJ = jj;
        }
      }
      const r = alignWindow(p, v, bestJ - slack, bestJ + win + slack);
      let next: number;
      if (r && r.coverage >= minCoverage) {
        if (!out.length || r.start >= out[out.length - 1].end) out.push(r);
        next = Math.max(r.end, j + 1);
      } else {
        next = bestJ + Math.max(1, Math.floor(win / 2));
      }
      // re-seat the window at `next`
      have.fill(0);
      useful = 0;
      j = Math.min(next, n - win + 1);
      if (j + win > n) break;
      for (let k = j; k < j + win; k++) add(v.fz[k], 1);
      continue;
    }
    if (j + win >= n) break;
    add(v.fz[j], -1);
    add(v.fz[j + win], 1);
    j++;
  }
  return out;
}
