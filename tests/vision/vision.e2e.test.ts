// The whole vision stage with the real detectors (Human on TF.js WASM, PaddleOCR on onnxruntime) on the
// generated 30 s recording whose truth is known per second (tests/fixtures/vision-fixtures.ts).
// Detectors miss or add single frames, so counts are asserted as shares over each scene.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectSignals, probeMedia } from '../../src/media/index.js';
import type { MediaProbe, MediaSignals, SessionFacts, VisualEvent, VisualTimeline } from '../../src/model/index.js';
import { rootLogger } from '../../src/util/log.js';
import { analyzeVision, visualFindings } from '../../src/vision/index.js';
import { tempDir } from '../fixtures/media-fixtures.js';
import { ID_NUMBER, SIGNING, VISION_TRUTH, makeVisionFixture, visionTranscript } from '../fixtures/vision-fixtures.js';

let dir: string;
let cleanup: () => void;
let video: string;
let probe: MediaProbe;
let signals: MediaSignals;
let timeline: VisualTimeline;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('vision'));
  ({ video } = await makeVisionFixture(join(dir, 'rec')));
  probe = await probeMedia(video);
  signals = await detectSignals(video, probe);
  // the default outside tests: OCR and part of the detection on worker threads (vitest.config.ts keeps
  // vision in one thread for the other test files)
  timeline = await withVisionThreads('2', () =>
    analyzeVision({
      recording: video,
      probe,
      signals,
      transcript: visionTranscript(),
      outDir: join(dir, 'out'),
      logger: rootLogger(),
    }),
  );
}, 240_000);
afterAll(() => cleanup());

async function withVisionThreads<T>(value: string, run: () => Promise<T>): Promise<T> {
  const before = process.env.DUALREC_VISION_THREADS;
  process.env.DUALREC_VISION_THREADS = value;
  try {
    return await run();
  } finally {
    if (before === undefined) delete process.env.DUALREC_VISION_THREADS;
    else process.env.DUALREC_VISION_THREADS = before;
  }
}

function scene(name: string) {
  return VISION_TRUTH.find((s) => s.scene === name)!;
}

/** Face counts sampled inside a scene, away from its edges (a sample at a cut may show either side). */
function countsIn(name: string): number[] {
  const s = scene(name);
  return timeline.faces.filter((f) => f.time >= s.start + 0.4 && f.time < s.end - 0.4).map((f) => f.count);
}
const share = (xs: number[], pred: (x: number) => boolean) => (xs.length ? xs.filter(pred).length / xs.length : NaN);
const overlaps = (e: { start: number; end: number }, s: { start: number; end: number }) =>
  e.start < s.end && e.end > s.start;
const eventsOf = (kind: VisualEvent['kind']) => timeline.events.filter((e) => e.kind === kind);

