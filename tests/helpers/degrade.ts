// Degraded copies of a recording, made with the real ffmpeg: the faults a 双录 team meets (dark, blurred,
// tiny, stuttering picture; quiet, clipped, noisy sound). One stream is re-encoded, the other copied.
import { spawnSync } from 'node:child_process';

export type Degradation =
  'blur' | 'dark' | 'small' | 'fps2' | 'quiet' | 'clipped' | 'noisy' | 'dark-middle' | 'stutter';

const VIDEO: Partial<Record<Degradation, string>> = {
  blur: 'gblur=sigma=8',
  dark: 'eq=brightness=-0.5',
  small: 'scale=160:120',
  fps2: 'fps=2',
  // 4 s dark in the middle: the stretch the finding must name
  'dark-middle': "eq=brightness=-0.5:enable='between(t,4,8)'",
};
const AUDIO: Partial<Record<Degradation, string>> = {
  quiet: 'volume=0.02',
  clipped: 'volume=20',
};

export function degrade(src: string, out: string, kind: Degradation): void {
  let args: string[];
  if (kind === 'noisy') {
    args = [
      '-i',
      src,
      '-f',
      'lavfi',
      '-i',
      'anoisesrc=r=48000:a=0.3:c=white:seed=3',
      '-filter_complex',
      '[0:a][1:a]amix=inputs=2:duration=first:normalize=0[a]',
      '-map',
      '0:v',
      '-map',
      '[a]',
      '-c:v',
      'copy',
      '-c:a',
      'aac',
      '-b:a',
      '96k',
    ];
  } else if (kind === 'stutter') {
    // no frames from 4 s to 7 s (a connection stalling), timestamps kept: the picture jumps
    args = [
      '-i',
      src,
      '-vf',
      "select='not(between(t,4,6.99))'",
      '-fps_mode',
      'passthrough',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'copy',
    ];
  } else if (VIDEO[kind]) {
    args = [
      '-i',
      src,
      '-vf',
      VIDEO[kind]!,
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'copy',
    ];
  } else {
    args = ['-i', src, '-af', AUDIO[kind]!, '-c:v', 'copy', '-c:a', 'aac', '-b:a', '96k'];
  }
  const r = spawnSync('ffmpeg', ['-nostdin', '-v', 'error', '-y', ...args, out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg could not make the ${kind} copy: ${r.stderr}`);
}
