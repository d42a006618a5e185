// Results of the ASR services Chinese insurers use, saved as JSON: FunASR / Paraformer (open source,
// also behind Alibaba's 百炼 file transcription), Alibaba Cloud 录音文件识别 (NLS filetrans, its
// 极速版 flash_result, and DashScope's transcripts[]), Tencent Cloud 录音文件识别 (DescribeTaskStatus),
// iFlytek 录音文件转写 (lfasr orderResult / onebest) and Volcano Engine 大模型录音文件识别 (utterances).
// Each is a list of sentences with begin/end times (mostly milliseconds), a text and often a
// speaker or channel number; the readers below find that list wherever the saved response keeps it
// (the bare result, the API's envelope, a JSON string inside it) and say what they read.
import type { TranscriptDiagnostic, TranscriptFormat } from '../../model/index.js';
import { importError, type DraftSegment } from './common.js';
import { joinWords } from './jsonformats.js';

type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Field names compared without case and without `_`/`-`: BeginTime, begin_time and beginTime are one. */
function norm(k: string): string {
  return k.toLowerCase().replace(/[_-]/g, '');
}

/** The value of the first of `names` the object has (names compared by `norm`). */
export function field(o: Obj, ...names: string[]): unknown {
  const wanted = names.map(norm);
  for (const w of wanted) {
    for (const k of Object.keys(o)) if (norm(k) === w && o[k] !== null && o[k] !== undefined) return o[k];
  }
  return undefined;
}

/** A JSON value that may have been saved as a string inside the response (Result, orderResult …). */
function unstring(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return v;
  try {
    return JSON.parse(t);
  } catch {
    return v;
  }
}

/** Every object in the tree (objects, arrays, JSON strings), breadth first, down to `depth`. */
function* walk(root: unknown, depth = 5): Generator<Obj> {
  let level: unknown[] = [root];
  for (let d = 0; d <= depth && level.length > 0; d++) {
    const next: unknown[] = [];
    for (const raw of level) {
      const v = unstring(raw);
      if (Array.isArray(v)) {
        // an array of sentences is not walked into: its items are what a reader takes, not containers
        if (v.length > 0 && v.length <= 8) next.push(...v);
        continue;
      }
      if (!isObj(v)) continue;
      yield v;
      for (const k of Object.keys(v)) next.push(v[k]);
    }
    level = next;
  }
}

