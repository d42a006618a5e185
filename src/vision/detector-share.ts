// The face and hand detectors of one session, shared between the session's thread and the detector
// worker (worker-pools.ts). Dense windows go to the worker as soon as they are known. Baseline frames
// are decoded here and each goes to the worker when it has room, else is detected here: both cores
// detect faces on the same frames as one thread would, in whatever split keeps them busy; results keep
// frame order. With DUALREC_VISION_THREADS=1 everything runs here.
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
  const send = <T>(job: DenseJob | FacesJob, file?: string): Promise<T> => {
    inWorker++;
    const p = (pool.run(job) as Promise<T>).then(
      (r) => {
        inWorker--;
        return r;
      },
      (err: unknown) => {
        inWorker--;
        // ffmpeg could not decode the window, or the detector failed: the vision stage reports it
        throw new UserError(`face/hand detection failed: ${errorMessage(err)}`, file);
      },
    );
    p.catch(() => undefined); // awaited later, in order; not unhandled meanwhile
    return p;
  };
  return {
    dense: (job) => {
      const p = send<DenseResult>(job, job.file).then((r) => {
        for (let i = 0; i < r.samples.length; i++) onDenseFrame();
        return r;
      });
      p.catch(() => undefined);
      return () => p;
    },
    faces: (frame) =>
      inWorker < WORKER_ROOM
        ? { here: false, result: send({ kind: 'faces', frame }) }
        : { here: true, result: facesOnFrame(rt, frame) },
  };
}
