// transcribeRecording end to end on generated speech: the real engine with the weight-less model
// (loading, notes, cache, timeout, bad input), and — because no real Whisper weights can run here —
// a scripted engine that answers in the binding's shape from what it hears in each window, to check
// the pipeline around the engine: time mapping, post-processing, guard, confidence.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromBindingSegments } from '../../src/asr/binding-map.js';
import type { AsrEngine, EngineSegment } from '../../src/asr/engine.js';
import { transcribeRecording } from '../../src/asr/index.js';
import { modelSha256 } from '../../src/asr/models.js';
import type { DecodeOptions } from '../../src/asr/options.js';
import { WhisperCppEngine } from '../../src/asr/whisper-engine.js';
import { UserError } from '../../src/util/errors.js';
import { makeSpeechClip, PINYIN_LINES, type SpeechClip } from '../fixtures/asr-audio.js';
import { emptyGgmlModelBytes, TINY_HPARAMS, writeEmptyGgmlModel } from '../fixtures/ggml-empty.js';

const dir = mkdtempSync(join(tmpdir(), 'dualrec-asr-tr-'));
const modelPath = writeEmptyGgmlModel(join(dir, 'ggml-empty.bin'));
let clip: SpeechClip;

beforeAll(() => {
  clip = makeSpeechClip(dir, 'session', [
    { silenceS: 3 },
    { say: PINYIN_LINES[0] },
    { silenceS: 10 },
    { say: PINYIN_LINES[1] },
    { silenceS: 20 },
    { say: PINYIN_LINES[3] },
    { silenceS: 2 },
  ]);
});

/** Counts calls through to the real engine. */
class Counting implements AsrEngine {
  readonly name = 'whisper.cpp';
  calls = 0;
  prompts: string[] = [];
  constructor(readonly inner: AsrEngine) {}
  load(signal?: AbortSignal) {
    return this.inner.load(signal);
  }
  transcribe(pcm: Float32Array, opts: DecodeOptions, signal?: AbortSignal) {
    this.calls++;
    this.prompts.push(opts.prompt);
    return this.inner.transcribe(pcm, opts, signal);
  }
  close() {
    return this.inner.close();
  }
}

