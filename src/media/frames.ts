// Raw frames for the vision stage: ffmpeg decodes, scales and converts to rgb24 and writes the frames
// back to back on its stdout; we cut them at width*height*3 bytes. No temp file per frame, and the
// pipe's back-pressure keeps ffmpeg from running ahead of a slow detector.
import { spawn } from 'node:child_process';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import { UserError } from '../util/errors.js';
import { assertReadableFile, FfmpegFailed, fileArg, inputGuard, mediaFailure } from './run.js';

const FFMPEG = process.env.FFMPEG_PATH ?? 'ffmpeg';

export interface RawFrame {
  /** seconds on the recording's timeline (window start + index / fps) */
  time: number;
  width: number;
  height: number;
  /** width*height*3 bytes, rows top to bottom, R G B */
  rgb: Uint8Array;
}

export interface FrameStreamOptions {
  /** frames per second to sample (the fps filter picks the decoded frame nearest each tick); 0: every decoded frame */
  fps: number;
  /** window start in seconds; default 0 */
  start?: number;
  /** window length in seconds; default: to the end */
  duration?: number;
  /** output size; the picture is scaled to exactly this (callers pick the aspect ratio) */
  width: number;
  height: number;
  /** skip the decoder's deblocking filter (faster; block edges don't matter to detectors). Default true. */
  fastDecode?: boolean;
  timeoutS?: number;
  /** the file is a still image (JPEG, PNG …), not a recording: image demuxers are allowed instead */
  image?: boolean;
  /** an ffmpeg select expression instead of the fps filter: only the frames it passes come out */
  select?: string;
}

/** ffmpeg argv for one window; exported for tests. */
export function frameStreamArgs(file: string, o: FrameStreamOptions): string[] {
  if (!(o.fps >= 0) || !(o.width > 0) || !(o.height > 0))
    throw new Error(`streamFrames: bad fps/size ${o.fps} ${o.width}x${o.height}`);
  const start = Math.max(0, o.start ?? 0);
  const w = Math.round(o.width);
  const h = Math.round(o.height);
  return [
    '-nostdin',
    '-hide_banner',
    '-nostats',
    '-loglevel',
    'error',
    ...((o.fastDecode ?? true) ? ['-skip_loop_filter', 'all'] : []),
    ...(start > 0 ? ['-ss', start.toFixed(3)] : []),
    ...(o.duration !== undefined ? ['-t', Math.max(0, o.duration).toFixed(3)] : []),
    ...inputGuard(o.image ? 'image' : 'recording'),
    '-i',
    fileArg(file),
    '-map',
    '0:v:0',
    '-an',
    '-sn',
    '-dn',
    // fps (or select) before scale: only the kept frames get scaled
    // fps 0: every frame as it is (a still image has no duration for the fps filter to sample)
    '-vf',
    `${o.select ? `select='${o.select}',` : o.fps > 0 ? `fps=${o.fps},` : ''}scale=${w}:${h}:flags=area,format=rgb24`,
    // selected frames as they are: no duplicates to fill the gaps between them
    ...(o.select ? ['-fps_mode', 'passthrough'] : []),
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    'pipe:1',
  ];
}

/**
 * Streams frames of one time window as raw RGB. Break out of the loop to stop early: ffmpeg is killed.
 * Throws a UserError naming the file when ffmpeg fails (no video stream, unreadable file).
 */
export async function* streamFrames(file: string, opts: FrameStreamOptions): AsyncGenerator<RawFrame> {
  assertReadableFile(file);
  const args = frameStreamArgs(file, opts);
  const w = Math.round(opts.width);
  const h = Math.round(opts.height);
  const frameBytes = w * h * 3;
  const start = Math.max(0, opts.start ?? 0);
  const proc = spawn(FFMPEG, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d: string) => {
    for (const l of d.split('\n')) if (l.trim() && stderr.length < 40) stderr.push(l.trim());
  });
  const exited = new Promise<number>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  const timer = opts.timeoutS ? setTimeout(() => proc.kill('SIGKILL'), opts.timeoutS * 1000) : undefined;

  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let index = 0;
  let finished = false;
  try {
    for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      while (pendingBytes >= frameBytes) {
        const all = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
        // copy: the consumer may keep the frame after the next chunk arrives
        const rgb = new Uint8Array(all.subarray(0, frameBytes));
        const rest = all.subarray(frameBytes);
        pending = rest.length ? [rest] : [];
        pendingBytes = rest.length;
        yield { time: opts.fps > 0 ? start + index / opts.fps : start, width: w, height: h, rgb };
        index++;
      }
    }
    const code = await exited;
    finished = true;
    if (code !== 0) {
      throw mediaFailure(
        file,
        new FfmpegFailed(
          `ffmpeg exited with code ${code}`,
          stderr.map((l) => `[error] ${l}`),
        ),
        'decode video frames',
        'video',
      );
    }
  } finally {
    if (timer) clearTimeout(timer);
    if (!finished && proc.exitCode === null) proc.kill('SIGKILL');
  }
}

