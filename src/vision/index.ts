// The vision stage: samples frames from the recording (ffmpeg → raw RGB, see media/frames.ts), runs face,
// hand and OCR detectors where they are worth running, and returns the visual timeline with evidence
// frames written under <outDir>/frames/.
import { join } from 'node:path';
import type { Logger } from 'pino';
import type {
  MediaProbe,
  MediaSignals,
  Transcript,
  VisualAnalysis,
  VisualEvent,
  VisualTimeline,
} from '../model/index.js';
import { streamFrames, writeFrameJpeg, type RawFrame } from '../media/index.js';
import {
  coveredEvents,
  documentEvents,
  EVENT_DEFAULTS,
  faceEvents,
  isCovered,
  type EventOptions,
  type FaceSample,
  type OcrSample,
} from './events.js';
import { ocrEngine, type OcrEngine } from './ocr.js';
import {
  boxToRect,
  drawRect,
  edgeDensity,
  fillRect,
  grow,
  lumaStats,
  meanAbsDiff,
  toGray,
  type Gray,
  type Rect,
} from './pixels.js';
import { detect, visionRuntime } from './runtime.js';
import {
  inWindows,
  mergeWindows,
  planSampling,
  SAMPLING_DEFAULTS,
  subtractWindows,
  windowTimes,
  type SamplingOptions,
  type TimeWindow,
} from './sampling.js';
import {
  penGrip,
  signatureEvents,
  withSignText,
  type DenseFrame,
  type SignatureEvidence,
  type SignatureOptions,
} from './signature.js';

export { visualFindings } from './findings.js';
export { classifyDocumentText, findIdCard, maskIdNumber, validIdNumber, idCheckCharacter } from './documents.js';
export { findCues, planSampling } from './sampling.js';

/** Bump when the timeline for the same recording and transcript would change (stage cache key). */
export const VISION_STAGE_VERSION = 1;

export interface VisionOptions {
  sampling: SamplingOptions;
  events: EventOptions;
  signature: Partial<SignatureOptions>;
  /** analysis width for faces/hands (height keeps the aspect); default 320 */
  analysisWidth: number;
  /** width for OCR frames; default 640 (text needs pixels) */
  ocrWidth: number;
  /** evidence thumbnail width; default 480 */
  thumbWidth: number;
  /** faces below this detector score, or smaller than this fraction of the frame height, are ignored */
  minFaceScore: number;
  minFaceHeight: number;
  /** frames this text-like (edge density) outside cue windows are OCR'd too; default 0.022 (people ~0.015, print 0.025+) */
  ocrEdgeDensity: number;
  /** minimum spacing of those extra OCR frames (s); default 3 */
  ocrSpacingS: number;
  /** without a signing cue: lower halves this text-like count as paper to look for hands over; default 0.03 */
  paperEdgeDensity: number;
  /** …for at most this many seconds in all; default 90 */
  maxPaperS: number;
}

export const VISION_DEFAULTS: VisionOptions = {
  sampling: SAMPLING_DEFAULTS,
  events: EVENT_DEFAULTS,
  signature: {},
  analysisWidth: 320,
  ocrWidth: 640,
  thumbWidth: 480,
  minFaceScore: 0.6,
  minFaceHeight: 0.08,
  ocrEdgeDensity: 0.022,
  ocrSpacingS: 3,
  paperEdgeDensity: 0.03,
  maxPaperS: 90,
};

export interface VisionInput {
  recording: string;
  probe: MediaProbe;
  signals?: MediaSignals;
  transcript?: Transcript;
  /** where evidence frames go: <outDir>/frames/*.jpg; timeline paths are relative to outDir. None: no frames. */
  outDir?: string;
  logger: Logger;
  options?: Partial<VisionOptions>;
  onProgress?: (done: number, total: number) => void;
}

const even = (x: number) => Math.max(2, Math.round(x / 2) * 2);

function sizeFor(probe: MediaProbe, width: number): { width: number; height: number } {
  const v = probe.video[0]!;
  const w = Math.min(width, even(v.width));
  return { width: w, height: even((w * v.height) / v.width) };
}

/** The first frame at or after t (a short input-seeked run). */
async function grabFrame(
  file: string,
  t: number,
  size: { width: number; height: number },
): Promise<RawFrame | undefined> {
  for await (const f of streamFrames(file, { fps: 0, start: t, duration: 1, ...size })) return { ...f, time: t };
  return undefined;
}

interface Evidence {
  event: VisualEvent;
  time: number;
  /** boxes in the pixel space of `space` */
  boxes: Rect[];
  space: { width: number; height: number };
  tag: string;
  /** boxes to black out (same space), drawn before anything else */
  redact?: Rect[];
}

/**
 * Analyzes the picture of one recording. Throws a UserError when the video can't be decoded or the
 * detector runtime can't load; OCR that can't load is recorded in `analysis.ocr` instead.
 */
