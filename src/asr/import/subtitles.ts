// SRT and WebVTT cues → draft segments. Both parsers go line by line so an error can name the line.
import { importError, type DraftSegment } from './common.js';
import { runsFromLines, shareSpan, type Run } from './prefix.js';

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

export function parseSrt(file: string, text: string): { drafts: DraftSegment[]; multiVoiceCues: number } {
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
  let multiVoiceCues = 0;
  const drafts = cues.flatMap((c) => {
    const d = srtCueDrafts(c);
    if (new Set(d.map((x) => x.speaker)).size > 1) multiVoiceCues++;
    return d;
  });
  return { drafts, multiVoiceCues };
}

export { splitSpeakerPrefix } from './prefix.js';

/** A cue's lines → one draft per speaker run, the cue's span shared by their text length. */
function cueDrafts(start: number, end: number, runs: Run[], where: string): DraftSegment[] {
  return shareSpan(start, end, runs).map(({ start: s, end: e, run }) => {
    const d: DraftSegment = { start: s, end: e, text: run.text, where };
    if (run.speaker) d.speaker = run.speaker;
    return d;
  });
}

function srtCueDrafts(c: RawCue): DraftSegment[] {
  const runs = runsFromLines(
    c.lines.map((l) => stripSrtMarkup(l)),
    joinLines,
  );
  return cueDrafts(c.start, c.end, runs, `line ${c.line}`);
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

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  nbsp: ' ',
  lrm: '',
  rlm: '',
  quot: '"',
  apos: "'",
};

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
      throw importError(
        file,
        `line ${lineNo}: expected a cue timing line like 00:00:01.000 --> 00:00:02.500 after cue identifier`,
      );
    }
    identifier = lineNo;
  }
  if (identifier !== undefined) {
    throw importError(file, `line ${identifier}: cue identifier with no timing line after it`);
  }
  const drafts: DraftSegment[] = [];
  let multiVoiceCues = 0;
  for (const c of cues) {
    const runs = vttRuns(c.lines.join('\n'));
    if (new Set(runs.map((r) => r.speaker)).size > 1) multiVoiceCues++;
    // Each voice gets its share of the cue by text length: the file says nothing finer about
    // when each spoke, and giving both the whole span would make them talk at once.
    drafts.push(...cueDrafts(c.start, c.end, runs, `line ${c.line}`));
  }
  return { drafts, multiVoiceCues };
}

/**
 * The voices of a cue in order: <v Name> spans, and within text outside any voice tag, lines that
 * start with a speaker label ("客服：…"). Consecutive runs by the same voice are merged.
 */
function vttRuns(payload: string): Run[] {
  const out: Run[] = [];
  for (const r of vttVoiceRuns(payload)) {
    const parts = r.speaker ? [{ speaker: r.speaker, text: joinLines(r.lines) }] : runsFromLines(r.lines, joinLines);
    for (const p of parts) {
      if (!p.text) continue;
      const last = out[out.length - 1];
      if (last && last.speaker === p.speaker) last.text = joinLines([last.text, p.text]);
      else out.push(p);
    }
  }
  return out;
}

/** Splits a cue payload at <v Name> tags; each run's lines have markup removed and entities decoded. */
function vttVoiceRuns(payload: string): { speaker?: string; lines: string[] }[] {
  const runs: { speaker?: string; lines: string[] }[] = [];
  const re = /<v(?:\.[^\s>]*)?(?:[ \t]+([^>]*))?>/g;
  let last = 0;
  let speaker: string | undefined;
  let m: RegExpExecArray | null;
  const push = (raw: string) => {
    const lines = raw
      .split('\n')
      .map((l) => decodeEntities(l.replace(/<rt>[\s\S]*?<\/rt>/g, '').replace(/<[^>]*>/g, '')))
      .filter((l) => l.trim());
    if (lines.length > 0) runs.push(speaker ? { speaker, lines } : { lines });
  };
  while ((m = re.exec(payload))) {
    push(payload.slice(last, m.index));
    speaker = m[1]?.trim() || undefined;
    last = m.index + m[0].length;
  }
  push(payload.slice(last));
  return runs;
}
