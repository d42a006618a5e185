// The one place that starts ffmpeg/ffprobe processes. fluent-ffmpeg (archived upstream) stays behind
// these few functions so it can be swapped out without touching callers. Everything is argv arrays,
// never a shell string, so paths with quotes, `;`, `$(...)` or Chinese characters are just bytes.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import ffmpeg from 'fluent-ffmpeg';
import { UserError } from '../util/errors.js';
import { refuseSymlink } from '../util/symlinks.js';

const FFPROBE = process.env.FFPROBE_PATH ?? 'ffprobe';

/**
 * ffmpeg input/output argument for a local path: absolute (so a name starting with `-` is not an
 * option) and with the `file:` protocol (so `a:b.mp4` or `concat:...` is not read as a protocol).
 */
export function fileArg(path: string): string {
  return `file:${resolve(path)}`;
}

/**
 * The demuxers a recording may be opened with. Only containers that hold their own media are listed:
 * playlist and reference formats (hls, concat/ffconcat, dash, image2 patterns, sdp/rtp, tee …) make
 * ffmpeg open *other* files or URLs named inside them, so an "mp4" that is really an HLS playlist could
 * pull another session's recording into this one. ffmpeg itself enforces the list (-format_whitelist),
 * whatever the file's name, so a file swapped after probing is refused too. Names as ffmpeg spells them:
 * mov covers mp4/m4a/3gp, matroska covers webm, aac is ADTS, amrnb/amrwb are raw AMR, asf is wmv,
 * mpeg is MPEG-PS (.mpg). mov's external data references (dref) stay off, ffmpeg's default.
 */
export const RECORDING_DEMUXERS = [
  'mov',
  'matroska',
  'wav',
  'w64',
  'mp3',
  'aac',
  'ogg',
  'flac',
  'flv',
  'mpegts',
  'amr',
  'amrnb',
  'amrwb',
  'gsm',
  'avi',
  'asf',
  'mpeg',
] as const;

/**
 * Still images for decodeImage (test fixtures, document pictures): image2 forced, with `-pattern_type none`
 * so a name with %d or * is read as that one file, never as a numbered sequence of other files. (The
 * *_pipe demuxers alone do not open a .jpg file given by name.)
 */
const IMAGE_INPUT = ['-f', 'image2', '-pattern_type', 'none'] as const;

/**
 * Input options for a file we did not write: only the `file` protocol (no network, no other protocol
 * reached through a reference) and only the allowed demuxers. Go before that input's -i.
 */
export function inputGuard(kind: 'recording' | 'image' = 'recording'): string[] {
  if (kind === 'image') return ['-protocol_whitelist', 'file', ...IMAGE_INPUT];
  return ['-protocol_whitelist', 'file', '-format_whitelist', RECORDING_DEMUXERS.join(',')];
}

/** True when ffprobe's format_name ("mov,mp4,m4a,3gp,3g2,mj2") is one of the allowed demuxers. */
export function allowedDemuxer(formatName: string | undefined): boolean {
  const names = (formatName ?? '').split(',');
  return names.some((n) => (RECORDING_DEMUXERS as readonly string[]).includes(n));
}

export interface FfmpegInput {
  source: string;
  /** options placed before this input's -i */
  options?: string[];
  /** an input dualrec made itself (a lavfi graph, its own concat list): not held to inputGuard() */
  trusted?: boolean;
}

export interface FfmpegJob {
  inputs: FfmpegInput[];
  complexFilter?: string;
  outputOptions: string[];
  /** an output path argument, or a sink that receives ffmpeg's stdout */
  output: string | Writable;
  onStderrLine?: (line: string) => void;
  timeoutS?: number;
}

/** Thrown (never shown to users as-is) when ffmpeg exits non-zero; callers map it to a UserError. */
export class FfmpegFailed extends Error {
  constructor(
    message: string,
    readonly stderrTail: string[],
  ) {
    super(message);
    this.name = 'FfmpegFailed';
  }
}

// Common flags: no interactive stdin, no banner, no progress lines, log lines tagged with their level
// so decode errors can be told from informational detector output.
const QUIET = ['-nostdin', '-hide_banner', '-nostats', '-loglevel', 'level+info'];

