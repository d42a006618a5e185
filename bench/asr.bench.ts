// ASR stage benchmarks, printed as ratios measured in one run:
//  1. engine overhead: our whisper.cpp engine (smart-whisper in a worker process) against
//     whisper.cpp's own CLI built from the same source — linked from the very object files of
//     the smart-whisper addon, so both run identical whisper/ggml machine code (-march=native -O3) —
//     on the same weight-less model, the same 30 s of audio and the same thread count;
//  2. VAD gating: time saved on a generated recording that is half silence.
//   npx tsx bench/asr.bench.ts [--runs 5] [--threads 2]
// The weight-less model (no Whisper weights can be downloaded here) runs the full encoder on zeroed
// weights, but its decoder stops at once: the figures are encoder + pipeline time, not decoding.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { decodeAudioFloat32 } from '../src/media/index.js';
import { DecodeOptionsSchema } from '../src/asr/options.js';
import { transcribeRecording } from '../src/asr/transcribe.js';
import { WhisperCppEngine } from '../src/asr/whisper-engine.js';
import { whisperBuildInfo } from '../src/asr/build-info.js';
import { PROJECT_ROOT } from '../src/util/version.js';
import { makeSpeechClip, PINYIN_LINES, type ClipPart } from '../tests/fixtures/asr-audio.js';
import { writeEmptyGgmlModel } from '../tests/fixtures/ggml-empty.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, threads: { type: 'string', default: '2' } },
});
const runs = Math.max(1, Number(values.runs));
const threads = Math.max(1, Number(values.threads));
const work = join(PROJECT_ROOT, '.cache', 'asr-bench');
mkdirSync(work, { recursive: true });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const TICK_MS = 1000 / Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);

/** CPU time (user + system, ms) a live process has used so far. */
function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * TICK_MS; // utime, stime (fields 14, 15)
}

/** Runs a command and returns its wall time and its CPU time (user + system, from the shell's `times`). */
function timedRun(cmd: string, args: string[]): { wallMs: number; cpuMs: number; stderr: string } {
  const t = performance.now();
  const r = spawnSync(
    'bash',
    ['-c', '"$0" "$@" 2>/tmp/.asr-bench-stderr >/dev/null; rc=$?; times; exit $rc', cmd, ...args],
    { encoding: 'utf8' },
  );
  const wallMs = performance.now() - t;
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  const [, children] = r.stdout.trim().split('\n');
  const [u, sy] = children.split(' ').map((x) => {
    const m = /^(\d+)m([\d.]+)s$/.exec(x)!;
    return (Number(m[1]) * 60 + Number(m[2])) * 1000;
  });
  return { wallMs, cpuMs: u + sy, stderr: readFileSync('/tmp/.asr-bench-stderr', 'utf8') };
}

