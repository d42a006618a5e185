// The whole pipeline after transcription (transcript imported; vision on), as a user runs it: one
// `dualrec analyze` process per session, cold (models load in every run). Per stage: wall time and CPU
// (the process's threads plus its ffmpeg children), read from the stage log lines. Each recording is
// run with vision on 1 thread (DUALREC_VISION_THREADS=1: OCR in the session's thread) and on 2 (OCR in
// its worker), interleaved, --reps times each; figures are medians, ratios from this one run.
//   npx tsx bench/pipeline.bench.ts [--reps 2] [--minutes 10] [--only sample|long] [--before DIR]
// --before DIR: also run another checkout's CLI (say a worktree of an older commit, with node_modules)
// the same way, interleaved, for before/after ratios from this one run (whole process only: older
// versions log no stage times).
// Recordings: the compliant two-person sample (192.75 s), and a --minutes one made by looping it (its
// transcript looped with it, so every loop has its document, ID and signing cues).
// Targets (issue #14): ≥ 10× real time on the sample, ≥ 15× on the 10-minute one.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { childCpuMs } from '../src/util/stage-clock.js';

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '2' },
    minutes: { type: 'string', default: '10' },
    only: { type: 'string' },
    before: { type: 'string' },
  },
});
const reps = Math.max(1, Number(values.reps));
const minutes = Number(values.minutes);
const ROOT = join(import.meta.dirname, '..');
const SAMPLE = join(ROOT, 'samples', 'compliant-participating');
const work = mkdtempSync(join(tmpdir(), 'dualrec-pipeline-bench-'));

// dist/ when it is built (what a user runs after setup), else the sources under tsx
const DIST = join(ROOT, 'dist', 'cli', 'main.js');
const cli = existsSync(DIST) ? ['node', DIST] : ['node', '--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts')];

/** The sample looped to `seconds`, with its transcript repeated on the same timeline. */
function loopedSample(seconds: number): string {
  const dir = join(work, 'long');
  const out = join(dir, 'long.mp4');
  spawnSync('mkdir', ['-p', dir]);
  const r = spawnSync('ffmpeg', [
    ...['-v', 'error', '-y', '-stream_loop', '-1', '-i', `${SAMPLE}.mp4`],
    ...['-t', String(seconds), '-c', 'copy', out],
  ]);
  if (r.status !== 0) throw new Error(`ffmpeg: ${r.stderr.toString()}`);
  const t = JSON.parse(readFileSync(`${SAMPLE}.transcript.json`, 'utf8')) as {
    segments: { start: number; end: number }[];
  };
  const period = 192.75;
  const segments: unknown[] = [];
  for (let k = 0; k * period < seconds; k++)
    for (const s of t.segments)
      if (s.end + k * period <= seconds) segments.push({ ...s, start: s.start + k * period, end: s.end + k * period });
  writeFileSync(join(dir, 'long.transcript.json'), JSON.stringify({ ...t, segments }));
  copyFileSync(`${SAMPLE}.meta.json`, join(dir, 'long.meta.json'));
  return out;
}

interface Run {
  wallS: number;
  cpuS: number;
  stages: Record<string, { ms: number; cpuMs: number }>;
  phases: Record<string, number>;
  verdict?: string;
}

const beforeCli = values.before
  ? existsSync(join(values.before, 'dist', 'cli', 'main.js'))
    ? ['node', join(values.before, 'dist', 'cli', 'main.js')]
    : ['node', '--import', 'tsx', join(values.before, 'src', 'cli', 'main.ts')]
  : undefined;

