// Dialogue facts from segments with roles: customer share of speech, answer latency after each
// question, overlaps (抢话) and third-party voices.
import type { AnswerLatency, Interval, Segment, SpeakerFacts, SpeakerMethod } from '../model/index.js';
import { ANSWER_WINDOW_S, textCues } from './text.js';

/** Overlaps shorter than this are turn-taking jitter, not two people talking at once. */
const MIN_OVERLAP_S = 0.2;

export function mergeIntervals(list: Interval[], minS = 0, joinGapS = 0): Interval[] {
  const sorted = list.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end + joinGapS) last.end = Math.max(last.end, i.end);
    else out.push({ start: i.start, end: i.end });
  }
  return out.filter((i) => i.end - i.start >= minS).map((i) => ({ start: r3(i.start), end: r3(i.end) }));
}

function r3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export function answerLatencies(segments: Segment[]): AnswerLatency[] {
  const out: AnswerLatency[] = [];
  const segs = [...segments].sort((a, b) => a.start - b.start || a.id - b.id);
  segs.forEach((q, i) => {
    if (q.role !== 'agent' || !textCues(q.text).question) return;
    for (let j = i + 1; j < segs.length; j++) {
      const s = segs[j];
      if (s.start - q.end > ANSWER_WINDOW_S) break;
      if (s.role === 'customer') {
        out.push({ questionSegmentId: q.id, answerSegmentId: s.id, latencyS: r3(s.start - q.end) });
        break;
      }
      // the agent went on to another question: this one went unanswered
      if (s.role === 'agent' && textCues(s.text).question) break;
    }
  });
  return out;
}

/** Time where segments of two different known voices (or roles) overlap. */
export function segmentOverlaps(segments: Segment[]): Interval[] {
  const who = (s: Segment) => s.voice ?? (s.role && s.role !== 'unknown' ? s.role : undefined);
  const segs = segments.filter((s) => who(s) !== undefined).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (let i = 0; i < segs.length; i++) {
    for (let j = i + 1; j < segs.length && segs[j].start < segs[i].end; j++) {
      if (who(segs[j]) !== who(segs[i])) out.push({ start: segs[j].start, end: Math.min(segs[i].end, segs[j].end) });
    }
  }
  return out;
}

export function buildFacts(args: {
  method: SpeakerMethod;
  segments: Segment[];
  speakerCount: number | null;
  overlaps?: Interval[];
  thirdParty?: Interval[];
  notes: string[];
}): SpeakerFacts {
  const { segments } = args;
  const byRole = { agent: 0, customer: 0, unknown: 0 };
  let agentS = 0;
  let customerS = 0;
  for (const s of segments) {
    const r = s.role === 'agent' || s.role === 'customer' ? s.role : 'unknown';
    byRole[r]++;
    if (r === 'agent') agentS += s.end - s.start;
    if (r === 'customer') customerS += s.end - s.start;
  }
  // no sure customer line and some unsure ones: the share can't be told (0 would claim silence)
  const share = customerS > 0 || (byRole.unknown === 0 && agentS > 0) ? r3(customerS / (agentS + customerS)) : null;
  return {
    method: args.method,
    speakerCount: args.speakerCount,
    customerShareOfSpeech: share,
    answerLatencies: answerLatencies(segments),
    overlaps: mergeIntervals([...segmentOverlaps(segments), ...(args.overlaps ?? [])], MIN_OVERLAP_S),
    thirdPartyVoices: mergeIntervals(args.thirdParty ?? [], 0, 0.5),
    segmentsByRole: byRole,
    notes: args.notes,
  };
}
