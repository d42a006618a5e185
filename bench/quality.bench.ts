// What recording-quality measurement adds to the signal pass: detectSignals with quality off vs on,
// alternating, on a generated clip. Wall time and this process's + ffmpeg's CPU (children's rusage).
//   npx tsx bench/quality.bench.ts [--duration 60] [--width 1280] [--height 720] [--fps 25] [--runs 4]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { detectSignals, probeMedia, synthesizeClip } from '../src/media/index.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    width: { type: 'string', default: '1280' },
    height: { type: 'string', default: '720' },
    fps: { type: 'string', default: '25' },
    runs: { type: 'string', default: '4' },
  },
});
const duration = Number(values.duration);
const dir = mkdtempSync(join(tmpdir(), 'dualrec-bench-'));
const clip = join(dir, 'bench.mp4');
try {
  await synthesizeClip(clip, {
    width: Number(values.width),
    height: Number(values.height),
    fps: Number(values.fps),
    segments: [{ durationS: duration, video: 'moving', audio: 'tone' }],
  });
  const probe = await probeMedia(clip);
  const totals = { off: { wall: 0, cpu: 0 }, on: { wall: 0, cpu: 0 } };
  const cpu = () => {
    const r = process.resourceUsage();
    const self = (r.userCPUTime + r.systemCPUTime) / 1e6;
    return self; // node's own (log parsing); ffmpeg's is in the wall time and in /usr/bin/time
  };
  for (let i = 0; i < Number(values.runs); i++) {
    for (const quality of [false, true]) {
      const c0 = cpu();
      const t0 = performance.now();
      await detectSignals(clip, probe, { quality });
      const k = quality ? 'on' : 'off';
      totals[k].wall += (performance.now() - t0) / 1000;
      totals[k].cpu += cpu() - c0;
    }
  }
  const n = Number(values.runs);
  const perMin = (s: number) => ((s / n) * 60) / duration;
  console.log(
    `signal pass per minute of recording (${values.width}x${values.height} ${values.fps} fps, ${n} runs each):`,
  );
  console.log(
    `  quality off: ${perMin(totals.off.wall).toFixed(2)} s wall, node CPU ${perMin(totals.off.cpu).toFixed(2)} s`,
  );
  console.log(
    `  quality on:  ${perMin(totals.on.wall).toFixed(2)} s wall, node CPU ${perMin(totals.on.cpu).toFixed(2)} s`,
  );
  console.log(`  added:       ${perMin(totals.on.wall - totals.off.wall).toFixed(2)} s wall per minute`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
