// Transcript ↔ recording consistency: does the recording's sound back the transcript it came with?
// A transcript that was swapped, reused from another session or written without the recording says
// words where the recording is silent, or after the recording has ended. Pure (no ffmpeg): it reads
// the signal pass's silence intervals and loudness, so re-scoring stored facts can call it too.
//
// "Sound" here is what the signal pass measures: not silence at SIGNAL_DEFAULTS.silenceNoiseDb
// (-35 dBFS) for silenceMinS (0.5 s). It is sound activity, not a speech classifier: a transcript laid
// over music or a tone is not caught here (the picture and the rules still see the session).
import type { Interval, IntegrityIssue, MediaSignals, Transcript, TranscriptConsistency } from '../model/index.js';

/**
 * Thresholds, in one place. Why each value:
 * - endToleranceS / endShare: ASR tools round segment ends up and AAC priming shifts audio by a few
 *   tens of ms; a last line ending ≤ max(2 s, 2 %) after the measured end is normal, more is not.
 * - segmentMinCoverage: a line counts as backed when ≥ 20 % of it has sound under it. Real ASR lines
 *   span the pauses between words and sentences (silencedetect only marks pauses ≥ 0.5 s), so clean
 *   recordings measure 60-100 % per line; a line over silence measures ~0.
 * - maxUnbackedShare: flag (major → REVIEW) when ≥ 30 % of the transcript's time has no sound under
 *   it. Clean recordings (the samples, espeak-generated tests, whisper output) stay under 10 %; a
 *   transcript from another session of the same length lands near 30-60 %, one longer than its
 *   recording higher still.
 * - silentShare + fullTranscriptS: "silent under a full transcript" (critical → FAIL) is < 5 % of at
 *   least 20 s of transcript time backed by sound …
 * - silentLufs: … and the track's integrated loudness at or below -60 LUFS (digital silence measures
 *   -70). Between -60 and -45 a quiet room and a very quiet real voice (speech recorded at 2 % volume
 *   measures about -55) cannot be told apart by loudness: flagged major (REVIEW), never FAILed; a person
 *   listens.
 */
export const CONSISTENCY_THRESHOLDS = {
  endToleranceS: 2,
  endShare: 0.02,
  segmentMinCoverage: 0.2,
  maxUnbackedShare: 0.3,
  silentShare: 0.05,
  fullTranscriptS: 20,
  silentLufs: -60,
} as const;

export type ConsistencyThresholds = { [K in keyof typeof CONSISTENCY_THRESHOLDS]: number };

/** Sorted, merged union of intervals. */
export function union(intervals: Interval[]): Interval[] {
  const sorted = intervals
    .filter((i) => i.end > i.start)
    .map((i) => ({ ...i }))
    .sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push(i);
  }
  return out;
}

const total = (xs: Interval[]) => xs.reduce((s, i) => s + (i.end - i.start), 0);

/** Seconds of `a` that lie inside `b` (both merged and sorted). */
export function overlapS(a: Interval[], b: Interval[]): number {
  let s = 0;
  let j = 0;
  for (const x of a) {
    while (j < b.length && b[j]!.end <= x.start) j++;
    for (let k = j; k < b.length && b[k]!.start < x.end; k++) {
      s += Math.max(0, Math.min(x.end, b[k]!.end) - Math.max(x.start, b[k]!.start));
    }
  }
  return s;
}

/** Stretches with sound: the complement of the silence intervals within [0, durationS]. */
export function soundIntervals(silence: Interval[], durationS: number): Interval[] {
  const out: Interval[] = [];
  let t = 0;
  for (const s of union(silence.map((i) => ({ start: Math.max(0, i.start), end: Math.min(durationS, i.end) })))) {
    if (s.start > t) out.push({ start: t, end: s.start });
    t = Math.max(t, s.end);
  }
  if (t < durationS) out.push({ start: t, end: durationS });
  return out;
}

const s1 = (x: number) => x.toFixed(1);
const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
const pct = (x: number) => `${Math.round(x * 100)}%`;

