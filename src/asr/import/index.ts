// Transcript import: a transcript file beside a recording (`<name>.transcript.json|.srt|.vtt`) in any
// of the formats Whisper-family tools and subtitle editors write, turned into the Transcript model.
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import type { Transcript, TranscriptDiagnostic, TranscriptFormat } from '../../model/index.js';
import { finishSegments, importError, type DraftSegment } from './common.js';
import { lineColumn, readTranscriptBytes, requireText, decodeText } from './decode.js';
import { convertDualrec, convertOpenAi, convertWhisperX, DUALREC_FORMAT, serializeSegments } from './jsonformats.js';
import { parseSrt, parseVtt } from './subtitles.js';
import { convertService } from './services.js';
import { looksTimedText, parseTimedText } from './timedtext.js';
import { convertWhisperCpp } from './whispercpp.js';
import { refuseSymlink } from '../../util/symlinks.js';

export { LOW_CONFIDENCE } from './common.js';
export { DUALREC_FORMAT } from './jsonformats.js';

export const TRANSCRIPT_SUFFIXES = [
  '.transcript.json',
  '.transcript.srt',
  '.transcript.vtt',
  '.transcript.txt',
] as const;

/** Given a recording path without its extension (`/dir/name`), the transcript beside it, if any. */
export function findTranscriptFor(base: string): string | undefined {
  for (const suffix of TRANSCRIPT_SUFFIXES) {
    const candidate = base + suffix;
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Reads, detects, validates and converts one transcript file. Broken files throw a UserError. */
export function importTranscript(file: string): Transcript {
  refuseSymlink(file, 'the transcript');
  const bytes = readTranscriptBytes(file);
  const diagnostics: TranscriptDiagnostic[] = [];
  const { format, drafts, language } = convert(file, bytes, diagnostics);
  const segments = finishSegments(file, drafts, diagnostics);
  const t: Transcript = { segments, source: { kind: 'import', format, file } };
  if (language) t.language = language;
  if (diagnostics.length > 0) t.diagnostics = diagnostics;
  return t;
}

/** The format `importTranscript` would read `file` as (reads the file). */
export function detectTranscriptFormat(file: string): TranscriptFormat {
  return convert(file, readTranscriptBytes(file), []).format;
}

/**
 * A transcript as dualrec-json, the format the samples and the ASR cache use. Source and diagnostics
 * are kept when given; on import the source becomes a note (the imported transcript's source is the file).
 */
export function serializeTranscript(
  t: Pick<Transcript, 'segments' | 'language'> & Partial<Pick<Transcript, 'source' | 'diagnostics'>>,
): string {
  return serializeSegments(t.segments, t.language, t.source, t.diagnostics);
}

interface Converted {
  format: TranscriptFormat;
  drafts: DraftSegment[];
  language?: string;
}

type Kind = 'json' | 'srt' | 'vtt' | 'txt';

function isBlank(bytes: Buffer): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return false;
  return true;
}

/** The kind by content, falling back to the extension; content wins since files get misnamed. */
function sniff(file: string, text: string): Kind {
  const head = text.replace(/^\uFEFF/, '').trimStart();
  if (/^WEBVTT(?:[ \t\r\n]|$)/.test(head)) return 'vtt';
  // "[00:01.50] …" and "[by:whisper.cpp]" start timed text (console, LRC), not a JSON array
  if ((head.startsWith('{') || head.startsWith('[')) && !/^\[\s*\d+:\d/.test(head) && !/^\[[a-z]{2,6}:/i.test(head))
    return 'json';
  // "00:00:01.000 --> 00:00:03.000  text" on one line is console output, not an SRT cue (whose
  // timing line holds only cue settings after the times)
  const first = /^\[?[\d:.,]+\s*-->\s*[\d:.,]+\]?[ \t]+(\S[^\r\n]*)/.exec(head);
  if (first && !/^(?:[A-Za-z0-9]+:\S+\s*)+$/.test(first[1]) && !/\.vtt$/i.test(file) && looksTimedText(head))
    return 'txt';
  if (
    /^\d+\s*\r?\n\s*\d{1,3}:\d{1,2}:\d{1,2}[,.]\d{1,3}\s*-->/.test(head) ||
    /^\d{1,3}:\d{2}:\d{2}[,.]\d{1,3}\s*-->/.test(head)
  )
    return 'srt';
  const ext = extname(file).toLowerCase();
  // a .vtt without its header is a broken WebVTT file, and says so below
  if (ext !== '.vtt' && looksTimedText(head)) return 'txt';
  if (ext === '.json') return 'json';
  if (ext === '.srt') return 'srt';
  if (ext === '.vtt') return 'vtt';
  throw importError(
    file,
    'unknown transcript format; expected JSON (whisper.cpp, OpenAI, WhisperX, faster-whisper, FunASR, Alibaba/Tencent Cloud …), SRT, WebVTT, ' +
      'or text with times ("[00:00:01.000 --> 00:00:03.000] text", "说话人1 00:00:01" then text)',
  );
}

function convert(file: string, bytes: Buffer, diagnostics: TranscriptDiagnostic[]): Converted {
  if (bytes.length === 0 || isBlank(bytes)) throw importError(file, 'file is empty');
  const decoded = decodeText(bytes, false);
  if (!decoded) {
    // Not UTF-8. whisper.cpp JSON with CJK tokens split mid-character looks like this: read it
    // byte-for-byte (Latin-1 keeps every byte as one char) and rebuild UTF-8 per string.
    const latin = bytes.toString('latin1');
    if (/^\s*\{/.test(latin)) {
      const json = parseJson(file, latin);
      if (isObject(json) && Array.isArray(json.transcription)) {
        diagnostics.push({
          kind: 'note',
          message: 'file is not valid UTF-8 (CJK characters split across tokens); rebuilt from bytes',
        });
        const r = convertWhisperCpp(file, json, true, diagnostics);
        return {
          format: r.full ? 'whisper.cpp-json-full' : 'whisper.cpp-json',
          drafts: r.drafts,
          language: r.language,
        };
      }
      throw importError(file, 'is not valid UTF-8 JSON');
    }
  }
  const { text, encoding } = decoded ?? requireText(file, bytes, true);
  if (encoding !== 'utf-8') diagnostics.push({ kind: 'note', message: `decoded as ${encoding}` });
  const kind = sniff(file, text);
  if (kind === 'srt' || kind === 'vtt') {
    const { drafts, multiVoiceCues } = kind === 'srt' ? parseSrt(file, text) : parseVtt(file, text);
    if (multiVoiceCues > 0) {
      diagnostics.push({
        kind: 'note',
        message: `${multiVoiceCues} cue(s) hold several speakers; the cue's time span is shared between them by text length`,
      });
    }
    return { format: kind, drafts };
  }
  if (kind === 'txt') return { format: 'timed-text', drafts: parseTimedText(file, text) };
  return convertJson(file, parseJson(file, text), diagnostics);
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const pos = /position (\d+)/.exec(msg);
    const where = pos ? ` at ${lineColumn(text.replace(/^\uFEFF/, ''), Number(pos[1]))}` : '';
    // V8 quotes a piece of the text ('Unexpected token …, "…" is not valid JSON'): never echo transcript text
    const reason = (msg.split('\n')[0] ?? '').replace(/,?\s*".*$/s, '');
    throw importError(file, `is not valid JSON${where}: ${reason}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Whisper-style segments: objects with numeric start and end and a text. */
function isWhisperSegmentList(v: unknown): v is Record<string, unknown>[] {
  return (
    Array.isArray(v) &&
    v.length > 0 &&
    v.every(
      (s) => isObject(s) && typeof s.start === 'number' && typeof s.end === 'number' && typeof s.text === 'string',
    )
  );
}

function convertJson(file: string, json: unknown, diagnostics: TranscriptDiagnostic[]): Converted {
  if (isObject(json)) {
    if (json.format === DUALREC_FORMAT) return { format: 'dualrec-json', ...convertDualrec(file, json, diagnostics) };
    if (Array.isArray(json.transcription)) {
      const r = convertWhisperCpp(file, json, false, diagnostics);
      return { format: r.full ? 'whisper.cpp-json-full' : 'whisper.cpp-json', drafts: r.drafts, language: r.language };
    }
    // Whisper-family "segments" have start/end; other tools' "segments" (other keys) fall through.
    if (
      Array.isArray(json.segments) &&
      (json.segments.length === 0 || json.segments.some((s) => isObject(s) && ('start' in s || 'end' in s)))
    ) {
      const segs = json.segments.filter(isObject);
      const whisperX =
        'word_segments' in json ||
        segs.some((s) => 'speaker' in s) ||
        segs.some((s) => Array.isArray(s.words) && s.words.some((w) => isObject(w) && 'score' in w));
      if (whisperX) return { format: 'whisperx-json', ...convertWhisperX(file, json) };
      // OpenAI's shape; its quality fields (avg_logprob, ...) are optional, so plain
      // {start, end, text} segments from other Whisper front-ends read the same way.
      return { format: 'openai-verbose-json', ...convertOpenAi(file, json, diagnostics) };
    }
    // OpenAI transcription with timestamp_granularities=[word] only: {task, language, duration, text, words}
    if (json.segments === undefined && isWhisperWordList(json.words)) {
      return { format: 'openai-verbose-json', ...convertOpenAi(file, json, diagnostics) };
    }
  }
  // faster-whisper (and other Python front-ends) dumping the list of segments itself
  if (isWhisperSegmentList(json) && !integerMilliseconds(json)) {
    const segs = json.filter(isObject);
    if (segs.some((s) => 'speaker' in s))
      return { format: 'faster-whisper-json', ...convertWhisperX(file, { segments: json }) };
    return { format: 'faster-whisper-json', ...convertOpenAi(file, { segments: json }, diagnostics) };
  }
  const service = convertService(file, json, diagnostics);
  if (service) return service;
  const keys = isObject(json)
    ? Object.keys(json).slice(0, 8).join(', ')
    : Array.isArray(json)
      ? describeArray(json)
      : typeof json;
  throw importError(
    file,
    `unknown JSON transcript shape (${isObject(json) ? `keys: ${keys || 'none'}` : keys}); expected one of: whisper.cpp "transcription", ` +
      `OpenAI/faster-whisper/WhisperX "segments" or "words", a list of {start, end, text} segments, ` +
      `FunASR "sentence_info" or "text"+"timestamp", Alibaba Cloud "Result.Sentences" or "transcripts", ` +
      `Tencent Cloud "ResultDetail", iFlytek "lattice"/"onebest", Volcano Engine "utterances", or {"format":"${DUALREC_FORMAT}"}`,
  );
}

/** A list of {start, end} in integer milliseconds (lines lasting 50+ units), which Whisper tools never write. */
function integerMilliseconds(segs: Record<string, unknown>[]): boolean {
  const d = segs.map((s) => Number(s.end) - Number(s.start)).sort((a, b) => a - b);
  return segs.every((s) => Number.isInteger(s.start) && Number.isInteger(s.end)) && d[Math.floor(d.length / 2)] >= 50;
}

function isWhisperWordList(v: unknown): boolean {
  // OpenAI's words are {word, start, end}; other tools' top-level words (AssemblyAI's {text, start, end}
  // in ms beside its utterances) are not this shape.
  return (
    Array.isArray(v) &&
    v.length > 0 &&
    v.every(
      (w) => isObject(w) && typeof w.start === 'number' && typeof w.end === 'number' && typeof w.word === 'string',
    )
  );
}

function describeArray(a: unknown[]): string {
  const first = a.find(isObject);
  return first ? `an array of objects with keys: ${Object.keys(first).slice(0, 8).join(', ')}` : `an array`;
}
