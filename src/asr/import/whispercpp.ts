// whisper.cpp `-oj` / `-ojf` JSON. Offsets are milliseconds. With -ojf each segment carries its
// tokens with probability `p`; a CJK character can be split over two tokens, so tokens are joined
// on UTF-8 byte boundaries before they become words.
import { z } from 'zod';
import type { TranscriptDiagnostic, Word } from '../../model/index.js';
import { describeZodIssue, importError, meanProbability, normaliseLanguage, type DraftSegment } from './common.js';
import { endsMidCharacter, utf8Lenient } from './decode.js';

const Offsets = z.looseObject({ from: z.number(), to: z.number() });

const Token = z.looseObject({
  text: z.string(),
  offsets: Offsets.optional(),
  id: z.number().optional(),
  p: z.number().min(0).max(1).optional(),
  t_dtw: z.number().optional(),
});

const Segment = z.looseObject({
  timestamps: z.looseObject({ from: z.string(), to: z.string() }).optional(),
  offsets: Offsets,
  text: z.string(),
  tokens: z.array(Token).optional(),
  speaker: z.string().optional(),
  speaker_turn_next: z.boolean().optional(),
});

export const WhisperCppDoc = z.looseObject({
  systeminfo: z.string().optional(),
  model: z.looseObject({ type: z.string().optional() }).optional(),
  params: z.looseObject({ model: z.string().optional(), language: z.string().optional() }).optional(),
  result: z.looseObject({ language: z.string().optional() }).optional(),
  transcription: z.array(Segment),
});

/** Special tokens as whisper.cpp prints them: [_BEG_], [_TT_150], [_SOT_], [_LANG_zh] ... */
const SPECIAL = /^\[_[^\]]*\]$/;
const CJK = /[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/;

export interface WhisperCppResult {
  drafts: DraftSegment[];
  language?: string;
  full: boolean;
}

/**
 * `bytes` is true when the JSON was parsed as Latin-1 because it was not valid UTF-8: every string
 * then holds raw bytes, one per char, and is turned back into UTF-8 here.
 */
export function convertWhisperCpp(
  file: string,
  json: unknown,
  bytes: boolean,
  diagnostics: TranscriptDiagnostic[],
): WhisperCppResult {
  const parsed = WhisperCppDoc.safeParse(json);
  if (!parsed.success) {
    throw importError(file, `not a valid whisper.cpp JSON transcript: ${describeZodIssue(parsed.error.issues)}`);
  }
  const doc = parsed.data;
  const str = (s: string) => (bytes ? utf8Lenient(Buffer.from(s, 'latin1')) : s.replace(/\uFFFD/g, ''));
  const full = doc.transcription.some((s) => s.tokens !== undefined);
  let turn = 0;
  const drafts = doc.transcription.map((s, i): DraftSegment => {
    const d: DraftSegment = {
      start: s.offsets.from / 1000,
      end: s.offsets.to / 1000,
      text: str(s.text),
      where: `transcription[${i}]`,
    };
    if (s.tokens) {
      const text = s.tokens.filter((t) => !SPECIAL.test(t.text));
      const conf = meanProbability(text.flatMap((t) => (t.p === undefined ? [] : [t.p])));
      if (conf !== undefined) d.confidence = conf;
      const words = tokensToWords(text, d.start, d.end, bytes);
      if (words.length > 0) d.words = words;
    }
    // --diarize (stereo) gives "0"/"1"/"?"; tinydiarize only marks turns, which become turn labels.
    if (s.speaker !== undefined && s.speaker !== '?') d.speaker = s.speaker.replace(/^\(speaker (.*)\)$/, '$1');
    else if (s.speaker_turn_next !== undefined) {
      d.speaker = `turn-${turn % 2}`;
      if (s.speaker_turn_next) turn++;
    }
    return d;
  });
  if (doc.transcription.some((s) => s.speaker_turn_next !== undefined) && !doc.transcription.some((s) => s.speaker)) {
    diagnostics.push({
      kind: 'note',
      message: 'speaker labels turn-0/turn-1 come from tinydiarize turn marks, not from voices',
    });
  }
  const lang = normaliseLanguage(doc.result?.language ?? doc.params?.language);
  return { drafts, full, ...(lang ? { language: lang } : {}) };
}

type Tok = z.infer<typeof Token>;

/** Token times: offsets (ms) when whisper.cpp computed them, else the DTW time (centiseconds). */
function tokenTimes(toks: Tok[], segStart: number, segEnd: number): { start: number; end: number }[] | undefined {
  if (toks.every((t) => t.offsets && t.offsets.from >= 0 && t.offsets.to >= t.offsets.from)) {
    return toks.map((t) => ({ start: t.offsets!.from / 1000, end: t.offsets!.to / 1000 }));
  }
  if (toks.length > 0 && toks.every((t) => t.t_dtw !== undefined && t.t_dtw >= 0)) {
    return toks.map((t, i) => {
      const start = Math.min(Math.max(t.t_dtw! / 100, segStart), segEnd);
      const next = toks[i + 1];
      const end = next ? Math.min(Math.max(next.t_dtw! / 100, start), segEnd) : segEnd;
      return { start, end: Math.max(end, start) };
    });
  }
  return undefined;
}

function tokensToWords(toks: Tok[], segStart: number, segEnd: number, bytes: boolean): Word[] {
  const times = tokenTimes(toks, segStart, segEnd);
  if (!times) return [];
  const words: Word[] = [];
  let pending: { buf: Buffer; start: number; end: number; p?: number } | undefined;
  let prevLatin = false;
  const emit = (raw: string, start: number, end: number, p: number | undefined) => {
    const text = raw.replace(/\uFFFD/g, '');
    const trimmed = text.trim();
    if (!trimmed) return;
    const last = words[words.length - 1];
    // A Latin sub-word token without a leading space continues the previous word ("insur" + "ance").
    if (last && prevLatin && !/^\s/.test(text) && /^[A-Za-z0-9']/.test(trimmed) && !CJK.test(trimmed)) {
      last.text += trimmed;
      last.end = end;
      if (p !== undefined) last.probability = last.probability === undefined ? p : last.probability * p;
    } else {
      const w: Word = { start, end, text: trimmed };
      if (p !== undefined) w.probability = p;
      words.push(w);
    }
    prevLatin = /[A-Za-z0-9']$/.test(trimmed);
  };
  toks.forEach((t, i) => {
    const { start, end } = times[i];
    if (!bytes) {
      emit(t.text, start, end, t.p);
      return;
    }
    const b = Buffer.from(t.text, 'latin1');
    pending = pending
      ? { buf: Buffer.concat([pending.buf, b]), start: pending.start, end, p: mulP(pending.p, t.p) }
      : { buf: b, start, end, p: t.p };
    if (!endsMidCharacter(pending.buf)) {
      emit(pending.buf.toString('utf8'), pending.start, pending.end, pending.p);
      pending = undefined;
    }
  });
  if (pending) emit(utf8Lenient(pending.buf), pending.start, pending.end, pending.p);
  return words.map((w) =>
    w.probability === undefined ? w : { ...w, probability: Math.round(w.probability * 10000) / 10000 },
  );
}

function mulP(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a * b;
}
