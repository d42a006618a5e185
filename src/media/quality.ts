// Recording quality (issue 12 item 6): the measuring half runs inside detectSignals' single ffmpeg
// pass (extra filters on the same chains, read from the same log), the judging half (assessQuality) is
// pure, so rescoring stored facts with other thresholds needs no decoding. Meanings: docs/media.md.
import type { Interval, QualityMeasures } from '../model/index.js';

/** Length of one audio statistics window (s). */
export const AUDIO_WINDOW_S = 0.5;
/** dBFS standing for digital silence (astats says -inf). */
export const SILENT_DB = -120;

/**
 * Video filters measuring quality. `beforeRate` runs on every decoded frame (after the analysis
 * downscale, before any frame-rate reduction) so frame timestamps are the recording's own; `afterRate`
 * runs on the analysis frames only (≤ 10 fps: brightness); `side` is a branch ending in a nullsink
 * (blur, sampled).
 */
export function videoQualityFilters(analysisFps: number): {
  beforeRate: string[];
  afterRate: string[];
  side: string[];
} {
  // blurdetect (edge detection) is the costly one: on a side branch, about 2 frames a second
  const step = Math.max(1, Math.round(analysisFps / 2));
  return {
    // a tag on every frame, printed with its timestamp: the cheapest way to see each frame's time
    // (signalstats on every frame cost ~20 % of the pass; at analysis rate it costs ~2 %)
    beforeRate: ['metadata=mode=add:key=dualrec.frame:value=1', 'metadata=mode=print:key=dualrec.frame'],
    afterRate: ['signalstats', 'metadata=mode=print:key=lavfi.signalstats.YAVG'],
    side: [...(step > 1 ? [`framestep=${step}`] : []), 'blurdetect', 'metadata=mode=print:key=lavfi.blur', 'nullsink'],
  };
}

/** Audio filters: fixed windows of AUDIO_WINDOW_S, as 16-bit (what a player outputs: over-full-scale clips), astats per window. */
export function audioQualityFilters(sampleRate: number): string[] {
  const n = Math.max(1, Math.round((sampleRate || 48000) * AUDIO_WINDOW_S));
  return [
    `asetnsamples=n=${n}:p=0`,
    'aformat=sample_fmts=s16',
    'astats=metadata=1:reset=1:measure_perchannel=none:measure_overall=Peak_level+RMS_level+Flat_factor',
    'ametadata=mode=print',
  ];
}

const PREFIX = /^\[(Parsed_a?metadata_\d+) @ [^\]]+\]\s*(?:\[info\]\s*)?(.*)$/;
const FRAME = /^frame:\s*\d+\s+pts:\s*\S+\s+pts_time:\s*(-?[\d.e+-]+)/;
const VALUE =
  /^(?:lavfi\.)?(dualrec\.frame|signalstats\.YAVG|blur|astats\.Overall\.(?:Peak_level|RMS_level|Flat_factor))=(\S+)/;

/** Reads the metadata-print lines the filters above write. Feed every stderr line; ignores the rest. */
export class QualityLogParser {
  private lastTime = new Map<string, number>();
  private frameTimes: number[] = [];
  private yavg: { t: number; v: number }[] = [];
  private blur: { t: number; v: number }[] = [];
  private audio = new Map<number, { rms?: number; peak?: number; flat?: number }>();

  line(l: string): boolean {
    const p = PREFIX.exec(l);
    if (!p) return false;
    const [, inst, rest] = p as unknown as [string, string, string];
    let m: RegExpExecArray | null;
    if ((m = FRAME.exec(rest))) {
      this.lastTime.set(inst, Math.max(0, Number(m[1])));
      return true;
    }
    if (!(m = VALUE.exec(rest))) return true;
    const t = this.lastTime.get(inst) ?? 0;
    const key = m[1]!;
    const raw = m[2]!;
    const v = /inf/i.test(raw) ? (raw.startsWith('-') ? SILENT_DB : 0) : Number(raw);
    if (!Number.isFinite(v)) return true;
    if (key === 'dualrec.frame') this.frameTimes.push(t);
    else if (key === 'signalstats.YAVG') this.yavg.push({ t, v });
    else if (key === 'blur') this.blur.push({ t, v });
    else {
      const w = Math.round(t / AUDIO_WINDOW_S);
      const e = this.audio.get(w) ?? {};
      if (key.endsWith('RMS_level')) e.rms = Math.max(SILENT_DB, v);
      else if (key.endsWith('Peak_level')) e.peak = Math.max(SILENT_DB, v);
      else e.flat = v;
      this.audio.set(w, e);
    }
    return true;
  }

