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
import { grabFrames, streamFrames, writeFrameJpegs, type RawFrame } from '../media/index.js';
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
import { faceSample, keepFaces } from './dense.js';
import { detectorShare } from './detector-share.js';
import { ocrRunner } from './ocr-runner.js';
import { drawRect, edgeDensity, fillRect, grow, lumaStats, toGray, type Rect } from './pixels.js';
import { visionRuntime, type HumanFace } from './runtime.js';
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
import { signatureEvents, withSignText, type SignatureEvidence, type SignatureOptions } from './signature.js';

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

/** What vision needs that comes later than the recording itself (see startVision). */
export interface VisionRest {
  signals?: MediaSignals;
  transcript?: Transcript;
  outDir?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface VisionStart {
  /** the rest of the stage, once the transcript and the media signals are known */
  finish(rest: VisionRest): Promise<VisualTimeline>;
  /** stops the early sampling (the recording turned out undecodable, or the picture is not wanted) */
  cancel(): void;
}

/**
 * Analyzes the picture of one recording. Throws a UserError when the video can't be decoded or the
 * detector runtime can't load; OCR that can't load is recorded in `analysis.ocr` instead.
 */
export async function analyzeVision(input: VisionInput): Promise<VisualTimeline> {
  return startVision(input).finish(input);
}

/**
 * Starts the vision stage as soon as the recording is probed: the models load and the baseline
 * sampling (faces at a low rate, frame statistics) runs while the media signals and the transcript
 * are still being worked out, since it needs neither. `finish` then plans the windows from them.
 */
export function startVision(input: Omit<VisionInput, keyof VisionRest>): VisionStart {
  const t0 = performance.now();
  const o: VisionOptions = { ...VISION_DEFAULTS, ...input.options };
  const log = input.logger.child({ stage: 'vision' });
  const { probe, recording } = input;
  const duration = probe.duration;
  if (probe.video.length === 0 || !(duration > 0)) {
    return {
      finish: async () => ({
        faces: [],
        events: [],
        analysis: emptyAnalysis('none', { available: false, reason: 'no video stream' }, 0),
      }),
      cancel: () => undefined,
    };
  }
  // the OCR worker loads its models while this thread loads the face and hand models
  const loaded = Promise.all([visionRuntime(log), ocrRunner(log)]);
  loaded.catch(() => undefined); // surfaces in finish()
  const A = sizeFor(probe, o.analysisWidth);
  const O = sizeFor(probe, o.ocrWidth);
  let cancelled = false;
  let denseWindows: TimeWindow[] = [];
  let progress: VisionRest['onProgress'];
  let done = 0;
  const totalWork = () =>
    Math.ceil(duration * o.sampling.baselineFps) +
    denseWindows.reduce((n, w) => n + windowTimes(w, o.sampling.denseFps).length, 0);
  const tick = () => {
    ++done;
    progress?.(done, totalWork());
  };
  const faceSamples: FaceSample[] = [];
  const baseline: (FaceSample & { edge: number; lowerEdge: number })[] = [];
  const faceFilter = <F extends Pick<HumanFace, 'box' | 'score'>>(faces: F[], h: number) =>
    keepFaces(faces, h, o.minFaceScore, o.minFaceHeight);

  // 1. baseline: faces at a low rate over the whole recording, plus cheap frame statistics. Frames are
  // decoded here; the detector worker takes some of them when it has room (detector-share.ts).
  const shared = loaded.then(([rt]) => detectorShare(rt, tick));
  shared.catch(() => undefined); // surfaces in finish()
  const baselineDone = (async () => {
    const share = await shared;
    const pending: {
      time: number;
      st: { mean: number; std: number };
      edge: number;
      lowerEdge: number;
      faces: Promise<Pick<HumanFace, 'box' | 'score'>[]>;
    }[] = [];
    for await (const f of streamFrames(recording, { fps: o.sampling.baselineFps, ...A })) {
      if (cancelled) break;
      const gray = toGray(f.rgb, f.width, f.height);
      const st = lumaStats(gray);
      const covered = isCovered({ meanLuma: st.mean, stdLuma: st.std }, o.events);
      let faces: Promise<Pick<HumanFace, 'box' | 'score'>[]> = Promise.resolve([]);
      if (!covered) {
        const d = share.faces(f);
        faces = d.result;
        if (d.here) await faces; // this thread's share of the work, done now
      }
      pending.push({
        time: f.time,
        st,
        edge: covered ? 0 : edgeDensity(gray),
        lowerEdge: covered ? 0 : edgeDensity(gray, { x: 0, y: gray.height / 2, w: gray.width, h: gray.height / 2 }),
        faces,
      });
      tick();
    }
    for (const p of pending) {
      const sample = faceSample(p.time, faceFilter(await p.faces, A.height), p.st);
      faceSamples.push(sample);
      baseline.push({ ...sample, edge: p.edge, lowerEdge: p.lowerEdge });
    }
  })();
  baselineDone.catch(() => undefined); // surfaces in finish()

  return {
    cancel: () => {
      cancelled = true;
    },
    finish: (rest) => {
      progress = rest.onProgress;
      return finishVision(rest);
    },
  };

  async function finishVision(rest: VisionRest): Promise<VisualTimeline> {
    const [rt, ocrRun] = await loaded;
    const share = await shared;
    const ocr = ocrRun.status.available ? ocrRun : undefined;
    const ocrReason = ocrRun.status.reason;
    const plan = planSampling(duration, rest.transcript, rest.signals, o.sampling);
    let sigWindows = plan.signatureWindows;
    denseWindows = [...plan.signatureWindows, ...plan.cutWindows].sort((a, b) => a.start - b.start);
    const ocrWindows = ocr ? plan.ocrWindows : [];
    // OCR of the cue windows starts now, in the OCR worker, while this thread samples faces
    let ocrBudget = o.sampling.maxOcrFrames;
    const windowOcrTimes: number[] = [];
    for (const w of ocrWindows)
      for (const t of windowTimes(w, o.sampling.ocrFps)) if (ocrBudget-- > 0) windowOcrTimes.push(t);
    const windowOcr = ocr?.frames(
      recording,
      [...new Set(windowOcrTimes)].sort((a, b) => a - b),
      O,
    );
    windowOcr?.catch(() => undefined); // awaited below; don't let an early failure go unhandled meanwhile
    const phases: Record<string, number> = {};
    let phaseT = performance.now();
    const phase = (name: string) => {
      const now = performance.now();
      phases[name] = Math.round(now - phaseT);
      phaseT = now;
    };

    // Dense windows known from the transcript's cues start now on the detector worker, beside the
    // baseline; without a signing cue they wait for the baseline (paper in view, see below).
    const startDense = (windows: TimeWindow[]) =>
      windows.map((w) => ({
        w,
        result: share.dense({
          kind: 'dense',
          file: recording,
          window: { start: w.start, end: w.end },
          fps: o.sampling.denseFps,
          size: A,
          withHands: w.reasons.includes('signature'),
          minFaceScore: o.minFaceScore,
          minFaceHeight: o.minFaceHeight,
          events: o.events,
        }),
      }));
    let denseJobs = sigWindows.length ? startDense(denseWindows) : undefined;
    await baselineDone;

    phase('baseline');
    // no signing cue (or no transcript): look for hands where paper with print lies in the lower half
    if (sigWindows.length === 0) {
      sigWindows = paperWindows(baseline, duration, o);
      if (sigWindows.length) {
        log.info(
          { windows: sigWindows.length },
          'no signing cue in the transcript; looking for hands where paper is in view',
        );
        denseWindows = [...sigWindows, ...subtractWindows(plan.cutWindows, sigWindows)].sort(
          (a, b) => a.start - b.start,
        );
      }
    }

    // 2. dense windows: signing (hands + faces) and scene cuts (faces)
    const signatures: {
      ev: ReturnType<typeof signatureEvents>[number];
      signText?: Promise<boolean | undefined>;
      window: TimeWindow;
    }[] = [];
    let denseFrames = 0;
    denseJobs ??= startDense(denseWindows);
    for (const { w, result } of denseJobs) {
      const withHands = w.reasons.includes('signature');
      const { samples, frames } = await result();
      faceSamples.push(...samples);
      denseFrames += samples.length;
      if (withHands && frames.length) {
        for (const ev of signatureEvents(frames, undefined, o.signature)) {
          // read the form where the hand was: is there a 签名/签字 field? (OCR worker; awaited below)
          const signText = ocr?.signText(recording, ev.frames.find((x) => x.role === 'after')!.time, O);
          signText?.catch(() => undefined);
          signatures.push({ ev, signText, window: w });
        }
      }
    }

    phase('dense');
    // 3. OCR: the cue windows (started above), plus text-like baseline frames elsewhere
    const ocrSamples: OcrSample[] = [];
    let ocrFrames = 0;
    if (ocr && windowOcr) {
      const extra: number[] = [];
      let lastExtra = -Infinity;
      for (const b of baseline) {
        if (ocrBudget <= 0) break;
        if (b.edge >= o.ocrEdgeDensity && !inWindows(b.time, ocrWindows) && b.time - lastExtra >= o.ocrSpacingS) {
          extra.push(b.time);
          lastExtra = b.time;
          ocrBudget--;
        }
      }
      const runs = [await windowOcr, ...(extra.length ? [await ocr.frames(recording, extra, O)] : [])];
      for (const r of runs) {
        ocrSamples.push(...r.samples);
        ocrFrames += r.recognized;
      }
      ocrSamples.sort((a, b) => a.time - b.time);
    }
    for (const s of signatures) s.ev = withSignText(stripSignText(s.ev), await s.signText);
    phase('ocr');
    // 4. events
    const faces = faceEvents(faceSamples, duration, o.events);
    const covered = coveredEvents(baseline, rest.signals?.black ?? [], duration, o.events);
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
    if (rest.outDir) {
      const outDir = rest.outDir;
      const items: { e: Evidence; rel: string; owner: VisualEvent }[] = evidence.map((e) => ({
        e,
        rel: evidencePath(e),
        owner: e.event,
      }));
      signatures.forEach(({ ev }, i) => {
        for (const fr of ev.frames) {
          const e: Evidence = {
            event: sigEvents[i]!,
            time: fr.time,
            boxes: fr.boxes,
            space: A,
            tag: `signature-${fr.role}`,
          };
          items.push({ e, rel: evidencePath(e), owner: sigEvents[i]! });
        }
      });
      const written = await writeEvidenceFrames(recording, outDir, items, o.thumbWidth);
      for (const it of items) it.owner.frames = [];
      items.forEach((it, i) => {
        if (written[i]) it.owner.frames!.push(written[i]!);
      });
    }

    phase('evidence');
    const events = [...faces.events, ...covered.events, ...docs.events, ...sigEvents].sort(
      (a, b) => a.start - b.start || a.kind.localeCompare(b.kind),
    );
    const facesOut = dedupeFaces(faceSamples);
    const seconds = (performance.now() - t0) / 1000;
    log.info(
      {
        frames: { baseline: baseline.length, dense: denseFrames, ocr: ocrFrames },
        events: events.length,
        phasesMs: phases,
        seconds: Math.round(seconds * 10) / 10,
        backend: rt.backend,
        // where OCR ran: its worker thread, or this thread (DUALREC_VISION_THREADS=1, or no worker)
        ocrThread: ocrRun.where,
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

/** Names are given in event order before any is written, so they don't depend on which finishes first. */
function evidencePath(e: Evidence): string {
  return `frames/${e.tag}-${e.time.toFixed(1).replace('.', '_')}s-${++evidenceSeq}.jpg`;
}

/**
 * Evidence thumbnails: the frames grabbed together (grabFrames), redactions and boxes drawn, then all
 * encoded by one ffmpeg run. Returns each item's path, or undefined where the recording had no frame.
 */
async function writeEvidenceFrames(
  file: string,
  outDir: string,
  items: { e: Evidence; rel: string }[],
  thumbWidth: number,
): Promise<(string | undefined)[]> {
  const sizes = items.map(({ e }) => ({
    width: even(thumbWidth),
    height: even((thumbWidth * e.space.height) / e.space.width),
  }));
  const frames: (RawFrame | undefined)[] = new Array(items.length).fill(undefined);
  const bySize = new Map<string, number[]>();
  sizes.forEach((sz, i) =>
    bySize.set(`${sz.width}x${sz.height}`, [...(bySize.get(`${sz.width}x${sz.height}`) ?? []), i]),
  );
  for (const idx of bySize.values()) {
    const got = await grabFrames(
      file,
      idx.map((i) => items[i]!.e.time),
      sizes[idx[0]!]!,
    );
    idx.forEach((i, k) => (frames[i] = got[k]));
  }
  const toWrite: { frame: RawFrame; path: string }[] = [];
  items.forEach(({ e, rel }, i) => {
    const frame = frames[i];
    if (!frame) return;
    const k = frame.width / e.space.width;
    for (const b of e.redact ?? [])
      fillRect(frame.rgb, frame.width, frame.height, { x: b.x * k, y: b.y * k, w: b.w * k, h: b.h * k }, [0, 0, 0]);
    const color: [number, number, number] =
      e.event.kind === 'covered' || e.event.kind === 'customer-left' ? [230, 60, 40] : [40, 200, 80];
    for (const b of e.boxes)
      drawRect(frame.rgb, frame.width, frame.height, { x: b.x * k, y: b.y * k, w: b.w * k, h: b.h * k }, color, 2);
    toWrite.push({ frame, path: join(outDir, rel) });
  });
  await writeFrameJpegs(toWrite, 5);
  return items.map(({ rel }, i) => (frames[i] ? rel : undefined));
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