/** The first object in the tree holding an array (or JSON-string array) under one of `names`. */
function findList(
  root: unknown,
  names: string[],
  accept: (items: unknown[]) => boolean = () => true,
): { owner: Obj; items: unknown[] } | undefined {
  for (const o of walk(root)) {
    const v = unstring(field(o, ...names));
    if (Array.isArray(v) && accept(v)) return { owner: o, items: v };
  }
  return undefined;
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return undefined;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

export interface ServiceResult {
  format: TranscriptFormat;
  drafts: DraftSegment[];
  language?: string;
}

interface SentenceFields {
  text: string[];
  start: string[];
  end: string[];
  speaker?: string[];
  channel?: string[];
  /** times are milliseconds (all the services here) */
  scale: number;
}

interface Sentence {
  start: number;
  end: number;
  text: string;
  speaker?: string;
  channel?: string;
  words?: DraftSegment['words'];
}

function readSentences(file: string, what: string, path: string, items: unknown[], f: SentenceFields): Sentence[] {
  return items.map((raw, i) => {
    const where = `${path}[${i}]`;
    if (!isObj(raw)) throw importError(file, `not a valid ${what}: ${where} is not an object`);
    const start = toNumber(field(raw, ...f.start));
    const end = toNumber(field(raw, ...f.end));
    const text = str(field(raw, ...f.text));
    if (start === undefined || end === undefined) {
      throw importError(
        file,
        `not a valid ${what}: ${where} needs numeric ${f.start[0]} and ${f.end[0]} (found keys: ${Object.keys(raw).slice(0, 8).join(', ')})`,
      );
    }
    if (text === undefined) throw importError(file, `not a valid ${what}: ${where} has no ${f.text[0]} text`);
    const s: Sentence = { start: start / f.scale, end: end / f.scale, text };
    const spk = f.speaker ? str(field(raw, ...f.speaker)) : undefined;
    const ch = f.channel ? str(field(raw, ...f.channel)) : undefined;
    if (spk !== undefined && spk !== '') s.speaker = spk;
    if (ch !== undefined && ch !== '') s.channel = ch;
    return s;
  });
}

/** A bare id ("0", "A") becomes "speaker 0"; a label that already says what it is ("spk_0", "Guest-1") stays. */
function speakerLabel(id: string): string {
  return /^[0-9A-Za-z]{1,2}$/.test(id) ? `speaker ${id}` : id;
}

/**
 * Speaker labels from speaker ids and channel ids: two or more channels name the line by channel
 * ("channel 0" / "channel 1", which the sidecar's roles.channels left / right maps); else two or
 * more speaker ids name it "speaker N". One id for every line means no one was told apart: no label.
 */
function labelSentences(sents: Sentence[], diagnostics: TranscriptDiagnostic[], what: string): DraftSegment[] {
  const channels = new Set(sents.flatMap((s) => (s.channel === undefined ? [] : [s.channel])));
  const speakers = new Set(sents.flatMap((s) => (s.speaker === undefined ? [] : [s.speaker])));
  const byChannel = channels.size > 1;
  const bySpeaker = !byChannel && speakers.size > 1;
  if (byChannel)
    diagnostics.push({
      kind: 'note',
      message: `${what}: lines labelled by audio channel (${[...channels].map((c) => `channel ${c}`).join(', ')})`,
    });
  else if (bySpeaker)
    diagnostics.push({
      kind: 'note',
      message: `${what}: lines labelled by the service's speaker ids (${[...speakers].map(speakerLabel).join(', ')})`,
    });
  else if (speakers.size === 1 && sents.length > 1 && sents.every((s) => s.speaker !== undefined))
    diagnostics.push({
      kind: 'note',
      message: `${what}: every line has the same speaker id; speakers were not told apart`,
    });
  return sents.map((s, i) => {
    // SenseVoice (FunASR) leaves its language/emotion/event tags in raw text: <|zh|><|NEUTRAL|><|Speech|><|withitn|>
    const text = s.text.replace(/<\|[^|<>]{1,24}\|>/g, '');
    const d: DraftSegment = { start: s.start, end: s.end, text, where: `sentence ${i + 1}` };
    if (byChannel && s.channel !== undefined) d.speaker = `channel ${s.channel}`;
    else if (bySpeaker && s.speaker !== undefined) d.speaker = speakerLabel(s.speaker);
    if (s.words && s.words.length > 0) d.words = s.words;
    return d;
  });
}

// ---- FunASR / Paraformer ----------------------------------------------------------------------

/** Sentence-ending punctuation a line is cut after when lines are rebuilt from character times. */
const SENTENCE_END = /[。？！?!；;]$/;
const PUNCT = /^[\p{P}\p{S}\s]+$/u;

/** FunASR's tokens: one per CJK character, one per Latin word; punctuation has no timestamp. */
function funasrTokens(text: string): string[] {
  const spaced = /[\u4e00-\u9fff] [\u4e00-\u9fff]/.test(text);
  const out: string[] = [];
  const re = spaced ? /[^\s]+/g : /[A-Za-z0-9']+|[^\sA-Za-z0-9']/gu;
  for (const m of text.matchAll(re)) out.push(m[0]);
  return out;
}

/**
 * `text` + `timestamp` ([[startMs, endMs], …] per token, or that list as a string) → lines cut at
 * sentence ends and pauses. When the counts disagree the text is kept whole over the timed span.
 */
function funasrFromTokenTimes(text: string, stamps: unknown, diagnostics: TranscriptDiagnostic[]): DraftSegment[] {
  const ts = unstring(stamps);
  const pairs = Array.isArray(ts)
    ? ts.filter((p): p is number[] => Array.isArray(p) && p.length >= 2 && p.every((x) => typeof x === 'number'))
    : [];
  const tokens = funasrTokens(text);
  const timed = tokens.filter((t) => !PUNCT.test(t));
  if (pairs.length === 0) return [];
  if (timed.length !== pairs.length) {
    diagnostics.push({
      kind: 'note',
      message: `FunASR: ${timed.length} tokens but ${pairs.length} timestamps; the text is one line over the timed span`,
    });
    return [
      {
        start: pairs[0][0] / 1000,
        end: pairs[pairs.length - 1][1] / 1000,
        text: text.replace(/(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])/g, ''),
        where: 'timestamp',
      },
    ];
  }
  const drafts: DraftSegment[] = [];
  let words: { text: string; start: number; end: number }[] = [];
  let k = 0;
  const flush = () => {
    const timedWords = words.filter((w) => !PUNCT.test(w.text));
    if (timedWords.length > 0) {
      drafts.push({
        start: timedWords[0].start,
        end: timedWords[timedWords.length - 1].end,
        text: joinWords(words.map((w) => w.text)),
        words: timedWords,
        where: `timestamp[${k - timedWords.length}]`,
      });
    }
    words = [];
  };
  for (const tok of tokens) {
    if (PUNCT.test(tok)) {
      const last = words[words.length - 1];
      words.push({ text: tok, start: last?.end ?? 0, end: last?.end ?? 0 });
      if (SENTENCE_END.test(tok)) flush();
      continue;
    }
    const [s, e] = pairs[k++];
    const prev = [...words].reverse().find((w) => !PUNCT.test(w.text));
    if (prev && s / 1000 - prev.end >= 0.8) flush();
    words.push({ text: tok, start: s / 1000, end: e / 1000 });
  }
  flush();
  return drafts;
}

