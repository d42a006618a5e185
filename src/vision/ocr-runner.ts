// OCR jobs and where they run: in the OCR worker (worker-pools.ts) or, with DUALREC_VISION_THREADS=1
// or when the worker cannot start, in the session's thread.
import type { Logger } from 'pino';
import { grabFrame, grabFrames } from '../media/index.js';
import type { WorkerPool } from '../util/worker-pool.js';
import { errorMessage, UserError } from '../util/errors.js';
import type { OcrSample } from './events.js';
import { ocrEngine, type OcrEngine } from './ocr.js';
import { isCovered } from './events.js';
import { lumaStats, meanAbsDiff, toGray, type Gray } from './pixels.js';
import { dropVisionPool, visionPool, visionWorkersWanted, type VisionJob } from './worker-pools.js';

export interface FrameSize {
  width: number;
  height: number;
}

export interface OcrRun {
  samples: OcrSample[];
  /** frames actually recognized (the rest reused the previous frame's text or were covered) */
  recognized: number;
}

/** OCR jobs, run in this thread or in the OCR worker. */
export type OcrJob =
  | { kind: 'status' }
  | { kind: 'frames'; file: string; times: number[]; size: FrameSize }
  | { kind: 'signText'; file: string; time: number; size: FrameSize };

export interface OcrStatus {
  available: boolean;
  reason?: string;
}

export interface OcrRunner {
  /** where it runs (the `vision done` log line says) */
  where: 'worker' | 'thread';
  status: OcrStatus;
  /** OCR at the given times, in order; a frame nearly identical to the previous one reuses its text */
  frames(file: string, times: number[], size: FrameSize): Promise<OcrRun>;
  /** does the frame at `time` show a signature field (签名/签字 …)? undefined: no frame there */
  signText(file: string, time: number, size: FrameSize): Promise<boolean | undefined>;
}

/** OCR at the given times with `engine` (the body of a 'frames' job, wherever it runs). */
export async function ocrFrames(engine: OcrEngine, file: string, times: number[], size: FrameSize): Promise<OcrRun> {
  const samples: OcrSample[] = [];
  let recognized = 0;
  let prev: { gray: Gray; lines: OcrSample['lines'] } | undefined;
  const frames = await grabFrames(file, times, size);
  for (const [k, t] of times.entries()) {
    const f = frames[k];
    if (!f) continue;
    const gray = toGray(f.rgb, f.width, f.height);
    const st = lumaStats(gray);
    if (isCovered({ meanLuma: st.mean, stdLuma: st.std })) continue;
    if (prev && meanAbsDiff(prev.gray, gray) < 3) {
      samples.push({ time: t, lines: prev.lines });
      continue;
    }
    const lines = await engine.recognize(f);
    recognized++;
    samples.push({ time: t, lines });
    prev = { gray, lines };
  }
  return { samples, recognized };
}

const SIGN_FIELD = /签名|签字|签章|签署/;

/** The body of a 'signText' job. */
export async function ocrSignText(
  engine: OcrEngine,
  file: string,
  time: number,
  size: FrameSize,
): Promise<boolean | undefined> {
  const frame = await grabFrame(file, time, size);
  if (!frame) return undefined;
  return SIGN_FIELD.test((await engine.recognize(frame)).map((l) => l.text).join(' '));
}

/** Runs one job with an engine (or the reason there is none); shared by both runners. */
export async function runOcrJob(
  loaded: { engine?: OcrEngine; reason?: string },
  job: OcrJob,
): Promise<OcrStatus | OcrRun | boolean | undefined> {
  if (job.kind === 'status') return { available: !!loaded.engine, reason: loaded.reason };
  if (!loaded.engine) throw new Error(`OCR is not available: ${loaded.reason ?? 'unknown reason'}`);
  if (job.kind === 'frames') return ocrFrames(loaded.engine, job.file, job.times, job.size);
  return ocrSignText(loaded.engine, job.file, job.time, job.size);
}

/** A runner over `run`, which executes one job in this thread or on the worker. */
function runner(where: OcrRunner['where'], status: OcrStatus, run: (job: OcrJob) => Promise<unknown>): OcrRunner {
  return {
    where,
    status,
    frames: (file, times, size) => run({ kind: 'frames', file, times, size }) as Promise<OcrRun>,
    signText: (file, time, size) => run({ kind: 'signText', file, time, size }) as Promise<boolean | undefined>,
  };
}

function workerRunner(status: OcrStatus, p: WorkerPool<VisionJob, unknown>): OcrRunner {
  // A failed job comes back as a message only; it is the recording's problem (ffmpeg could not
  // decode the frame) or OCR's, and either way the vision stage reports it rather than crashing.
  return runner('worker', status, (job) =>
    p.run(job).catch((err: unknown) => {
      throw new UserError(`OCR failed: ${errorMessage(err)}`, 'file' in job ? job.file : undefined);
    }),
  );
}

async function threadRunner(log: Logger): Promise<OcrRunner> {
  const loaded = await ocrEngine(log);
  return runner('thread', { available: !!loaded.engine, reason: loaded.reason }, (job) => runOcrJob(loaded, job));
}

/** The OCR runner for one session: the OCR worker unless DUALREC_VISION_THREADS=1 or it can't start. */
export async function ocrRunner(log: Logger): Promise<OcrRunner> {
  if (process.env.DUALREC_OCR === 'off' || !visionWorkersWanted()) return threadRunner(log);
  try {
    const pool = visionPool('ocr');
    const status = (await pool.run({ kind: 'status' })) as OcrStatus;
    if (!status.available) log.warn({}, status.reason ?? 'OCR is not available');
    return workerRunner(status, pool);
  } catch (err) {
    log.warn({ reason: errorMessage(err) }, 'OCR worker did not start; running OCR in this thread');
    dropVisionPool('ocr');
    return threadRunner(log);
  }
}