export async function analyzeVision(input: VisionInput): Promise<VisualTimeline> {
  const t0 = performance.now();
  const o: VisionOptions = { ...VISION_DEFAULTS, ...input.options };
  const log = input.logger.child({ stage: 'vision' });
  const { probe, recording } = input;
  const duration = probe.duration;
  if (probe.video.length === 0 || !(duration > 0)) {
    return {
      faces: [],
      events: [],
      analysis: emptyAnalysis('none', { available: false, reason: 'no video stream' }, 0),
    };
  }
  const rt = await visionRuntime(log);
  const { engine: ocr, reason: ocrReason } = await ocrEngine(log);
  const A = sizeFor(probe, o.analysisWidth);
  const O = sizeFor(probe, o.ocrWidth);
  const plan = planSampling(duration, input.transcript, input.signals, o.sampling);
  let sigWindows = plan.signatureWindows;
  let denseWindows = [...plan.signatureWindows, ...plan.cutWindows].sort((a, b) => a.start - b.start);
  const ocrWindows = ocr ? plan.ocrWindows : [];
  const totalWork = () =>
    Math.ceil(duration * o.sampling.baselineFps) +
    denseWindows.reduce((n, w) => n + windowTimes(w, o.sampling.denseFps).length, 0);
  let done = 0;
  const tick = () => input.onProgress?.(++done, totalWork());

  const faceSamples: FaceSample[] = [];
  const baseline: (FaceSample & { edge: number; lowerEdge: number })[] = [];
  const faceFilter = (faces: { box: [number, number, number, number]; score: number }[], h: number) =>
    faces.filter((f) => f.score >= o.minFaceScore && f.box[3] >= o.minFaceHeight * h);

  // 1. baseline: faces at a low rate over the whole recording, plus cheap frame statistics
  for await (const f of streamFrames(recording, { fps: o.sampling.baselineFps, ...A })) {
    const gray = toGray(f.rgb, f.width, f.height);
    const st = lumaStats(gray);
    const covered = isCovered({ meanLuma: st.mean, stdLuma: st.std }, o.events);
    const faces = covered ? [] : faceFilter((await detect(rt, f, { faces: true, hands: false })).faces, f.height);
    const sample = {
      time: f.time,
      boxes: faces.map((x) => boxToRect(x.box)),
      scores: faces.map((x) => x.score),
      meanLuma: st.mean,
      stdLuma: st.std,
    };
    faceSamples.push(sample);
    baseline.push({
      ...sample,
      edge: covered ? 0 : edgeDensity(gray),
      lowerEdge: covered ? 0 : edgeDensity(gray, { x: 0, y: gray.height / 2, w: gray.width, h: gray.height / 2 }),
    });
    tick();
  }

  // no signing cue (or no transcript): look for hands where paper with print lies in the lower half
  if (sigWindows.length === 0) {
    sigWindows = paperWindows(baseline, duration, o);
    if (sigWindows.length) {
      log.info(
        { windows: sigWindows.length },
        'no signing cue in the transcript; looking for hands where paper is in view',
      );
      denseWindows = [...sigWindows, ...subtractWindows(plan.cutWindows, sigWindows)].sort((a, b) => a.start - b.start);
    }
  }

  // 2. dense windows: signing (hands + faces) and scene cuts (faces)
  const signatures: { ev: ReturnType<typeof signatureEvents>[number]; window: TimeWindow }[] = [];
  let denseFrames = 0;
  for (const w of denseWindows) {
    const withHands = w.reasons.includes('signature');
    const frames: DenseFrame[] = [];
    for await (const f of streamFrames(recording, {
      fps: o.sampling.denseFps,
      start: w.start,
      duration: w.end - w.start,
      ...A,
    })) {
      denseFrames++;
      const gray = toGray(f.rgb, f.width, f.height);
      const st = lumaStats(gray);
      const covered = isCovered({ meanLuma: st.mean, stdLuma: st.std }, o.events);
      const d = covered ? { faces: [], hands: [] } : await detect(rt, f, { faces: true, hands: withHands });
      const faces = faceFilter(d.faces, f.height);
      faceSamples.push({
        time: f.time,
        boxes: faces.map((x) => boxToRect(x.box)),
        scores: faces.map((x) => x.score),
        meanLuma: st.mean,
        stdLuma: st.std,
      });
      if (withHands) {
        frames.push({
          time: f.time,
          gray,
          hands: d.hands.map((h) => ({
            box: boxToRect(h.box),
            score: h.score,
            label: h.label,
            grip: penGrip(h.keypoints, boxToRect(h.box)),
          })),
        });
      }
      tick();
    }
    if (withHands && frames.length) {
      for (const ev of signatureEvents(frames, undefined, o.signature)) {
        // read the form where the hand was: is there a 签名/签字 field?
        let signText: boolean | undefined;
        if (ocr) {
          const frame = await grabFrame(recording, ev.frames.find((x) => x.role === 'after')!.time, O);
          if (frame) signText = /签名|签字|签章|签署/.test((await ocr.recognize(frame)).map((l) => l.text).join(' '));
        }
        signatures.push({ ev: withSignText(stripSignText(ev), signText), window: w });
      }
    }
  }

  // 3. OCR: document/ID cue windows, plus text-like baseline frames elsewhere
  const ocrSamples: OcrSample[] = [];
  let ocrFrames = 0;
  if (ocr) {
    const times = new Set<number>();
    let budget = o.sampling.maxOcrFrames;
    for (const w of ocrWindows) for (const t of windowTimes(w, o.sampling.ocrFps)) if (budget-- > 0) times.add(t);
    let lastExtra = -Infinity;
    for (const b of baseline) {
      if (budget <= 0) break;
      if (b.edge >= o.ocrEdgeDensity && !inWindows(b.time, ocrWindows) && b.time - lastExtra >= o.ocrSpacingS) {
        times.add(b.time);
        lastExtra = b.time;
        budget--;
      }
    }
    const ocrRun = await runOcr(
      recording,
      [...times].sort((a, b) => a - b),
      O,
      ocr,
    );
    ocrSamples.push(...ocrRun.samples);
    ocrFrames = ocrRun.recognized;
  }

  // 4. events
  const faces = faceEvents(faceSamples, duration, o.events);
  const covered = coveredEvents(baseline, input.signals?.black ?? [], duration, o.events);
  const docs = documentEvents(ocrSamples, duration, o.events);
  const evidence: Evidence[] = [];
  faces.events.forEach((e, i) =>
    evidence.push({
      event: e,
      time: faces.evidenceTimes[i]!,
      boxes: faceSamples.find((s) => s.time === faces.evidenceTimes[i])?.boxes ?? [],
      space: A,
      tag: e.kind,
    }),
  );
  covered.events.forEach((e, i) =>
    evidence.push({ event: e, time: covered.evidenceTimes[i]!, boxes: [], space: A, tag: e.kind }),
  );
  docs.events.forEach((e, i) =>
    evidence.push({
      event: e,
      time: docs.evidence[i]!.time,
      boxes: docs.evidence[i]!.boxes.map(quadToRect),
      space: O,
      tag: e.kind,
      redact: docs.evidence[i]!.redact.map((q) => grow(quadToRect(q), 0.08)),
    }),
  );
  const sigEvents: VisualEvent[] = signatures.map(({ ev }) => ({
    kind: 'signature',
    start: round3(ev.start),
    end: round3(ev.end),
    confidence: round3(ev.confidence),
    label: '签字',
    notes: [...ev.seen.map((s) => `见到：${s}`), ...ev.notSeen.map((s) => `未见：${s}`)],
  }));

  // 5. evidence frames
  if (input.outDir) {
    for (const e of evidence)
      e.event.frames = [await writeEvidence(recording, input.outDir, e, o.thumbWidth)].filter((x): x is string => !!x);
    for (let i = 0; i < signatures.length; i++) {
      const { ev } = signatures[i]!;
      const paths: string[] = [];
      for (const fr of ev.frames) {
        const p = await writeEvidence(
          recording,
          input.outDir,
          { event: sigEvents[i]!, time: fr.time, boxes: fr.boxes, space: A, tag: `signature-${fr.role}` },
          o.thumbWidth,
        );
        if (p) paths.push(p);
      }
      sigEvents[i]!.frames = paths;
    }
  }

  const events = [...faces.events, ...covered.events, ...docs.events, ...sigEvents].sort(
    (a, b) => a.start - b.start || a.kind.localeCompare(b.kind),
  );
  const facesOut = dedupeFaces(faceSamples);
  const seconds = (performance.now() - t0) / 1000;
  log.info(
    {
      frames: { baseline: baseline.length, dense: denseFrames, ocr: ocrFrames },
      events: events.length,
      seconds: Math.round(seconds * 10) / 10,
      backend: rt.backend,
    },
    'vision done',
  );
  return {
    faces: facesOut,
    events,
    analysis: {
      ...emptyAnalysis(
        `human / tfjs ${rt.backend}`,
        ocr ? { available: true } : { available: false, reason: ocrReason },
        seconds,
      ),
      frames: { baseline: baseline.length, dense: denseFrames, ocr: ocrFrames },
      cues: plan.cues.map((c) => ({ kind: c.kind, start: c.start, end: c.end })),
      signatureWindows: sigWindows.map((w) => ({ start: round3(w.start), end: round3(w.end) })),
      ocrWindows: ocrWindows.map((w) => ({ start: round3(w.start), end: round3(w.end) })),
    },
  };
}

