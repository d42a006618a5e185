// Evidence thumbnails: one JPEG frame at a given time.
import { writeFileAtomic } from '../util/atomic.js';
import { UserError } from '../util/errors.js';
import { assertReadableFile, collector, fileArg, mediaFailure, runFfmpeg } from './run.js';

export interface FrameOptions {
  /** output width in pixels (height keeps the aspect ratio); default: the video's own size */
  width?: number;
  /** mjpeg quality 2 (best) .. 31; default 4 */
  quality?: number;
}

/** Decodes one frame into JPEG bytes. The JPEG comes through a pipe, so the output path is never an image2 pattern. */
export async function frameJpeg(file: string, timeS: number, opts: FrameOptions = {}): Promise<Buffer> {
  assertReadableFile(file);
  const { sink, data } = collector();
  const filters = opts.width ? [`scale=w=${Math.round(opts.width)}:h=-2`] : [];
  try {
    await runFfmpeg({
      // input seek jumps to the keyframe before timeS, then decodes forward to the exact frame
      inputs: [{ source: fileArg(file), options: ['-ss', String(Math.max(0, timeS))] }],
      outputOptions: [
        '-map',
        '0:v:0',
        ...(filters.length ? ['-vf', filters.join(',')] : []),
        '-frames:v',
        '1',
        '-c:v',
        'mjpeg',
        '-q:v',
        String(opts.quality ?? 4),
        '-f',
        'image2pipe',
      ],
      output: sink,
    });
  } catch (err) {
    throw mediaFailure(file, err, `take a frame at ${timeS} s`, 'video');
  }
  const jpg = data();
  if (jpg.length === 0) throw new UserError(`${file}: no frame at ${timeS} s (past the end of the video?)`, file);
  return jpg;
}

/** Writes the frame at `timeS` to `outJpg` atomically. */
export async function extractFrame(
  file: string,
  timeS: number,
  outJpg: string,
  opts: FrameOptions = {},
): Promise<void> {
  writeFileAtomic(outJpg, await frameJpeg(file, timeS, opts));
}
