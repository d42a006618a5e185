// Encodes composed RGB frames plus a WAV into a small, reproducible MP4 for the bundled samples:
// H.264 (x264 single-threaded, fixed settings, its version SEI removed) and AAC mono, with ffmpeg's
// bitexact flags, so the same ffmpeg build gives the same bytes. Tooling, not product: frames go to
// ffmpeg's stdin (argv array, no shell), with back-pressure.
import { spawn } from 'node:child_process';

/** Settings that keep an encode byte-identical between runs of the same ffmpeg build. */
export const BITEXACT = [
  '-fflags',
  '+bitexact',
  '-flags:v',
  '+bitexact',
  '-flags:a',
  '+bitexact',
  '-map_metadata',
  '-1',
  '-map_chapters',
  '-1',
];
export const AUDIO_ENC = ['-c:a', 'aac', '-b:a', '32k', '-ac', '1'];

export interface FrameVideoSpec {
  width: number;
  height: number;
  fps: number;
  /** x264 constant rate factor (higher: smaller, blurrier) */
  crf: number;
  /** keyframe interval in frames */
  gop: number;
  /** an ffmpeg video filter chain applied before encoding (e.g. a burnt-in clock) */
  filter?: string;
}

export function x264Args(spec: Pick<FrameVideoSpec, 'crf' | 'gop'>): string[] {
  return [
    '-c:v',
    'libx264',
    '-preset',
    'medium',
    '-crf',
    String(spec.crf),
    '-g',
    String(spec.gop),
    '-pix_fmt',
    'yuv420p',
    '-threads',
    '1',
    '-x264-params',
    'threads=1',
    // x264 writes its version and options into an SEI message: drop SEI so the build does not show.
    '-bsf:v',
    'filter_units=remove_types=6',
  ];
}

export async function encodeFramesWithAudio(
  out: string,
  spec: FrameVideoSpec,
  frames: Iterable<Uint8Array>,
  wav: string,
): Promise<void> {
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
    '-i',
    wav,
    ...(spec.filter ? ['-filter_complex', `[0:v]${spec.filter}[v]`, '-map', '[v]'] : ['-map', '0:v']),
    '-map',
    '1:a',
    ...x264Args(spec),
    ...AUDIO_ENC,
    ...BITEXACT,
    out,
  ];
  const proc = spawn('ffmpeg', args, { stdio: ['pipe', 'ignore', 'pipe'] });
  const err: string[] = [];
  proc.stderr.on('data', (d: Buffer) => err.push(d.toString()));
  const exited = new Promise<number>((resolve, reject) => {
    proc.on('error', (e) => reject(new Error(`make-samples: ffmpeg could not run (${e.message}); is it installed?`)));
    proc.on('close', (code) => resolve(code ?? 1));
  });
  proc.stdin.on('error', () => undefined); // ffmpeg may close stdin early on error; its exit code reports it
  const bytes = spec.width * spec.height * 3;
  try {
    for (const f of frames) {
      if (f.length !== bytes) throw new Error(`make-samples: frame of ${f.length} bytes, expected ${bytes}`);
      if (!proc.stdin.write(f)) await new Promise<void>((r) => proc.stdin.once('drain', () => r()));
    }
    proc.stdin.end();
    const code = await exited;
    if (code !== 0)
      throw new Error(
        `make-samples: encoding ${out} failed (ffmpeg exit ${code}): ${err.join('').trim().split('\n').slice(-3).join(' | ')}`,
      );
  } finally {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  }
}