describe('analyzeVision on the generated recording', () => {
  it('counts faces per scene: two, one, none', () => {
    expect(share(countsIn('two'), (c) => c === 2)).toBeGreaterThanOrEqual(0.75);
    expect(share(countsIn('one'), (c) => c === 1)).toBeGreaterThanOrEqual(0.75);
    expect(share(countsIn('empty'), (c) => c === 0)).toBe(1);
    expect(share(countsIn('black'), (c) => c === 0)).toBe(1);
    expect(share(countsIn('cut'), (c) => c >= 2)).toBeGreaterThanOrEqual(0.6);
  });

  it('reports 同框 and the customer leaving, at the right times', () => {
    const cop = eventsOf('copresence');
    expect(cop.some((e) => overlaps(e, scene('two')) && e.end - e.start >= 3)).toBe(true);
    expect(cop.some((e) => overlaps(e, scene('empty')))).toBe(false);
    const left = eventsOf('customer-left');
    expect(left.length).toBeGreaterThanOrEqual(1);
    expect(Math.abs(left[0]!.start - scene('one').start)).toBeLessThanOrEqual(1.5);
    expect(eventsOf('third-face')).toEqual([]);
  });

  it('reads the 投保提示书 and the 条款 shown to the camera', () => {
    const docs = eventsOf('document').filter((e) => overlaps(e, scene('document')));
    const labels = docs.map((d) => d.label);
    expect(labels).toContain('投保提示书');
    expect(labels).toContain('责任免除');
    for (const d of docs) expect(d.confidence).toBeGreaterThan(0.7);
  });

  it('recognises the ID card by caption and checksum, and never shows the number', () => {
    const ids = eventsOf('id-card');
    expect(ids.length).toBe(1);
    expect(overlaps(ids[0]!, scene('id'))).toBe(true);
    expect(ids[0]!.label).toMatch(/\*{10}/);
    expect(ids[0]!.notes?.join()).toMatch(/公民身份号码/);
    expect(JSON.stringify(timeline)).not.toContain(ID_NUMBER);
    expect(JSON.stringify(timeline)).not.toContain(ID_NUMBER.slice(6, 14));
  });

  it('reports the black stretch as covered', () => {
    const cov = eventsOf('covered');
    expect(cov).toHaveLength(1);
    expect(Math.abs(cov[0]!.start - scene('black').start)).toBeLessThanOrEqual(0.6);
    expect(Math.abs(cov[0]!.end - scene('black').end)).toBeLessThanOrEqual(0.6);
  });

  it('finds the signing with new ink, a time range, evidence both ways, and three frames', () => {
    const sig = eventsOf('signature').filter((e) => overlaps(e, { start: SIGNING.handFrom, end: SIGNING.handTo }));
    expect(sig).toHaveLength(1);
    const s = sig[0]!;
    expect(s.start).toBeGreaterThanOrEqual(SIGNING.handFrom - 1);
    expect(s.end).toBeLessThanOrEqual(SIGNING.handTo + 1);
    expect(s.end - s.start).toBeGreaterThanOrEqual(2);
    expect(s.confidence).toBeGreaterThanOrEqual(0.6);
    expect(s.notes!.some((n) => n.startsWith('见到') && /笔迹/.test(n))).toBe(true);
    expect(s.notes!.some((n) => n.startsWith('未见'))).toBe(true);
    expect(s.frames).toHaveLength(3);
    // any other hand seen in the window (people holding things) stays below a pass
    for (const other of eventsOf('signature').filter((e) => e !== s)) expect(other.confidence).toBeLessThan(0.6);
  });

  it('writes evidence thumbnails (JPEG) next to the events, paths relative to outDir', () => {
    const frames = timeline.events.flatMap((e) => e.frames ?? []);
    expect(frames.length).toBeGreaterThanOrEqual(timeline.events.length);
    for (const f of frames) {
      expect(f).toMatch(/^frames\/[\w-]+\.jpg$/);
      const p = join(dir, 'out', f);
      expect(existsSync(p)).toBe(true);
      expect(readFileSync(p).subarray(0, 2).toString('hex')).toBe('ffd8');
    }
  });

  it('records what it looked at', () => {
    const a = timeline.analysis!;
    expect(a.ocr.available).toBe(true);
    expect(a.frames.baseline).toBeGreaterThanOrEqual(29);
    expect(a.signatureWindows.length).toBe(1);
    expect(a.cues.map((c) => c.kind)).toEqual(expect.arrayContaining(['signature', 'document', 'id']));
  });

  it('gives the same timeline in one thread as with its worker threads (issue #14)', async () => {
    const single = await withVisionThreads('1', () =>
      analyzeVision({
        recording: video,
        probe,
        signals,
        transcript: visionTranscript(),
        outDir: join(dir, 'out-1-thread'),
        logger: rootLogger(),
      }),
    );
    // evidence file names carry a sequence number; compare how many each event has
    const comparable = (t: VisualTimeline) => ({
      faces: t.faces,
      events: t.events.map(({ frames, ...e }) => ({ ...e, frames: frames?.length })),
      frames: t.analysis?.frames,
    });
    expect(comparable(single)).toEqual(comparable(timeline));
  }, 240_000);

  it('turns the timeline into findings with evidence frames', () => {
    const facts: SessionFacts = {
      sessionId: 'vision-fixture',
      recording: video,
      meta: { session_id: 'vision-fixture', product: { type: 'other' }, channel: 'agent', policyholder: {}, agent: {} },
      metaFromSidecar: true,
      integrity: [],
      probe,
      signals,
      transcript: visionTranscript(),
      visual: timeline,
    };
    const fs = visualFindings(facts);
    const get = (id: string) => fs.find((f) => f.ruleId === id)!;
    expect(get('visual/signature').status).toBe('pass');
    expect(get('visual/signature').evidence[0]!.frames!.length).toBe(3);
    expect(get('visual/document-shown').status).toBe('pass');
    expect(get('visual/id-shown').status).toBe('pass');
    expect(get('visual/camera-covered').status).toBe('fail');
    expect(get('visual/camera-frozen').status).toBe('fail');
    // the key points are said while documents are on screen (nobody in frame): not a pass
    expect(get('visual/copresence').status).not.toBe('pass');
    expect(JSON.stringify(fs)).not.toContain(ID_NUMBER);
  });
});

describe('analyzeVision without a transcript', () => {
  let bare: VisualTimeline;
  beforeAll(async () => {
    bare = await analyzeVision({ recording: video, probe, signals, logger: rootLogger() });
  }, 240_000);

  it('still finds the signing (hands looked for where paper is in view) and the documents', () => {
    expect(bare.analysis!.cues).toEqual([]);
    expect(
      bare.analysis!.signatureWindows.some((w) => overlaps(w, { start: SIGNING.handFrom, end: SIGNING.handTo })),
    ).toBe(true);
    const sig = bare.events.filter(
      (e) => e.kind === 'signature' && overlaps(e, { start: SIGNING.handFrom, end: SIGNING.handTo }),
    );
    expect(sig).toHaveLength(1);
    expect(sig[0]!.confidence).toBeGreaterThanOrEqual(0.6);
    expect(bare.events.some((e) => e.kind === 'document' && e.label === '投保提示书')).toBe(true);
    expect(bare.events.some((e) => e.kind === 'id-card')).toBe(true);
    // no outDir: no frames written, no paths claimed
    expect(bare.events.every((e) => !e.frames || e.frames.length === 0)).toBe(true);
  });
});
