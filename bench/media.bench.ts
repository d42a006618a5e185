// Media stage speed: probe + integrity + signals on a generated clip, as a multiple of real time.
//   npx tsx bench/media.bench.ts [--duration 60] [--width 1280] [--height 720] [--fps 25]
// Also times the signal pass at full resolution/frame rate with deblocking, to show what the defaults buy.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  checkIntegrity,
  decodeAudioFloat32,
  detectSignals,
  probeMedia,
  synthesizeClip,
  type SynthSegment,
} from '../src/media/index.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    width: { type: 'string', default: '1280' },
    height: { type: 'string', default: '720' },
    fps: { type: 'string', default: '25' },
  },
});
const duration = Number(values.duration);
const dir = mkdtempSync(join(tmpdir(), 'dualrec-bench-'));
const clip = join(dir, 'bench.mp4');

// a recording-like mix: mostly moving picture and tone, with a black, a frozen and a silent stretch every 20 s
const segments: SynthSegment[] = [];
for (let t = 0; t < duration; t += 20) {
  const left = Math.min(20, duration - t);
  segments.push({ durationS: Math.max(1, left - 6), video: 'moving', audio: 'tone' });
  if (left > 6)
    segments.push(
      { durationS: 2, video: 'black', audio: 'tone' },
      { durationS: 2, video: 'still', audio: 'noise' },
      { durationS: 2, video: 'moving-alt', audio: 'silence' },
    );
}

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, (performance.now() - t0) / 1000];
}

try {
  const [, synthS] = await time(() =>
    synthesizeClip(clip, {
      segments,
      width: Number(values.width),
      height: Number(values.height),
      fps: Number(values.fps),
    }),
  );
  const [probe, probeS] = await time(() => probeMedia(clip));
  const [issues, integrityS] = await time(() => checkIntegrity(clip, probe));
  const [signals, signalsS] = await time(() => detectSignals(clip, probe));
  const [, fullS] = await time(() =>
    detectSignals(clip, probe, { analysisWidth: 1e6, analysisFps: 1e3, fastDecode: false }),
  );
  const [samples, decodeS] = await time(() => decodeAudioFloat32(clip));
  const total = probeS + integrityS + signalsS;
  const x = (s: number) => `${(probe.duration / s).toFixed(1)}x real time`;
  console.log(
    `clip: ${probe.duration.toFixed(1)} s, ${values.width}x${values.height} @ ${values.fps} fps (generated in ${synthS.toFixed(1)} s)`,
  );
  console.log(`probe              ${probeS.toFixed(3)} s`);
  console.log(`integrity          ${integrityS.toFixed(3)} s   (${issues.length} issues)`);
  console.log(
    `signals            ${signalsS.toFixed(3)} s   (${x(signalsS)}; ${signals.black.length} black, ${signals.frozen.length} frozen, ${signals.silence.length} silent, ${signals.cuts.length} cuts)`,
  );
  console.log(`probe+integrity+signals ${total.toFixed(3)} s = ${x(total)}`);
  console.log(
    `signals at full resolution/fps with full decode ${fullS.toFixed(3)} s (${(fullS / signalsS).toFixed(2)}x the default)`,
  );
  console.log(`decodeAudioFloat32 ${decodeS.toFixed(3)} s (${samples.length} samples, ${x(decodeS)})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
