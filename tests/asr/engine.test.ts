// The real whisper.cpp engine (smart-whisper built from source) in its worker process, driven with
// the weight-less test model: loading, option passing, abort, and crashes contained in the worker.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../src/asr/engine.js';
import { DecodeOptionsSchema } from '../../src/asr/options.js';
import { WhisperCppEngine } from '../../src/asr/whisper-engine.js';
import { emptyGgmlModelBytes, writeEmptyGgmlModel } from '../fixtures/ggml-empty.js';

const dir = mkdtempSync(join(tmpdir(), 'dualrec-asr-engine-'));
const modelPath = writeEmptyGgmlModel(join(dir, 'ggml-empty.bin'));
const opts = (o: object = {}) =>
  DecodeOptionsSchema.parse({ threads: 2, beamSize: 1, bestOf: 1, temperatureInc: 0, ...o });
const speechLike = (seconds: number) => {
  const pcm = new Float32Array(16000 * seconds);
  for (let i = 0; i < pcm.length; i++) pcm[i] = 0.2 * Math.sin(i / 9) * Math.sin(i / 4000);
  return pcm;
};

function threadCount(pid: number): number {
  return Number(/^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
}

/**
 * The most threads the worker had in the first seconds of a transcription (ggml starts
 * n_threads - 1 helpers for each graph). The run is then aborted: seeing the threads is enough.
 */
async function peakThreads(engine: WhisperCppEngine, threads: number, ms = 2500): Promise<number> {
  await engine.load();
  const pid = engine.pid!;
  let peak = 0;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, threadCount(pid));
    } catch {
      // the worker is gone (aborted)
    }
  }, 2);
  const ac = new AbortController();
  const stop = setTimeout(() => ac.abort(), ms);
  await engine.transcribe(speechLike(30), opts({ threads }), ac.signal).catch((e: Error) => {
    if (e.name !== 'AbortError') throw e;
  });
  clearTimeout(stop);
  clearInterval(timer);
  return peak;
}

describe('WhisperCppEngine with the weight-less model', () => {
  const engine = new WhisperCppEngine({ modelPath });
  beforeAll(async () => {
    await engine.load();
  });
  afterAll(() => engine.close());

  it('loads it, knows it is weight-less, and transcribes to nothing', async () => {
    expect(await engine.load()).toEqual({ engine: 'whisper.cpp', modelPath, weightless: true });
    expect(engine.log.join('\n')).toMatch(/type\s+= 1 \(tiny\)/);
    expect(await engine.transcribe(speechLike(5), opts())).toEqual([]);
  });

  it('passes the language: "auto" makes whisper.cpp detect it, "zh" does not', async () => {
    const detected = () => engine.log.filter((l) => l.includes('auto-detected language')).length;
    const before = detected();
    await engine.transcribe(speechLike(3), opts({ language: 'zh' }));
    expect(detected()).toBe(before);
    await engine.transcribe(speechLike(3), opts({ language: 'auto' }));
    expect(detected()).toBe(before + 1);
  });

  it('passes the prompt: whisper.cpp tokenizes it (one token per byte in the test vocabulary)', async () => {
    const prompt = '责任免除'.repeat(100); // 400 characters, 1200 UTF-8 bytes
    await engine.transcribe(speechLike(3), opts({ prompt }));
    expect(engine.log.some((l) => l.includes('too many resulting tokens: 1200 (max 1024)'))).toBe(true);
    const short = engine.log.length;
    await engine.transcribe(speechLike(3), opts({ prompt: '以下是普通话的句子。' }));
    expect(engine.log.slice(short).some((l) => l.includes('too many resulting tokens'))).toBe(false);
  });

  it('passes the thread count: ggml runs that many threads', async () => {
    const one = await peakThreads(engine, 1);
    const four = await peakThreads(engine, 4);
    expect(four - one).toBeGreaterThanOrEqual(3);
  });

  it('stops a running decode on abort and starts a fresh worker for the next call', async () => {
    const pid = engine.pid!;
    const ac = new AbortController();
    const run = engine.transcribe(speechLike(30), opts({ beamSize: 5, bestOf: 5 }), ac.signal);
    setTimeout(() => ac.abort(), 150);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    // the old worker is gone (reaped, not even a zombie)
    for (let i = 0; i < 100 && existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(`/proc/${pid}`)).toBe(false);
    expect(await engine.transcribe(speechLike(2), opts())).toEqual([]);
    expect(engine.pid).not.toBe(pid);
  });

  it('honours a timeout signal the same way', async () => {
    await expect(
      engine.transcribe(speechLike(30), opts({ beamSize: 5, bestOf: 5 }), AbortSignal.timeout(100)),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
  });
});

describe('a corrupt model crashes only the worker', () => {
  it.each([
    [
      'an unknown ftype (GGML_ASSERT → SIGABRT)',
      (b: Buffer) => (b.writeInt32LE(99, 44), b),
      /crashed \(SIGABRT\) while loading bad-ftype\.bin: .*GGML_ASSERT\(wtype != GGML_TYPE_COUNT\) failed/,
    ],
    [
      'a bad magic (a null context → SIGSEGV)',
      (b: Buffer) => (b.write('GGUF', 0), b),
      /crashed \(SIGSEGV\) while loading bad-magic\.bin: .*(bad magic|failed to load model)/,
    ],
  ])('%s → a clear error, this process lives on', async (_name, mutate, message) => {
    const file = join(dir, _name.includes('ftype') ? 'bad-ftype.bin' : 'bad-magic.bin');
    writeFileSync(file, mutate(Buffer.from(emptyGgmlModelBytes())));
    const bad = new WhisperCppEngine({ modelPath: file });
    const err = await bad.load().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toMatch(/the file is corrupt or not a whisper\.cpp ggml model$/);
    await bad.close();
    // and a good model still loads afterwards
    const good = new WhisperCppEngine({ modelPath });
    expect((await good.load()).weightless).toBe(true);
    await good.close();
  });
});
