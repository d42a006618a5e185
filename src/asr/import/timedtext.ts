// Plain-text transcripts with times, as tools print or export them:
//   whisper.cpp / openai-whisper console   [00:00:01.000 --> 00:00:04.200]  客服：您好
//   Tencent Cloud text result              [0:1.020,0:4.200,0]  您好
//   meeting-style exports (通义听悟, 飞书妙记, 讯飞听见)   说话人1 00:00:01   (text on the next lines)
//   start time then text                   00:01 客服：您好
//   SBV (YouTube)                          0:00:01.000,0:00:04.200 (text on the next lines)
//   LRC (whisper.cpp -olrc)                [00:01.50](speaker 0) 您好
// Lines without their own end time end where the next line starts.
import { importError, type DraftSegment } from './common.js';
import { runsFromLines, shareSpan, splitSpeakerPrefix } from './prefix.js';

const T = '(?:\\d{1,2}:)?\\d{1,2}:\\d{2}(?:[.,]\\d{1,3})?';
const RANGE = new RegExp(`^\\[?\\s*(${T})\\s*(?:-->|--|-|~|–|—|,)\\s*(${T})\\s*\\]?\\s*(.*)$`);
const TENCENT = /^\[(\d+):(\d+(?:\.\d+)?),(\d+):(\d+(?:\.\d+)?)(?:,(\d+))?\]\s*(.*)$/;
const HEADER = new RegExp(`^(\\S.{0,23}?)[\\s\\u3000]+\\(?(${T})\\)?$`);
const HEADER_TIME_FIRST = new RegExp(`^\\[?(${T})\\]?[\\s\\u3000]+(\\S.{0,23}?)[:：]?$`);
const START_TEXT = new RegExp(`^(?:\\[(${T})\\][\\s\\u3000]*|(${T})[\\s\\u3000]+)(\\S.*)$`);
/** LRC tags ([by:whisper.cpp], [ti:…]) carry no speech */
const LRC_TAG = /^\[[a-z]{2,6}:[^\]]*\]$/i;

/** "说话人1", "客服", "Speaker 2": a label the prefix reader knows (not just any short text). */
function isSpeakerLabel(s: string): boolean {
  const label = s.trim();
  return splitSpeakerPrefix(`${label}：x`).speaker === label.replace(/\s+/g, ' ');
}

function seconds(t: string): number {
  const parts = t.replace(',', '.').split(':').map(Number);
  return parts.reduce((acc, p) => acc * 60 + p, 0);
}

/** Whether the text looks like a timed transcript (most non-empty lines carry a time). */
export function looksTimedText(text: string): boolean {
  const lines = text
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l && !LRC_TAG.test(l))
    .slice(0, 40);
  if (lines.length === 0) return false;
  const timed = lines.filter((l) => RANGE.test(l) || TENCENT.test(l) || HEADER.test(l) || START_TEXT.test(l)).length;
  // a first line with a time range is strong evidence (text may follow on its own lines, as in SBV)
  return RANGE.test(lines[0]) || TENCENT.test(lines[0])
    ? timed >= Math.min(2, lines.length) && timed >= lines.length * 0.2
    : timed >= 2 && timed >= lines.length * 0.3;
}

interface Entry {
  start: number;
  end?: number;
  speaker?: string;
  lines: string[];
  line: number;
}

export function parseTimedText(file: string, text: string): DraftSegment[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const entries: Entry[] = [];
  let cur: Entry | undefined;
  lines.forEach((raw, i) => {
    const l = raw.trim();
    if (!l || LRC_TAG.test(l)) return;
    let m: RegExpExecArray | null;
    if ((m = TENCENT.exec(l))) {
      cur = {
        start: Number(m[1]) * 60 + Number(m[2]),
        end: Number(m[3]) * 60 + Number(m[4]),
        lines: [m[6]],
        line: i + 1,
      };
      if (m[5] !== undefined) cur.speaker = `speaker ${m[5]}`;
    } else if ((m = RANGE.exec(l))) {
      cur = { start: seconds(m[1]), end: seconds(m[2]), lines: m[3] ? [m[3]] : [], line: i + 1 };
    } else if ((m = HEADER.exec(l)) && !/[:：。？！，,.?!]/.test(m[1])) {
      cur = { start: seconds(m[2]), speaker: m[1].trim(), lines: [], line: i + 1 };
    } else if ((m = HEADER_TIME_FIRST.exec(l)) && isSpeakerLabel(m[2])) {
      cur = { start: seconds(m[1]), speaker: m[2].trim(), lines: [], line: i + 1 };
    } else if ((m = START_TEXT.exec(l))) {
      cur = { start: seconds(m[1] ?? m[2]), lines: [m[3]], line: i + 1 };
    } else if (cur) {
      cur.lines.push(l);
      return;
    } else {
      throw importError(
        file,
        `line ${i + 1}: expected a time ("[00:00:01.000 --> 00:00:03.000] text", "说话人1 00:01", "00:01 text") before "${l.slice(0, 30)}"`,
      );
    }
    entries.push(cur);
  });
  if (entries.length === 0) throw importError(file, 'no timed lines found');
  const drafts: DraftSegment[] = [];
  entries.forEach((e, k) => {
    const next = entries[k + 1];
    const runs = runsFromLines(e.lines, (parts) => parts.map((p) => p.trim()).join(''));
    // no end time: the line lasts until the next one starts (the last one: about 4 characters a second)
    const chars = runs.reduce((a, r) => a + r.text.length, 0);
    let end = e.end ?? (next && next.start >= e.start ? next.start : e.start + Math.max(1, chars / 4));
    if (end < e.start) end = e.start;
    for (const { start, end: stop, run } of shareSpan(e.start, end, runs)) {
      const d: DraftSegment = { start, end: stop, text: run.text, where: `line ${e.line}` };
      const speaker = run.speaker ?? e.speaker;
      if (speaker) d.speaker = speaker;
      drafts.push(d);
    }
  });
  return drafts;
}
