// Synthetic recordings with KNOWN content (black, frozen, silent stretches, cuts, timestamp gaps), for
// tests, benchmarks and samples. Lives in media/ because only media/ runs ffmpeg.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { probeMedia } from './probe.js';
import { fileArg, runFfmpeg } from './run.js';

/** moving: test pattern in motion; moving-alt: a different moving pattern (a cut from `moving`);
 *  still: a fixed non-black picture (frozen); black: black frames */
export type SynthVideo = 'moving' | 'moving-alt' | 'still' | 'black';
/** tone: 440 Hz at -18 dBFS; tone-alt: 880 Hz; noise: quiet pink noise (-26 dBFS); silence: digital zero */
export type SynthAudio = 'tone' | 'tone-alt' | 'noise' | 'silence';

export interface SynthSegment {
  durationS: number;
  video?: SynthVideo;
  audio?: SynthAudio;
  /** the right channel when `audio: 'stereo'`; default: same as the left */
  right?: SynthAudio;
}

export interface SynthSpec {
  segments: SynthSegment[];
  width?: number;
  height?: number;
  fps?: number;
  /** default true */
  video?: boolean;
  /** default 'mono' */
  audio?: 'mono' | 'stereo' | 'none';
  /** default 48000 (what phones and recording terminals write) */
  sampleRate?: number;
  /** mp4 only: put the index (moov) first; default true */
  faststart?: boolean;
}

function videoSource(kind: SynthVideo, d: number, size: string, fps: number): string {
  const common = `s=${size}:r=${fps}:d=${d}`;
  switch (kind) {
    case 'moving':
      return `testsrc2=${common}`;
    case 'moving-alt':
      return `testsrc=${common}`;
    case 'still':
      return `smptebars=${common}`;
    case 'black':
      return `color=c=black:${common}`;
  }
}

function audioSource(kind: SynthAudio, d: number, sr: number): string {
  switch (kind) {
    case 'tone':
      return `sine=f=440:r=${sr}:d=${d}`;
    case 'tone-alt':
      return `sine=f=880:r=${sr}:d=${d}`;
    case 'noise':
      return `anoisesrc=r=${sr}:a=0.05:c=pink:seed=7:d=${d}`;
    case 'silence':
      return `anullsrc=r=${sr}:cl=mono,atrim=duration=${d}`;
  }
}

/** The lavfi graph for a spec: video on [out0] (if any), audio on the next out label. */
export function synthGraph(spec: SynthSpec): string {
  const w = spec.width ?? 160;
  const h = spec.height ?? 120;
  const fps = spec.fps ?? 10;
  const sr = spec.sampleRate ?? 48000;
  const withVideo = spec.video ?? true;
  const audio = spec.audio ?? 'mono';
  const n = spec.segments.length;
  const parts: string[] = [];
  let out = 0;
  if (withVideo) {
    spec.segments.forEach((s, i) => {
      parts.push(`${videoSource(s.video ?? 'moving', s.durationS, `${w}x${h}`, fps)},format=yuv420p,setsar=1[v${i}]`);
    });
    parts.push(`${spec.segments.map((_, i) => `[v${i}]`).join('')}concat=n=${n}:v=1:a=0[out${out++}]`);
  }
  const chain = (side: 'l' | 'r') => {
    spec.segments.forEach((s, i) => {
      const kind = side === 'r' ? (s.right ?? s.audio ?? 'tone') : (s.audio ?? 'tone');
      parts.push(`${audioSource(kind, s.durationS, sr)},aformat=sample_fmts=fltp:channel_layouts=mono[${side}${i}]`);
    });
    return `${spec.segments.map((_, i) => `[${side}${i}]`).join('')}concat=n=${n}:v=0:a=1`;
  };
  if (audio === 'mono') {
    parts.push(`${chain('l')}[out${out++}]`);
  } else if (audio === 'stereo') {
    parts.push(`${chain('l')}[left]`, `${chain('r')}[right]`);
    parts.push(`[left][right]join=inputs=2:channel_layout=stereo:map=0.0-FL|1.0-FR[out${out++}]`);
  }
  return parts.join(';');
}

function encoderOptions(ext: string, spec: SynthSpec): string[] {
  const fps = spec.fps ?? 10;
  const v = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', String(fps)];
  switch (ext) {
    case '.wav':
      return ['-c:a', 'pcm_s16le', '-f', 'wav'];
    case '.m4a':
      return ['-c:a', 'aac', '-b:a', '64k', '-f', 'mp4'];
    case '.mkv':
      return [...v, '-c:a', 'aac', '-b:a', '64k', '-f', 'matroska'];
    case '.ts':
      return [...v, '-c:a', 'aac', '-b:a', '64k', '-f', 'mpegts'];
    default:
      return [
        ...v,
        '-c:a',
        'aac',
        '-b:a',
        '64k',
        ...((spec.faststart ?? true) ? ['-movflags', '+faststart'] : []),
        '-f',
        'mp4',
      ];
  }
}

function tempBeside(out: string): string {
  return join(dirname(out), `.synth.${process.pid}.${randomBytes(4).toString('hex')}${extname(out)}`);
}

/** Renders a clip; the container and codecs follow the extension (.mp4 .mkv .ts .m4a .wav). */
export async function synthesizeClip(out: string, spec: SynthSpec): Promise<void> {
  mkdirSync(dirname(resolve(out)), { recursive: true });
  const tmp = tempBeside(out);
  try {
    await runFfmpeg({
      inputs: [{ source: synthGraph(spec), options: ['-f', 'lavfi'], trusted: true }],
      outputOptions: [...encoderOptions(extname(out).toLowerCase(), spec), '-map_metadata', '-1'],
      output: fileArg(tmp),
    });
    renameSync(tmp, out);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Joins two recordings with a real hole of `gapS` seconds in the packet timestamps (as when a
 * recorder pauses and resumes into the same file), stream-copied with the concat demuxer.
 */
export async function concatWithGap(first: string, second: string, out: string, gapS: number): Promise<void> {
  const { duration } = await probeMedia(first);
  const quote = (p: string) => `'${resolve(p).replace(/'/g, `'\\''`)}'`;
  mkdirSync(dirname(resolve(out)), { recursive: true });
  const list = join(dirname(resolve(out)), `.concat.${process.pid}.${randomBytes(4).toString('hex')}.txt`);
  // `duration` longer than the file makes the demuxer start the next file later: the gap
  writeFileSync(
    list,
    `ffconcat version 1.0\nfile ${quote(first)}\nduration ${duration + gapS}\nfile ${quote(second)}\n`,
  );
  const tmp = tempBeside(out);
  try {
    await runFfmpeg({
      // our own list naming our own files: the one place the concat demuxer is used
      inputs: [{ source: fileArg(list), options: ['-f', 'concat', '-safe', '0'], trusted: true }],
      outputOptions: ['-map', '0', '-c', 'copy', '-f', extname(out).toLowerCase() === '.mkv' ? 'matroska' : 'mp4'],
      output: fileArg(tmp),
    });
    renameSync(tmp, out);
  } finally {
    rmSync(tmp, { force: true });
    rmSync(list, { force: true });
  }
}
