// Vision stage speed.
//   npx tsx bench/vision.bench.ts [--minutes 10] [--frames 20]
// 1. Frames per second per core for each detector (face and hand at the 320-wide analysis size, OCR at
//    640 wide), on frames of the generated recording. TF.js WASM is single-threaded; OCR runs with one
//    onnxruntime thread here so the figure is per core.
// 2. The whole vision stage on a generated recording of --minutes (two people talking, with the 30 s
//    test scenes — document, ID, black, frozen, cut, signing — in the middle, and a transcript with a
//    line every 8 s), next to the media stage on the same file: vision's share of the pipeline and of
//    the recording's duration (target: ≤ 25 %, i.e. ≥ 4x real time on 2 cores).
process.env.DUALREC_OCR_THREADS ??= '1';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { checkIntegrity, detectSignals, probeMedia, streamFrames, type RawFrame } from '../src/media/index.js';
import { analyzeVision } from '../src/vision/index.js';
import { ocrEngine } from '../src/vision/ocr.js';
import { detect, visionRuntime } from '../src/vision/runtime.js';
import { makeLongVisionRecording, makeVisionFixture } from '../tests/fixtures/vision-fixtures.js';

const { values } = parseArgs({
  options: { minutes: { type: 'string', default: '10' }, frames: { type: 'string', default: '20' } },
});
const minutes = Number(values.minutes);
const nFrames = Number(values.frames);
const dir = mkdtempSync(join(tmpdir(), 'dualrec-vbench-'));
const log = pino({ level: 'warn' });

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, (performance.now() - t0) / 1000];
}

async function frames(file: string, start: number, width: number, height: number, n: number): Promise<RawFrame[]> {
  const out: RawFrame[] = [];
  for await (const f of streamFrames(file, { fps: 2, start, width, height })) {
    out.push(f);
    if (out.length >= n) break;
  }
  return out;
}

try {
  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}`);
  const { video: fixture } = await makeVisionFixture(join(dir, 'fixture'));
  const [rt, loadS] = await time(() => visionRuntime(log));
  const [{ engine: ocr, reason }, ocrLoadS] = await time(() => ocrEngine(log));
  console.log(
    `load: detectors ${loadS.toFixed(2)} s (backend ${rt.backend}), OCR ${ocrLoadS.toFixed(2)} s${ocr ? '' : ` — OCR unavailable: ${reason}`}`,
  );

  // 1. per-detector throughput
  const people = await frames(fixture, 0, 320, 180, nFrames);
  const signing = await frames(fixture, 24, 320, 180, Math.min(nFrames, 10));
  const docs = await frames(fixture, 10, 640, 360, Math.min(nFrames, 6));
  await detect(rt, people[0]!, { faces: true, hands: true }); // warm-up
  const rate = async (label: string, list: RawFrame[], run: (f: RawFrame) => Promise<unknown>) => {
    const t0 = performance.now();
    for (const f of list) await run(f);
    const s = (performance.now() - t0) / 1000;
    console.log(
      `${label.padEnd(34)} ${(list.length / s).toFixed(1).padStart(6)} fps/core  (${((s / list.length) * 1000).toFixed(0)} ms/frame, ${list.length} frames)`,
    );
    return s / list.length;
  };
  console.log('\nper detector:');
  const faceMs = await rate('face (320x180)', people, (f) => detect(rt, f, { faces: true, hands: false }));
  const handMs = await rate('hand + landmarks (320x180)', signing, (f) => detect(rt, f, { faces: false, hands: true }));
  const ocrMs = ocr ? await rate('OCR det+rec (640x360, 1 thread)', docs, (f) => ocr.recognize(f)) : NaN;
  const decodeS = (await time(async () => frames(fixture, 0, 320, 180, 60)))[1];
  console.log(
    `${'decode+scale+rgb (ffmpeg, 320x180)'.padEnd(34)} ${(60 / decodeS).toFixed(1).padStart(6)} fps       (including process start)`,
  );

  // 2. the stage on a long recording
  console.log(`\ngenerating a ${minutes}-minute 640x360 10 fps recording...`);
  const [long, genS] = await time(() => makeLongVisionRecording(join(dir, 'long'), minutes));
  console.log(`generated in ${genS.toFixed(1)} s`);
  const [probe, probeS] = await time(() => probeMedia(long.video));
  const [, integS] = await time(() => checkIntegrity(long.video, probe));
  const [signals, sigS] = await time(() => detectSignals(long.video, probe));
  const cpu0 = process.cpuUsage();
  const [tl, visionS] = await time(() =>
    analyzeVision({
      recording: long.video,
      probe,
      signals,
      transcript: long.transcript,
      outDir: join(dir, 'out'),
      logger: log,
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  const mediaS = probeS + integS + sigS;
  const a = tl.analysis!;
  console.log(`\n${minutes}-minute recording (${long.durationS} s), transcript imported (ASR not included):`);
  console.log(`  media stage (probe+integrity+signals): ${mediaS.toFixed(1)} s`);
  console.log(
    `  vision stage:                          ${visionS.toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU in-process (ffmpeg children not counted)`,
  );
  console.log(
    `    frames: baseline ${a.frames.baseline}, dense ${a.frames.dense}, OCR ${a.frames.ocr}; events ${tl.events.length}`,
  );
  console.log(
    `    expected from per-detector rates: baseline faces ~${(a.frames.baseline * faceMs).toFixed(0)} s, dense ~${(a.frames.dense * (faceMs + handMs / 2)).toFixed(0)} s, OCR ~${(a.frames.ocr * ocrMs).toFixed(0)} s`,
  );
  console.log(`  vision share of (media + vision):      ${((100 * visionS) / (mediaS + visionS)).toFixed(0)} %`);
  console.log(
    `  vision time / recording duration:      ${((100 * visionS) / long.durationS).toFixed(1)} %  (target ≤ 25 %; ${(long.durationS / visionS).toFixed(1)}x real time)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