function convertFunAsr(file: string, json: unknown, diagnostics: TranscriptDiagnostic[]): ServiceResult | undefined {
  // funasr AutoModel.generate: [{key, text, timestamp, sentence_info: [{text, start, end, timestamp, spk}]}]
  const si = findList(json, ['sentence_info'], (v) => v.some((x) => isObj(x) && 'start' in x && 'end' in x));
  if (si) {
    const results = Array.isArray(json)
      ? json.filter((r) => isObj(r) && Array.isArray(unstring(field(r, 'sentence_info'))))
      : [];
    const lists =
      results.length > 1 ? results.map((r) => unstring(field(r as Obj, 'sentence_info')) as unknown[]) : [si.items];
    if (results.length > 1)
      diagnostics.push({
        kind: 'note',
        message: `FunASR: ${results.length} results in the file were read as one session`,
      });
    const sents = lists.flatMap((items) =>
      readSentences(file, 'FunASR result', 'sentence_info', items, {
        text: ['text', 'sentence'],
        start: ['start'],
        end: ['end'],
        speaker: ['spk', 'speaker'],
        scale: 1000,
      }),
    );
    return { format: 'funasr-json', drafts: labelSentences(sents, diagnostics, 'FunASR') };
  }
  // funasr-runtime (websocket / http server): stamp_sents: [{text_seg, punc, start, end, ts_list}]
  const ss = findList(json, ['stamp_sents'], (v) => v.some((x) => isObj(x) && 'start' in x));
  if (ss) {
    const sents = readSentences(
      file,
      'FunASR runtime result',
      'stamp_sents',
      ss.items.map((x) => {
        if (!isObj(x)) return x;
        const seg = str(field(x, 'text_seg', 'text')) ?? '';
        return {
          ...x,
          text: seg.replace(/(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])/g, '') + (str(field(x, 'punc')) ?? ''),
        };
      }),
      { text: ['text'], start: ['start'], end: ['end'], speaker: ['spk', 'speaker'], scale: 1000 },
    );
    return { format: 'funasr-json', drafts: labelSentences(sents, diagnostics, 'FunASR') };
  }
  // plain form: {key, text, timestamp: [[ms, ms], …]} (no sentence split asked for)
  for (const o of walk(json, 3)) {
    const text = field(o, 'text');
    const stamps = field(o, 'timestamp');
    if (typeof text !== 'string' || stamps === undefined) continue;
    const ts = unstring(stamps);
    if (!Array.isArray(ts) || !ts.every((p) => Array.isArray(p))) continue;
    const drafts = funasrFromTokenTimes(text, ts, diagnostics);
    if (drafts.length > 0) {
      diagnostics.push({
        kind: 'note',
        message:
          'FunASR: lines were rebuilt from per-character timestamps at sentence ends and pauses; no speakers in this form',
      });
      return { format: 'funasr-json', drafts };
    }
  }
  return undefined;
}

// ---- Alibaba Cloud ------------------------------------------------------------------------------

