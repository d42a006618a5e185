// SRT and WebVTT cues → draft segments. Both parsers go line by line so an error can name the line.
import { importError, type DraftSegment } from './common.js';

interface RawCue {
  start: number;
  end: number;
  /** 1-based line of the timing line */
  line: number;
  lines: string[];
}

const SRT_TIME = /^(\d{1,3}):(\d{1,2}):(\d{1,2})[,.](\d{1,3})$/;
const VTT_TIME = /^(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})[.,](\d{1,3})$/;

function toSeconds(m: RegExpExecArray, hasHours: boolean): number | undefined {
  const h = hasHours && m[1] !== undefined ? Number(m[1]) : 0;
  const min = Number(hasHours ? m[2] : m[1]);
  const sec = Number(hasHours ? m[3] : m[2]);
  const frac = hasHours ? m[4] : m[3];
  if (min > 59 || sec > 59) return undefined;
  // "1,5" means 1.5 s, so the fraction is read as decimal digits, not as a millisecond count.
  return h * 3600 + min * 60 + sec + Number(`0.${frac}`);
}

/** Parses "a --> b [settings]"; throws a line-numbered error when it looks like a timing line but is not. */
function parseTiming(file: string, line: string, lineNo: number, kind: 'srt' | 'vtt'): { start: number; end: number } {
  const [left, rightAll] = line.split('-->');
  const right = (rightAll ?? '').trim().split(/\s+/)[0] ?? '';
  const re = kind === 'srt' ? SRT_TIME : VTT_TIME;
  const a = re.exec(left.trim());
  const b = re.exec(right);
  const start = a ? toSeconds(a, true) : undefined;
  const end = b ? toSeconds(b, true) : undefined;
  const example = kind === 'srt' ? '00:01:02,500 --> 00:01:04,000' : '00:01:02.500 --> 00:01:04.000';
  if (start === undefined || end === undefined) {
    throw importError(file, `line ${lineNo}: bad cue timestamp ${lineShape(line)} (expected like ${example})`);
  }
  if (end < start) {
    throw importError(file, `line ${lineNo}: cue ends (${right}) before it starts (${left.trim()})`);
  }
  return { start, end };
}

/**
 * How a bad line is named in an error: quoted only when it holds nothing but timestamp characters.
 * Anything else may be what the customer said (a phone or ID number), and errors go to logs and
 * reports, so it is described by its length, never echoed.
 */
function lineShape(line: string): string {
  const t = line.trim();
  return /^[\dOo:,.\s>-]{1,40}$/.test(t) ? `"${t}"` : `a line of text (${[...t].length} characters)`;
}

function splitLines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
}

export function parseSrt(file: string, text: string): DraftSegment[] {
  const lines = splitLines(text);
  const cues: RawCue[] = [];
  let cur: RawCue | undefined;
  let awaitingTiming: number | undefined; // line of a cue number whose timing line is still due
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i];
    if (line.trim() === '') {
      if (awaitingTiming !== undefined) {
        throw importError(file, `line ${awaitingTiming}: cue number with no timing line after it`);
      }
      cur = undefined;
      continue;
    }
    if (cur) {
      // A timing line straight after text means the blank line between cues is missing;
      // the cue number just before it then belongs to the new cue, not to the text.
      if (line.includes('-->') && /^\s*\d/.test(line)) {
        const prev = cur.lines[cur.lines.length - 1];
        if (prev !== undefined && /^\d+$/.test(prev.trim())) cur.lines.pop();
        cur = { ...parseTiming(file, line, lineNo, 'srt'), line: lineNo, lines: [] };
        cues.push(cur);
      } else {
        cur.lines.push(line);
      }
      continue;
    }
    if (awaitingTiming === undefined && /^\d+$/.test(line.trim())) {
      awaitingTiming = lineNo;
      continue;
    }
    if (line.includes('-->')) {
      awaitingTiming = undefined;
      cur = { ...parseTiming(file, line, lineNo, 'srt'), line: lineNo, lines: [] };
      cues.push(cur);
      continue;
    }
    throw importError(
      file,
      awaitingTiming !== undefined
        ? `line ${lineNo}: expected a timing line like 00:00:01,000 --> 00:00:02,500 after cue number`
        : `line ${lineNo}: expected a cue number or timing line, got ${lineShape(line)}`,
    );
  }
  if (awaitingTiming !== undefined) {
    throw importError(file, `line ${awaitingTiming}: cue number with no timing line after it`);
  }
  return cues.map((c) => srtCueToDraft(c));
}

// Role words Chinese QA tools put before a line ("客户：是的"); other labels must be bracketed or ASCII.
const CN_SPEAKER = /^(代理人|业务员|营销员|销售人员|销售|坐席|客户|投保人|被保险人)\s*[:：]\s*/;
const BRACKET_SPEAKER = /^\[([^\]\n]{1,40})\]\s*[:：]?\s*/;
const ASCII_SPEAKER = /^([A-Za-z][A-Za-z0-9_-]{0,23}(?: \d{1,2})?)\s*:\s+/;

