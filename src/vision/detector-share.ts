// The face and hand detectors of one session, shared between the session's thread and the detector
// worker (worker-pools.ts). Dense windows are queued as soon as they are known: the worker takes them
// from the back, the session's thread from the front once its baseline is done. Baseline frames are
// decoded here and each goes to the worker when it has room and no window waits, else is detected
// here. Both threads run the same code on the same frames as one thread would; results keep their
// order. With DUALREC_VISION_THREADS=1 everything runs here.
import { errorMessage, UserError } from '../util/errors.js';
import { denseWindow, type DenseJob, type DenseResult } from './dense.js';
import { detect, type FrameInput, type HumanFace, type Runtime } from './runtime.js';
import { visionPool, visionWorkersWanted } from './worker-pools.js';

/** A baseline frame for the worker: faces only, returned as box + score. */
export interface FacesJob {
  kind: 'faces';
  frame: FrameInput;
}

/** The body of a 'faces' job. */
export async function facesOnFrame(rt: Runtime, frame: FrameInput): Promise<Pick<HumanFace, 'box' | 'score'>[]> {
  const d = await detect(rt, frame, { faces: true, hands: false });
  return d.faces.map((f) => ({ box: f.box, score: f.score }));
}

export interface DetectorShare {
  /** a dense window; returns a thunk to await its result (started at once on the worker) */
  dense(job: DenseJob): () => Promise<DenseResult>;
  /** faces on a baseline frame; `here`: it was detected in this thread (already done when awaited) */
  faces(frame: FrameInput): { here: boolean; result: Promise<Pick<HumanFace, 'box' | 'score'>[]> };
}

/** Jobs the worker may hold at once before baseline frames stay here (one running, one waiting). */
const WORKER_ROOM = 2;

export function detectorShare(rt: Runtime, onDenseFrame: () => void): DetectorShare {
  if (!visionWorkersWanted()) {
    return {
      dense: (job) => () => denseWindow(rt, job, onDenseFrame),
      faces: (frame) => ({ here: true, result: facesOnFrame(rt, frame) }),
    };
  }
  const pool = visionPool('detector');
  let inWorker = 0;
  // Dense windows in plan order. The worker takes them from the back while it has room; the session's
  // thread, awaiting them in order once its baseline is done, runs any still waiting at the front.
  const windows: { job: DenseJob; where: 'queued' | 'worker' | 'here'; result?: Promise<DenseResult> }[] = [];
  const send = <T>(job: DenseJob | FacesJob, file?: string): Promise<T> => {
    inWorker++;
    const p = (pool.run(job) as Promise<T>).then(
      (r) => {
        inWorker--;
        pump();
        return r;
      },
      (err: unknown) => {
        inWorker--;
        pump();
        // ffmpeg could not decode the window, or the detector failed: the vision stage reports it
        throw new UserError(`face/hand detection failed: ${errorMessage(err)}`, file);
      },
    );
    p.catch(() => undefined); // awaited later, in order; not unhandled meanwhile
    return p;
  };
  function pump(): void {
    for (let i = windows.length - 1; i >= 0 && inWorker < WORKER_ROOM; i--) {
      const w = windows[i]!;
      if (w.where !== 'queued') continue;
      w.where = 'worker';
      w.result = send<DenseResult>(w.job, w.job.file).then((r) => {
        for (let k = 0; k < r.samples.length; k++) onDenseFrame();
        return r;
      });
      w.result.catch(() => undefined);
    }
  }
  return {
    dense: (job) => {
      const w: (typeof windows)[number] = { job, where: 'queued' };
      windows.push(w);
      pump();
      return () => {
        if (w.where === 'queued') {
          w.where = 'here';
          w.result = denseWindow(rt, job, onDenseFrame);
        }
        return w.result!;
      };
    },
    // a baseline frame goes to the worker only when no dense window is waiting for it
    faces: (frame) =>
      inWorker < WORKER_ROOM && !windows.some((w) => w.where === 'queued')
        ? { here: false, result: send({ kind: 'faces', frame }) }
        : { here: true, result: facesOnFrame(rt, frame) },
  };
}
