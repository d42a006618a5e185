// Worker thread entry for vision (see worker-pools.ts): runs one OCR or dense-window job per message,
// loading the models a job needs on first use. It logs nothing itself: the session's thread logs what
// a job returns, with the session id.
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerReply } from '../util/worker-pool.js';
import { errorMessage } from '../util/errors.js';
import { denseWindow } from './dense.js';
import { facesOnFrame } from './detector-share.js';
import { ocrEngine } from './ocr.js';
import { runOcrJob } from './ocr-runner.js';
import { visionRuntime } from './runtime.js';
import type { VisionJob } from './worker-pools.js';

process.env.DUALREC_OCR_THREADS = String((workerData as { ocrThreads?: number } | undefined)?.ocrThreads ?? 1);

parentPort!.on('message', (job: VisionJob) => {
  void (async () => {
    let reply: WorkerReply<unknown>;
    try {
      const result =
        job.kind === 'dense'
          ? await denseWindow(await visionRuntime(), job)
          : job.kind === 'faces'
            ? await facesOnFrame(await visionRuntime(), job.frame)
            : await runOcrJob(await ocrEngine(), job);
      reply = { type: 'result', result };
    } catch (err) {
      reply = { type: 'error', message: errorMessage(err) };
    }
    parentPort!.postMessage(reply);
  })();
});
parentPort!.postMessage({ type: 'ready' } satisfies WorkerReply<unknown>);