/** Splits a leading speaker label ("[SPEAKER_00]: ", "agent: ", "客户：") off a subtitle text. */
export function splitSpeakerPrefix(text: string): { speaker?: string; text: string } {
  for (const re of [BRACKET_SPEAKER, CN_SPEAKER, ASCII_SPEAKER]) {
    const m = re.exec(text);
    if (m) return { speaker: m[1].trim(), text: text.slice(m[0].length) };
  }
  return { text };
}

function srtCueToDraft(c: RawCue): DraftSegment {
  const cleaned = joinLines(c.lines.map((l) => stripSrtMarkup(l)));
  const { speaker, text } = splitSpeakerPrefix(cleaned);
  const d: DraftSegment = { start: c.start, end: c.end, text, where: `line ${c.line}` };
  if (speaker) d.speaker = speaker;
  return d;
}

function stripSrtMarkup(s: string): string {
  return s.replace(/<\/?[a-zA-Z][^>]*>/g, '').replace(/\{\\[^}]*\}/g, '');
}

/** Joins cue lines: with a space between Latin words, with nothing between CJK characters. */
function joinLines(lines: string[]): string {
  let out = '';
  for (const raw of lines) {
    const l = raw.trim();
    if (!l) continue;
    if (out && /[A-Za-z0-9.,!?;:]$/.test(out) && /^[A-Za-z0-9]/.test(l)) out += ' ';
    out += l;
  }
  return out;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', nbsp: ' ', lrm: '', rlm: '', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (all, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? all;
  });
}

export function parseVtt(file: string, text: string): { drafts: DraftSegment[]; multiVoiceCues: number } {
  const lines = splitLines(text);
  if (!/^WEBVTT(?:[ \t].*)?$/.test(lines[0] ?? '')) {
    throw importError(file, 'line 1: a WebVTT file must start with "WEBVTT"');
  }
  const cues: RawCue[] = [];
  let i = 1;
  while (i < lines.length && lines[i].trim() !== '') i++; // header lines
  let cur: RawCue | undefined;
  let skipping = false; // inside a NOTE / STYLE / REGION block
  let identifier: number | undefined;
  for (; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i];
    if (line.trim() === '') {
      cur = undefined;
      skipping = false;
      identifier = undefined;
      continue;
    }
    if (skipping) continue;
    if (cur) {
      if (line.includes('-->')) {
        // Cue text may not contain "-->": this is a new cue whose blank separator is missing.
        cur = { ...parseTiming(file, line, lineNo, 'vtt'), line: lineNo, lines: [] };
        cues.push(cur);
      } else {
        cur.lines.push(line);
      }
      continue;
    }
    if (identifier === undefined && /^(NOTE|STYLE|REGION)(?:[ \t]|$)/.test(line)) {
      skipping = true;
      continue;
    }
    if (line.includes('-->')) {
      cur = { ...parseTiming(file, line, lineNo, 'vtt'), line: lineNo, lines: [] };
      cues.push(cur);
      identifier = undefined;
      continue;
    }
    if (identifier !== undefined) {
      throw importError(file, `line ${lineNo}: expected a cue timing line like 00:00:01.000 --> 00:00:02.500 after cue identifier`);
    }
    identifier = lineNo;
  }
  if (identifier !== undefined) {
    throw importError(file, `line ${identifier}: cue identifier with no timing line after it`);
  }
  const drafts: DraftSegment[] = [];
  let multiVoiceCues = 0;
  for (const c of cues) {
    const runs = vttVoiceRuns(c.lines.join('\n'));
    if (new Set(runs.map((r) => r.speaker)).size > 1) multiVoiceCues++;
    // Consecutive runs by the same voice form one segment; different voices share the cue's span,
    // since the file says nothing finer about when each spoke.
    const merged: { speaker?: string; parts: string[] }[] = [];
    for (const r of runs) {
      const last = merged[merged.length - 1];
      if (last && last.speaker === r.speaker) last.parts.push(r.text);
      else merged.push({ speaker: r.speaker, parts: [r.text] });
    }
    for (const m of merged) {
      const d: DraftSegment = { start: c.start, end: c.end, text: joinLines(m.parts), where: `line ${c.line}` };
      if (m.speaker) d.speaker = m.speaker;
      drafts.push(d);
    }
  }
  return { drafts, multiVoiceCues };
}

/** Splits a cue payload at <v Name> tags; each run's text has markup removed and entities decoded. */
function vttVoiceRuns(payload: string): { speaker?: string; text: string }[] {
  const runs: { speaker?: string; text: string }[] = [];
  const re = /<v(?:\.[^\s>]*)?(?:[ \t]+([^>]*))?>/g;
  let last = 0;
  let speaker: string | undefined;
  let m: RegExpExecArray | null;
  const push = (raw: string) => {
    const lines = raw
      .split('\n')
      .map((l) => decodeEntities(l.replace(/<rt>[\s\S]*?<\/rt>/g, '').replace(/<[^>]*>/g, '')));
    const text = joinLines(lines);
    if (text) runs.push(speaker ? { speaker, text } : { text });
  };
  while ((m = re.exec(payload))) {
    push(payload.slice(last, m.index));
    speaker = m[1]?.trim() || undefined;
    last = m.index + m[0].length;
  }
  push(payload.slice(last));
  return runs;
}
