// Audio for the ASR and speaker stages: 16 kHz mono, either as a WAV file or as Float32 samples in memory.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { UserError } from '../util/errors.js';
import { probeMedia } from './probe.js';
import { assertReadableFile, collector, fileArg, mediaFailure, runFfmpeg } from './run.js';

/** Sample rate of every audio buffer and WAV this module produces (what whisper expects). */
export const SAMPLE_RATE = 16000;

/** Which audio to take: the downmix of all channels, or one side of a stereo recording
 * (recording terminals often put the agent's lapel mic on one side and the customer's on the other). */
export type AudioChannel = 'mix' | 'left' | 'right';

export interface DecodeOptions {
  channel?: AudioChannel;
  /** which audio stream, by position among the audio streams (ffmpeg's a:N; default 0) */
  track?: number;
  /** start offset in seconds (input seek: fast) */
  startS?: number;
  /** how many seconds to decode from startS */
  durationS?: number;
}

async function channelOptions(file: string, channel: AudioChannel, track = 0): Promise<string[]> {
  if (channel === 'mix') return ['-ac', '1'];
  const probe = await probeMedia(file);
  const a = probe.audio[track];
  if (!a) throw new UserError(`${file}: has no audio stream`, file);
  if (a.channels < 2) {
    throw new UserError(`${file}: the ${channel} channel was asked for but the audio is mono`, file);
  }
  // pan by position, not by name: terminals label two-mic recordings inconsistently (stereo, 2 channels, dual mono)
  return ['-af', `pan=mono|c0=${channel === 'left' ? 'c0' : 'c1'}`, '-ac', '1'];
}

function commonOutput(chanOpts: string[], durationS: number | undefined, track = 0): string[] {
  return [
    '-map',
    `0:a:${track}`,
    '-vn',
    '-sn',
    '-dn',
    ...chanOpts,
    '-ar',
    String(SAMPLE_RATE),
    ...(durationS !== undefined ? ['-t', String(durationS)] : []),
  ];
}

function inputOptions(startS: number | undefined): string[] {
  return startS !== undefined && startS > 0 ? ['-ss', String(startS)] : [];
}

/** Writes 16 kHz mono s16 PCM WAV (a canonical 44-byte header), atomically: temp file beside it, then rename. */
export async function extractAudioWav(
  file: string,
  outWav: string,
  opts: { channel?: AudioChannel; track?: number } = {},
): Promise<void> {
  assertReadableFile(file);
  const chanOpts = await channelOptions(file, opts.channel ?? 'mix', opts.track);
  mkdirSync(dirname(outWav), { recursive: true });
  const tmp = join(dirname(outWav), `.${basename(outWav)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await runFfmpeg({
      inputs: [{ source: fileArg(file) }],
      outputOptions: [
        ...commonOutput(chanOpts, undefined, opts.track),
        '-c:a',
        'pcm_s16le',
        // no LIST/INFO chunk, so readers that assume a 44-byte header work
        '-map_metadata',
        '-1',
        '-bitexact',
        '-f',
        'wav',
      ],
      output: fileArg(tmp),
    });
    renameSync(tmp, outWav);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw mediaFailure(file, err, 'extract the audio');
  }
}

/**
 * Decodes audio to 16 kHz mono Float32 samples in memory (ffmpeg pipes f32le to us; no temp file).
 * About 230 MB per hour of audio; use startS/durationS to take it in pieces.
 */
export async function decodeAudioFloat32(file: string, opts: DecodeOptions = {}): Promise<Float32Array> {
  assertReadableFile(file);
  const chanOpts = await channelOptions(file, opts.channel ?? 'mix', opts.track);
  const { sink, data } = collector();
  try {
    await runFfmpeg({
      inputs: [{ source: fileArg(file), options: inputOptions(opts.startS) }],
      outputOptions: [...commonOutput(chanOpts, opts.durationS, opts.track), '-c:a', 'pcm_f32le', '-f', 'f32le'],
      output: sink,
    });
  } catch (err) {
    throw mediaFailure(file, err, 'decode the audio');
  }
  const buf = data();
  // Copy into a fresh, aligned ArrayBuffer: a Buffer's byteOffset need not be a multiple of 4.
  const n = Math.floor(buf.byteLength / 4);
  const out = new Float32Array(n);
  new Uint8Array(out.buffer).set(buf.subarray(0, n * 4));
  return out;
}