function sh(cmd: string, args: string[], what: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${what} failed: ${r.stderr || r.error?.message}`);
  return r.stdout + r.stderr;
}

// ---- whisper.cpp's CLI from the addon's own objects -------------------------------------------

function buildCli(): { bin: string; flags: string } {
  const build = whisperBuildInfo();
  if (!build.built || !build.addonPath) throw new Error(build.message);
  const pkg = dirname(createRequire(import.meta.url).resolve('smart-whisper/package.json'));
  const src = join(pkg, 'whisper.cpp');
  const objs = join(pkg, 'build', 'Release', 'obj.target', 'smart-whisper', 'whisper.cpp');
  const libObjs = [
    'src/whisper.o',
    'ggml/src/ggml.o',
    'ggml/src/ggml-alloc.o',
    'ggml/src/ggml-backend.o',
    'ggml/src/ggml-quants.o',
    'ggml/src/ggml-aarch64.o',
  ].map((o) => join(objs, o));
  // the C++ flags node-gyp compiled whisper.cpp with, as it recorded them
  const deps = readFileSync(
    join(
      pkg,
      'build',
      'Release',
      '.deps',
      'Release',
      'obj.target',
      'smart-whisper',
      'whisper.cpp',
      'src',
      'whisper.o.d',
    ),
    'utf8',
  ).split('\n')[0];
  const cxxFlags = deps
    .split(/\s+/)
    .filter((f) => /^-(O\d|march|mtune|std=|f[a-z-]+|m64|pthread)/.test(f) && f !== '-MMD');
  const out = join(work, 'cli');
  mkdirSync(out, { recursive: true });
  const bin = join(out, 'whisper-cli');
  const stamp = join(out, 'stamp');
  const want = JSON.stringify({ addon: statSync(build.addonPath).mtimeMs, cxxFlags });
  if (existsSync(bin) && existsSync(stamp) && readFileSync(stamp, 'utf8') === want)
    return { bin, flags: cxxFlags.join(' ') };
  console.log("building whisper.cpp CLI from smart-whisper's sources and objects …");
  const inc = ['include', 'ggml/include', 'examples'].map((d) => `-I${join(src, d)}`);
  const cliObjs = ['examples/main/main.cpp', 'examples/common.cpp', 'examples/grammar-parser.cpp'].map((f) => {
    const o = join(out, f.replace(/\W/g, '_') + '.o');
    sh('g++', [...cxxFlags, ...inc, '-c', join(src, f), '-o', o], `compiling ${f}`);
    return o;
  });
  // node-gyp compiles ggml.c without _GNU_SOURCE, so its CPU-affinity macros became calls to
  // undeclared functions; the addon never takes those NUMA paths and neither will the CLI. A shared
  // object may leave them unresolved, an executable may not: link stubs that abort if ever reached.
  const stubC = join(out, 'affinity-stubs.c');
  writeFileSync(
    stubC,
    ['CPU_ZERO', 'CPU_SET', 'CPU_ALLOC_SIZE', 'CPU_ALLOC', 'CPU_ZERO_S', 'CPU_SET_S', 'CPU_FREE']
      .map((f) => `void ${f}(void) { __builtin_trap(); }`)
      .join('\n') + '\n',
  );
  const stubO = join(out, 'affinity-stubs.o');
  sh('cc', ['-c', stubC, '-o', stubO], 'compiling stubs');
  sh('g++', ['-pthread', ...cliObjs, ...libObjs, stubO, '-o', bin], 'linking whisper-cli');
  writeFileSync(stamp, want);
  return { bin, flags: cxxFlags.join(' ') };
}

// ---- audio ---------------------------------------------------------------------------------------

function clipOf(name: string, parts: ClipPart[]) {
  return makeSpeechClip(work, name, parts);
}

async function main(): Promise<void> {
  const model = writeEmptyGgmlModel(join(work, 'ggml-empty.bin'));
  const { bin, flags } = buildCli();
  const build = whisperBuildInfo();
  console.log(`engine: smart-whisper ${build.version}, ${build.message}`);
  console.log(`CLI:    ${bin} (C++ flags ${flags}; whisper/ggml objects shared with the addon)`);
  console.log(`model:  weight-less tiny-shaped ggml (no tensors), threads ${threads}, ${runs} runs each, median`);

  // 1. engine overhead on 30 s of speech and pauses (one whisper window)
  const parts: ClipPart[] = [];
  for (let i = 0; i < 5; i++) parts.push({ say: PINYIN_LINES[i] }, { silenceS: 1.5 });
  const speech = clipOf('overhead', parts);
  const wav30 = join(work, 'overhead-30s.wav');
  sh('sox', [speech.path, wav30, 'pad', '0', '30', 'trim', '0', '30'], 'sox');
  const pcm = await decodeAudioFloat32(wav30);
  // the CLI's decoding defaults, made explicit on both sides: greedy, no temperature fallback,
  // no prompt, no token timestamps; zh
  const decode = DecodeOptionsSchema.parse({
    language: 'zh',
    threads,
    prompt: '',
    beamSize: 1,
    bestOf: 1,
    temperatureInc: 0,
    tokenTimestamps: false,
    suppressNonSpeechTokens: false,
  });
  const cliArgs = ['-m', model, '-f', wav30, '-l', 'zh', '-t', String(threads), '-bs', '1', '-bo', '1', '-nf'];

  const warmEngine = new WhisperCppEngine({ modelPath: model });
  await warmEngine.load();
  await warmEngine.transcribe(pcm, decode); // warm-up: first-call allocations
  sh(bin, cliArgs, 'whisper-cli');

  const cliWall: number[] = [];
  const cliNoLoad: number[] = [];
  const cliCpu: number[] = [];
  const warm: number[] = [];
  const warmCpu: number[] = [];
  const cold: number[] = [];
  for (let r = 0; r < runs; r++) {
    // interleaved, so load from anything else on the machine hits all three alike
    const cli = timedRun(bin, cliArgs);
    cliWall.push(cli.wallMs);
    cliCpu.push(cli.cpuMs);
    // the CLI's own model load time, from the timings it prints
    cliNoLoad.push(cli.wallMs - Number(/load time =\s+([\d.]+) ms/.exec(cli.stderr)?.[1] ?? 0));

    const pid = warmEngine.pid!;
    const c0 = cpuMs(pid);
    let t = performance.now();
    await warmEngine.transcribe(pcm, decode);
    warm.push(performance.now() - t);
    warmCpu.push(cpuMs(pid) - c0);

    t = performance.now();
    const e = new WhisperCppEngine({ modelPath: model });
    await e.load();
    await e.transcribe(pcm, decode);
    await e.close();
    cold.push(performance.now() - t);
  }
  await warmEngine.close();
  const rWarm = median(warm) / median(cliNoLoad);
  const rCpu = median(warmCpu) / median(cliCpu);
  const rCold = median(cold) / median(cliWall);
  console.log('\n1. engine overhead, 30 s window');
  console.log(
    `   whisper-cli process              wall ${sec(median(cliWall))} (${sec(median(cliNoLoad))} without its model load), CPU ${sec(median(cliCpu))}`,
  );
  console.log(
    `   our engine, model loaded         wall ${sec(median(warm))} → ${rWarm.toFixed(3)}x;  CPU ${sec(median(warmCpu))} → ${rCpu.toFixed(3)}x the CLI process   (target ≤ 1.05x)`,
  );
  console.log(`   our engine, cold (worker + load) wall ${sec(median(cold))} → ${rCold.toFixed(3)}x the CLI process`);

  // 2. VAD gating on a recording that is half silence: turns of two or three sentences (short
  //    pauses between them), each followed by as long a silence (the customer reading, signing)
  const lens = PINYIN_LINES.map((l, i) => clipOf(`line${i}`, [{ say: l }]).durationS);
  const half: ClipPart[] = [];
  for (let k = 0; k < 16; k++) {
    const lines = k % 2 === 0 ? [k % 5, (k + 1) % 5] : [k % 5, (k + 1) % 5, (k + 2) % 5];
    let turn = 0;
    lines.forEach((l, j) => {
      if (j > 0) half.push({ silenceS: 0.4 });
      half.push({ say: PINYIN_LINES[l] });
      turn += lens[l] + (j > 0 ? 0.4 : 0);
    });
    half.push({ silenceS: Number(turn.toFixed(2)) });
  }
  const rec = clipOf('half-silence', half);
  const spoken = rec.speech.reduce((a, s) => a + s.end - s.start, 0);
  const engine = new WhisperCppEngine({ modelPath: model });
  await engine.load();
  const opts = {
    modelPath: model,
    engine,
    threads,
    prompt: '',
    decode: { beamSize: 1, bestOf: 1, temperatureInc: 0 },
    onProgress: () => {},
    logger: pino({ level: 'warn' }),
  };
  const gated: number[] = [];
  const ungated: number[] = [];
  const gatedCpu: number[] = [];
  const ungatedCpu: number[] = [];
  let noteOn = '';
  let noteOff = '';
  for (let r = 0; r < Math.max(1, Math.ceil(runs / 2)); r++) {
    for (const vad of [true, false]) {
      const pid = engine.pid!;
      const c0 = cpuMs(pid);
      const t = performance.now();
      const tr = await transcribeRecording(rec.path, { ...opts, vad });
      (vad ? gated : ungated).push(performance.now() - t);
      (vad ? gatedCpu : ungatedCpu).push(cpuMs(pid) - c0);
      const note = tr.diagnostics?.find((d) => /VAD/.test(d.message))?.message ?? '';
      if (vad) noteOn = note;
      else noteOff = note;
    }
  }
  await engine.close();
  const saved = 1 - median(gated) / median(ungated);
  const savedCpu = 1 - median(gatedCpu) / median(ungatedCpu);
  console.log(
    `\n2. VAD gating, ${rec.durationS.toFixed(1)} s recording, ${((spoken / rec.durationS) * 100).toFixed(0)}% speech`,
  );
  console.log(`   without gating  wall ${sec(median(ungated))}, engine CPU ${sec(median(ungatedCpu))}   (${noteOff})`);
  console.log(`   with gating     wall ${sec(median(gated))}, engine CPU ${sec(median(gatedCpu))}   (${noteOn})`);
  console.log(
    `   time saved      ${(saved * 100).toFixed(1)}% wall, ${(savedCpu * 100).toFixed(1)}% engine CPU   (target ≥ 40%)`,
  );

  console.log(
    `\nload average during the run: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${(await import('node:os')).availableParallelism()} cores`,
  );
  console.log('note: weight-less model: the encoder does its full work on zeroed weights, the decoder emits nothing,');
  console.log('      so these are encoder + pipeline figures; with real weights decoding adds time on both sides.');
}

await main();