/**
 * Frames at several times: for each, the first frame at or after it (as grabFrame), stamped with that
 * time; undefined where the recording has none. Times at most `maxGapS` apart share one ffmpeg run (one
 * seek, a select filter picks the frames), which costs far less than a process per frame. Where a run
 * does not give one frame per time (two times on one frame, the end of the recording) its times are
 * grabbed one by one.
 */
export async function grabFrames(
  file: string,
  times: number[],
  size: { width: number; height: number },
  maxGapS = 5,
): Promise<(RawFrame | undefined)[]> {
  const out: (RawFrame | undefined)[] = new Array(times.length).fill(undefined);
  const order = times.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t);
  const runs: { t: number; i: number }[][] = [];
  for (const x of order) {
    const run = runs[runs.length - 1];
    if (run && x.t - run[run.length - 1]!.t <= maxGapS) run.push(x);
    else runs.push([x]);
  }
  for (const run of runs) {
    const first = run[0]!.t;
    let frames: RawFrame[] = [];
    if (run.length > 1) {
      // t restarts at 0 at the seek point; prev_t is the frame before (NaN for the first)
      const select = run
        .map(({ t }) => {
          const r = Math.max(0, t - first).toFixed(6);
          return `gte(t,${r})*(isnan(prev_t)+lt(prev_t,${r}))`;
        })
        .join('+');
      const span = run[run.length - 1]!.t - first + 1;
      for await (const f of streamFrames(file, { fps: 0, start: first, duration: span, select, ...size }))
        frames.push(f);
    }
    if (frames.length !== run.length) frames = [];
    for (let k = 0; k < run.length; k++) {
      const { t, i } = run[k]!;
      out[i] = frames.length ? { ...frames[k]!, time: t } : await grabFrame(file, t, size);
    }
  }
  return out;
}

/** The first frame at or after `t` seconds (a short input-seeked run), stamped with `t`. */
export async function grabFrame(
  file: string,
  t: number,
  size: { width: number; height: number },
): Promise<RawFrame | undefined> {
  for await (const f of streamFrames(file, { fps: 0, start: t, duration: 1, ...size })) return { ...f, time: t };
  return undefined;
}

/** Decodes a still image (JPEG, PNG) to RGB at the given size. */
export async function decodeImage(file: string, size: { width: number; height: number }): Promise<RawFrame> {
  for await (const f of streamFrames(file, {
    fps: 0,
    width: size.width,
    height: size.height,
    fastDecode: false,
    image: true,
  }))
    return f;
  throw new UserError(`${file}: no picture in it`, file);
}

export interface Window {
  start: number;
  end: number;
  fps: number;
}

/** Streams several windows one after another (each its own short ffmpeg run with an input seek). */
export async function* streamWindows(
  file: string,
  windows: Window[],
  size: { width: number; height: number },
): AsyncGenerator<RawFrame> {
  for (const win of windows) {
    if (win.end <= win.start) continue;
    yield* streamFrames(file, {
      fps: win.fps,
      start: win.start,
      duration: win.end - win.start,
      width: size.width,
      height: size.height,
    });
  }
}

