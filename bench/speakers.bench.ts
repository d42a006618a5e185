// Speaker stage speed: diarization (features + clustering + re-segmentation) of a generated dialogue,
// as a share of the audio's duration, on one core. Target: ≤ 2 % (≥ 50× real time).
//   npx tsx bench/speakers.bench.ts [--minutes 2] [--runs 3]
// CPU time (user + system of this process) is the figure that counts: the diarization is single-threaded,
// so it is one core's time even on a busy machine; wall time is printed beside it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeAudioFloat32, SAMPLE_RATE } from '../src/media/index.js';
import { diarize } from '../src/speakers/index.js';
import { makeDialogue, type Turn } from '../tests/fixtures/speakers-dialogue.js';
import { CLEAR_VOICES, SALES_TURNS } from '../tests/fixtures/speakers-scripts.js';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '2' }, runs: { type: 'string', default: '3' } } });
const minutes = Number(values.minutes);
const runs = Number(values.runs);
const dir = mkdtempSync(join(tmpdir(), 'dualrec-bench-speakers-'));

try {
  // repeat the sales dialogue until the recording is long enough (≈ 28 s per round)
  const turns: Turn[] = [];
  while (turns.length < (SALES_TURNS.length * minutes * 60) / 28) turns.push(...SALES_TURNS.map((t) => ({ ...t, mergeWithPrevious: false })));
  const d = makeDialogue({ dir, name: 'bench', voices: CLEAR_VOICES, turns, layout: 'mono' });
  const t0 = performance.now();
  const samples = await decodeAudioFloat32(d.wav);
  const decodeS = (performance.now() - t0) / 1000;
  const durationS = samples.length / SAMPLE_RATE;
  const segs = d.transcript.segments;
  const input = {
    samples,
    sampleRate: SAMPLE_RATE,
    segments: segs,
  };
  diarize(input); // warm-up (JIT)
  const cpu: number[] = [];
  const wall: number[] = [];
  let voices = 0;
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    voices = diarize(input).speakerCount;
    const c = process.cpuUsage(c0);
    wall.push((performance.now() - w0) / 1000);
    cpu.push((c.user + c.system) / 1e6);
  }
  const best = (xs: number[]) => Math.min(...xs);
  const perMinute = (s: number) => (s / durationS) * 60;
  console.log(`audio: ${durationS.toFixed(1)} s, ${segs.length} segments, ${voices} voices found; decode (ffmpeg) ${decodeS.toFixed(2)} s`);
  console.log(`diarization, best of ${runs}: cpu ${best(cpu).toFixed(3)} s, wall ${best(wall).toFixed(3)} s`);
  console.log(`per minute of audio: cpu ${perMinute(best(cpu)).toFixed(3)} s, wall ${perMinute(best(wall)).toFixed(3)} s`);
  const ratio = best(cpu) / durationS;
  console.log(`ratio (cpu time / audio duration): ${(ratio * 100).toFixed(2)} %  = ${(1 / ratio).toFixed(0)}× real time  (target ≤ 2 %: ${ratio <= 0.02 ? 'met' : 'NOT met'})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