function convertAliyun(file: string, json: unknown, diagnostics: TranscriptDiagnostic[]): ServiceResult | undefined {
  // DashScope / 百炼 Paraformer file transcription: {transcripts: [{channel_id, sentences: [{begin_time, end_time, text, speaker_id}]}]}
  const tr = findList(json, ['transcripts'], (v) => v.some((x) => isObj(x) && Array.isArray(field(x, 'sentences'))));
  if (tr) {
    const sents = tr.items.flatMap((t, ti) => {
      if (!isObj(t)) return [];
      const ch = str(field(t, 'channel_id'));
      const list = field(t, 'sentences');
      const s = readSentences(
        file,
        'Alibaba Cloud (DashScope) transcription result',
        `transcripts[${ti}].sentences`,
        Array.isArray(list) ? list : [],
        {
          text: ['text'],
          start: ['begin_time'],
          end: ['end_time'],
          speaker: ['speaker_id'],
          channel: ['channel_id'],
          scale: 1000,
        },
      );
      return s.map((x) => (x.channel === undefined && ch !== undefined ? { ...x, channel: ch } : x));
    });
    return { format: 'aliyun-json', drafts: labelSentences(sents, diagnostics, 'Alibaba Cloud') };
  }
  // NLS 录音文件识别 GetTaskResult: {TaskId, StatusText, Result: {Sentences: [{BeginTime, EndTime, Text, ChannelId, SpeakerId}]}}
  // 极速版: {flash_result: {sentences: [{begin_time, end_time, text, channel_id}]}}
  const nls = findList(json, ['Sentences'], (v) => v.some((x) => isObj(x) && field(x, 'BeginTime') !== undefined));
  if (nls) {
    const status = isObj(json) ? str(field(json, 'StatusText')) : undefined;
    if (status && !/^SUCCESS/.test(status))
      diagnostics.push({ kind: 'note', message: `Alibaba Cloud task status: ${status}` });
    const sents = readSentences(file, 'Alibaba Cloud file transcription result', 'Sentences', nls.items, {
      text: ['Text'],
      start: ['BeginTime'],
      end: ['EndTime'],
      speaker: ['SpeakerId'],
      channel: ['ChannelId'],
      scale: 1000,
    });
    return { format: 'aliyun-json', drafts: labelSentences(sents, diagnostics, 'Alibaba Cloud') };
  }
  return undefined;
}

// ---- Tencent Cloud ------------------------------------------------------------------------------

/** Tencent's text result lines: "[0:1.020,0:3.560,0]  你好。" (minutes:seconds, and the speaker id). */
const TENCENT_LINE = /^\[(\d+):(\d+(?:\.\d+)?),(\d+):(\d+(?:\.\d+)?)(?:,(\d+))?\]\s*(.*)$/;

function convertTencent(file: string, json: unknown, diagnostics: TranscriptDiagnostic[]): ServiceResult | undefined {
  // DescribeTaskStatus: {Response: {Data: {Status, StatusStr, Result, ResultDetail: [{FinalSentence, StartMs, EndMs, SpeakerId, Words}]}}}
  const rd = findList(
    json,
    ['ResultDetail'],
    (v) => v.length === 0 || v.some((x) => isObj(x) && field(x, 'StartMs') !== undefined),
  );
  if (rd) {
    const sents = readSentences(file, 'Tencent Cloud ASR result', 'ResultDetail', rd.items, {
      text: ['FinalSentence', 'SliceSentence', 'WrittenText'],
      start: ['StartMs'],
      end: ['EndMs'],
      speaker: ['SpeakerId'],
      scale: 1000,
    });
    rd.items.forEach((raw, i) => {
      const ws = isObj(raw) ? field(raw, 'Words') : undefined;
      if (!Array.isArray(ws)) return;
      const base = sents[i].start;
      const words = ws.flatMap((w) => {
        if (!isObj(w)) return [];
        const t = str(field(w, 'Word'));
        const s = toNumber(field(w, 'OffsetStartMs'));
        const e = toNumber(field(w, 'OffsetEndMs'));
        if (!t || s === undefined || e === undefined || PUNCT.test(t)) return [];
        return [{ text: t, start: base + s / 1000, end: base + Math.max(s, e) / 1000 }];
      });
      if (words.length > 0) sents[i].words = words;
    });
    return { format: 'tencent-json', drafts: labelSentences(sents, diagnostics, 'Tencent Cloud') };
  }
  // Only the text result (ResFormat 0): "[0:0.020,0:2.380,0]  text\n…"
  for (const o of walk(json, 4)) {
    const r = field(o, 'Result');
    if (typeof r !== 'string' || !TENCENT_LINE.test(r.split('\n')[0].trim())) continue;
    const sents: Sentence[] = [];
    for (const line of r.split('\n')) {
      const m = TENCENT_LINE.exec(line.trim());
      if (!m) continue;
      const s: Sentence = {
        start: Number(m[1]) * 60 + Number(m[2]),
        end: Number(m[3]) * 60 + Number(m[4]),
        text: m[6],
      };
      if (m[5] !== undefined) s.speaker = m[5];
      sents.push(s);
    }
    diagnostics.push({
      kind: 'note',
      message: 'Tencent Cloud: read from the text Result (no ResultDetail in the file)',
    });
    return { format: 'tencent-json', drafts: labelSentences(sents, diagnostics, 'Tencent Cloud') };
  }
  return undefined;
}

