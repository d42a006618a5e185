// Local alignment (Smith-Waterman) of a canonical script sentence against a transcript view,
// scoring identical characters highest, then homophones (same tone-less pinyin), then
// accent/ASR-confusable syllables (zh/z, n/l, an/ang …), then near syllables. Candidate windows
// are found first by counting pattern syllables in a sliding window, so a 30-minute transcript
// is aligned only where the sentence could be.
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

function pairScore(p: Pattern, i: number, v: TextView, j: number): [number, number] {
  if (p.text.charCodeAt(i) === v.text.charCodeAt(j)) return [2, 1];
  if (p.syl[i] === v.syl[j]) return [1.8, 0.9];
  if (p.fz[i] === v.fz[j]) return [1.4, 0.75];
  if (syllableSimilarity(p.syl[i], v.syl[j]) >= 0.88) return [0.2, 0.3];
  return [MISMATCH, 0];
}

/** Best local alignment of the whole pattern inside view[from, to). */
export function alignWindow(p: Pattern, v: TextView, from: number, to: number): AlignResult | undefined {
  const m = p.text.length;
  from = Math.max(0, from);
  to = Math.min(v.length, to);
  const w = to - from;
  if (m === 0 || w <= 0) return undefined;
  const cols = w + 1;
  const H = new Float32Array((m + 1) * cols);
  const T = new Uint8Array((m + 1) * cols);
  let best = 0;
  let bi = 0;
  let bj = 0;
  for (let i = 1; i <= m; i++) {
    const row = i * cols;
    const prev = (i - 1) * cols;
    for (let j = 1; j <= w; j++) {
      const [s] = pairScore(p, i - 1, v, from + j - 1);
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
      const w1 = pairScore(p, i - 1, v, from + j - 1)[1];
      weight += w1;
      if (w1 > 0) {
        if (pLast < 0) pLast = i - 1;
        pFirst = i - 1;
      }
      startJ = j;
      i--;
      j--;
    } else if (t === 2) i--;
    else {
      j--;
    }
  }
  return { start: from + startJ - 1, end: from + bj, coverage: weight / m, score: best, pFirst, pLast };
}

/** All non-overlapping places where the pattern aligns with coverage ≥ minCoverage. */
export function findAligned(p: Pattern, v: TextView, minCoverage: number, maxHits = 20): AlignResult[] {
  const m = p.text.length;
  const n = v.length;
  if (m === 0 || n === 0) return [];
  let maxF = 0;
  for (let i = 0; i < m; i++) maxF = Math.max(maxF, p.fz[i]);
  for (let j = 0; j < n; j++) maxF = Math.max(maxF, v.fz[j]);
  const has = new Uint8Array(maxF + 1);
  for (let i = 0; i < m; i++) has[p.fz[i]] = 1;
  // prefix sums of "this text syllable occurs in the pattern"
  const pre = new Int32Array(n + 1);
  for (let j = 0; j < n; j++) pre[j + 1] = pre[j] + has[v.fz[j]];
  const win = Math.min(m, n);
  // a window can't reach the coverage unless enough of its syllables are pattern syllables
  const need = Math.max(1, Math.ceil(minCoverage * m * 0.6));
  const out: AlignResult[] = [];
  let j = 0;
  while (j + 1 <= n && out.length < maxHits) {
    const end = Math.min(n, j + win);
    if (pre[end] - pre[j] < need) {
      j++;
      continue;
    }
    // best window start in the neighbourhood
    let bestJ = j;
    let bestC = pre[end] - pre[j];
    for (let k = j + 1; k < Math.min(n, j + win); k++) {
      const c = pre[Math.min(n, k + win)] - pre[k];
      if (c > bestC) {
        bestC = c;
        bestJ = k;
      }
    }
    const slack = Math.ceil(m / 2) + 4;
    const r = alignWindow(p, v, bestJ - slack, bestJ + win + slack);
    if (r && r.coverage >= minCoverage) {
      if (!out.length || r.start >= out[out.length - 1].end) out.push(r);
      j = Math.max(r.end, j + 1);
    } else {
      j = bestJ + Math.max(1, Math.floor(win / 2));
    }
  }
  return out;
}