  finish(video?: { width: number; height: number }): QualityMeasures | undefined {
    const out: QualityMeasures = {};
    if (video && this.frameTimes.length > 0) {
      const times = [...this.frameTimes].sort((a, b) => a - b);
      const secs = Math.max(1, Math.ceil(times.at(-1)! + 1e-6));
      const framesPerS = new Array<number>(secs).fill(0);
      for (const t of times) framesPerS[Math.min(secs - 1, Math.floor(t))]!++;
      const gaps = times
        .slice(1)
        .map((t, i) => t - times[i]!)
        .filter((g) => g > 0);
      const step = gaps.length ? median(gaps) : 0;
      const span = times.at(-1)! - times[0]! + step;
      out.video = {
        width: video.width,
        height: video.height,
        frames: times.length,
        effectiveFps: round(span > 0 ? times.length / span : 0, 2),
        framesPerS,
        brightness: perSecond(this.yavg, secs),
        blur: perSecond(this.blur, secs),
      };
    }
    if (this.audio.size > 0) {
      const n = Math.max(...this.audio.keys()) + 1;
      const rmsDb: number[] = [];
      const peakDb: number[] = [];
      const flat: number[] = [];
      for (let i = 0; i < n; i++) {
        const e = this.audio.get(i);
        rmsDb.push(round(e?.rms ?? SILENT_DB, 1));
        peakDb.push(round(e?.peak ?? SILENT_DB, 1));
        flat.push(round(e?.flat ?? 0, 1));
      }
      out.audio = { windowS: AUDIO_WINDOW_S, rmsDb, peakDb, flat };
    }
    return out.video || out.audio ? out : undefined;
  }
}

function perSecond(samples: { t: number; v: number }[], secs: number): number[] {
  const sum = new Array<number>(secs).fill(0);
  const cnt = new Array<number>(secs).fill(0);
  for (const s of samples) {
    const i = Math.min(secs - 1, Math.floor(s.t));
    sum[i]! += s.v;
    cnt[i]!++;
  }
  // a second without a sample (a stutter hole) carries the previous second's value
  const out: number[] = [];
  for (let i = 0; i < secs; i++) out.push(cnt[i] ? round(sum[i]! / cnt[i]!, 1) : (out[i - 1] ?? -1));
  return out;
}

// ---------------------------------------------------------------- judging

export interface QualityThresholds {
  video: {
    /** shorter picture side below this (px) is too small to see faces and documents */
    min_short_side: number;
    /** frames per second below this (whole recording, or per second for stretches) */
    min_fps: number;
    /** mean luma (YAVG, 0-255) below this is too dark; above bright_yavg over-exposed */
    dark_yavg: number;
    bright_yavg: number;
    /** blurdetect score above this is blurred (sharp footage scores ~3-6) */
    blur_max: number;
  };
  audio: {
    /** speech level (95th percentile of window RMS, dBFS) below this is too quiet */
    quiet_dbfs: number;
    /** a window whose peak reaches this (dBFS) is clipped */
    clip_peak_dbfs: number;
    /** share of sounding windows clipped before it is reported */
    clip_share: number;
    /** speech level minus noise floor (10th percentile of window RMS) below this is too noisy */
    min_snr_db: number;
    /** a window at or below this RMS (dBFS) is digital silence: a dropout when it sits inside sound */
    dropout_dbfs: number;
  };
  /** stretches shorter than this (s) are not reported (clipping and dropouts excepted) */
  min_stretch_s: number;
  /** a problem covering at least this share of the recording makes it too poor to audit (major) */
  too_poor_share: number;
}

export type QualityKind =
  'low-resolution' | 'low-fps' | 'dark' | 'bright' | 'blur' | 'quiet' | 'clipped' | 'noisy' | 'dropout';

export interface QualityProblem {
  kind: QualityKind;
  /** the number that decided it (px, fps, YAVG, blur score, dBFS, share, dB) */
  value: number;
  /** 0..1 of the recording affected */
  share: number;
  stretches: Interval[];
  /** too poor to audit (not only a passage) */
  severe: boolean;
  message: string;
}

export interface QualityAssessment {
  video: QualityProblem[];
  audio: QualityProblem[];
  /** one-line summaries of what was measured (for the clean case) */
  videoSummary?: string;
  audioSummary?: string;
}