// ---- iFlytek --------------------------------------------------------------------------------------

function iflytekText(best: unknown): string {
  // json_1best: {st: {bg, ed, rl, rt: [{ws: [{cw: [{w}]}]}]}}
  const st = isObj(best) ? field(best, 'st') : undefined;
  const rt = isObj(st) ? field(st, 'rt') : undefined;
  if (!Array.isArray(rt)) return '';
  const words: string[] = [];
  for (const r of rt) {
    const ws = isObj(r) ? field(r, 'ws') : undefined;
    for (const w of Array.isArray(ws) ? ws : []) {
      const cw = isObj(w) ? field(w, 'cw') : undefined;
      const first = Array.isArray(cw) && isObj(cw[0]) ? str(field(cw[0], 'w')) : undefined;
      if (first) words.push(first);
    }
  }
  return joinWords(words);
}

function convertIflytek(file: string, json: unknown, diagnostics: TranscriptDiagnostic[]): ServiceResult | undefined {
  // lfasr v2: {content: {orderResult: "{\"lattice\": [{\"json_1best\": \"{\\\"st\\\": {bg, ed, rl, rt}}\"}]}"}}
  const lat = findList(json, ['lattice', 'lattice2'], (v) =>
    v.some((x) => isObj(x) && field(x, 'json_1best') !== undefined),
  );
  if (lat) {
    const sents: Sentence[] = lat.items.flatMap((x, i) => {
      const best = isObj(x) ? unstring(field(x, 'json_1best')) : undefined;
      const st = isObj(best) ? field(best, 'st') : undefined;
      if (!isObj(st)) return [];
      const bg = toNumber(field(st, 'bg'));
      const ed = toNumber(field(st, 'ed'));
      if (bg === undefined || ed === undefined)
        throw importError(file, `not a valid iFlytek result: lattice[${i}].json_1best.st needs bg and ed`);
      const s: Sentence = { start: bg / 1000, end: ed / 1000, text: iflytekText(best) };
      const rl = str(field(st, 'rl')) ?? (isObj(x) ? str(field(x, 'spk')) : undefined);
      if (rl !== undefined && rl !== '0') s.speaker = rl;
      return [s];
    });
    return { format: 'iflytek-json', drafts: labelSentences(sents, diagnostics, 'iFlytek') };
  }
  // lfasr v1: {data: "[{\"bg\": \"0\", \"ed\": \"4950\", \"onebest\": \"…\", \"speaker\": \"0\"}]"}
  const v1 = findList(json, ['data'], (v) => v.some((x) => isObj(x) && field(x, 'onebest') !== undefined));
  if (v1) {
    const sents = readSentences(file, 'iFlytek result', 'data', v1.items, {
      text: ['onebest'],
      start: ['bg'],
      end: ['ed'],
      speaker: ['speaker'],
      scale: 1000,
    });
    for (const s of sents) if (s.speaker === '0') delete s.speaker;
    return { format: 'iflytek-json', drafts: labelSentences(sents, diagnostics, 'iFlytek') };
  }
  return undefined;
}

// ---- Volcano Engine -------------------------------------------------------------------------------

