// detectSignals: silence, loudness, black, frozen picture and scene cuts in ONE decoding pass: a single
// ffmpeg run with an audio and a video filter chain side by side, read from its log lines.
import type { DecodeErrors, Interval, MediaProbe, MediaSignals, SceneCut } from '../model/index.js';
import { assertReadableFile, errorLines, fileArg, mediaFailure, runFfmpeg } from './run.js';
import { audioQualityFilters, QualityLogParser, videoQualityFilters } from './quality.js';

/**
 * Thresholds. The defaults suit a seated sales conversation filmed by a fixed camera:
 * - silence: quieter than -35 dBFS for 0.5 s (a pause between turns; ASR-level pauses are shorter);
 * - black: ≥98 % of pixels darker than 10 % luma for 0.5 s (a hand over the lens is black at once);
 * - frozen: consecutive frames differ by less than -60 dB for 2 s (a live camera never sits that still;
 *   sensor noise alone exceeds it), and a black stretch is not also reported as frozen;
 * - cut: scdet score ≥ 10 (out of 100; steady motion scores ~0-3, a camera switch 20+);
 * - analysis at ≤320 px wide and ≤10 fps: the detectors look at whole-frame statistics, which survive
 *   downscaling, and filtering fewer, smaller frames keeps the pass close to decode speed;
 * - fastDecode: the video decoder skips its deblocking filter (~40 % faster on H.264, see
 *   bench/media.bench.ts); block edges don't move black/freeze/cut statistics. Thumbnails decode normally.
 */
export interface SignalOptions {
  silenceNoiseDb?: number;
  silenceMinS?: number;
  blackMinS?: number;
  /** luma below this fraction (0..1) is a black pixel */
  blackPixelThreshold?: number;
  /** fraction (0..1) of black pixels that makes a black picture */
  blackPictureRatio?: number;
  freezeNoiseDb?: number;
  freezeMinS?: number;
  /** scdet threshold, 0..100 */
  sceneThreshold?: number;
  analysisWidth?: number;
  analysisFps?: number;
  /** skip the video decoder's deblocking filter (default true) */
  fastDecode?: boolean;
  /** measure EBU R128 loudness (default true) */
  loudness?: boolean;
  /** which audio stream to measure, by position among the audio streams (ffmpeg's a:N; default 0) */
  audioPosition?: number;
  /** measure picture and sound quality series (default true; media/quality.ts) */
  quality?: boolean;
  timeoutS?: number;
}

export const SIGNAL_DEFAULTS: Required<Omit<SignalOptions, 'timeoutS' | 'audioPosition'>> = {
  silenceNoiseDb: -35,
  silenceMinS: 0.5,
  blackMinS: 0.5,
  blackPixelThreshold: 0.1,
  blackPictureRatio: 0.98,
  freezeNoiseDb: -60,
  freezeMinS: 2,
  sceneThreshold: 10,
  analysisWidth: 320,
  analysisFps: 10,
  fastDecode: true,
  loudness: true,
  quality: true,
};

const NUM = '(-?\\d+(?:\\.\\d+)?(?:e[-+]?\\d+)?)';
const RE = {
  silenceStart: new RegExp(`silence_start:\\s*${NUM}`),
  silenceEnd: new RegExp(`silence_end:\\s*${NUM}`),
  black: new RegExp(`black_start:\\s*${NUM}\\s+black_end:\\s*${NUM}`),
  freezeStart: new RegExp(`freezedetect\\.freeze_start:\\s*${NUM}`),
  freezeEnd: new RegExp(`freezedetect\\.freeze_end:\\s*${NUM}`),
  scene: new RegExp(`lavfi\\.scd\\.score:\\s*${NUM},\\s*lavfi\\.scd\\.time:\\s*${NUM}`),
  summary: /\bSummary:\s*$/,
  integrated: new RegExp(`^\\s*I:\\s*${NUM}\\s*LUFS`),
  lra: new RegExp(`^\\s*LRA:\\s*${NUM}\\s*LU\\b`),
  progressTime: /\btime=\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)/,
};

