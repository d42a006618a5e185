// Small pixel measures on RGB frames: luma, darkness in a region, frame difference, edge density, and
// box drawing for evidence thumbnails. Pure functions over typed arrays, cheap enough to run on every
// sampled frame.

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Gray {
  data: Uint8Array;
  width: number;
  height: number;
}

/** BT.601 luma, integer maths. */
export function toGray(rgb: Uint8Array, width: number, height: number): Gray {
  const n = width * height;
  const data = new Uint8Array(n);
  for (let i = 0, j = 0; i < n; i++, j += 3) data[i] = (rgb[j]! * 77 + rgb[j + 1]! * 150 + rgb[j + 2]! * 29) >> 8;
  return { data, width, height };
}

export function clampRect(r: Rect, width: number, height: number): Rect {
  const x0 = Math.max(0, Math.min(width, Math.floor(r.x)));
  const y0 = Math.max(0, Math.min(height, Math.floor(r.y)));
  const x1 = Math.max(x0, Math.min(width, Math.ceil(r.x + r.w)));
  const y1 = Math.max(y0, Math.min(height, Math.ceil(r.y + r.h)));
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

export function grow(r: Rect, by: number): Rect {
  return { x: r.x - r.w * by, y: r.y - r.h * by, w: r.w * (1 + 2 * by), h: r.h * (1 + 2 * by) };
}

function inside(x: number, y: number, rects: Rect[]): boolean {
  for (const r of rects) if (x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h) return true;
  return false;
}

/** Mean and standard deviation of luma over the whole frame. */
export function lumaStats(g: Gray): { mean: number; std: number } {
  let s = 0;
  let s2 = 0;
  const d = g.data;
  for (let i = 0; i < d.length; i++) {
    s += d[i]!;
    s2 += d[i]! * d[i]!;
  }
  const mean = s / d.length;
  return { mean, std: Math.sqrt(Math.max(0, s2 / d.length - mean * mean)) };
}

/**
 * Dark pixels (ink, a pen stroke) in `region`, not counting `exclude` (e.g. the hand), as a count
 * and the number of pixels looked at. Dark is relative to the region's own paper brightness.
 */
export function darkPixels(
  g: Gray,
  region: Rect,
  exclude: Rect[] = [],
  threshold = 90,
): { dark: number; total: number } {
  const r = clampRect(region, g.width, g.height);
  let dark = 0;
  let total = 0;
  for (let y = r.y; y < r.y + r.h; y++) {
    for (let x = r.x; x < r.x + r.w; x++) {
      if (exclude.length && inside(x, y, exclude)) continue;
      total++;
      if (g.data[y * g.width + x]! < threshold) dark++;
    }
  }
  return { dark, total };
}

/** Mean absolute luma difference between two frames of the same size, optionally in one region. */
export function meanAbsDiff(a: Gray, b: Gray, region?: Rect): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error('meanAbsDiff: frames differ in size');
  const r = clampRect(region ?? { x: 0, y: 0, w: a.width, h: a.height }, a.width, a.height);
  let s = 0;
  for (let y = r.y; y < r.y + r.h; y++) {
    const row = y * a.width;
    for (let x = r.x; x < r.x + r.w; x++) s += Math.abs(a.data[row + x]! - b.data[row + x]!);
  }
  const n = r.w * r.h;
  return n ? s / n : 0;
}

/**
 * Fraction of pixels on a sharp horizontal luma step. Printed text on paper scores high (many thin
 * strokes); faces, walls and furniture score low. Used only to decide which frames are worth OCR.
 */
export function edgeDensity(g: Gray, region?: Rect, step = 60): number {
  const r = clampRect(region ?? { x: 0, y: 0, w: g.width, h: g.height }, g.width, g.height);
  let edges = 0;
  let n = 0;
  for (let y = r.y; y < r.y + r.h; y++) {
    const row = y * g.width;
    for (let x = r.x + 1; x < r.x + r.w; x++) {
      n++;
      if (Math.abs(g.data[row + x]! - g.data[row + x - 1]!) > step) edges++;
    }
  }
  return n ? edges / n : 0;
}

/** Draws a rectangle outline into an RGB buffer (in place). */
export function drawRect(
  rgb: Uint8Array,
  width: number,
  height: number,
  rect: Rect,
  color: [number, number, number],
  thickness = 2,
): void {
  const r = clampRect(rect, width, height);
  const put = (x: number, y: number) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const i = (y * width + x) * 3;
    rgb[i] = color[0];
    rgb[i + 1] = color[1];
    rgb[i + 2] = color[2];
  };
  for (let t = 0; t < thickness; t++) {
    for (let x = r.x; x < r.x + r.w; x++) {
      put(x, r.y + t);
      put(x, r.y + r.h - 1 - t);
    }
    for (let y = r.y; y < r.y + r.h; y++) {
      put(r.x + t, y);
      put(r.x + r.w - 1 - t, y);
    }
  }
}

export function boxToRect(box: [number, number, number, number]): Rect {
  return { x: box[0], y: box[1], w: box[2], h: box[3] };
}

/** Fills a rectangle (in place), e.g. to black out an ID number in an evidence frame. */
export function fillRect(
  rgb: Uint8Array,
  width: number,
  height: number,
  rect: Rect,
  color: [number, number, number],
): void {
  const r = clampRect(rect, width, height);
  for (let y = r.y; y < r.y + r.h; y++) {
    for (let x = r.x; x < r.x + r.w; x++) {
      const i = (y * width + x) * 3;
      rgb[i] = color[0];
      rgb[i + 1] = color[1];
      rgb[i + 2] = color[2];
    }
  }
}