function convertVolcengine(
  file: string,
  json: unknown,
  diagnostics: TranscriptDiagnostic[],
): ServiceResult | undefined {
  // {result: {text, utterances: [{text, start_time, end_time, words, additions: {speaker}}]}} (ms)
  const u = findList(json, ['utterances'], (v) =>
    v.some((x) => isObj(x) && field(x, 'start_time') !== undefined && field(x, 'text') !== undefined),
  );
  if (!u) return undefined;
  const items = u.items.map((x) => {
    if (!isObj(x)) return x;
    const add = unstring(field(x, 'additions'));
    const spk = isObj(add) ? field(add, 'speaker') : field(x, 'speaker');
    return spk === undefined ? x : { ...x, speaker: spk };
  });
  const sents = readSentences(file, 'Volcano Engine ASR result', 'utterances', items, {
    text: ['text'],
    start: ['start_time'],
    end: ['end_time'],
    speaker: ['speaker'],
    channel: ['channel_id'],
    scale: 1000,
  });
  return { format: 'volcengine-json', drafts: labelSentences(sents, diagnostics, 'Volcano Engine') };
}

// ---- any other list of timed sentences ----------------------------------------------------------

const TEXT_KEYS = [
  'text',
  'transcript',
  'sentence',
  'content',
  'onebest',
  'FinalSentence',
  'display',
  'utterance',
  'caption',
];
const START_KEYS = [
  'start',
  'start_time',
  'begin',
  'begin_time',
  'bg',
  'StartMs',
  'start_ms',
  'begin_ms',
  'startTime',
  'offsetInTicks',
  'offset',
  'from',
];
const END_KEYS = ['end', 'end_time', 'ed', 'EndMs', 'end_ms', 'endTime', 'stop', 'to'];
const DURATION_KEYS = ['durationInTicks', 'duration', 'duration_ms'];
const SPEAKER_KEYS = ['speaker', 'speaker_label', 'speakerTag', 'speaker_id', 'SpeakerId', 'spk', 'role'];
const CHANNEL_KEYS = ['channel', 'channel_id', 'ChannelId', 'channelTag', 'channel_label'];
/** Lists of words or tokens are not lines: a tool writes them beside its lines. */
const WORD_LISTS = new Set([
  'words',
  'items',
  'tokens',
  'timestamp',
  'timestamps',
  'ws',
  'cw',
  'wordsegments',
  'chars',
  'characters',
]);

/** The text of a line, also when it is the first alternative (nBest[0].display, alternatives[0].transcript). */
function lineText(o: Obj): string | undefined {
  const t = field(o, ...TEXT_KEYS);
  if (typeof t === 'string') return t;
  if (isObj(t)) return lineText(t); // {result: {text}} (Huawei SIS)
  const alts = field(o, 'nBest', 'alternatives');
  if (Array.isArray(alts) && isObj(alts[0])) return lineText(alts[0]);
  const res = field(o, 'result');
  return isObj(res) ? lineText(res) : undefined;
}

/** Seconds, from "1.5", 1.5, "PT1.5S", "1.500s", "00:00:01.500"; undefined otherwise. */
function timeValue(v: unknown): number | undefined {
  const n = toNumber(v);
  if (n !== undefined) return n;
  if (typeof v !== 'string') return undefined;
  const s = /^(\d+(?:\.\d+)?)s$/.exec(v.trim());
  if (s) return Number(s[1]);
  const clock = /^(?:(\d{1,2}):)?(\d{1,2}):(\d{2}(?:[.,]\d{1,3})?)$/.exec(v.trim());
  if (clock) return Number(clock[1] ?? 0) * 3600 + Number(clock[2]) * 60 + Number(clock[3].replace(',', '.'));
  const iso = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(v.trim());
  return iso ? Number(iso[1] ?? 0) * 3600 + Number(iso[2] ?? 0) * 60 + Number(iso[3] ?? 0) : undefined;
}

interface Candidate {
  path: string;
  items: Obj[];
}

function candidates(json: unknown): Candidate[] {
  const out: Candidate[] = [];
  const consider = (path: string, v: unknown) => {
    const arr = unstring(v);
    if (!Array.isArray(arr) || arr.length === 0) return;
    const objs = arr.filter(isObj);
    const timed = objs.filter(
      (o) =>
        lineText(o) !== undefined && (field(o, ...START_KEYS) !== undefined || Array.isArray(field(o, 'timestamp'))),
    );
    if (timed.length > 0 && timed.length >= 0.8 * arr.length) out.push({ path, items: timed });
  };
  consider('', json);
  for (const o of walk(json)) {
    for (const k of Object.keys(o)) if (!WORD_LISTS.has(norm(k))) consider(k, o[k]);
  }
  return out;
}

