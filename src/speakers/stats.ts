// Small numeric helpers for diarization: a seeded PRNG, k-means and diagonal-covariance GMMs.
// Vectors are rows of a flat Float64Array (n × dim) to keep the inner loops allocation-free.

export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function median(values: ArrayLike<number>): number {
  if (values.length === 0) return NaN;
  const s = Array.from(values).sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function quantile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) return NaN;
  const s = Array.from(values).sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.floor(q * (s.length - 1))))];
}

function sqDist(x: Float64Array, i: number, c: Float64Array, j: number, dim: number): number {
  let d = 0;
  const a = i * dim;
  const b = j * dim;
  for (let k = 0; k < dim; k++) {
    const t = x[a + k] - c[b + k];
    d += t * t;
  }
  return d;
}

export interface KMeansResult {
  k: number;
  centroids: Float64Array;
  assign: Int32Array;
  /** sum of squared distances to the assigned centroid */
  inertia: number;
}

/** k-means with k-means++ seeding, best of `restarts` runs; rows may carry weights. */
export function kmeans(
  x: Float64Array,
  n: number,
  dim: number,
  k: number,
  opts: { restarts?: number; seed?: number; weights?: Float64Array; iterations?: number } = {},
): KMeansResult {
  const rand = mulberry32(opts.seed ?? 1);
  const w = opts.weights;
  let best: KMeansResult | undefined;
  for (let r = 0; r < (opts.restarts ?? 8); r++) {
    const c = new Float64Array(k * dim);
    // k-means++: each next centre drawn in proportion to its squared distance from the chosen ones
    const first = Math.floor(rand() * n);
    c.set(x.subarray(first * dim, first * dim + dim), 0);
    const d2 = new Float64Array(n).fill(Infinity);
    for (let j = 1; j < k; j++) {
      let total = 0;
      for (let i = 0; i < n; i++) {
        d2[i] = Math.min(d2[i], sqDist(x, i, c, j - 1, dim));
        total += d2[i] * (w ? w[i] : 1);
      }
      let pick = rand() * total;
      let chosen = n - 1;
      for (let i = 0; i < n; i++) {
        pick -= d2[i] * (w ? w[i] : 1);
        if (pick <= 0) {
          chosen = i;
          break;
        }
      }
      c.set(x.subarray(chosen * dim, chosen * dim + dim), j * dim);
    }
    const assign = new Int32Array(n).fill(-1);
    let inertia = 0;
    for (let it = 0; it < (opts.iterations ?? 50); it++) {
      let changed = false;
      inertia = 0;
      for (let i = 0; i < n; i++) {
        let bj = 0;
        let bd = Infinity;
        for (let j = 0; j < k; j++) {
          const d = sqDist(x, i, c, j, dim);
          if (d < bd) {
            bd = d;
            bj = j;
          }
        }
        inertia += bd * (w ? w[i] : 1);
        if (assign[i] !== bj) {
          assign[i] = bj;
          changed = true;
        }
      }
      if (!changed) break;
      const sums = new Float64Array(k * dim);
      const counts = new Float64Array(k);
      for (let i = 0; i < n; i++) {
        const wi = w ? w[i] : 1;
        counts[assign[i]] += wi;
        for (let q = 0; q < dim; q++) sums[assign[i] * dim + q] += x[i * dim + q] * wi;
      }
      for (let j = 0; j < k; j++) {
        if (counts[j] === 0) continue; // an empty cluster keeps its old centre
        for (let q = 0; q < dim; q++) c[j * dim + q] = sums[j * dim + q] / counts[j];
      }
    }
    if (!best || inertia < best.inertia) best = { k, centroids: c, assign, inertia };
  }
  return best!;
}

/** Diagonal-covariance Gaussian mixture. */
export interface Gmm {
  dim: number;
  m: number;
  logWeights: Float64Array;
  means: Float64Array;
  /** 1 / variance */
  precisions: Float64Array;
  /** per component: log weight − ½ Σ log(2π σ²) */
  constants: Float64Array;
}

const LOG_2PI = Math.log(2 * Math.PI);