/** Judges measured series; `exclude` are stretches already reported otherwise (black picture). */
export function assessQuality(
  q: QualityMeasures | undefined,
  th: QualityThresholds,
  exclude: Interval[] = [],
): QualityAssessment {
  const res: QualityAssessment = { video: [], audio: [] };
  const v = q?.video;
  if (v) {
    const secs = v.framesPerS.length;
    const whole = [{ start: 0, end: secs }];
    const short = Math.min(v.width, v.height);
    res.videoSummary = `${v.width}×${v.height}，${v.effectiveFps} 帧/秒，平均亮度 ${fmt(mean(v.brightness))}，模糊度 ${fmt(mean(v.blur))}`;
    if (short < th.video.min_short_side) {
      res.video.push({
        kind: 'low-resolution',
        value: short,
        share: 1,
        stretches: whole,
        severe: true,
        message: `分辨率过低 ${v.width}×${v.height}（短边 ${short} px < ${th.video.min_short_side} px）`,
      });
    }
    // the last second is usually partial: judge it only when it is the only one
    const lowSecs = v.framesPerS.map((n, i) => n < th.video.min_fps && (i < secs - 1 || secs === 1));
    if (v.effectiveFps < th.video.min_fps) {
      res.video.push({
        kind: 'low-fps',
        value: v.effectiveFps,
        share: 1,
        stretches: whole,
        severe: true,
        message: `有效帧率过低 ${v.effectiveFps} 帧/秒（< ${th.video.min_fps}）`,
      });
    } else {
      const st = runs(lowSecs, 1, th.min_stretch_s, exclude);
      if (st.length)
        res.video.push(
          problem(
            'low-fps',
            st,
            secs,
            th,
            (s) => `画面卡顿（帧率 < ${th.video.min_fps} 帧/秒）${s}`,
            minOf(v.framesPerS, lowSecs),
          ),
        );
    }
    const flagged = (series: number[], test: (x: number) => boolean) => series.map((x) => x >= 0 && test(x));
    const dark = flagged(v.brightness, (x) => x < th.video.dark_yavg);
    const bright = flagged(v.brightness, (x) => x > th.video.bright_yavg);
    const blur = flagged(v.blur, (x) => x > th.video.blur_max);
    let st = runs(dark, 1, th.min_stretch_s, exclude);
    if (st.length)
      res.video.push(
        problem(
          'dark',
          st,
          secs,
          th,
          (s) => `画面过暗（平均亮度 ${fmt(meanWhere(v.brightness, dark))} < ${th.video.dark_yavg}）${s}`,
          meanWhere(v.brightness, dark),
        ),
      );
    st = runs(bright, 1, th.min_stretch_s, exclude);
    if (st.length)
      res.video.push(
        problem(
          'bright',
          st,
          secs,
          th,
          (s) => `画面过曝（平均亮度 ${fmt(meanWhere(v.brightness, bright))} > ${th.video.bright_yavg}）${s}`,
          meanWhere(v.brightness, bright),
        ),
      );
    st = runs(blur, 1, th.min_stretch_s, exclude);
    if (st.length)
      res.video.push(
        problem(
          'blur',
          st,
          secs,
          th,
          (s) => `画面模糊（模糊度 ${fmt(meanWhere(v.blur, blur))} > ${th.video.blur_max}）${s}`,
          meanWhere(v.blur, blur),
        ),
      );
  }

  const a = q?.audio;
  if (a && a.rmsDb.length > 0) {
    const w = a.windowS;
    const n = a.rmsDb.length;
    const total = n * w;
    const whole = [{ start: 0, end: total }];
    const level = percentile(a.rmsDb, 0.95);
    const floor = percentile(a.rmsDb, 0.1);
    const snr = level - floor;
    const sounding = a.rmsDb.map((r) => r > th.audio.dropout_dbfs);
    const soundingN = sounding.filter(Boolean).length;
    const maxPeak = Math.max(...a.peakDb);
    res.audioSummary = `语音电平 ${fmt(level)} dBFS，底噪 ${floor <= SILENT_DB ? '数字静音' : `${fmt(floor)} dBFS`}，信噪比 ${floor <= SILENT_DB ? '> 60' : fmt(snr)} dB，峰值 ${fmt(maxPeak)} dBFS`;
    if (level < th.audio.quiet_dbfs) {
      res.audio.push({
        kind: 'quiet',
        value: round(level, 1),
        share: 1,
        stretches: whole,
        severe: true,
        message: `声音过小：语音电平 ${fmt(level)} dBFS（< ${th.audio.quiet_dbfs} dBFS）`,
      });
    } else if (snr < th.audio.min_snr_db) {
      res.audio.push({
        kind: 'noisy',
        value: round(snr, 1),
        share: 1,
        stretches: whole,
        severe: true,
        message: `噪声过大：信噪比 ${fmt(snr)} dB（语音 ${fmt(level)} dBFS，底噪 ${fmt(floor)} dBFS；< ${th.audio.min_snr_db} dB）`,
      });
    }
    const clipped = a.peakDb.map((p) => p >= th.audio.clip_peak_dbfs);
    const clipShare = soundingN ? clipped.filter(Boolean).length / soundingN : 0;
    if (clipShare >= th.audio.clip_share) {
      const stretches = runs(clipped, w, 0, []);
      const flatMax = Math.max(...a.flat.filter((_, i) => clipped[i]));
      res.audio.push({
        kind: 'clipped',
        value: round(clipShare, 3),
        share: clipShare,
        stretches,
        severe: clipShare >= th.too_poor_share,
        message: `削波失真：${fmtPct(clipShare)} 的有声片段峰值达满幅（≥ ${th.audio.clip_peak_dbfs} dBFS，平坦度最高 ${fmt(flatMax)}）${fmtStretches(stretches)}`,
      });
    }
    // Dropouts: digital silence between sound, in a recording whose pauses otherwise carry room noise
    // (a gated or synthetic source is digitally silent in every pause: then silence is no dropout).
    // (pauses: windows 20 dB and more under the speech level)
    const pauses = a.rmsDb.filter((r) => r < level - 20).length;
    const digital = a.rmsDb.filter((r) => r <= th.audio.dropout_dbfs).length;
    if (level >= th.audio.quiet_dbfs && pauses > 0 && digital / pauses < 0.5) {
      const drop: Interval[] = [];
      let i = 0;
      while (i < n) {
        if (!sounding[i]) {
          let j = i;
          while (j < n && !sounding[j]) j++;
          if (i > 0 && j < n) drop.push({ start: i * w, end: j * w });
          i = j;
        } else i++;
      }
      if (drop.length) {
        const dur = drop.reduce((s, d) => s + d.end - d.start, 0);
        res.audio.push({
          kind: 'dropout',
          value: drop.length,
          share: dur / total,
          stretches: drop,
          severe: dur / total >= th.too_poor_share,
          message: `声音中断 ${drop.length} 处（数字静音 ≤ ${th.audio.dropout_dbfs} dBFS，共 ${fmt(dur)} 秒）${fmtStretches(drop)}`,
        });
      }
    }
  }
  return res;
}

