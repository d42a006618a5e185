// Reads a whisper.cpp ggml model's header in JavaScript before any native code sees the file:
// whisper.cpp aborts or segfaults on a bad magic, an unknown ftype or a truncated vocabulary,
// so a broken file becomes a one-line message here instead of a crash there.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const GGML_MAGIC = 0x67676d6c;
/** ggml ftypes whisper.cpp maps to a tensor type (others trip GGML_ASSERT(wtype != GGML_TYPE_COUNT)). */
const KNOWN_FTYPES = new Set([0, 1, 2, 3, 7, 8, 9, 10, 11, 12, 13, 14]);
const QNT_VERSION_FACTOR = 1000;

export interface GgmlHeader {
  nVocab: number;
  nAudioCtx: number;
  nAudioState: number;
  nAudioHead: number;
  nAudioLayer: number;
  nTextCtx: number;
  nTextState: number;
  nTextHead: number;
  nTextLayer: number;
  nMels: number;
  ftype: number;
}

export interface ModelFileInfo {
  sizeBytes: number;
  header: GgmlHeader;
  /** tiny, base, small, medium, large (by encoder depth) */
  type: string;
  multilingual: boolean;
  /** vocabulary entries stored in the file */
  vocabEntries: number;
  /** the file ends after the vocabulary: whisper.cpp runs it as an "empty model for testing" */
  weightless: boolean;
}

export type ModelFileResult = { ok: true; info: ModelFileInfo } | { ok: false; problem: string };

const TYPES: Record<number, string> = { 4: 'tiny', 6: 'base', 12: 'small', 24: 'medium', 32: 'large' };

/** Sequential reads through a 1 MiB window: the vocabulary is ~50k tiny records. */
class Reader {
  pos = 0;
  private win = Buffer.alloc(0);
  private winStart = 0;
  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  bytes(n: number, what: string): Buffer {
    if (n < 0 || this.pos + n > this.size) throw new Problem(`truncated: the file ends inside the ${what}`);
    const off = this.pos - this.winStart;
    if (off < 0 || off + n > this.win.length) {
      const want = Math.min(Math.max(n, 1 << 20), this.size - this.pos);
      const buf = Buffer.alloc(want);
      let got = 0;
      while (got < want) {
        const r = readSync(this.fd, buf, got, want - got, this.pos + got);
        if (r === 0) throw new Problem(`truncated: the file ends inside the ${what}`);
        got += r;
      }
      this.win = buf;
      this.winStart = this.pos;
    }
    const start = this.pos - this.winStart;
    this.pos += n;
    return this.win.subarray(start, start + n);
  }

  i32(what: string): number {
    return this.bytes(4, what).readInt32LE(0);
  }

  skip(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.size) throw new Problem(`truncated: the file ends inside the ${what}`);
    this.pos += n;
  }
}

class Problem extends Error {}

function check(cond: boolean, problem: string): void {
  if (!cond) throw new Problem(problem);
}

/** Validates a ggml Whisper model file's structure (header, mel filters, vocabulary, first tensor). */
export function inspectModelFile(path: string): ModelFileResult {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      ok: false,
      problem: code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? (err as Error).message})`,
    };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { ok: false, problem: 'not a regular file' };
    const r = new Reader(fd, st.size);
    check(st.size >= 48, `too small to be a ggml model (${st.size} bytes)`);
    const magic = r.bytes(4, 'header').readUInt32LE(0);
    check(
      magic === GGML_MAGIC,
      `not a whisper.cpp ggml model (bad magic 0x${magic.toString(16).padStart(8, '0')}; GGUF and PyTorch files are not supported)`,
    );
    const h: GgmlHeader = {
      nVocab: r.i32('header'),
      nAudioCtx: r.i32('header'),
      nAudioState: r.i32('header'),
      nAudioHead: r.i32('header'),
      nAudioLayer: r.i32('header'),
      nTextCtx: r.i32('header'),
      nTextState: r.i32('header'),
      nTextHead: r.i32('header'),
      nTextLayer: r.i32('header'),
      nMels: r.i32('header'),
      ftype: r.i32('header'),
    };
    check(h.nVocab >= 256 && h.nVocab <= 100_000, `implausible n_vocab ${h.nVocab}`);
    check(h.nAudioCtx >= 1 && h.nAudioCtx <= 1500, `implausible n_audio_ctx ${h.nAudioCtx}`);
    check(h.nTextCtx >= 1 && h.nTextCtx <= 4096, `implausible n_text_ctx ${h.nTextCtx}`);
    for (const [name, state, heads, layers] of [
      ['audio', h.nAudioState, h.nAudioHead, h.nAudioLayer],
      ['text', h.nTextState, h.nTextHead, h.nTextLayer],
    ] as const) {
      check(state >= 1 && state <= 8192, `implausible n_${name}_state ${state}`);
      check(heads >= 1 && heads <= 128 && state % heads === 0, `implausible n_${name}_head ${heads}`);
      check(layers >= 1 && layers <= 128, `implausible n_${name}_layer ${layers}`);
    }
    check(h.nTextState === h.nAudioState, `n_text_state ${h.nTextState} differs from n_audio_state ${h.nAudioState}`);
    check(h.nMels === 80 || h.nMels === 128, `implausible n_mels ${h.nMels}`);
    check(h.ftype >= 0 && KNOWN_FTYPES.has(h.ftype % QNT_VERSION_FACTOR), `unsupported ftype ${h.ftype}`);

    const nMel = r.i32('mel filters');
    const nFft = r.i32('mel filters');
    check(nMel === h.nMels, `mel filter count ${nMel} differs from n_mels ${h.nMels}`);
    check(nFft >= 1 && nFft <= 4096, `implausible mel filter n_fft ${nFft}`);
    r.skip(nMel * nFft * 4, 'mel filters');

    const nEntries = r.i32('vocabulary');
    check(nEntries >= 256 && nEntries <= h.nVocab, `vocabulary has ${nEntries} entries for n_vocab ${h.nVocab}`);
    let hasSpace = false;
    for (let i = 0; i < nEntries; i++) {
      const len = r.bytes(4, 'vocabulary').readUInt32LE(0);
      check(len <= 1024, `vocabulary entry ${i} claims ${len} bytes`);
      if (len === 1) {
        if (r.bytes(1, 'vocabulary')[0] === 0x20) hasSpace = true;
      } else r.skip(len, 'vocabulary');
    }
    // whisper.cpp looks the " " token up unconditionally (suppress_blank) and aborts without it
    check(hasSpace, 'the vocabulary has no " " token');

    const weightless = r.pos === st.size;
    if (!weightless) {
      // peek at the first tensor header: dims, name length, type
      const nDims = r.i32('first tensor header');
      const nameLen = r.i32('first tensor header');
      r.i32('first tensor header');
      check(
        nDims >= 1 && nDims <= 4 && nameLen >= 1 && nameLen <= 256,
        'the data after the vocabulary is not a ggml tensor',
      );
    }
    return {
      ok: true,
      info: {
        sizeBytes: st.size,
        header: h,
        type: TYPES[h.nAudioLayer] ?? `custom (${h.nAudioLayer} layers)`,
        multilingual: h.nVocab >= 51865,
        vocabEntries: nEntries,
        weightless,
      },
    };
  } catch (err) {
    if (err instanceof Problem) return { ok: false, problem: err.message };
    return { ok: false, problem: `cannot be read (${(err as Error).message})` };
  } finally {
    closeSync(fd);
  }
}