/**
 * Turns ffmpeg's detector log lines into intervals. Pure, so its edge cases (an interval still open at
 * the end, repeated summaries) are testable without ffmpeg. Feed lines with line(), then call finish().
 */
export class SignalLogParser {
  private silence: Interval[] = [];
  private black: Interval[] = [];
  private frozen: Interval[] = [];
  private cuts: SceneCut[] = [];
  private openSilence: number | undefined;
  private openFreeze: number | undefined;
  private inSummary = false;
  private summaryI: number | undefined;
  private summaryLra: number | undefined;
  private loudness: { integratedLufs: number; lraLu: number } | undefined;
  private lastTime: number | undefined;
  private decodeCount = 0;
  private decodeSamples: string[] = [];

  line(l: string): void {
    let m: RegExpExecArray | null;
    if ((m = RE.silenceStart.exec(l))) {
      this.openSilence = Math.max(0, Number(m[1]));
    } else if ((m = RE.silenceEnd.exec(l))) {
      // AAC priming can make the first timestamps slightly negative: clamp to the recording
      const end = Math.max(0, Number(m[1]));
      this.silence.push({ start: this.openSilence ?? 0, end });
      this.openSilence = undefined;
    } else if ((m = RE.black.exec(l))) {
      this.black.push({ start: Math.max(0, Number(m[1])), end: Number(m[2]) });
    } else if ((m = RE.freezeStart.exec(l))) {
      this.openFreeze = Math.max(0, Number(m[1]));
    } else if ((m = RE.freezeEnd.exec(l))) {
      this.frozen.push({ start: this.openFreeze ?? 0, end: Number(m[1]) });
      this.openFreeze = undefined;
    } else if ((m = RE.scene.exec(l))) {
      this.cuts.push({ time: Math.max(0, Number(m[2])), score: Number(m[1]) });
    } else if (RE.summary.test(l)) {
      // ebur128 prints a summary for every graph it was part of; ffmpeg may configure a throwaway graph
      // first (I = -70, nothing measured), so the LAST complete summary is the real one.
      this.inSummary = true;
      this.summaryI = this.summaryLra = undefined;
    } else if (this.inSummary && (m = RE.integrated.exec(l))) {
      this.summaryI = Number(m[1]);
    } else if (this.inSummary && (m = RE.lra.exec(l))) {
      this.summaryLra = Number(m[1]);
      if (this.summaryI !== undefined) this.loudness = { integratedLufs: this.summaryI, lraLu: this.summaryLra };
      this.inSummary = false;
    } else if ((m = RE.progressTime.exec(l))) {
      this.lastTime = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
    } else if (/\[(error|fatal)\]/.test(l)) {
      this.decodeCount++;
      const msg = errorLines([l])[0] ?? l;
      if (this.decodeSamples.length < 3 && !this.decodeSamples.includes(msg)) this.decodeSamples.push(msg);
    }
  }

  /**
   * Closes intervals still open when the input ended (freezedetect, unlike silence/blackdetect, never
   * reports an end then). `endS` is the media length; ffmpeg's own final time wins when it is earlier
   * (a truncated file ends before its header says).
   */
  finish(endS: number, opts: { freezeMinS?: number; blackMinS?: number } = {}): MediaSignals {
    const end = this.lastTime !== undefined && this.lastTime > 0 ? Math.min(endS || Infinity, this.lastTime) : endS;
    if (this.openSilence !== undefined && end > this.openSilence) this.silence.push({ start: this.openSilence, end });
    if (this.openFreeze !== undefined && end > this.openFreeze) this.frozen.push({ start: this.openFreeze, end });
    this.openSilence = this.openFreeze = undefined;
    const signals: MediaSignals = {
      silence: this.silence,
      black: this.black,
      frozen: subtract(this.frozen, this.black, opts.freezeMinS ?? 0),
      cuts: this.cuts,
    };
    if (this.loudness) signals.loudness = this.loudness;
    if (this.decodeCount > 0)
      signals.decodeErrors = { count: this.decodeCount, samples: this.decodeSamples } satisfies DecodeErrors;
    return signals;
  }
}

