// Timed segments → the transcript file a real tool would have written. Only shapes dualrec's
// importer (src/asr/import) already reads: whisper.cpp -oj, WhisperX, OpenAI verbose_json, SRT,
// WebVTT and dualrec-json.
import { createRng } from '../../../src/eval/random.js';
import type { Format, RenderSpec } from './schema.js';
import type { Role, TimedSegment } from './segments.js';

export interface TranscriptFile {
  /** `transcript.json`, `transcript.srt` or `transcript.vtt` */
  suffix: string;
  body: string;
}

function clock(seconds: number, sep: ',' | '.'): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}${sep}${pad(ms % 1000, 3)}`;
}

function json(v: unknown): string {
  return `${JSON.stringify(v, null, 2)}\n`;
}

export function speakerLabels(render: RenderSpec): Record<Role, string> {
  return { agent: 'SPEAKER_00', customer: 'SPEAKER_01', other: 'SPEAKER_02', ...render.labels };
}

/** whisper.cpp `-oj`: offsets in milliseconds, no speakers, the run's parameters around it. */
function whisperCpp(segs: TimedSegment[]): string {
  return json({
    systeminfo:
      'AVX = 1 | AVX2 = 1 | AVX512 = 0 | FMA = 1 | NEON = 0 | ARM_FMA = 0 | F16C = 1 | SSE3 = 1 | SSSE3 = 1 | VSX = 0 | CUDA = 0 | COREML = 0 | OPENVINO = 0',
    model: {
      type: 'medium',
      multilingual: true,
      vocab: 51865,
      audio: { ctx: 1500, state: 1024, head: 16, layer: 24 },
      text: { ctx: 448, state: 1024, head: 16, layer: 24 },
      mels: 80,
      ftype: 1,
    },
    params: { model: 'models/ggml-medium.bin', language: 'zh', translate: false },
    result: { language: 'zh' },
    transcription: segs.map((s) => ({
      timestamps: { from: clock(s.start, ','), to: clock(s.end, ',') },
      offsets: { from: Math.round(s.start * 1000), to: Math.round(s.end * 1000) },
      text: s.text,
    })),
  });
}

/** WhisperX after diarisation (`--diarize`, words left out): every segment carries its speaker. */
function whisperX(segs: TimedSegment[], labels: Record<Role, string>): string {
  return json({
    segments: segs.map((s) => ({ start: s.start, end: s.end, text: s.text, speaker: labels[s.role] })),
    language: 'zh',
  });
}

/** OpenAI `verbose_json`: no speakers; quality fields with ordinary values. */
function openAi(segs: TimedSegment[], seed: string): string {
  const rng = createRng(`${seed}:openai`);
  const segments = segs.map((s, id) => ({
    id,
    seek: Math.floor(s.start / 30) * 3000,
    start: s.start,
    end: s.end,
    text: s.text,
    tokens: [],
    temperature: 0,
    avg_logprob: -Math.round((0.12 + rng.next() * 0.3) * 1000) / 1000,
    compression_ratio: Math.round((1.05 + rng.next() * 0.5) * 1000) / 1000,
    no_speech_prob: Math.round(rng.next() * 0.05 * 10000) / 10000,
  }));
  return json({
    task: 'transcribe',
    language: 'chinese',
    duration: segs.at(-1)?.end ?? 0,
    text: segs.map((s) => s.text).join(''),
    segments,
  });
}

function srt(segs: TimedSegment[], labels?: Record<Role, string>): string {
  return segs
    .map(
      (s, i) =>
        `${i + 1}\n${clock(s.start, ',')} --> ${clock(s.end, ',')}\n${labels ? `[${labels[s.role]}]: ` : ''}${s.text}\n`,
    )
    .join('\n');
}

function vtt(segs: TimedSegment[], labels?: Record<Role, string>): string {
  const cues = segs.map(
    (s) => `${clock(s.start, '.')} --> ${clock(s.end, '.')}\n${labels ? `<v ${labels[s.role]}>` : ''}${s.text}\n`,
  );
  return `WEBVTT\n\n${cues.join('\n')}`;
}

/** dualrec's own transcript JSON (what `analyze` caches), speakers as labels. */
function dualrec(segs: TimedSegment[], labels?: Record<Role, string>): string {
  return json({
    format: 'dualrec-transcript',
    version: 1,
    language: 'zh',
    segments: segs.map((s, id) => ({
      id,
      start: s.start,
      end: s.end,
      text: s.text,
      ...(labels ? { speaker: labels[s.role] } : {}),
    })),
  });
}

export function writeTranscript(
  format: Format,
  segs: TimedSegment[],
  render: RenderSpec,
  seed: string,
): TranscriptFile {
  const labels = render.speakers ? speakerLabels(render) : undefined;
  switch (format) {
    case 'whispercpp':
      return { suffix: 'transcript.json', body: whisperCpp(segs) };
    case 'whisperx':
      return { suffix: 'transcript.json', body: whisperX(segs, speakerLabels(render)) };
    case 'openai':
      return { suffix: 'transcript.json', body: openAi(segs, seed) };
    case 'srt':
      return { suffix: 'transcript.srt', body: srt(segs, labels) };
    case 'vtt':
      return { suffix: 'transcript.vtt', body: vtt(segs, labels) };
    case 'dualrec':
      return { suffix: 'transcript.json', body: dualrec(segs, labels) };
  }
}
