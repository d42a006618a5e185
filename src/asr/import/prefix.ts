// Speaker labels written into subtitle text: call-centre and QA tools put the role or an anonymous
// speaker number before each line ("客服：您好", "说话人1：嗯", "[SPEAKER_00]: ok", whisper.cpp
// --diarize's "(speaker 0) 你好"). The label is split off the text and kept as the segment's speaker;
// the speaker stage maps role words (客服 → agent …) and the sidecar's roles.speakers maps the rest.

/** Role words that name the agent's or the customer's side. Longer words first (客户经理 before 客户). */
export const ROLE_WORDS = [
  '保险代理人',
  '理财经理',
  '客户经理',
  '销售人员',
  '业务人员',
  '保险顾问',
  '代理人',
  '业务员',
  '营销员',
  '销售员',
  '服务专员',
  '客服',
  '坐席',
  '座席',
  '销售',
  '柜员',
  '顾问',
  '被保险人',
  '被保人',
  '投保人',
  '受益人',
  '客户',
  '顾客',
] as const;

const ROLE_ALT = ROLE_WORDS.join('|');
/** A role word, optionally numbered or named in brackets: 客服、坐席2、客服(小王)、销售 A. */
const ROLE_LABEL = `(?:${ROLE_ALT})(?:\\s?[0-9A-Za-z]{1,3})?(?:\\s?[（(][^）)\\n]{1,12}[）)])?`;
/** Anonymous numbered speakers as diarizing tools write them. */
const ANON_LABEL =
  '(?:说话人|发言人|讲话人|角色|声道|通道)\\s?[0-9０-９]{1,2}|(?:[Ss]peaker|SPEAKER|spk|SPK)[ _-]?[0-9]{1,2}|[Ss]peaker[ _-]?[A-Z]|[Cc]hannel[ _-]?[0-9]';

const COLON = '\\s*[:：]\\s*';
const OPEN = '[\\[【［〔(（<〈《]';
const CLOSE = '[\\]】］〕)）>〉》]';

const PATTERNS: { re: RegExp; label: (m: RegExpExecArray) => string | undefined }[] = [
  // whisper.cpp --diarize (stereo): "(speaker 0) text", "(speaker ?) text"
  { re: /^\(speaker\s*([0-9]+|\?)\)\s*/i, label: (m) => (m[1] === '?' ? undefined : m[1]) },
  // role or anonymous label in brackets, colon optional: 【客服】 [说话人1]： (坐席)
  { re: new RegExp(`^${OPEN}\\s*(${ROLE_LABEL}|${ANON_LABEL})\\s*${CLOSE}(?:${COLON}|\\s*)`), label: (m) => m[1] },
  // role or anonymous label then a colon: 客服： 说话人 2: SPEAKER_00: Speaker 1：
  { re: new RegExp(`^(${ROLE_LABEL}|${ANON_LABEL})${COLON}`), label: (m) => m[1] },
  // any other bracketed label ([agent]: , [Wang Li]) — brackets mark it as a label
  { re: /^\[([^\]\n]{1,40})\]\s*[:：]?\s*/, label: (m) => m[1] },
  // an ASCII name and a colon with a space after it: "agent: ", "Speaker 1: "
  { re: /^([A-Za-z][A-Za-z0-9_-]{0,23}(?: \d{1,2})?)\s*:\s+/, label: (m) => m[1] },
];

export interface SplitLabel {
  /** the label as written (trimmed, inner spaces collapsed); absent when the text has none */
  speaker?: string;
  text: string;
  /** true when a label was found and removed, even one that names no speaker ("(speaker ?)") */
  labelled: boolean;
}

/** Splits a leading speaker label off one line of text. */
export function splitSpeakerPrefix(text: string): SplitLabel {
  const lead = /^[\s\u3000]*(?:[-–—]\s*)?/.exec(text)?.[0] ?? '';
  const body = text.slice(lead.length);
  for (const p of PATTERNS) {
    const m = p.re.exec(body);
    if (!m) continue;
    const rest = body.slice(m[0].length); // may be empty: the label's text is on the next line
    const raw = p.label(m);
    const speaker = raw === undefined ? undefined : normaliseLabel(raw);
    return speaker ? { speaker, text: rest, labelled: true } : { text: rest, labelled: true };
  }
  return { text, labelled: false };
}

function normaliseLabel(raw: string): string | undefined {
  const s = raw
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/\s+/g, ' ')
    .trim();
  return s || undefined;
}

/** One speaker's share of a cue: its text, and its label when one was given. */
export interface Run {
  speaker?: string;
  text: string;
}

/**
 * Splits the lines of one cue at speaker labels: a labelled line starts a run, an unlabelled line
 * continues the run before it. A cue without labels is one run with no speaker.
 */
export function runsFromLines(lines: string[], join: (parts: string[]) => string): Run[] {
  const runs: { speaker?: string; parts: string[] }[] = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    const s = splitSpeakerPrefix(line);
    const last = runs[runs.length - 1];
    // "- 您好" / "- 好的": subtitle dialogue dashes mark a change of speaker without naming one
    const dash = /^\s*[-–—]\s+(\S.*)$/.exec(line);
    if (!s.labelled && dash) runs.push({ parts: [dash[1]] });
    else if (!s.labelled && last) last.parts.push(line);
    else if (last && s.speaker === last.speaker && s.speaker !== undefined) last.parts.push(s.text);
    else runs.push({ ...(s.speaker ? { speaker: s.speaker } : {}), parts: [s.text] });
  }
  return runs.map((r) => ({ ...(r.speaker ? { speaker: r.speaker } : {}), text: join(r.parts) })).filter((r) => r.text);
}

/** Characters that carry speech: punctuation and spaces take no time. */
function spokenLength(text: string): number {
  const n = text.replace(/[\s\p{P}\p{S}]/gu, '').length;
  return Math.max(1, n);
}

/**
 * The cue's span shared between its runs in proportion to their spoken text length, in order, so
 * two voices in one cue never both get the whole span.
 */
export function shareSpan(start: number, end: number, runs: Run[]): { start: number; end: number; run: Run }[] {
  if (runs.length <= 1) return runs.map((run) => ({ start, end, run }));
  const lengths = runs.map((r) => spokenLength(r.text));
  const total = lengths.reduce((a, b) => a + b, 0);
  const out: { start: number; end: number; run: Run }[] = [];
  let t = start;
  let acc = 0;
  runs.forEach((run, i) => {
    acc += lengths[i];
    const e = i === runs.length - 1 ? end : start + ((end - start) * acc) / total;
    out.push({ start: t, end: e, run });
    t = e;
  });
  return out;
}
