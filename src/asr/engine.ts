// The engine seam: everything above it (windows, guard, post-processing, cache) works on these
// shapes, so another engine (an HTTP whisper server, sherpa-onnx) only has to implement AsrEngine.
import type { DecodeOptions } from './options.js';

export interface EngineToken {
  id: number;
  /** as the engine decoded it; a CJK character split over two tokens shows as U+FFFD in each */
  text: string;
  /** 0..1 */
  p: number;
  /** seconds from the start of the audio given to transcribe(), when token timestamps are on */
  start?: number;
  end?: number;
  /** true for control tokens (end of text, timestamps, language, …) */
  special: boolean;
}

export interface EngineSegment {
  /** seconds from the start of the audio given to transcribe() */
  start: number;
  end: number;
  text: string;
  lang?: string;
  tokens: EngineToken[];
}

export interface EngineInfo {
  engine: string;
  modelPath: string;
  /** the model file has no tensors: the engine runs, but produces no meaningful text */
  weightless: boolean;
}

export interface AsrEngine {
  readonly name: string;
  /** Loads the model (idempotent). Rejects with a one-line reason when the model can't be used. */
  load(signal?: AbortSignal): Promise<EngineInfo>;
  /** 16 kHz mono samples of at most 30 s → segments with window-relative times. */
  transcribe(pcm: Float32Array, opts: DecodeOptions, signal?: AbortSignal): Promise<EngineSegment[]>;
  close(): Promise<void>;
}

/** The engine could not run (crash, bad model, not built). The message is one line, fit for a report. */
export class EngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineError';
  }
}