/** Encodes an RGB frame (e.g. with boxes drawn on it) as JPEG through ffmpeg's stdin. */
export function rgbToJpeg(frame: Pick<RawFrame, 'rgb' | 'width' | 'height'>, quality = 4): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      FFMPEG,
      [
        '-nostdin',
        '-hide_banner',
        '-loglevel',
        'error',
        '-f',
        'rawvideo',
        '-pix_fmt',
        'rgb24',
        '-s',
        `${frame.width}x${frame.height}`,
        '-i',
        'pipe:0',
        '-frames:v',
        '1',
        '-c:v',
        'mjpeg',
        '-q:v',
        String(quality),
        '-f',
        'image2pipe',
        'pipe:1',
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const out: Buffer[] = [];
    const err: string[] = [];
    proc.stdout.on('data', (d: Buffer) => out.push(d));
    proc.stderr.on('data', (d: Buffer) => err.push(d.toString()));
    proc.on('error', reject);
    proc.on('close', (code) => {
      const jpg = Buffer.concat(out);
      if (code === 0 && jpg.length > 0) resolve(jpg);
      else
        reject(
          new UserError(
            `ffmpeg could not encode a ${frame.width}x${frame.height} JPEG (${err.join('').trim().split('\n')[0] ?? code})`,
          ),
        );
    });
    proc.stdin.on('error', () => undefined); // ffmpeg may close stdin early on error; 'close' reports it
    proc.stdin.end(Buffer.from(frame.rgb.buffer, frame.rgb.byteOffset, frame.rgb.byteLength));
  });
}

/** Writes an RGB frame as a JPEG file, atomically. */
export async function writeFrameJpeg(
  frame: Pick<RawFrame, 'rgb' | 'width' | 'height'>,
  outJpg: string,
  quality = 4,
): Promise<void> {
  writeFileAtomic(outJpg, await rgbToJpeg(frame, quality));
}

let jpegBatch = 0;

/**
 * Writes several RGB frames as JPEG files with one ffmpeg run per frame size (not two processes per
 * frame): encoded into a temporary folder beside the first target, then each renamed into place.
 */