function finishGmm(dim: number, m: number, weights: Float64Array, means: Float64Array, vars: Float64Array): Gmm {
  const logWeights = new Float64Array(m);
  const precisions = new Float64Array(m * dim);
  const constants = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    logWeights[j] = Math.log(Math.max(weights[j], 1e-6));
    let c = logWeights[j];
    for (let q = 0; q < dim; q++) {
      precisions[j * dim + q] = 1 / vars[j * dim + q];
      c -= 0.5 * (LOG_2PI + Math.log(vars[j * dim + q]));
    }
    constants[j] = c;
  }
  return { dim, m, logWeights, means, precisions, constants };
}

export function gmmLogLikelihood(g: Gmm, x: Float64Array | Float32Array, offset: number): number {
  let max = -Infinity;
  const lp = GMM_SCRATCH.length >= g.m ? GMM_SCRATCH : (GMM_SCRATCH = new Float64Array(g.m));
  for (let j = 0; j < g.m; j++) {
    let s = 0;
    const b = j * g.dim;
    for (let q = 0; q < g.dim; q++) {
      const t = x[offset + q] - g.means[b + q];
      s += t * t * g.precisions[b + q];
    }
    const v = g.constants[j] - 0.5 * s;
    lp[j] = v;
    if (v > max) max = v;
  }
  let sum = 0;
  for (let j = 0; j < g.m; j++) sum += Math.exp(lp[j] - max);
  return max + Math.log(sum);
}
let GMM_SCRATCH = new Float64Array(16);

/** Fits a GMM by EM from a k-means start; `varFloor` keeps components from collapsing onto a few frames. */
export function fitGmm(
  x: Float64Array,
  n: number,
  dim: number,
  m: number,
  opts: { iterations?: number; seed?: number; varFloor: Float64Array },
): Gmm {
  m = Math.max(1, Math.min(m, Math.floor(n / 10)));
  const km = kmeans(x, n, dim, m, { restarts: 1, seed: opts.seed, iterations: 10 });
  const weights = new Float64Array(m);
  const means = new Float64Array(km.centroids);
  const vars = new Float64Array(m * dim);
  // start: hard k-means responsibilities
  const counts = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const j = km.assign[i];
    counts[j]++;
    for (let q = 0; q < dim; q++) {
      const t = x[i * dim + q] - means[j * dim + q];
      vars[j * dim + q] += t * t;
    }
  }
  for (let j = 0; j < m; j++) {
    weights[j] = (counts[j] + 1) / (n + m);
    for (let q = 0; q < dim; q++)
      vars[j * dim + q] = Math.max(opts.varFloor[q], vars[j * dim + q] / Math.max(1, counts[j]));
  }
  let g = finishGmm(dim, m, weights, means, vars);
  const resp = new Float64Array(m);
  for (let it = 0; it < (opts.iterations ?? 8); it++) {
    const nk = new Float64Array(m);
    const sx = new Float64Array(m * dim);
    const sxx = new Float64Array(m * dim);
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let q = 0; q < dim; q++) {
          const t = x[i * dim + q] - g.means[j * dim + q];
          s += t * t * g.precisions[j * dim + q];
        }
        resp[j] = g.constants[j] - 0.5 * s;
        if (resp[j] > max) max = resp[j];
      }
      let sum = 0;
      for (let j = 0; j < m; j++) sum += resp[j] = Math.exp(resp[j] - max);
      for (let j = 0; j < m; j++) {
        const r = resp[j] / sum;
        if (r < 1e-4) continue;
        nk[j] += r;
        for (let q = 0; q < dim; q++) {
          const v = x[i * dim + q];
          sx[j * dim + q] += r * v;
          sxx[j * dim + q] += r * v * v;
        }
      }
    }
    for (let j = 0; j < m; j++) {
      weights[j] = (nk[j] + 1) / (n + m);
      const d = Math.max(nk[j], 1e-9);
      for (let q = 0; q < dim; q++) {
        const mu = nk[j] > 1e-9 ? sx[j * dim + q] / d : g.means[j * dim + q];
        means[j * dim + q] = mu;
        vars[j * dim + q] = Math.max(
          opts.varFloor[q],
          nk[j] > 1e-9 ? sxx[j * dim + q] / d - mu * mu : opts.varFloor[q],
        );
      }
    }
    g = finishGmm(dim, m, weights, new Float64Array(means), vars);
  }
  return g;
}
