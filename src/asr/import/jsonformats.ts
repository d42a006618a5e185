// OpenAI (verbose_json / openai-whisper CLI), WhisperX and our own dualrec-json transcripts.
import { z } from 'zod';
import type { Segment, TranscriptDiagnostic } from '../../model/index.js';
import {
  confidenceFromLogprob,
  describeZodIssue,
  fillWordTimes,
  importError,
  normaliseLanguage,
  type DraftSegment,
} from './common.js';

const num = z.number().refine(Number.isFinite, 'must be a finite number');

// ---- OpenAI ---------------------------------------------------------------------------------

// `word` (OpenAI, faster-whisper, stable-ts) or `text` (whisper-timestamped); probability or confidence.
const OpenAiWord = z
  .looseObject({
    word: z.string().optional(),
    text: z.string().optional(),
    start: num,
    end: num,
    probability: z.number().min(0).max(1).nullish(),
    confidence: z.number().min(0).max(1).nullish(),
  })
  .refine((w) => w.word !== undefined || w.text !== undefined, 'a word needs "word" or "text"')
  .transform((w) => ({
    word: w.word ?? w.text ?? '',
    start: w.start,
    end: w.end,
    probability: w.probability ?? w.confidence ?? undefined,
  }));

// faster-whisper dumps write null for what was not asked for ("words": null without word_timestamps).
const OpenAiSegment = z.looseObject({
  id: z.number().nullish(),
  seek: z.number().nullish(),
  start: num,
  end: num,
  text: z.string(),
  tokens: z.array(z.number()).nullish(),
  temperature: z.number().nullish(),
  avg_logprob: z.number().nullish(),
  compression_ratio: z.number().nullish(),
  no_speech_prob: z.number().nullish(),
  /** openai-whisper's CLI with --word_timestamps puts words inside segments */
  words: z.array(OpenAiWord).nullish(),
});

const OpenAiDoc = z.looseObject({
  task: z.string().nullish(),
  language: z.string().nullish(),
  duration: z.number().nullish(),
  text: z.string().nullish(),
  /** absent when the API was asked for word timestamps only (timestamp_granularities=[word]) */
  segments: z.array(OpenAiSegment).optional(),
  /** the API with timestamp_granularities=[word] puts words at the top level */
  words: z.array(OpenAiWord).nullish(),
});

/** whisper's own threshold: above this gzip ratio a window is treated as a repetition loop. */
const COMPRESSION_RATIO_LIMIT = 2.4;

export function convertOpenAi(file: string, json: unknown, diagnostics: TranscriptDiagnostic[]) {
  const doc = parseWith(OpenAiDoc, json, file, 'OpenAI verbose_json');
  if (!doc.segments) {
    if (!doc.words || doc.words.length === 0)
      throw importError(file, 'OpenAI verbose_json has neither "segments" nor "words"');
    diagnostics.push({
      kind: 'note',
      message: 'the file has word timestamps only: lines were rebuilt from the words at pauses and sentence ends',
    });
    const language = normaliseLanguage(doc.language);
    return { drafts: segmentsFromWords(doc.words), ...(language ? { language } : {}) };
  }
  const drafts = doc.segments.map((s, i): DraftSegment => {
    const d: DraftSegment = { start: s.start, end: s.end, text: s.text, where: `segments[${i}]` };
    if (s.avg_logprob != null) d.confidence = confidenceFromLogprob(s.avg_logprob);
    if (s.words && s.words.length > 0) {
      d.words = fillWordTimes(
        s.words.map((w) => ({ ...w, text: w.word.trim() })),
        s.start,
        s.end,
      );
    }
    if (s.compression_ratio != null && s.compression_ratio > COMPRESSION_RATIO_LIMIT) {
      diagnostics.push({
        kind: 'repetition-loop',
        start: s.start,
        end: s.end,
        text: s.text.trim(),
        message: `segments[${i}] has compression ratio ${s.compression_ratio.toFixed(2)} (> ${COMPRESSION_RATIO_LIMIT}): likely repeated text`,
      });
      d.lowConfidence = true;
    }
    return d;
  });
  if (doc.words && doc.words.length > 0 && drafts.every((d) => !d.words)) attachWords(drafts, doc.words);
  const language = normaliseLanguage(doc.language);
  return { drafts, ...(language ? { language } : {}) };
}

