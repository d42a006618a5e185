// Vision's worker threads. OCR (onnxruntime) and the face/hand detectors (TensorFlow.js WASM) each run
// synchronously on the thread that calls them, one core each; on worker threads they run beside the
// session's own thread, so both cores work. Two single-thread pools of the same entry (vision-worker.ts):
// 'ocr' and 'detector'. Each loads only the models its jobs need, once, and is kept for the next
// session of the process (a batch worker thread gets its own); idle, it does not keep the process alive.
// DUALREC_VISION_THREADS=1 keeps all of vision in the session's thread (the benchmark's 1-thread figure).
import { WorkerPool } from '../util/worker-pool.js';
import type { DenseJob } from './dense.js';
import type { FacesJob } from './detector-share.js';
import type { OcrJob } from './ocr-runner.js';

export type VisionJob = OcrJob | DenseJob | FacesJob;

const ENTRY = new URL(import.meta.url.endsWith('.ts') ? './vision-worker.ts' : './vision-worker.js', import.meta.url);

const pools = new Map<'ocr' | 'detector', WorkerPool<VisionJob, unknown>>();

/** False when vision is to stay in the session's thread. */
export function visionWorkersWanted(): boolean {
  return Number(process.env.DUALREC_VISION_THREADS) !== 1;
}

export function visionPool(name: 'ocr' | 'detector'): WorkerPool<VisionJob, unknown> {
  let pool = pools.get(name);
  if (!pool) {
    pool = new WorkerPool<VisionJob, unknown>(ENTRY, {
      size: 1,
      // one onnxruntime thread: the other core has the detectors
      workerData: { ocrThreads: Number(process.env.DUALREC_OCR_THREADS) || 1 },
      unrefWhenIdle: true,
    });
    pools.set(name, pool);
  }
  return pool;
}

/** Drops a pool that failed (its next use starts a fresh one). */
export function dropVisionPool(name: 'ocr' | 'detector'): void {
  const pool = pools.get(name);
  pools.delete(name);
  void pool?.close();
}