export function runFfmpeg(job: FfmpegJob): Promise<void> {
  return new Promise<void>((resolvePromise, reject) => {
    const cmd = ffmpeg({ stdoutLines: 200, timeout: job.timeoutS });
    job.inputs.forEach((input, i) => {
      cmd.input(input.source);
      // Spread, never one array: fluent-ffmpeg splits a lone option string on its space.
      const own = [...(input.trusted ? [] : inputGuard()), ...(input.options ?? [])];
      const opts = i === 0 ? [...QUIET, ...own] : own;
      if (opts.length) cmd.inputOptions(...(opts as [string, ...string[]]));
    });
    if (job.complexFilter) cmd.complexFilter(job.complexFilter);
    if (job.outputOptions.length) cmd.outputOptions(...(job.outputOptions as [string, ...string[]]));

    const tail: string[] = [];
    cmd.on('stderr', (line: string) => {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      job.onStderrLine?.(line);
    });

    // With a stream sink, wait for both the process to end and the sink to finish, in either order.
    let pending = typeof job.output === 'string' ? 1 : 2;
    let failed = false;
    const done = () => {
      if (--pending === 0 && !failed) resolvePromise();
    };
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      reject(new FfmpegFailed(err.message.split('\n')[0] ?? 'ffmpeg failed', tail.slice()));
    };
    cmd.on('error', (err: Error) => fail(err));
    cmd.on('end', done);
    if (typeof job.output === 'string') {
      cmd.output(job.output);
    } else {
      job.output.on('finish', done);
      job.output.on('error', (err) => fail(err));
      cmd.output(job.output, { end: true });
    }
    cmd.run();
  });
}

/** A sink collecting ffmpeg's stdout. emitClose is off: fluent-ffmpeg kills ffmpeg 20 ms after the sink closes. */
export function collector(): { sink: Writable; data: () => Buffer } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    emitClose: false,
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  return { sink, data: () => Buffer.concat(chunks) };
}

/** The error lines ffmpeg tagged `[error]`/`[fatal]`, stripped of the `[demuxer @ 0x...]` prefix. */
export function errorLines(lines: string[]): string[] {
  return lines
    .filter((l) => /\[(error|fatal|panic)\]/.test(l))
    .map((l) => l.replace(/^(\[[^\]]*@ 0x[0-9a-f]+\] )?\[(error|fatal|panic)\] /, '').trim());
}

/** Turns an ffmpeg failure on `file` into a one-line UserError. */
export function mediaFailure(file: string, err: unknown, what: string, stream: 'audio' | 'video' = 'audio'): unknown {
  if (!(err instanceof FfmpegFailed)) return err;
  const text = [err.message, ...err.stderrTail].join('\n');
  if (/matches no streams/i.test(text)) return new UserError(`${file}: has no ${stream} stream`, file);
  const first = errorLines(err.stderrTail).find((l) => !/^Conversion failed|^Error opening output/i.test(l));
  return new UserError(`${file}: ffmpeg could not ${what} (${first ?? err.message})`, file);
}

export interface FfprobeFormat {
  format_name?: string;
  duration?: number | string;
  start_time?: number | string;
  size?: number | string;
  bit_rate?: number | string;
  [key: string]: unknown;
}

export interface FfprobeStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  channels?: number | string;
  channel_layout?: string;
  sample_rate?: number | string;
  width?: number | string;
  height?: number | string;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: number | string;
  start_time?: number | string;
  [key: string]: unknown;
}

export interface FfprobeData {
  format: FfprobeFormat;
  streams: FfprobeStream[];
}

/** ffprobe -show_format -show_streams through fluent-ffmpeg; a failure becomes FfmpegFailed with ffprobe's stderr. */
export function ffprobeData(file: string): Promise<FfprobeData> {
  return new Promise((resolvePromise, reject) => {
    ffmpeg.ffprobe(fileArg(file), ['-hide_banner', ...inputGuard()], (err: Error | null, data: FfprobeData) => {
      if (err) {
        const [first, ...rest] = err.message.split('\n');
        reject(
          new FfmpegFailed(
            first ?? 'ffprobe failed',
            rest.filter((l) => l.trim()),
          ),
        );
      } else resolvePromise(data);
    });
  });
}

/**
 * Runs ffprobe with the given arguments and hands each stdout line to `onLine` as it arrives
 * (used for packet listings, which can be hundreds of thousands of lines). Resolves with stderr lines.
 */