/**
 * Stretches of ≥ 3 s whose lower half looks like printed paper (edge density), padded by 1 s, longest
 * first, at most `maxPaperS` seconds in all: where signing could happen when no transcript says so.
 */
function paperWindows(
  baseline: { time: number; lowerEdge: number }[],
  duration: number,
  o: VisionOptions,
): TimeWindow[] {
  const found: TimeWindow[] = [];
  let from = -1;
  baseline.forEach((b, i) => {
    const paper = b.lowerEdge >= o.paperEdgeDensity;
    if (paper && from < 0) from = i;
    if ((!paper || i === baseline.length - 1) && from >= 0) {
      const to = paper ? i : i - 1;
      const start = baseline[from]!.time;
      const end = baseline[to]!.time + 1 / o.sampling.baselineFps;
      if (end - start >= 3) found.push({ start: start - 1, end: end + 1, reasons: ['signature', 'paper'] });
      from = -1;
    }
  });
  let budget = o.maxPaperS;
  const kept = found
    .sort((a, b) => b.end - b.start - (a.end - a.start))
    .filter((w) => (budget -= w.end - w.start) >= 0);
  return mergeWindows(kept, duration);
}

/** signatureEvents(…, undefined) notes "OCR did not look"; drop that before adding what OCR saw. */
function stripSignText(e: SignatureEvidence): SignatureEvidence {
  return { ...e, notSeen: e.notSeen.filter((n) => n !== '未对该时段做文字识别') };
}

