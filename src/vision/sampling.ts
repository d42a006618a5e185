// Where to look: a low-rate baseline over the whole recording (faces only), plus dense windows where
// the transcript says something should be happening on camera (signing, documents, ID) and around
// scene cuts. A dense scan of every frame with every detector would cost several times real time.
import type { MediaSignals, Transcript } from '../model/index.js';

export type CueKind = 'signature' | 'document' | 'id';

export interface Cue {
  kind: CueKind;
  start: number;
  end: number;
  segmentId: number;
  text: string;
}

const CUE_PATTERNS: Record<CueKind, RegExp> = {
  signature: /签字|签名|签上|签署|抄录|手写|亲笔/,
  document: /提示书|条款|免除|免责|说明书|投保单|出示|请看|请您看/,
  id: /证件|身份证|身份号码/,
};

export function findCues(transcript: Transcript | undefined): Cue[] {
  const out: Cue[] = [];
  for (const s of transcript?.segments ?? []) {
    for (const kind of Object.keys(CUE_PATTERNS) as CueKind[]) {
      if (CUE_PATTERNS[kind].test(s.text))
        out.push({ kind, start: s.start, end: s.end, segmentId: s.id, text: s.text });
    }
  }
  return out;
}

export interface SamplingOptions {
  /** baseline face sampling rate; default 1 fps */
  baselineFps: number;
  /** hand/face rate inside signing windows; default 2 fps */
  denseFps: number;
  /** OCR rate inside document/ID windows; default 0.5 fps */
  ocrFps: number;
  /** how long after a signing cue to keep looking (signing follows the request); default 25 s */
  signatureAfterS: number;
  /** how long after a document/ID cue; default 12 s */
  documentAfterS: number;
  /** ± seconds around a scene cut sampled densely for faces; default 2 s */
  cutMarginS: number;
  /** upper bound on OCR'd frames per recording (OCR is the slowest detector); default 40 */
  maxOcrFrames: number;
  /** upper bound on scene cuts given a dense window (a noisy recording can have hundreds); default 20 */
  maxCutWindows: number;
}

export const SAMPLING_DEFAULTS: SamplingOptions = {
  baselineFps: 1,
  denseFps: 2,
  ocrFps: 0.5,
  signatureAfterS: 25,
  documentAfterS: 12,
  cutMarginS: 2,
  maxOcrFrames: 40,
  maxCutWindows: 20,
};

export interface TimeWindow {
  start: number;
  end: number;
  /** why: the cue kinds or 'cut' */
  reasons: string[];
}

/** Merges overlapping windows and clamps them to [0, duration]. */
export function mergeWindows(windows: TimeWindow[], duration: number): TimeWindow[] {
  const sorted = windows
    .map((w) => ({ start: Math.max(0, w.start), end: Math.min(duration, w.end), reasons: [...w.reasons] }))
    .filter((w) => w.end - w.start > 0.05)
    .sort((a, b) => a.start - b.start);
  const out: TimeWindow[] = [];
  for (const w of sorted) {
    const last = out[out.length - 1];
    if (last && w.start <= last.end) {
      last.end = Math.max(last.end, w.end);
      for (const r of w.reasons) if (!last.reasons.includes(r)) last.reasons.push(r);
    } else out.push(w);
  }
  return out;
}

/** Parts of `windows` not covered by `minus`. */
export function subtractWindows(windows: TimeWindow[], minus: { start: number; end: number }[]): TimeWindow[] {
  let out = windows;
  for (const m of minus) {
    out = out.flatMap((w) => {
      if (m.end <= w.start || m.start >= w.end) return [w];
      const parts: TimeWindow[] = [];
      if (m.start > w.start) parts.push({ start: w.start, end: m.start, reasons: w.reasons });
      if (m.end < w.end) parts.push({ start: m.end, end: w.end, reasons: w.reasons });
      return parts;
    });
  }
  return out.filter((w) => w.end - w.start > 0.05);
}

export interface SamplingPlan {
  cues: Cue[];
  /** signing windows: hands + faces at denseFps */
  signatureWindows: TimeWindow[];
  /** around scene cuts (outside signing windows): faces at denseFps */
  cutWindows: TimeWindow[];
  /** OCR at ocrFps */
  ocrWindows: TimeWindow[];
}

export function planSampling(
  duration: number,
  transcript: Transcript | undefined,
  signals: MediaSignals | undefined,
  o: SamplingOptions = SAMPLING_DEFAULTS,
): SamplingPlan {
  const cues = findCues(transcript);
  const sig: TimeWindow[] = [];
  const ocr: TimeWindow[] = [];
  for (const c of cues) {
    if (c.kind === 'signature')
      sig.push({ start: c.start - 2, end: c.end + o.signatureAfterS, reasons: ['signature'] });
    else ocr.push({ start: c.start - 2, end: c.end + o.documentAfterS, reasons: [c.kind] });
  }
  const signatureWindows = mergeWindows(sig, duration);
  // the strongest cuts first, when there are more than we will look at
  const cuts = [...(signals?.cuts ?? [])].sort((a, b) => b.score - a.score).slice(0, o.maxCutWindows);
  const cutWindows = subtractWindows(
    mergeWindows(
      cuts.map((c) => ({ start: c.time - o.cutMarginS, end: c.time + o.cutMarginS, reasons: ['cut'] })),
      duration,
    ),
    signatureWindows,
  );
  return { cues, signatureWindows, cutWindows, ocrWindows: mergeWindows(ocr, duration) };
}

/** Sample times of a window at `fps`, first at the window start. */
export function windowTimes(w: { start: number; end: number }, fps: number): number[] {
  const out: number[] = [];
  for (let t = w.start; t < w.end - 1e-6; t += 1 / fps) out.push(Math.round(t * 1000) / 1000);
  return out;
}

/** True when t falls in one of the windows. */
export function inWindows(t: number, windows: { start: number; end: number }[]): boolean {
  return windows.some((w) => t >= w.start && t < w.end);
}