export interface ConsistencyResult {
  facts: TranscriptConsistency;
  issues: IntegrityIssue[];
}

/**
 * Measures the transcript against the recording's sound. `durationS` is the recording's measured
 * length; `signals` the signal pass over the audio track the analysis uses.
 */
export function checkConsistency(
  transcript: Transcript,
  signals: Pick<MediaSignals, 'silence' | 'loudness'>,
  durationS: number,
  thresholds: Partial<ConsistencyThresholds> = {},
): ConsistencyResult {
  const t = { ...CONSISTENCY_THRESHOLDS, ...thresholds };
  const lines = transcript.segments.filter((s) => s.text.trim().length > 0 && s.end > s.start);
  const spans = union(lines.map((s) => ({ start: Math.max(0, s.start), end: s.end })));
  const sound = soundIntervals(signals.silence, durationS);
  const transcriptS = total(spans);
  const backedS = overlapS(spans, sound);
  const transcriptEndS = Math.max(0, ...lines.map((s) => s.end));
  const beyondEndS = overlapS(spans, [{ start: durationS, end: Math.max(durationS, transcriptEndS) }]);
  const unbacked: Interval[] = [];
  let unbackedSegments = 0;
  for (const s of lines) {
    const span = [{ start: Math.max(0, s.start), end: s.end }];
    if (overlapS(span, sound) / (s.end - Math.max(0, s.start)) < t.segmentMinCoverage) {
      unbackedSegments++;
      if (unbacked.length < 10) unbacked.push({ start: Math.max(0, s.start), end: s.end });
    }
  }
  const ms = (x: number) => Math.round(x * 1000) / 1000;
  const facts: TranscriptConsistency = {
    recordingDurationS: ms(durationS),
    recordingSoundS: ms(total(sound)),
    segments: lines.length,
    transcriptS: ms(transcriptS),
    transcriptEndS: ms(transcriptEndS),
    backedS: ms(backedS),
    beyondEndS: ms(beyondEndS),
    unbackedSegments,
    unbacked,
  };
  const issues: IntegrityIssue[] = [];
  if (transcriptS <= 0) return { facts, issues };

  const head = `转写文本 ${lines.length} 段共 ${s1(transcriptS)} 秒有声`;
  const backedShare = backedS / transcriptS;
  const lufs = signals.loudness?.integratedLufs;
  const silentTrack = lufs === undefined || lufs <= t.silentLufs;
  const loudnessNote = lufs === undefined ? '未测得响度' : `整体响度 ${s1(lufs)} LUFS`;
  const firstUnbacked = unbacked[0] ? `，首段 ${clock(unbacked[0].start)}–${clock(unbacked[0].end)}` : '';

  if (backedShare < t.silentShare && transcriptS >= t.fullTranscriptS && silentTrack) {
    issues.push({
      code: 'transcript-unbacked',
      severity: 'critical',
      message: `${head}，录音中仅 ${s1(backedS)} 秒有语音（音轨无声，${loudnessNote}）：转写文本不可能来自这段录音`,
      start: spans[0]!.start,
      end: transcriptEndS,
    });
  } else if (1 - backedShare >= t.maxUnbackedShare) {
    issues.push({
      code: 'transcript-unbacked',
      severity: 'major',
      message:
        `${head}，录音中仅 ${s1(backedS)} 秒有语音（${pct(backedShare)}）；` +
        `${unbackedSegments} 段在录音中没有语音${firstUnbacked}：转写文本与录音对不上，需人工核对`,
      start: spans[0]!.start,
      end: transcriptEndS,
    });
  }

  const tol = Math.max(t.endToleranceS, t.endShare * durationS);
  if (transcriptEndS - durationS > tol) {
    issues.push({
      code: 'transcript-beyond-end',
      severity: 'major',
      message: `转写文本到 ${clock(transcriptEndS)}（${s1(transcriptEndS)} 秒）才结束，录音只有 ${s1(durationS)} 秒：其中 ${s1(beyondEndS)} 秒的转写内容录音里没有`,
      start: durationS,
      end: transcriptEndS,
    });
  }
  return { facts, issues };
}