/** threads 0: the --before checkout's CLI, as it is */
function analyze(recording: string, threads: number): Run {
  const out = join(work, `out-${threads}`);
  rmSync(out, { recursive: true, force: true });
  const c0 = childCpuMs();
  const t0 = performance.now();
  const cmd = threads === 0 ? beforeCli! : cli;
  const r = spawnSync(cmd[0]!, [...cmd.slice(1), 'analyze', recording, '--out', out], {
    cwd: threads === 0 ? values.before : ROOT,
    env: { ...process.env, DUALREC_VISION_THREADS: String(threads || ''), DUALREC_LOG_LEVEL: 'info' },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const wallS = (performance.now() - t0) / 1000;
  const cpuS = (childCpuMs() - c0) / 1000;
  if (r.status !== 0 && r.status !== 1) throw new Error(`analyze exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const run: Run = { wallS, cpuS, stages: {}, phases: {} };
  for (const line of `${r.stdout}\n${r.stderr}`.split('\n')) {
    if (!line.startsWith('{')) continue;
    const l = JSON.parse(line) as Record<string, unknown>;
    const stage = l.msg === 'report written' ? 'report' : (l.stage as string | undefined);
    if (stage && typeof l.ms === 'number') run.stages[stage] = { ms: l.ms, cpuMs: Number(l.cpuMs) };
    if (l.msg === 'vision done') run.phases = l.phasesMs as Record<string, number>;
    if (l.msg === 'report written') run.verdict = l.verdict as string;
  }
  return run;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const f1 = (x: number) => x.toFixed(1);

function report(label: string, durationS: number, runs: Record<number, Run[]>) {
  console.log(`\n${label} (${f1(durationS)} s)`);
  const stages = ['media', 'transcript', 'speakers', 'vision', 'report'];
  const phases = Object.keys(runs[1]![0]!.phases);
  const med = (t: number, pick: (r: Run) => number | undefined) => median(runs[t]!.map((r) => pick(r) ?? 0));
  console.log(`  ${'stage'.padEnd(22)} ${'1 thread'.padStart(20)} ${'2 threads'.padStart(20)}  speed-up`);
  const row = (name: string, pick: (r: Run) => number | undefined, cpu?: (r: Run) => number | undefined) => {
    const a = med(1, pick);
    const b = med(2, pick);
    const c = (t: number) => (cpu ? ` (CPU ${f1(med(t, cpu))})` : '');
    console.log(
      `  ${name.padEnd(22)} ${`${f1(a)} s${c(1)}`.padStart(20)} ${`${f1(b)} s${c(2)}`.padStart(20)}  ${(a / b).toFixed(2)}×`,
    );
  };
  for (const s of stages)
    row(
      s,
      (r) => (r.stages[s]?.ms ?? 0) / 1000,
      (r) => (r.stages[s]?.cpuMs ?? 0) / 1000,
    );
  for (const p of phases) row(`  vision: ${p}`, (r) => (r.phases[p] ?? 0) / 1000);
  row(
    'whole process',
    (r) => r.wallS,
    (r) => r.cpuS,
  );
  const a = med(1, (r) => r.wallS);
  const b = med(2, (r) => r.wallS);
  console.log(
    `  real-time factor: 1 thread ${f1(durationS / a)}×, 2 threads ${f1(durationS / b)}×; verdicts ${[...new Set([...runs[1]!, ...runs[2]!].map((r) => r.verdict))].join(', ')}`,
  );
  if (runs[0]?.length) {
    const z = med(0, (r) => r.wallS);
    console.log(
      `  before (${values.before}): ${f1(z)} s (CPU ${f1(med(0, (r) => r.cpuS))}) = ${f1(durationS / z)}× real time; now / before: ${(z / b).toFixed(2)}× faster, CPU ${(med(0, (r) => r.cpuS) / med(2, (r) => r.cpuS)).toFixed(2)}× less`,
    );
  }
}

try {
  console.log(
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ${reps} run(s) per setting, median; CLI: ${cli.slice(1).join(' ').replace(ROOT, '.')}`,
  );
  const inputs: { label: string; file: string; durationS: number }[] = [];
  if (values.only !== 'long') inputs.push({ label: 'two-person sample', file: `${SAMPLE}.mp4`, durationS: 192.75 });
  if (values.only !== 'sample')
    inputs.push({
      label: `${minutes}-minute recording (sample looped)`,
      file: loopedSample(minutes * 60),
      durationS: minutes * 60,
    });
  for (const input of inputs) {
    const runs: Record<number, Run[]> = { 0: [], 1: [], 2: [] };
    const settings = beforeCli ? [0, 1, 2] : [1, 2];
    for (let i = 0; i < reps; i++) for (const t of settings) runs[t]!.push(analyze(input.file, t));
    report(input.label, input.durationS, runs);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