/** A pause at least this long between words starts a new line when lines are rebuilt from words. */
const WORD_GAP_S = 0.8;
/** Rebuilt lines are cut at a sentence end, and never run longer than this. */
const MAX_LINE_S = 15;

type WordIn = { word: string; start: number; end: number; probability?: number };

/** Lines from a bare word list: cut after sentence-ending punctuation, at pauses, or when too long. */
export function segmentsFromWords(words: WordIn[]): DraftSegment[] {
  const drafts: DraftSegment[] = [];
  let cur: WordIn[] = [];
  const flush = () => {
    if (cur.length === 0) return;
    const ws = cur
      .map((w) => ({
        start: w.start,
        end: w.end,
        text: w.word.trim(),
        ...(w.probability != null ? { probability: w.probability } : {}),
      }))
      .filter((w) => w.text);
    if (ws.length > 0) {
      drafts.push({
        start: ws[0].start,
        end: Math.max(...ws.map((w) => w.end)),
        text: joinWords(ws.map((w) => w.text)),
        words: ws,
        where: `words[${drafts.length}]`,
      });
    }
    cur = [];
  };
  for (const w of words) {
    const prev = cur[cur.length - 1];
    if (prev && (w.start - prev.end >= WORD_GAP_S || w.end - cur[0].start > MAX_LINE_S)) flush();
    cur.push(w);
    if (/[。？！?!.…]["”’）)]*$/.test(w.word.trim())) flush();
  }
  flush();
  return drafts;
}

/** Joins words: a space between Latin words, none next to CJK characters or before punctuation. */
export function joinWords(words: string[]): string {
  let out = '';
  for (const w of words) {
    if (out && /[A-Za-z0-9%]$/.test(out) && /^[A-Za-z0-9]/.test(w)) out += ' ';
    out += w;
  }
  return out;
}

/** Gives each top-level word to the segment holding its midpoint (or the nearest one). */
function attachWords(drafts: DraftSegment[], words: WordIn[]): void {
  if (drafts.length === 0) return;
  for (const w of words) {
    const mid = (w.start + w.end) / 2;
    let best = drafts[0];
    let bestDist = Infinity;
    for (const d of drafts) {
      const dist = mid < d.start ? d.start - mid : mid > d.end ? mid - d.end : 0;
      if (dist < bestDist) {
        best = d;
        bestDist = dist;
      }
    }
    const text = w.word.trim();
    if (!text) continue;
    (best.words ??= []).push({
      start: w.start,
      end: w.end,
      text,
      ...(w.probability != null ? { probability: w.probability } : {}),
    });
  }
}

// ---- WhisperX -------------------------------------------------------------------------------

const WhisperXWord = z.looseObject({
  word: z.string(),
  start: num.optional(),
  end: num.optional(),
  /** wav2vec2 alignment score: how well the word fits the audio, not how sure ASR was of it */
  score: z.number().optional(),
  speaker: z.string().optional(),
});

const WhisperXSegment = z.looseObject({
  start: num,
  end: num,
  text: z.string(),
  words: z.array(WhisperXWord).optional(),
  speaker: z.string().optional(),
  avg_logprob: z.number().optional(),
});

const WhisperXDoc = z.looseObject({
  segments: z.array(WhisperXSegment),
  word_segments: z.array(WhisperXWord).optional(),
  language: z.string().optional(),
});

export function convertWhisperX(file: string, json: unknown) {
  const doc = parseWith(WhisperXDoc, json, file, 'WhisperX JSON');
  const drafts = doc.segments.map((s, i): DraftSegment => {
    const d: DraftSegment = { start: s.start, end: s.end, text: s.text, where: `segments[${i}]` };
    if (s.speaker) d.speaker = s.speaker;
    else {
      // Diarisation can leave a segment unlabelled while its words are labelled: take the majority.
      const label = majority((s.words ?? []).flatMap((w) => (w.speaker ? [w.speaker] : [])));
      if (label) d.speaker = label;
    }
    if (s.avg_logprob !== undefined) d.confidence = confidenceFromLogprob(s.avg_logprob);
    if (s.words && s.words.length > 0) {
      d.words = fillWordTimes(
        s.words.map((w) => ({ start: w.start, end: w.end, text: w.word.trim() })),
        s.start,
        s.end,
      ).filter((w) => w.text);
    }
    return d;
  });
  const language = normaliseLanguage(doc.language);
  return { drafts, ...(language ? { language } : {}) };
}

function majority(labels: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  let best: string | undefined;
  let n = 0;
  for (const [l, c] of counts) if (c > n) [best, n] = [l, c];
  return best;
}

// ---- dualrec-json ---------------------------------------------------------------------------

export const DUALREC_FORMAT = 'dualrec-transcript';

const unit = z.number().min(0).max(1);

const DualrecWord = z.strictObject({ start: num, end: num, text: z.string(), probability: unit.optional() });

const DualrecSegment = z.strictObject({
  id: z.number().int().nonnegative().optional(),
  start: num,
  end: num,
  text: z.string(),
  words: z.array(DualrecWord).optional(),
  speaker: z.string().max(100).optional(),
  role: z.enum(['agent', 'customer', 'unknown']).optional(),
  roleConfidence: unit.optional(),
  voice: z.string().max(100).optional(),
  confidence: unit.optional(),
  lowConfidence: z.boolean().optional(),
});

const DualrecDoc = z.strictObject({
  format: z.literal(DUALREC_FORMAT),
  version: z.number().int().optional(),
  language: z.string().optional(),
  segments: z.array(DualrecSegment),
  source: z.record(z.string(), z.unknown()).optional(),
  diagnostics: z
    .array(
      z.looseObject({
        kind: z.enum(['dropped-silence', 'dropped-blocklist', 'repetition-loop', 'low-confidence', 'note']),
        message: z.string(),
        start: num.optional(),
        end: num.optional(),
        text: z.string().optional(),
      }),
    )
    .optional(),
});

export function convertDualrec(file: string, json: unknown, diagnostics: TranscriptDiagnostic[]) {
  const doc = parseWith(DualrecDoc, json, file, 'dualrec transcript');
  for (const d of doc.diagnostics ?? []) {
    if (d.kind !== 'low-confidence') diagnostics.push(d as TranscriptDiagnostic); // low-confidence is recomputed
  }
  if (doc.source && doc.source.kind === 'asr') {
    diagnostics.push({
      kind: 'note',
      message: `transcribed earlier by ${String(doc.source.engine)} (${String(doc.source.model)})`,
    });
  }
  const drafts = doc.segments.map((s, i): DraftSegment => {
    const { id: _id, ...rest } = s;
    return { ...rest, where: `segments[${i}]` };
  });
  const language = normaliseLanguage(doc.language);
  return { drafts, ...(language ? { language } : {}) };
}

/** The dualrec-json text for a transcript: what `importTranscript` reads back unchanged. */
export function serializeSegments(
  segments: Segment[],
  language?: string,
  source?: object,
  diagnostics?: TranscriptDiagnostic[],
): string {
  const doc = {
    format: DUALREC_FORMAT,
    version: 1,
    ...(language ? { language } : {}),
    ...(source ? { source } : {}),
    segments,
    ...(diagnostics?.length ? { diagnostics } : {}),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function parseWith<T extends z.ZodType>(schema: T, json: unknown, file: string, what: string): z.infer<T> {
  const r = schema.safeParse(json);
  if (!r.success) throw importError(file, `not a valid ${what}: ${describeZodIssue(r.error.issues)}`);
  return r.data;
}