function problem(
  kind: QualityKind,
  st: Interval[],
  secs: number,
  th: QualityThresholds,
  msg: (where: string) => string,
  value: number,
): QualityProblem {
  const share = st.reduce((s, i) => s + i.end - i.start, 0) / Math.max(1, secs);
  return {
    kind,
    value: round(value, 1),
    share,
    stretches: st,
    severe: share >= th.too_poor_share,
    message: `${msg(fmtStretches(st))}，占 ${fmtPct(share)}`,
  };
}

/** Runs of true values (each step `step` s) at least minLen long, minus `exclude`. */
function runs(flags: boolean[], step: number, minLen: number, exclude: Interval[]): Interval[] {
  const out: Interval[] = [];
  let start = -1;
  flags.forEach((f, i) => {
    if (f && start < 0) start = i;
    if ((!f || i === flags.length - 1) && start >= 0) {
      const end = f ? i + 1 : i;
      out.push({ start: start * step, end: end * step });
      start = -1;
    }
  });
  return out.flatMap((iv) => minus(iv, exclude)).filter((iv) => iv.end - iv.start >= Math.max(minLen, step) - 1e-9);
}

function minus(iv: Interval, ex: Interval[]): Interval[] {
  let pieces = [iv];
  for (const b of ex) {
    pieces = pieces.flatMap((p) => {
      if (b.end <= p.start || b.start >= p.end) return [p];
      const rest: Interval[] = [];
      if (b.start > p.start) rest.push({ start: p.start, end: b.start });
      if (b.end < p.end) rest.push({ start: b.end, end: p.end });
      return rest;
    });
  }
  return pieces;
}

function median(xs: number[]): number {
  return percentile(xs, 0.5);
}
function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(p * (s.length - 1))))] ?? 0;
}
function mean(xs: number[]): number {
  const ok = xs.filter((x) => x >= 0);
  return ok.length ? ok.reduce((s, x) => s + x, 0) / ok.length : 0;
}
function meanWhere(xs: number[], f: boolean[]): number {
  return mean(xs.filter((_, i) => f[i]));
}
function minOf(xs: number[], f: boolean[]): number {
  return Math.min(...xs.filter((_, i) => f[i]));
}
const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1));
const fmtPct = (x: number) => `${Math.round(x * 100)}%`;
const clock = (s: number) => `${Math.floor(s / 60)}:${(s % 60).toFixed(1).padStart(4, '0')}`;
function fmtStretches(st: Interval[]): string {
  if (!st.length) return '';
  const shown = st
    .slice(0, 5)
    .map((i) => `${clock(i.start)}–${clock(i.end)}`)
    .join('、');
  return `（${shown}${st.length > 5 ? ` 等 ${st.length} 段` : ''}）`;
}
