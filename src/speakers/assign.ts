// From a frame-level voice track (clusters or channels) to transcript segments: which voice said each
// segment and how clearly, and where a segment holds two voices, the split at the word where it changes.
import type { Segment, Transcript, Word } from '../model/index.js';
import { frameAt } from './features.js';

export interface VoiceTrack {
  hopS: number;
  /** per frame: voice index, -1 where nobody speaks */
  labels: Int8Array;
  /** per frame: evidence for the label (≥ 0; clustering: nats per frame, channels: dB) */
  strength: Float32Array;
  /** strength at which a frame is clear: confidence 1 − 1/e */
  strengthScale: number;
  /** voice names by index */
  voices: string[];
}

export interface SpanVoice {
  voice?: number;
  /** share of the span's speech frames that carry `voice` */
  purity: number;
  /** mean strength over those frames */
  strength: number;
  speechFrames: number;
}

export function voiceOfSpan(track: VoiceTrack, start: number, end: number): SpanVoice {
  const frames = { hopS: track.hopS, count: track.labels.length };
  const a = frameAt(frames, start);
  const b = Math.max(a + 1, frameAt(frames, end));
  const counts = new Map<number, { n: number; s: number }>();
  let speech = 0;
  for (let i = a; i < Math.min(b, track.labels.length); i++) {
    const v = track.labels[i];
    if (v < 0) continue;
    speech++;
    const c = counts.get(v) ?? { n: 0, s: 0 };
    c.n++;
    c.s += track.strength[i];
    counts.set(v, c);
  }
  let best: number | undefined;
  let bestN = 0;
  for (const [v, c] of counts)
    if (c.n > bestN) {
      best = v;
      bestN = c.n;
    }
  if (best === undefined) return { purity: 0, strength: 0, speechFrames: 0 };
  return { voice: best, purity: bestN / speech, strength: counts.get(best)!.s / bestN, speechFrames: speech };
}

/** 0..1: how surely the span's voice is known from the sound alone. */
export function acousticConfidence(track: VoiceTrack, sv: SpanVoice): number {
  if (sv.voice === undefined) return 0;
  const clarity = 1 - Math.exp(-sv.strength / track.strengthScale);
  // a handful of frames is a thin basis: full weight from about 0.2 s of speech
  const amount = Math.min(1, sv.speechFrames / 12);
  return sv.purity * clarity * amount;
}

/** Runs of words spoken by one voice; words without speech frames join the run before them. */
function wordRuns(track: VoiceTrack, words: Word[]): Run[] {
  const runs: Run[] = [];
  words.forEach((w, i) => {
    const sv = voiceOfSpan(track, w.start, w.end);
    const last = runs[runs.length - 1];
    const voice = sv.voice !== undefined && sv.purity >= 0.6 ? sv.voice : undefined;
    if (last && (voice === undefined || last.voice === voice || last.voice === undefined)) {
      last.to = i;
      last.frames += sv.speechFrames;
      last.voice ??= voice;
    } else {
      runs.push({ voice, from: i, to: i, frames: sv.speechFrames });
    }
  });
  return runs;
}

type Run = { voice?: number; from: number; to: number; frames: number };

/** Folds runs too short to trust (a word or two mis-heard) into a neighbour, then joins equal neighbours. */
function foldRuns(runs: Run[]): Run[] {
  const rs = runs.map((r) => ({ ...r }));
  const join = (i: number, j: number) => {
    const [a, b] = i < j ? [rs[i], rs[j]] : [rs[j], rs[i]];
    const keep = a.frames >= b.frames ? a.voice : b.voice;
    rs.splice(Math.min(i, j), 2, {
      voice: keep ?? a.voice ?? b.voice,
      from: a.from,
      to: b.to,
      frames: a.frames + b.frames,
    });
  };
  for (;;) {
    const eq = rs.findIndex(
      (r, i) => i > 0 && (r.voice === rs[i - 1].voice || r.voice === undefined || rs[i - 1].voice === undefined),
    );
    if (eq > 0) {
      join(eq - 1, eq);
      continue;
    }
    if (rs.length < 2) break;
    let weakest = -1;
    rs.forEach((r, i) => {
      if (r.frames < MIN_RUN_FRAMES && (weakest < 0 || r.frames < rs[weakest].frames)) weakest = i;
    });
    if (weakest < 0) break;
    join(weakest, weakest > 0 ? weakest - 1 : 1);
  }
  return rs;
}

/** Minimum speech in a run of words, in frames, before a segment is split for it (~0.25 s). */
const MIN_RUN_FRAMES = 15;

/**
 * Splits segments whose words show a change of voice. Segment ids are renumbered afterwards, so
 * anything keyed by segment id must come after this. Returns how many segments were split.
 */
export function splitOnVoiceChanges(transcript: Transcript, track: VoiceTrack): number {
  let split = 0;
  const out: Segment[] = [];
  for (const seg of transcript.segments) {
    const words = seg.words;
    if (!words || words.length < 2) {
      out.push(seg);
      continue;
    }
    const runs = foldRuns(wordRuns(track, words));
    if (runs.length < 2) {
      out.push(seg);
      continue;
    }
    split++;
    const cuts = locateWords(seg.text, words);
    runs.forEach((r, k) => {
      const ws = words.slice(r.from, r.to + 1);
      const text = cuts
        ? seg.text
            .slice(k === 0 ? 0 : cuts[r.from], k === runs.length - 1 ? seg.text.length : cuts[runs[k + 1].from])
            .trim()
        : ws
            .map((w) => w.text)
            .join('')
            .trim();
      out.push({
        ...seg,
        start: k === 0 ? seg.start : ws[0].start,
        end: k === runs.length - 1 ? seg.end : ws[ws.length - 1].end,
        text,
        words: ws,
      });
    });
  }
  out.forEach((s, i) => (s.id = i));
  transcript.segments = out;
  return split;
}

/** Character offset of each word in the segment text, or undefined when the words can't all be found in order. */
function locateWords(text: string, words: Word[]): number[] | undefined {
  const at: number[] = [];
  let cursor = 0;
  for (const w of words) {
    const t = w.text.trim();
    if (!t) {
      at.push(cursor);
      continue;
    }
    const i = text.indexOf(t, cursor);
    if (i < 0) return undefined;
    at.push(i);
    cursor = i + t.length;
  }
  return at;
}