describe('transcribeRecording with whisper.cpp and the weight-less model', () => {
  it('runs the whole pipeline: empty transcript, and the diagnostics say why', async () => {
    const progress: [number, number][] = [];
    const t = await transcribeRecording(clip.path, {
      modelPath,
      threads: 2,
      onProgress: (d, n) => progress.push([d, n]),
    });
    expect(t.segments).toEqual([]);
    expect(t.language).toBe('zh');
    expect(t.source).toEqual({
      kind: 'asr',
      engine: 'whisper.cpp',
      model: 'empty',
      modelSha256: modelSha256(modelPath),
    });
    const notes = t.diagnostics!.map((d) => d.message);
    expect(notes[0]).toMatch(/weight-less .*content accuracy needs a real model/);
    // the three utterances (plus 0.25 s of padding each side) of the recording, packed into one window
    const m = /^VAD gating \(energy VAD\): ([\d.]+) of ([\d.]+) s sent to the engine in 1 window\(s\)$/.exec(notes[1]);
    expect(m).not.toBeNull();
    const spoken = clip.speech.reduce((a, s) => a + s.end - s.start, 0);
    expect(Math.abs(Number(m![1]) - (spoken + 6 * 0.25))).toBeLessThan(0.3);
    expect(Number(m![2])).toBeCloseTo(clip.durationS, 1);
    expect(progress).toEqual([
      [0, 1],
      [1, 1],
    ]);
  });

  it('never transcribes the same audio, model and options twice when a cache is given', async () => {
    const cacheDir = join(dir, 'cache');
    const engine = new Counting(new WhisperCppEngine({ modelPath }));
    try {
      const first = await transcribeRecording(clip.path, { modelPath, threads: 2, cacheDir, engine });
      expect(engine.calls).toBe(1);
      const again = await transcribeRecording(clip.path, { modelPath, threads: 1, cacheDir, engine });
      expect(engine.calls).toBe(1); // a different thread count gives the same text: still cached
      expect(again).toEqual(first);
      await transcribeRecording(clip.path, { modelPath, threads: 2, cacheDir, engine, prompt: '以下是普通话的句子。' });
      expect(engine.calls).toBe(2); // a different prompt is a different transcript
      expect(engine.prompts).toEqual([expect.stringContaining('责任免除'), '以下是普通话的句子。']);
    } finally {
      await engine.close();
    }
  });

  it('gives up after timeoutS with a clear message', async () => {
    const err = await transcribeRecording(clip.path, {
      modelPath,
      threads: 1,
      timeoutS: 0.5,
      vad: false,
      decode: { beamSize: 5, bestOf: 5 },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(`${clip.path}: transcription timed out after 0.5 s`);
  });

  it("stops on the caller's abort signal", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    await expect(
      transcribeRecording(clip.path, { modelPath, threads: 1, signal: ac.signal, vad: false }),
    ).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('refuses a corrupt model before any native code sees it', async () => {
    const bad = join(dir, 'corrupt.bin');
    writeFileSync(bad, emptyGgmlModelBytes().subarray(0, 100_000));
    const err = await transcribeRecording(clip.path, { modelPath: bad }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(
      `${bad}: truncated: the file ends inside the vocabulary; get a working model with \`dualrec models pull small\` (small or larger for Mandarin)`,
    );
  });

  it('refuses an English-only model for Mandarin', async () => {
    const en = writeEmptyGgmlModel(join(dir, 'ggml-tiny.en.bin'), { ...TINY_HPARAMS, nVocab: 51864 });
    await expect(transcribeRecording(clip.path, { modelPath: en })).rejects.toThrow(
      /ggml-tiny\.en\.bin: an English-only model cannot transcribe language "zh"/,
    );
  });

  it.each([
    [{ threads: 0 }, /invalid transcription options: threads: Too small/],
    [{ decode: { beamSize: -1 } }, /invalid decoding options: beamSize: Too small/], // would abort whisper.cpp
    [{ prompt: 'a\u0000b' }, /invalid decoding options: prompt: must not contain NUL/],
    [{ language: 'klingon' }, /invalid transcription options: language/],
    [{ decode: { speed_up: true } }, /invalid decoding options: \(root\): Unrecognized key/],
  ])('validates options before the engine: %j', async (bad, message) => {
    await expect(transcribeRecording(clip.path, { modelPath, ...(bad as object) } as never)).rejects.toThrow(message);
  });

  it('says which recording is missing', async () => {
    await expect(transcribeRecording(join(dir, 'nope.mp4'), { modelPath })).rejects.toThrow(
      `${join(dir, 'nope.mp4')}: recording not found`,
    );
  });
});

/**
 * A scripted engine — a stand-in for a real Whisper model, which cannot run here. It "hears" each
 * voiced stretch of the window audio it is given and answers with one segment per stretch in
 * smart-whisper's output shape (ms, tokens with probabilities), so window times are real.
 */
class Scripted implements AsrEngine {
  readonly name = 'whisper.cpp';
  constructor(
    private readonly say: { text: string; p: number }[],
    private readonly extra: (n: number) => { from: number; to: number; text: string }[] = () => [],
  ) {}
  private n = 0;
  async load() {
    return { engine: this.name, modelPath, weightless: false };
  }
  async transcribe(pcm: Float32Array): Promise<EngineSegment[]> {
    const stretches: [number, number][] = [];
    let on = -1;
    let quiet = 0;
    for (let i = 0; i < pcm.length; i++) {
      const loud = Math.abs(pcm[i]) > 0.01;
      if (loud && on < 0) on = i;
      quiet = loud ? 0 : quiet + 1;
      if (on >= 0 && (quiet > 4800 || i === pcm.length - 1)) {
        stretches.push([on, i - quiet]);
        on = -1;
      }
    }
    const segs = stretches.map(([a, b]) => {
      const line = this.say[this.n++ % this.say.length];
      return {
        from: Math.round(a / 16),
        to: Math.round(b / 16),
        text: line.text,
        tokens: Array.from(line.text).map((ch, i) => ({ text: ch, id: 1000 + i, p: line.p })),
      };
    });
    return fromBindingSegments([...segs, ...this.extra(this.n)]);
  }
  async close() {}
}

describe('transcribeRecording around the engine (scripted engine)', () => {
  it('maps every segment back onto the recording, simplifies, drops inventions, marks low confidence', async () => {
    const engine = new Scripted([
      { text: ' 請您特別注意責任免除條款', p: 0.9 },
      { text: ' 字幕由Amara.org社群提供', p: 0.8 },
      { text: ' 您聽明白了嗎', p: 0.3 },
    ]);
    const t = await transcribeRecording(clip.path, { modelPath, engine });
    expect(t.segments.map((s) => [s.id, s.text, s.lowConfidence ?? false])).toEqual([
      [0, '请您特别注意责任免除条款', false],
      [1, '您听明白了吗', true],
    ]);
    // the times are the utterances' times in the recording, though all three shared one window
    expect(t.segments[0].start).toBeCloseTo(clip.speech[0].start, 1);
    expect(t.segments[0].end).toBeCloseTo(clip.speech[0].end, 1);
    expect(t.segments[1].start).toBeCloseTo(clip.speech[2].start, 1);
    expect(t.segments[1].end).toBeCloseTo(clip.speech[2].end, 1);
    expect(t.segments[0].confidence).toBe(0.9);
    const kinds = t.diagnostics!.map((d) => d.kind);
    expect(kinds).toEqual(['note', 'dropped-blocklist', 'low-confidence']);
    const drop = t.diagnostics![1];
    expect(drop.text).toBe('字幕由Amara.org社群提供');
    expect(drop.start).toBeCloseTo(clip.speech[1].start, 1);
    expect(t.diagnostics![2]).toMatchObject({ start: t.segments[1].start, end: t.segments[1].end });
    expect(t.diagnostics![2].message).toMatch(/rules should treat this passage as undetermined/);
  });

  it('without gating, drops what the engine "hears" in silence', async () => {
    // ungated windows are 0–30 s and 30 s–end; the invention sits at 12–14 s of the first: silence
    expect(clip.speech[0].end).toBeLessThan(12);
    expect(clip.speech[1].start).toBeGreaterThan(14);
    const engine = new Scripted([{ text: '好的', p: 0.9 }], (n) =>
      n <= 2 ? [{ from: 12000, to: 14000, text: ' 保险很好' }] : [],
    );
    const t = await transcribeRecording(clip.path, { modelPath, engine, vad: false });
    expect(t.segments.map((s) => s.text)).toEqual(['好的', '好的', '好的']);
    expect(t.diagnostics!.filter((d) => d.kind === 'dropped-silence')).toEqual([
      expect.objectContaining({
        start: 12,
        end: 14,
        text: '保险很好',
        message: 'dropped: 100% of the segment lies in silence',
      }),
    ]);
    expect(t.diagnostics![0].message).toBe(
      `no VAD gating: ${clip.durationS.toFixed(1)} s sent to the engine in 2 window(s)`,
    );
  });
});