/** `from` minus every interval in `minus`, dropping leftover pieces shorter than minLen. */
export function subtract(from: Interval[], minus: Interval[], minLen: number): Interval[] {
  const out: Interval[] = [];
  for (const iv of from) {
    let pieces: Interval[] = [{ ...iv }];
    for (const b of minus) {
      pieces = pieces.flatMap((p) => {
        if (b.end <= p.start || b.start >= p.end) return [p];
        const rest: Interval[] = [];
        if (b.start > p.start) rest.push({ start: p.start, end: b.start });
        if (b.end < p.end) rest.push({ start: b.end, end: p.end });
        return rest;
      });
    }
    // a little slack: black and freeze boundaries come from different filters and may differ by a frame
    out.push(...pieces.filter((p) => p.end - p.start >= Math.max(minLen, 0.2)));
  }
  return out;
}

export async function detectSignals(file: string, probe: MediaProbe, opts: SignalOptions = {}): Promise<MediaSignals> {
  assertReadableFile(file);
  const o = { ...SIGNAL_DEFAULTS, ...opts };
  const v = probe.video[0];
  const ap = opts.audioPosition ?? 0;
  const a = probe.audio[ap];
  if (!v && !a) return { silence: [], black: [], frozen: [], cuts: [] };

  const chains: string[] = [];
  const maps: string[] = [];
  if (v) {
    const pre: string[] = [];
    const rate = Math.min(v.fps || o.analysisFps, o.analysisFps);
    const vq = o.quality ? videoQualityFilters(rate) : { beforeRate: [], afterRate: [], side: [] };
    if (v.width > o.analysisWidth) pre.push(`scale=w=${o.analysisWidth}:h=-2:flags=fast_bilinear`);
    pre.push(...vq.beforeRate);
    if (v.fps > o.analysisFps) pre.push(`fps=${o.analysisFps}`);
    pre.push(...vq.afterRate);
    const detectors = [
      `blackdetect=d=${o.blackMinS}:pix_th=${o.blackPixelThreshold}:pic_th=${o.blackPictureRatio}`,
      `freezedetect=n=${o.freezeNoiseDb}dB:d=${o.freezeMinS}`,
      `scdet=t=${o.sceneThreshold}:s=0`,
    ];
    // a side branch (quality's blur sampling) ends in a nullsink; the detectors go on in the main one
    chains.push(
      vq.side.length
        ? `[0:v:0]${[...pre, 'split'].join(',')}[vmain][vside];[vside]${vq.side.join(',')};[vmain]${detectors.join(',')}[vo]`
        : `[0:v:0]${[...pre, ...detectors].join(',')}[vo]`,
    );
    maps.push('-map', '[vo]');
  }
  if (a) {
    const filters = [`silencedetect=n=${o.silenceNoiseDb}dB:d=${o.silenceMinS}`];
    // framelog=verbose keeps ebur128's 10-per-second measurement lines out of the info log
    if (o.loudness) filters.push('ebur128=framelog=verbose');
    if (o.quality) filters.push(...audioQualityFilters(a.sampleRate));
    chains.push(`[0:a:${ap}]${filters.join(',')}[ao]`);
    maps.push('-map', '[ao]');
  }

  const parser = new SignalLogParser();
  const quality = new QualityLogParser();
  try {
    await runFfmpeg({
      inputs: [{ source: fileArg(file), options: v && o.fastDecode ? ['-skip_loop_filter', 'all'] : [] }],
      complexFilter: chains.join(';'),
      outputOptions: [...maps, '-sn', '-dn', '-f', 'null'],
      output: '-',
      onStderrLine: (l) => {
        if (!quality.line(l)) parser.line(l);
      },
      timeoutS: opts.timeoutS,
    });
  } catch (err) {
    throw mediaFailure(file, err, 'analyze the picture and sound');
  }
  const ends = [v?.duration, a?.duration, probe.duration].filter((d): d is number => d !== undefined && d > 0);
  const signals = parser.finish(Math.max(0, ...ends), { freezeMinS: o.freezeMinS, blackMinS: o.blackMinS });
  const q = o.quality ? quality.finish(v && { width: v.width, height: v.height }) : undefined;
  if (q) signals.quality = q;
  return signals;
}