function emptyAnalysis(runtime: string, ocr: VisualAnalysis['ocr'], seconds: number): VisualAnalysis {
  return {
    runtime,
    ocr,
    frames: { baseline: 0, dense: 0, ocr: 0 },
    cues: [],
    signatureWindows: [],
    ocrWindows: [],
    seconds: Math.round(seconds * 100) / 100,
  };
}

/** OCR at the given times; a frame nearly identical to the previous one reuses its text. */
async function runOcr(
  file: string,
  times: number[],
  size: { width: number; height: number },
  ocr: OcrEngine,
): Promise<{ samples: OcrSample[]; recognized: number }> {
  const samples: OcrSample[] = [];
  let recognized = 0;
  let prev: { gray: Gray; lines: OcrSample['lines'] } | undefined;
  for (const t of times) {
    const f = await grabFrame(file, t, size);
    if (!f) continue;
    const gray = toGray(f.rgb, f.width, f.height);
    const st = lumaStats(gray);
    if (isCovered({ meanLuma: st.mean, stdLuma: st.std })) continue;
    if (prev && meanAbsDiff(prev.gray, gray) < 3) {
      samples.push({ time: t, lines: prev.lines });
      continue;
    }
    const lines = await ocr.recognize(f);
    recognized++;
    samples.push({ time: t, lines });
    prev = { gray, lines };
  }
  return { samples, recognized };
}

function quadToRect(q: number[][]): Rect {
  const xs = q.map((p) => p[0]!);
  const ys = q.map((p) => p[1]!);
  return {
    x: Math.min(...xs),
    y: Math.min(...ys),
    w: Math.max(...xs) - Math.min(...xs),
    h: Math.max(...ys) - Math.min(...ys),
  };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

let evidenceSeq = 0;

async function writeEvidence(
  file: string,
  outDir: string,
  e: Evidence,
  thumbWidth: number,
): Promise<string | undefined> {
  const ratio = e.space.height / e.space.width;
  const size = { width: even(thumbWidth), height: even(thumbWidth * ratio) };
  const frame = await grabFrame(file, e.time, size);
  if (!frame) return undefined;
  const k = size.width / e.space.width;
  for (const b of e.redact ?? [])
    fillRect(frame.rgb, frame.width, frame.height, { x: b.x * k, y: b.y * k, w: b.w * k, h: b.h * k }, [0, 0, 0]);
  const color: [number, number, number] =
    e.event.kind === 'covered' || e.event.kind === 'customer-left' ? [230, 60, 40] : [40, 200, 80];
  for (const b of e.boxes)
    drawRect(frame.rgb, frame.width, frame.height, { x: b.x * k, y: b.y * k, w: b.w * k, h: b.h * k }, color, 2);
  const rel = `frames/${e.tag}-${e.time.toFixed(1).replace('.', '_')}s-${++evidenceSeq}.jpg`;
  await writeFrameJpeg(frame, join(outDir, rel), 5);
  return rel;
}

function dedupeFaces(samples: FaceSample[]): { time: number; count: number }[] {
  const sorted = [...samples].sort((a, b) => a.time - b.time);
  const out: { time: number; count: number }[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && Math.abs(last.time - s.time) < 0.05) continue;
    out.push({ time: round3(s.time), count: isCovered(s) ? 0 : s.boxes.length });
  }
  return out;
}
