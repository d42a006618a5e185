// Shared pieces of the transcript importers: the error shape, confidence maths and the final
// clean-up every format goes through, so all importers hand back transcripts with the same rules.
import { basename } from 'node:path';
import { UserError } from '../../util/errors.js';
import type { Segment, TranscriptDiagnostic, Word } from '../../model/index.js';
import { SEGMENT_MAX_CHARS, TRANSCRIPT_MAX_SEGMENTS, TRANSCRIPT_MAX_TIME_S } from '../../model/limits.js';

/** A UserError whose one-line message starts with the file's name. */
export function importError(file: string, problem: string): UserError {
  return new UserError(`${basename(file)}: ${problem}`, file);
}

/**
 * Below this confidence a segment is marked lowConfidence. exp(-1) is whisper's own
 * logprob_threshold (-1.0): below it whisper itself would retry the window at a higher temperature.
 */
export const LOW_CONFIDENCE = Math.exp(-1);

/** Geometric mean of token probabilities, i.e. exp(mean log p): the same quantity as exp(avg_logprob). */
export function meanProbability(ps: number[]): number | undefined {
  if (ps.length === 0) return undefined;
  let sum = 0;
  for (const p of ps) sum += Math.log(Math.min(1, Math.max(1e-6, p)));
  return round4(Math.exp(sum / ps.length));
}

export function confidenceFromLogprob(avgLogprob: number): number {
  return round4(Math.min(1, Math.exp(Math.min(0, avgLogprob))));
}

export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/** Whisper tools report languages as codes ("zh") or, in OpenAI's API, as names ("chinese"). */
const LANGUAGE_NAMES: Record<string, string> = {
  chinese: 'zh',
  mandarin: 'zh',
  cantonese: 'yue',
  english: 'en',
  japanese: 'ja',
  korean: 'ko',
};

export function normaliseLanguage(lang: string | undefined | null): string | undefined {
  if (!lang) return undefined;
  const l = lang.trim().toLowerCase();
  if (!l || l === 'auto') return undefined;
  return LANGUAGE_NAMES[l] ?? l;
}

/** A segment as an importer produces it, before ids are given. */
export type DraftSegment = Omit<Segment, 'id'> & { where?: string };

/**
 * Checks times, drops empty texts, orders by start and numbers the segments.
 * `where` on a draft names its place in the file (e.g. "line 12", "segments[3]") for error messages.
 */
export function finishSegments(file: string, drafts: DraftSegment[], diagnostics: TranscriptDiagnostic[]): Segment[] {
  const kept: DraftSegment[] = [];
  let emptyCount = 0;
  if (drafts.length > TRANSCRIPT_MAX_SEGMENTS) {
    throw importError(
      file,
      `${drafts.length} segments, more than a transcript may have (limit ${TRANSCRIPT_MAX_SEGMENTS})`,
    );
  }
  for (const [i, d] of drafts.entries()) {
    const where = d.where ?? `segment ${i + 1}`;
    if (!Number.isFinite(d.start) || !Number.isFinite(d.end) || d.start < 0 || d.end < 0) {
      throw importError(file, `${where}: times must be non-negative numbers (got ${d.start} → ${d.end})`);
    }
    if (d.end < d.start) {
      throw importError(file, `${where}: end ${d.end}s is before start ${d.start}s`);
    }
    // a time of 1e300 would otherwise reach the report's timeline (ticks every few seconds up to it)
    if (d.end > TRANSCRIPT_MAX_TIME_S) {
      throw importError(
        file,
        `${where}: time ${d.end}s is past the ${TRANSCRIPT_MAX_TIME_S / 3600} h a session may last`,
      );
    }
    for (const w of d.words ?? []) {
      if (!Number.isFinite(w.start) || !Number.isFinite(w.end) || w.start < 0 || w.end > TRANSCRIPT_MAX_TIME_S) {
        throw importError(
          file,
          `${where}: a word has time ${w.start} → ${w.end}, not within 0 … ${TRANSCRIPT_MAX_TIME_S / 3600} h`,
        );
      }
    }
    if (d.text.length > SEGMENT_MAX_CHARS) {
      throw importError(
        file,
        `${where}: text of ${d.text.length} characters, more than a segment may have (limit ${SEGMENT_MAX_CHARS})`,
      );
    }
    const text = d.text.replace(/\s+/g, ' ').trim();
    if (!text) {
      emptyCount++;
      continue;
    }
    kept.push({ ...d, text });
  }
  if (emptyCount > 0) {
    diagnostics.push({ kind: 'note', message: `${emptyCount} segment(s) with no text were left out` });
  }
  // Stable sort: subtitle files are sometimes out of order; equal starts keep file order.
  const sorted = kept.map((d, i) => ({ d, i })).sort((a, b) => a.d.start - b.d.start || a.i - b.i);
  if (sorted.some((s, k) => s.i !== k)) {
    diagnostics.push({ kind: 'note', message: 'segments were out of time order and have been sorted' });
  }
  return sorted.map(({ d }, id) => {
    const { where: _where, ...rest } = d;
    const seg: Segment = { id, ...rest, start: round3(rest.start), end: round3(rest.end) };
    if (seg.words) seg.words = seg.words.map((w) => ({ ...w, start: round3(w.start), end: round3(w.end) }));
    if (seg.confidence !== undefined && seg.confidence < LOW_CONFIDENCE) {
      seg.lowConfidence = true;
      diagnostics.push({
        kind: 'low-confidence',
        start: seg.start,
        end: seg.end,
        message: `segment ${id} has confidence ${seg.confidence.toFixed(2)}`,
      });
    }
    return seg;
  });
}

/**
 * Gives words that lack times (WhisperX leaves digits and symbols unaligned) the gap between their
 * neighbours, so every word keeps its place in the text without inventing precision.
 */
export function fillWordTimes(
  words: { text: string; start?: number; end?: number; probability?: number }[],
  segStart: number,
  segEnd: number,
): Word[] {
  const out: Word[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    let start = w.start;
    let end = w.end;
    if (start === undefined) start = out.length > 0 ? out[out.length - 1].end : segStart;
    if (end === undefined) {
      const next = words.slice(i + 1).find((n) => n.start !== undefined);
      end = next?.start ?? segEnd;
    }
    if (end < start) end = start;
    const word: Word = { start, end, text: w.text };
    if (w.probability !== undefined) word.probability = w.probability;
    out.push(word);
  }
  return out;
}

/** The first zod issue as "path: message", which is what a user needs to find the fault. */
export function describeZodIssue(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const first = issues[0];
  if (!first) return 'invalid content';
  const path = first.path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
  return path ? `${path}: ${first.message}` : first.message;
}
