// Hallucination guard. Whisper invents text where there is none to hear (silence, music, the end
// of a clip), most often subtitle credits learned from its training data, and it can fall into
// loops. A compliance check must not find a disclosure in invented text, so such segments are
// dropped (or, for loops, collapsed and marked), and every action is written to the diagnostics.
import type { Interval, TranscriptDiagnostic } from '../model/index.js';

export interface DraftSegment {
  start: number;
  end: number;
  text: string;
  lowConfidence?: boolean;
}

/**
 * Whisper's known Chinese (and a few English) inventions: subtitle credits, channel slogans and
 * sign-offs. `contains` entries are distinctive enough to drop any segment that contains them;
 * `exact` ones are ordinary words that only count when they are the whole segment.
 */
export const BLOCKLIST: { contains: string[]; exact: string[] } = {
  contains: [
    '字幕由Amara.org社群提供',
    '字幕由Amara.org社区提供',
    'Amara.org',
    '请不吝点赞订阅转发打赏',
    '请不吝点赞',
    '点赞订阅转发打赏',
    '明镜与点点栏目',
    '明镜需要您的支持',
    '欢迎订阅明镜',
    '订阅我的频道',
    '订阅频道',
    '优优独播剧场',
    'YoYoTelevisionSeriesExclusive',
    '中文字幕志愿者',
    '字幕志愿者',
    '字幕提供者',
    '本字幕由',
    '字幕制作',
    '字幕组',
    '由Amara',
    '感谢观看',
    '谢谢观看',
    '下集再见',
    '下期再见',
    'ThankYouForWatching',
    'ThanksForWatching',
    'PleaseSubscribe',
  ],
  // never short answers such as "嗯" or "谢谢": a customer's confirmation can be exactly that
  exact: ['字幕', '谢谢收看', '中文字幕', 'you', 'bye'],
};

/** Letters, digits and CJK only, lower-cased: "请不吝 点赞、订阅" → "请不吝点赞订阅". */
export function compact(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}.]/gu, '')
    .toLowerCase();
}

const CONTAINS = BLOCKLIST.contains.map(compact);
const EXACT = new Set(BLOCKLIST.exact.map(compact));

export function blocklisted(text: string): string | undefined {
  const c = compact(text);
  if (c === '') return undefined;
  if (EXACT.has(c)) return text.trim();
  const i = CONTAINS.findIndex((b) => c.includes(b));
  return i >= 0 ? BLOCKLIST.contains[i] : undefined;
}

/**
 * Finds a unit repeated back to back enough to be a decoding loop: a unit of 2+ characters four
 * or more times (covering 8+ characters), or one character eight or more times. Ordinary speech
 * ("好好好", "对对对对") stays below that.
 */
export function findLoop(text: string): { unit: string; count: number; index: number } | undefined {
  const chars = Array.from(text);
  let best: { unit: string; count: number; index: number; covered: number } | undefined;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i + len * 2 <= chars.length; i++) {
      const unit = chars.slice(i, i + len).join('');
      if (unit.trim() === '') continue;
      let count = 1;
      while (chars.slice(i + count * len, i + (count + 1) * len).join('') === unit) count++;
      const loop = len === 1 ? count >= 8 : count >= 4 && len * count >= 8;
      if (loop && (!best || len * count > best.covered)) best = { unit, count, index: i, covered: len * count };
    }
  }
  return best && { unit: best.unit, count: best.count, index: best.index };
}

function overlap(a: Interval, b: Interval): number {
  return Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
}

export interface GuardOptions {
  /** silence on the recording's timeline */
  silence: Interval[];
  /** a segment this much (or more) inside silence is dropped */
  silenceFraction?: number;
}

export function guardSegments<T extends DraftSegment>(
  segments: T[],
  opts: GuardOptions,
): { kept: T[]; diagnostics: TranscriptDiagnostic[] } {
  const diagnostics: TranscriptDiagnostic[] = [];
  const frac = opts.silenceFraction ?? 0.8;
  const kept: T[] = [];
  for (const seg of segments) {
    const dur = seg.end - seg.start;
    const inSilence = opts.silence.reduce((a, s) => a + overlap(seg, s), 0);
    if (dur <= 0 ? opts.silence.some((s) => seg.start >= s.start && seg.start <= s.end) : inSilence >= frac * dur) {
      diagnostics.push({
        kind: 'dropped-silence',
        start: seg.start,
        end: seg.end,
        text: seg.text,
        message: `dropped: ${Math.round(dur > 0 ? (inSilence / dur) * 100 : 100)}% of the segment lies in silence`,
      });
      continue;
    }
    const hit = blocklisted(seg.text);
    if (hit !== undefined) {
      diagnostics.push({
        kind: 'dropped-blocklist',
        start: seg.start,
        end: seg.end,
        text: seg.text,
        message: `dropped: matches a known Whisper invention ("${hit}")`,
      });
      continue;
    }
    const loop = findLoop(seg.text);
    if (loop) {
      const chars = Array.from(seg.text);
      const unitLen = Array.from(loop.unit).length;
      const collapsed = [
        ...chars.slice(0, loop.index + unitLen),
        ...chars.slice(loop.index + unitLen * loop.count),
      ].join('');
      diagnostics.push({
        kind: 'repetition-loop',
        start: seg.start,
        end: seg.end,
        text: seg.text,
        message: `repetition loop: "${loop.unit}" ×${loop.count} collapsed to one; segment marked low-confidence`,
      });
      kept.push({ ...seg, text: collapsed, lowConfidence: true });
      continue;
    }
    kept.push(seg);
  }

  // The same text three or more segments in a row is a loop across segments: keep the first.
  const out: T[] = [];
  let run = 0;
  for (const seg of kept) {
    const prev = out[out.length - 1];
    const same =
      prev !== undefined && compact(prev.text) === compact(seg.text) && Array.from(compact(seg.text)).length >= 4;
    run = same ? run + 1 : 0;
    if (same && run >= 2) {
      diagnostics.push({
        kind: 'repetition-loop',
        start: seg.start,
        end: seg.end,
        text: seg.text,
        message: 'dropped: the same text for the third time in a row (a decoding loop)',
      });
      prev.lowConfidence = true;
      continue;
    }
    out.push(seg);
  }
  return { kept: out, diagnostics };
}