export function ffprobeLines(args: string[], onLine: (line: string) => void): Promise<string[]> {
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(FFPROBE, ['-hide_banner', ...inputGuard(), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const stderr: string[] = [];
    createInterface({ input: proc.stderr }).on('line', (l) => {
      if (stderr.length < 200) stderr.push(l);
    });
    const lines = createInterface({ input: proc.stdout });
    lines.on('line', onLine);
    let exitCode: number | null = null;
    let stdoutDone = false;
    const finish = () => {
      if (exitCode === null || !stdoutDone) return;
      if (exitCode !== 0) reject(new FfmpegFailed(`ffprobe exited with code ${exitCode}`, stderr));
      else resolvePromise(stderr);
    };
    lines.on('close', () => {
      stdoutDone = true;
      finish();
    });
    proc.on('error', (err) => reject(err));
    proc.on('close', (code, signal) => {
      exitCode = code ?? (signal ? 128 : 1);
      finish();
    });
  });
}

/** Checks a path before handing it to ffmpeg, so the common mistakes get a plain one-line message. */
export function assertReadableFile(file: string): { sizeBytes: number } {
  refuseSymlink(file, 'the file');
  let st;
  try {
    st = statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UserError(`${file}: no such file`, file);
    if (code === 'EACCES') throw new UserError(`${file}: cannot read (permission denied)`, file);
    throw new UserError(`${file}: cannot read (${code ?? 'unknown error'})`, file);
  }
  if (st.isDirectory()) throw new UserError(`${file}: is a directory, not a recording`, file);
  if (!st.isFile()) throw new UserError(`${file}: not a regular file`, file);
  if (st.size === 0) throw new UserError(`${file}: empty file (0 bytes)`, file);
  try {
    closeSync(openSync(file, 'r'));
  } catch {
    throw new UserError(`${file}: cannot read (permission denied)`, file);
  }
  return { sizeBytes: st.size };
}

/**
 * What a file is when it is a playlist or reference list rather than media, from its first bytes
 * ("an HLS playlist"); undefined otherwise. Only for the message: ffmpeg's whitelist does the refusing.
 */
export function referenceFormat(file: string): string | undefined {
  const buf = Buffer.alloc(1024);
  let n = 0;
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    n = readSync(fd, buf, 0, buf.length, 0);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const head = buf
    .toString('utf8', 0, n)
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (/^#EXTM3U/i.test(head)) return 'an HLS playlist';
  if (/^ffconcat\s+version/i.test(head)) return 'an ffconcat list';
  if (/^(#[^\n]*\n\s*)*file\s+\S/i.test(head)) return 'a concat list';
  if (/^\[playlist\]/i.test(head)) return 'a PLS playlist';
  if (/^<\?xml[^>]*>\s*<MPD\b/i.test(head) || /^<MPD\b/.test(head)) return 'a DASH manifest';
  if (/^<\?xml[^>]*>\s*<smil\b/i.test(head) || /^<smil\b/i.test(head)) return 'a SMIL playlist';
  if (/^<asx\b/i.test(head) || /^\[Reference\]/i.test(head)) return 'an ASX reference list';
  if (/^v=0\r?\n/.test(head)) return 'an SDP session description';
  return undefined;
}

/** A demuxer ffmpeg detected but the whitelist refused, as words. */
export function describeDemuxer(name: string): string {
  const known: Record<string, string> = {
    hls: 'an HLS playlist',
    applehttp: 'an HLS playlist',
    concat: 'a concat list',
    dash: 'a DASH manifest',
    image2: 'an image sequence pattern',
    sdp: 'an SDP session description',
    rtsp: 'an RTSP stream',
    tee: 'a tee list',
    mpjpeg: 'a multipart JPEG stream',
    ffmetadata: 'an ffmetadata file',
    srt: 'a subtitle file',
    webvtt: 'a subtitle file',
    ass: 'a subtitle file',
    lrc: 'a lyrics file',
  };
  return known[name] ?? `a "${name}" file`;
}

/** True when the file starts like an ISO-BMFF (mp4/mov/3gp) file: a box header such as `ftyp` at byte 4. */
export function looksLikeIsoBmff(file: string): boolean {
  const buf = Buffer.alloc(12);
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const n = readSync(fd, buf, 0, 12, 0);
    if (n < 8) return false;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const box = buf.toString('latin1', 4, 8);
  return ['ftyp', 'moov', 'mdat', 'free', 'wide', 'skip', 'pnot'].includes(box);
}
