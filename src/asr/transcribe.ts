// transcribeRecording: recording → Transcript. Decode (media stage) → VAD gating into ≤ 30 s
// windows → engine → times mapped back → Chinese post-processing → hallucination guard →
// confidence marks → cache.
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Interval, Transcript, TranscriptDiagnostic } from '../model/index.js';
import { decodeAudioFloat32 } from '../media/index.js';
import { UserError } from '../util/errors.js';
import { rootLogger } from '../util/log.js';
import { cacheKey, readCached, writeCached } from './cache.js';
import { sha256File } from '../util/hash.js';
import { EngineError, type AsrEngine } from './engine.js';
import { guardSegments } from './guard.js';
import { inspectModelFile } from './model-file.js';
import { modelSha256, PULL_HINT } from './models.js';
import { DecodeOptionsSchema, WHISPER_LANGUAGES, type DecodeOptionsInput } from './options.js';
import { normalizeChinese } from './postprocess.js';
import { createProgress } from './progress.js';
import { mapWindowSegments, type MappedSegment } from './segments.js';
import {
  energyVad,
  planUngatedWindows,
  planWindows,
  prepareVoiced,
  SAMPLE_RATE,
  silenceFromVoiced,
  voicedFromSilence,
  VAD_DEFAULTS,
  windowAudio,
  windowsSeconds,
  type VadOptions,
} from './vad.js';
import { whisperBuildInfo } from './build-info.js';
import { WhisperCppEngine } from './whisper-engine.js';

export interface TranscribeOptions {
  /** a ggml Whisper model file (see resolveModel) */
  modelPath: string;
  language?: 'zh' | (typeof WHISPER_LANGUAGES)[number];
  threads?: number;
  /** initial prompt; default DEFAULT_PROMPT (Simplified Chinese + insurance terms); '' for none */
  prompt?: string;
  /** silence on the recording's timeline from the media stage; without it an energy VAD runs */
  silence?: Interval[];
  /** where transcripts are cached; no cache without it */
  cacheDir?: string;
  /** sha256 of the recording when the caller has it already (saves reading the file twice) */
  recordingSha256?: string;
  /** give up after this many seconds (the engine is stopped) */
  timeoutS?: number;
  signal?: AbortSignal;
  /** windows done / total */
  onProgress?: (done: number, total: number) => void;
  logger?: Logger;
  /** reuse a loaded engine across recordings (the caller closes it); default: a whisper.cpp engine for this call */
  engine?: AsrEngine;
  /** which audio channel to transcribe; default the downmix */
  channel?: 'mix' | 'left' | 'right';
  /** which audio stream, by position among the audio streams (default 0; media's chooseAudioTrack picks it) */
  audioTrack?: number;
  /** VAD gating (default true); false sends the whole recording in consecutive 30 s windows */
  vad?: boolean;
  vadOptions?: VadOptions;
  /** further decoding options (beam size, thresholds…), validated like the rest */
  decode?: Omit<DecodeOptionsInput, 'language' | 'threads' | 'prompt'>;
  /** segments whose mean token probability is below this are marked lowConfidence (default 0.5) */
  lowConfidenceBelow?: number;
}

const IntervalSchema = z.object({ start: z.number().min(0), end: z.number().min(0) }).loose();

const OptionsSchema = z
  .object({
    modelPath: z.string().min(1),
    language: z.enum(WHISPER_LANGUAGES).default('zh'),
    threads: z.number().int().min(1).max(64).optional(),
    prompt: z.string().optional(),
    silence: z.array(IntervalSchema).optional(),
    cacheDir: z.string().min(1).optional(),
    recordingSha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    timeoutS: z
      .number()
      .positive()
      .max(7 * 24 * 3600)
      .optional(),
    signal: z.instanceof(AbortSignal).optional(),
    onProgress: z.custom<(done: number, total: number) => void>((v) => typeof v === 'function').optional(),
    logger: z.custom<Logger>((v) => typeof v === 'object' && v !== null).optional(),
    engine: z
      .custom<AsrEngine>(
        (v) => typeof v === 'object' && v !== null && typeof (v as AsrEngine).transcribe === 'function',
      )
      .optional(),
    channel: z.enum(['mix', 'left', 'right']).default('mix'),
    audioTrack: z.number().int().min(0).optional(),
    vad: z.boolean().default(true),
    vadOptions: z
      .object({
        padS: z.number().min(0).max(2).optional(),
        mergeGapS: z.number().min(0).max(10).optional(),
        minVoicedS: z.number().min(0).max(5).optional(),
        joinGapS: z.number().min(0).max(2).optional(),
        maxWindowS: z.number().min(1).max(30).optional(),
      })
      .strict()
      .default({}),
    decode: z.record(z.string(), z.unknown()).default({}),
    lowConfidenceBelow: z.number().min(0).max(1).default(0.5),
  })
  .strict();

