// Dense windows: frames at the dense rate over one window (signing, scene cuts), faces on each, and
// hands with their pen grip in signing windows. Runs in the session's thread or in the detector worker
// (detector-share.ts), the same code either way.
import { streamFrames } from '../media/index.js';
import { isCovered, type EventOptions, type FaceSample } from './events.js';
import { boxToRect, lumaStats, toGray } from './pixels.js';
import { detect, type HumanFace, type Runtime } from './runtime.js';
import { penGrip, type DenseFrame } from './signature.js';

export interface DenseJob {
  kind: 'dense';
  file: string;
  window: { start: number; end: number };
  fps: number;
  size: { width: number; height: number };
  /** a signing window: hands too, and the frames kept for the signature check */
  withHands: boolean;
  minFaceScore: number;
  minFaceHeight: number;
  events: EventOptions;
}

export interface DenseResult {
  samples: FaceSample[];
  /** signing windows only */
  frames: DenseFrame[];
}

/** Faces that pass the score and size filter (`height`: the frame's). */
export function keepFaces<F extends Pick<HumanFace, 'box' | 'score'>>(
  faces: F[],
  height: number,
  minScore: number,
  minHeight: number,
): F[] {
  return faces.filter((f) => f.score >= minScore && f.box[3] >= minHeight * height);
}

/** A frame's face sample: the kept faces' boxes and scores, and its luma statistics. */
export function faceSample(
  time: number,
  faces: Pick<HumanFace, 'box' | 'score'>[],
  luma: { mean: number; std: number },
): FaceSample {
  return {
    time,
    boxes: faces.map((x) => boxToRect(x.box)),
    scores: faces.map((x) => x.score),
    meanLuma: luma.mean,
    stdLuma: luma.std,
  };
}

export async function denseWindow(rt: Runtime, job: DenseJob, onFrame?: () => void): Promise<DenseResult> {
  const samples: FaceSample[] = [];
  const frames: DenseFrame[] = [];
  for await (const f of streamFrames(job.file, {
    fps: job.fps,
    start: job.window.start,
    duration: job.window.end - job.window.start,
    ...job.size,
  })) {
    const gray = toGray(f.rgb, f.width, f.height);
    const st = lumaStats(gray);
    const covered = isCovered({ meanLuma: st.mean, stdLuma: st.std }, job.events);
    const d = covered ? { faces: [], hands: [] } : await detect(rt, f, { faces: true, hands: job.withHands });
    const faces = keepFaces(d.faces, f.height, job.minFaceScore, job.minFaceHeight);
    samples.push(faceSample(f.time, faces, st));
    if (job.withHands) {
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
    onFrame?.();
  }
  return { samples, frames };
}
