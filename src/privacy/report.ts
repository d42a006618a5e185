// What people read (report.json, report.html, the review pages): every string masked.
import type { Report, Segment, Transcript } from '../model/index.js';
import { collectNumbers, mapStrings, maskTextWith } from './mask.js';

/** The numbers to look for in pieces too: those in any string of `value`, and in words joined per segment. */
function knownNumbers(value: unknown, segments: readonly Segment[] | undefined): Set<string> {
  const known = collectNumbers(value);
  for (const seg of segments ?? []) {
    // a number split over words ("138", "1234", "5678") only shows up when the words are joined
    const joined = seg.words?.map((w) => w.text).join('') ?? '';
    if (joined) for (const n of collectNumbers(joined)) known.add(n);
  }
  return known;
}

/** Masks the words of a segment over the whole line, then hands each word its own slice back. */
function maskWords(segments: Segment[], known: ReadonlySet<string>): void {
  for (const seg of segments) {
    if (!seg.words?.length) continue;
    const joined = maskTextWith(seg.words.map((w) => w.text).join(''), known);
    let at = 0;
    seg.words = seg.words.map((w) => {
      const text = joined.slice(at, at + w.text.length);
      at += w.text.length;
      return { ...w, text };
    });
  }
}

/**
 * A copy of `value` (findings, reasons, any JSON-like value) with personal numbers masked in every
 * string; `segments` are transcript lines whose numbers are then also masked where only a piece of
 * them is quoted (an evidence excerpt cut in the middle of a phone number).
 */
export function maskValue<T>(value: T, segments?: readonly Segment[]): T {
  const known = knownNumbers([value, segments ?? []], segments);
  return mapStrings(value, (s) => maskTextWith(s, known));
}

/** Transcript lines (with their words) masked. */
export function maskSegments(segments: readonly Segment[]): Segment[] {
  const known = knownNumbers(segments, segments);
  const masked = mapStrings([...segments], (s) => maskTextWith(s, known));
  maskWords(masked, known);
  return masked;
}

/**
 * The transcript as every stage after import sees it, and as the store keeps it: lines, words and
 * diagnostics masked. The full text stays only in the original transcript file.
 */
export function maskTranscript(t: Transcript): Transcript {
  const segments = maskSegments(t.segments);
  return { ...t, segments, ...(t.diagnostics ? { diagnostics: maskValue(t.diagnostics, t.segments) } : {}) };
}

/**
 * A copy of the report with personal numbers masked everywhere: the transcript, the evidence excerpts
 * quoted in findings, OCR text, reasons and messages.
 */
export function maskReport(report: Report): Report {
  const known = knownNumbers(report, report.transcript?.segments);
  const masked = mapStrings(report, (s) => maskTextWith(s, known));
  if (masked.transcript) maskWords(masked.transcript.segments, known);
  return masked;
}