function invalid(err: z.ZodError, what: string): UserError {
  const i = err.issues[0];
  return new UserError(`invalid ${what}: ${i.path.join('.') || '(root)'}: ${i.message}`);
}

let avxWarned = false;

export async function transcribeRecording(file: string, input: TranscribeOptions): Promise<Transcript> {
  const parsed = OptionsSchema.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error, 'transcription options');
  const opts = parsed.data;
  const decodeParsed = DecodeOptionsSchema.safeParse({
    ...opts.decode,
    language: opts.language,
    threads: opts.threads,
    prompt: opts.prompt,
  });
  if (!decodeParsed.success) throw invalid(decodeParsed.error, 'decoding options');
  const decode = decodeParsed.data;
  const log = (opts.logger ?? rootLogger()).child({ stage: 'asr' });

  if (!existsSync(file) || !statSync(file).isFile()) throw new UserError(`${file}: recording not found`, file);
  const model = inspectModelFile(opts.modelPath);
  if (!model.ok)
    throw new UserError(`${opts.modelPath}: ${model.problem}; get a working model with ${PULL_HINT}`, opts.modelPath);
  if (!model.info.multilingual && decode.language !== 'en') {
    throw new UserError(
      `${opts.modelPath}: an English-only model cannot transcribe language "${decode.language}"; use a multilingual one (${PULL_HINT})`,
      opts.modelPath,
    );
  }
  const modelName = basename(opts.modelPath)
    .replace(/^ggml-/, '')
    .replace(/\.bin$/, '');
  const modelHash = modelSha256(opts.modelPath);

  if (!avxWarned) {
    const build = whisperBuildInfo();
    if (build.built && !build.avx)
      log.warn(
        { flags: build.flags },
        `whisper.cpp was built without AVX (about 10x slower): run scripts/build-whisper.sh`,
      );
    avxWarned = true;
  }

  // One signal for the caller's abort and our timeout; the timeout's reason is the user's message.
  const ctrl = new AbortController();
  const onAbort = () => ctrl.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();
  const timer = opts.timeoutS
    ? setTimeout(
        () => ctrl.abort(new UserError(`${file}: transcription timed out after ${opts.timeoutS} s`, file)),
        opts.timeoutS * 1000,
      )
    : undefined;
  const signal = ctrl.signal;

  const ownEngine = !opts.engine;
  const engine: AsrEngine = opts.engine ?? new WhisperCppEngine({ modelPath: opts.modelPath, logger: log });
  try {
    let key: string | undefined;
    if (opts.cacheDir) {
      const { threads: _threads, ...decodeKey } = decode; // thread count doesn't change the text
      key = cacheKey({
        audio: opts.recordingSha256 ?? (await sha256File(file)),
        channel: opts.channel,
        ...(opts.audioTrack ? { audioTrack: opts.audioTrack } : {}),
        model: modelHash,
        decode: decodeKey,
        vad: opts.vad,
        vadOptions: opts.vadOptions,
        silence: opts.silence?.map((s) => [Math.round(s.start * 1000), Math.round(s.end * 1000)]) ?? null,
        lowConfidenceBelow: opts.lowConfidenceBelow,
      });
      const hit = readCached(opts.cacheDir, key);
      if (hit) {
        log.info({ cache: 'hit', segments: hit.segments.length }, 'transcript from cache');
        return hit;
      }
    }

    signal.throwIfAborted();
    const started = Date.now();
    const pcm = await decodeAudioFloat32(file, { channel: opts.channel, track: opts.audioTrack });
    signal.throwIfAborted();
    const durationS = pcm.length / SAMPLE_RATE;

    // Voiced regions: the media stage's silence detection when we have it, else our energy VAD.
    const vadSource = opts.silence ? 'media silence detection' : 'energy VAD';
    const voicedRaw = opts.silence ? voicedFromSilence(opts.silence, durationS) : energyVad(pcm);
    const windows = opts.vad
      ? planWindows(prepareVoiced(voicedRaw, durationS, opts.vadOptions), durationS, pcm, opts.vadOptions)
      : planUngatedWindows(pcm.length, opts.vadOptions.maxWindowS);
    const sentS = windowsSeconds(windows);
    log.info(
      {
        durationS: Math.round(durationS * 10) / 10,
        windows: windows.length,
        voicedS: Math.round(sentS * 10) / 10,
        vad: opts.vad ? vadSource : 'off',
      },
      'transcribing',
    );

    const progress = opts.onProgress
      ? undefined
      : createProgress({ label: `transcribing ${basename(file)}`, logger: log });
    const report = (d: number, t: number) => (opts.onProgress ? opts.onProgress(d, t) : progress!.update(d, t));
    const info = await engine.load(signal);
    const mapped: MappedSegment[] = [];
    report(0, windows.length);
    for (let i = 0; i < windows.length; i++) {
      const segs = await engine.transcribe(windowAudio(pcm, windows[i]), decode, signal);
      mapped.push(...mapWindowSegments(segs, windows[i]));
      report(i + 1, windows.length);
    }
    progress?.finish();

    const diagnostics: TranscriptDiagnostic[] = [];
    if (info.weightless) {
      diagnostics.push({
        kind: 'note',
        message: `model ${modelName} is weight-less (no tensors, a test model): whisper.cpp ran the whole pipeline but produces no real text — content accuracy needs a real model: get one with ${PULL_HINT}`,
      });
    }
    diagnostics.push({
      kind: 'note',
      message: opts.vad
        ? `VAD gating (${vadSource}): ${sentS.toFixed(1)} of ${durationS.toFixed(1)} s sent to the engine in ${windows.length} window(s)`
        : `no VAD gating: ${durationS.toFixed(1)} s sent to the engine in ${windows.length} window(s)`,
    });

    const drafts = mapped
      .map((s) => ({
        ...s,
        text: normalizeChinese(s.text),
        words: s.words?.map((w) => ({ ...w, text: normalizeChinese(w.text) })).filter((w) => w.text !== ''),
      }))
      .filter((s) => s.text !== '')
      .sort((a, b) => a.start - b.start || a.end - b.end);

    // Silence for the guard: the detected silence minus the padding we keep around speech, so a
    // segment whose edges spill into that padding isn't taken for an invention.
    const pad = opts.vadOptions.padS ?? VAD_DEFAULTS.padS;
    const silence = (opts.silence ? opts.silence : silenceFromVoiced(voicedRaw, durationS))
      .map((s) => ({ start: s.start + pad, end: s.end - pad }))
      .filter((s) => s.end > s.start);
    const guarded = guardSegments(drafts, { silence });
    diagnostics.push(...guarded.diagnostics);

    const segments = guarded.kept.map((s, id) => {
      const seg: Transcript['segments'][number] = { id, start: s.start, end: s.end, text: s.text };
      if (s.words && s.words.length > 0) seg.words = s.words;
      if (s.confidence !== undefined) seg.confidence = s.confidence;
      if (s.lowConfidence || (s.confidence !== undefined && s.confidence < opts.lowConfidenceBelow))
        seg.lowConfidence = true;
      return seg;
    });
    // One diagnostic per run of low-confidence segments: the passages a reviewer should listen to.
    for (let i = 0; i < segments.length; i++) {
      if (!segments[i].lowConfidence) continue;
      let j = i;
      while (j + 1 < segments.length && segments[j + 1].lowConfidence) j++;
      const confs = segments
        .slice(i, j + 1)
        .map((s) => s.confidence)
        .filter((c): c is number => c !== undefined);
      diagnostics.push({
        kind: 'low-confidence',
        start: segments[i].start,
        end: segments[j].end,
        message: `low confidence in segments ${i}–${j}${confs.length ? ` (lowest ${Math.min(...confs).toFixed(2)})` : ''}: rules should treat this passage as undetermined`,
      });
      i = j;
    }

    const transcript: Transcript = {
      segments,
      language: decode.language,
      source: { kind: 'asr', engine: engine.name, model: modelName, modelSha256: modelHash },
      diagnostics,
    };
    log.info(
      {
        segments: segments.length,
        dropped: guarded.diagnostics.filter((d) => d.kind !== 'repetition-loop' || d.message.startsWith('dropped'))
          .length,
        seconds: Math.round((Date.now() - started) / 100) / 10,
      },
      'transcribed',
    );
    if (opts.cacheDir && key) writeCached(opts.cacheDir, key, transcript);
    return transcript;
  } catch (err) {
    if (signal.aborted && signal.reason === err) throw err;
    if (err instanceof EngineError) throw new UserError(`${file}: ${err.message}`, file);
    throw err;
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    if (ownEngine) await engine.close();
  }
}
