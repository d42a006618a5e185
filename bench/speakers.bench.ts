// Speaker stage speed: diarization (features + voice count + re-segmentation) as a share of the audio's
// duration, on one core. Target: ≤ 2 % (≥ 50× real time).
//   npx tsx bench/speakers.bench.ts [--minutes 10] [--runs 3]
// Inputs: the shipped sample recordings (varied dialogue, 2–3 min each) and a generated dialogue of
// --minutes (the test script repeated; for scaling only). CPU time (user + system of this process) is
// the figure that counts: diarization is single-threaded, so it is one core's time even on a busy
// machine. Decoding (ffmpeg, a child process) is timed apart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { decodeAudioFloat32, SAMPLE_RATE } from '../src/media/index.js';
import { importTranscript } from '../src/asr/import/index.js';
import { diarize, type Diarization } from '../src/speakers/index.js';
import { makeDialogue, type Turn } from '../tests/fixtures/speakers-dialogue.js';
import { CLEAR_VOICES, SALES_TURNS } from '../tests/fixtures/speakers-scripts.js';

const { values } = parseArgs({
  options: { minutes: { type: 'string', default: '10' }, runs: { type: 'string', default: '3' } },
});
const runs = Number(values.runs);
const root = fileURLToPath(new URL('../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dualrec-bench-speakers-'));

interface Case {
  name: string;
  recording: string;
  segments: { start: number; end: number; text: string }[];
}

function measure(c: Case, samples: Float32Array): { cpu: number; wall: number; d: Diarization } {
  const input = { samples, sampleRate: SAMPLE_RATE, segments: c.segments };
  let d = diarize(input); // warm-up (JIT)
  let cpu = Infinity;
  let wall = Infinity;
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    d = diarize(input);
    const used = process.cpuUsage(c0);
    wall = Math.min(wall, (performance.now() - w0) / 1000);
    cpu = Math.min(cpu, (used.user + used.system) / 1e6);
  }
  return { cpu, wall, d };
}

try {
  const cases: Case[] = [
    ['compliant-participating.mp4', 'compliant-participating.transcript.json'],
    ['missing-exclusions.mp4', 'missing-exclusions.transcript.json'],
    ['audio-only-health.m4a', 'audio-only-health.transcript.srt'],
  ].map(([rec, tr]) => ({
    name: rec,
    recording: join(root, 'samples', rec),
    segments: importTranscript(join(root, 'samples', tr)).segments,
  }));
  const turns: Turn[] = [];
  while (turns.length < (SALES_TURNS.length * Number(values.minutes) * 60) / 28)
    turns.push(...SALES_TURNS.map((t) => ({ ...t, mergeWithPrevious: false })));
  const long = makeDialogue({ dir, name: 'long', voices: CLEAR_VOICES, turns, layout: 'mono' });
  cases.push({ name: `generated ${values.minutes} min`, recording: long.wav, segments: long.transcript.segments });

  let totalCpu = 0;
  let totalS = 0;
  console.log('recording                       audio s  decode s  diarize cpu s  wall s   cpu/audio  voices');
  for (const c of cases) {
    const t0 = performance.now();
    const samples = await decodeAudioFloat32(c.recording);
    const decodeS = (performance.now() - t0) / 1000;
    const durationS = samples.length / SAMPLE_RATE;
    const { cpu, wall, d } = measure(c, samples);
    totalCpu += cpu;
    totalS += durationS;
    console.log(
      `${c.name.padEnd(30)} ${durationS.toFixed(1).padStart(8)} ${decodeS.toFixed(2).padStart(9)} ${cpu.toFixed(3).padStart(14)} ${wall.toFixed(3).padStart(7)} ${((cpu / durationS) * 100).toFixed(2).padStart(9)} % ${String(d.speakerCount).padStart(6)}`,
    );
  }
  const ratio = totalCpu / totalS;
  console.log(
    `\nall: ${(totalS / 60).toFixed(1)} min of audio, diarization ${totalCpu.toFixed(2)} s cpu = ${((totalCpu / totalS) * 60).toFixed(3)} s per minute of audio`,
  );
  console.log(
    `ratio (cpu time / audio duration): ${(ratio * 100).toFixed(2)} %  = ${(1 / ratio).toFixed(0)}× real time  (target ≤ 2 %: ${ratio <= 0.02 ? 'met' : 'NOT met'})`,
  );
  console.log('(the generated dialogue repeats one script word for word; its voice count is not a quality figure)');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