/**
 * Any list of objects with a text and start/end (or start/duration) times: utterances, segments,
 * phrases … from tools not named above. Times are read as milliseconds when the key says ms or every
 * value is an integer and the lines last 50 units or more (median); ticks (100 ns) when the key says ticks.
 */
function convertGeneric(file: string, json: unknown, diagnostics: TranscriptDiagnostic[]): ServiceResult | undefined {
  // the longest list, preferring one whose lines name speakers (insanely-fast-whisper's "speakers" beside "chunks")
  const withSpeakers = (c: Candidate) =>
    c.items.filter((o) => field(o, ...SPEAKER_KEYS) !== undefined).length >= 0.8 * c.items.length;
  const best = candidates(json).sort(
    (a, b) => Number(withSpeakers(b)) - Number(withSpeakers(a)) || b.items.length - a.items.length,
  )[0];
  if (!best) return undefined;
  const keyOf = (o: Obj, names: string[]) =>
    Object.keys(o).find((k) => names.map(norm).includes(norm(k)) && o[k] !== null);
  const first = best.items[0];
  const startKey = keyOf(first, START_KEYS);
  const endKey = keyOf(first, END_KEYS);
  const durKey = endKey ? undefined : keyOf(first, DURATION_KEYS);
  const raw = best.items.map((o) => {
    const pair = field(o, 'timestamp');
    if (!startKey && Array.isArray(pair)) return { o, s: timeValue(pair[0]), e: timeValue(pair[1]) };
    const s = startKey ? timeValue(o[startKey]) : undefined;
    const e = endKey ? timeValue(o[endKey]) : durKey && s !== undefined ? s + (timeValue(o[durKey]) ?? 0) : undefined;
    return { o, s, e };
  });
  // a last chunk without an end (Hugging Face pipelines) ends where it starts
  for (const r of raw) if (r.e === undefined && r.s !== undefined) r.e = r.s;
  const bad = raw.findIndex((r) => r.s === undefined || r.e === undefined);
  if (bad >= 0)
    throw importError(
      file,
      `list "${best.path}" item ${bad}: start/end times could not be read (keys: ${Object.keys(raw[bad].o).slice(0, 8).join(', ')})`,
    );
  const keys = [startKey, endKey ?? durKey].filter(Boolean).join(' ');
  const values = raw.flatMap((r) => [r.s!, r.e!]);
  // integer times whose lines last 50 or more units each (median) are milliseconds: no one speaks
  // 50-second lines, and no line lasts 50 ms
  const durations = raw.map((r) => r.e! - r.s!).sort((a, b) => a - b);
  const median = durations[Math.floor(durations.length / 2)];
  const scale = /ticks/i.test(keys)
    ? 1e7
    : /ms/i.test(keys) || (values.every(Number.isInteger) && median >= 50)
      ? 1000
      : 1;
  const sents: Sentence[] = raw.map(({ o, s, e }) => {
    const st: Sentence = { start: s! / scale, end: e! / scale, text: lineText(o) ?? '' };
    // Huawei SIS keeps the role it found (AGENT / USER) in result.analysis_info.role
    const res = field(o, 'result');
    const info = isObj(res) ? field(res, 'analysis_info') : undefined;
    const spk = str(field(o, ...SPEAKER_KEYS)) ?? (isObj(info) ? str(field(info, 'role')) : undefined);
    const ch = str(field(o, ...CHANNEL_KEYS));
    if (spk !== undefined && spk !== '') st.speaker = spk;
    if (ch !== undefined && ch !== '') st.channel = ch;
    return st;
  });
  diagnostics.push({
    kind: 'note',
    message: `read as a generic list of timed lines: "${best.path || '(top level)'}" (${best.items.length} items; times in ${scale === 1 ? 's' : scale === 1000 ? 'ms' : 'ticks'})`,
  });
  return { format: 'generic-json', drafts: labelSentences(sents, diagnostics, 'timed lines') };
}

/** Tries each service's shape in turn, then any list of timed lines; undefined when none is in the file. */
export function convertService(
  file: string,
  json: unknown,
  diagnostics: TranscriptDiagnostic[],
): ServiceResult | undefined {
  for (const conv of [
    convertFunAsr,
    convertAliyun,
    convertTencent,
    convertIflytek,
    convertVolcengine,
    convertGeneric,
  ]) {
    const r = conv(file, json, diagnostics);
    if (r) return r;
  }
  return undefined;
}