export async function writeFrameJpegs(
  items: { frame: Pick<RawFrame, 'rgb' | 'width' | 'height'>; path: string }[],
  quality = 4,
): Promise<void> {
  const groups = new Map<string, typeof items>();
  for (const it of items) {
    const key = `${it.frame.width}x${it.frame.height}`;
    groups.set(key, [...(groups.get(key) ?? []), it]);
  }
  for (const [size, group] of groups) {
    const tmp = join(dirname(resolve(group[0]!.path)), `.jpegs-${process.pid}-${++jpegBatch}.tmp`);
    mkdirSync(tmp, { recursive: true });
    try {
      await new Promise<void>((done, fail) => {
        const proc = spawn(
          FFMPEG,
          [
            ...['-nostdin', '-hide_banner', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24'],
            ...['-s', size, '-i', 'pipe:0', '-c:v', 'mjpeg', '-q:v', String(quality)],
            ...['-f', 'image2', '-start_number', '0', join(tmp, '%06d.jpg')],
          ],
          { stdio: ['pipe', 'ignore', 'pipe'] },
        );
        const err: string[] = [];
        proc.stderr.on('data', (d: Buffer) => err.push(d.toString()));
        proc.on('error', fail);
        proc.on('close', (code) =>
          code === 0
            ? done()
            : fail(
                new UserError(
                  `ffmpeg could not encode ${group.length} ${size} JPEG(s) (${err.join('').trim().split('\n')[0] ?? code})`,
                ),
              ),
        );
        proc.stdin.on('error', () => undefined); // ffmpeg may close stdin early on error; 'close' reports it
        for (const { frame } of group)
          proc.stdin.write(Buffer.from(frame.rgb.buffer, frame.rgb.byteOffset, frame.rgb.byteLength));
        proc.stdin.end();
      });
      group.forEach((it, k) => {
        mkdirSync(dirname(resolve(it.path)), { recursive: true });
        renameSync(join(tmp, `${String(k).padStart(6, '0')}.jpg`), it.path);
      });
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
}

export interface RawVideoSpec {
  width: number;
  height: number;
  fps: number;
  /** add a silent mono audio track (recordings without audio fail integrity checks); default true */
  silentAudio?: boolean;
}

/**
 * Encodes raw RGB frames (width*height*3 bytes each) to an H.264 mp4, written atomically. For generated
 * test and benchmark recordings whose picture is composed in code.
 */
export async function encodeRawVideo(
  out: string,
  spec: RawVideoSpec,
  frames: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
): Promise<void> {
  mkdirSync(dirname(resolve(out)), { recursive: true });
  const tmp = join(dirname(resolve(out)), `.${basename(out)}.${process.pid}.tmp.mp4`);
  const audio = spec.silentAudio ?? true;
  const args = [
    '-nostdin',
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-s',
    `${spec.width}x${spec.height}`,
    '-r',
    String(spec.fps),
    '-i',
    'pipe:0',
    ...(audio ? ['-f', 'lavfi', '-i', 'anullsrc=r=16000:cl=mono'] : []),
    '-map',
    '0:v',
    ...(audio ? ['-map', '1:a', '-c:a', 'aac', '-b:a', '32k', '-shortest'] : []),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-g',
    String(spec.fps),
    '-movflags',
    '+faststart',
    '-map_metadata',
    '-1',
    '-f',
    'mp4',
    fileArg(tmp),
  ];
  const proc = spawn(FFMPEG, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  const err: string[] = [];
  proc.stderr.on('data', (d: Buffer) => err.push(d.toString()));
  const exited = new Promise<number>((res, rej) => {
    proc.on('error', rej);
    proc.on('close', (code) => res(code ?? 1));
  });
  proc.stdin.on('error', () => undefined);
  const frameBytes = spec.width * spec.height * 3;
  try {
    for await (const f of frames as AsyncIterable<Uint8Array>) {
      if (f.length !== frameBytes)
        throw new Error(`encodeRawVideo: frame of ${f.length} bytes, expected ${frameBytes}`);
      if (!proc.stdin.write(f)) await new Promise<void>((r) => proc.stdin.once('drain', () => r()));
    }
    proc.stdin.end();
    const code = await exited;
    if (code !== 0)
      throw new UserError(
        `${out}: ffmpeg could not encode the video (${err.join('').trim().split('\n')[0] ?? code})`,
        out,
      );
    renameSync(tmp, out);
  } finally {
    if (proc.exitCode === null) proc.kill('SIGKILL');
    rmSync(tmp, { force: true });
  }
}

export type CardItem =
  | { text: string; x: number; y: number; size: number; color?: string }
  | { box: { x: number; y: number; w: number; h: number }; color?: string };

export interface TextCardSpec {
  width: number;
  height: number;
  /** ffmpeg colour, e.g. "white" or "#dceefa" */
  background: string;
  /** a TrueType/OpenType font file with the glyphs (e.g. WenQuanYi Micro Hei for Chinese) */
  fontFile: string;
  /** text (x, y: top-left of the text box) and filled boxes (lines, rules) */
  items: CardItem[];
}

/** Escapes a value for a filter option (\\ ' :) and then for the filtergraph (\\ ' [ ] , ;). */
function filterValue(v: string): string {
  const opt = v.replace(/[\\':]/g, (c) => `\\${c}`);
  return opt.replace(/[\\'[\],;]/g, (c) => `\\${c}`);
}

/**
 * Renders a card with text and boxes (a document, a form, an ID card for generated test recordings)
 * with ffmpeg's drawtext, as one RGB frame.
 */
export function renderTextCard(spec: TextCardSpec): Promise<RawFrame> {
  const filters = spec.items.map((it) =>
    'text' in it
      ? `drawtext=fontfile=${filterValue(spec.fontFile)}:text=${filterValue(it.text)}:expansion=none:x=${Math.round(it.x)}:y=${Math.round(it.y)}:fontsize=${Math.round(it.size)}:fontcolor=${it.color ?? 'black'}`
      : `drawbox=x=${Math.round(it.box.x)}:y=${Math.round(it.box.y)}:w=${Math.round(it.box.w)}:h=${Math.round(it.box.h)}:color=${it.color ?? 'black'}:t=fill`,
  );
  const args = [
    '-nostdin',
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    `color=c=${spec.background}:s=${spec.width}x${spec.height}:d=1`,
    '-vf',
    [...filters, 'format=rgb24'].join(','),
    '-frames:v',
    '1',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    'pipe:1',
  ];
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(FFMPEG, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: string[] = [];
    proc.stdout.on('data', (d: Buffer) => out.push(d));
    proc.stderr.on('data', (d: Buffer) => err.push(d.toString()));
    proc.on('error', reject);
    proc.on('close', (code) => {
      const rgb = Buffer.concat(out);
      if (code === 0 && rgb.length === spec.width * spec.height * 3)
        resolvePromise({ time: 0, width: spec.width, height: spec.height, rgb: new Uint8Array(rgb) });
      else reject(new UserError(`ffmpeg could not render a text card (${err.join('').trim().split('\n')[0] ?? code})`));
    });
  });
}
