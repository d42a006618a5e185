// Every option that reaches whisper.cpp is validated here first: smart-whisper passes numbers
// straight into C structs, and some values (a beam size of -1, a NUL in a string) abort the
// process. Only fields built by toBindingParams() ever cross into native code.
import { availableParallelism } from 'node:os';
import { z } from 'zod';

/** whisper.cpp's language codes (g_lang in whisper.cpp), in its order. */
export const WHISPER_LANGUAGES = [
  'en',
  'zh',
  'de',
  'es',
  'ru',
  'ko',
  'fr',
  'ja',
  'pt',
  'tr',
  'pl',
  'ca',
  'nl',
  'ar',
  'sv',
  'it',
  'id',
  'hi',
  'fi',
  'vi',
  'he',
  'uk',
  'el',
  'ms',
  'cs',
  'ro',
  'da',
  'hu',
  'ta',
  'no',
  'th',
  'ur',
  'hr',
  'bg',
  'lt',
  'la',
  'mi',
  'ml',
  'cy',
  'sk',
  'te',
  'fa',
  'lv',
  'bn',
  'sr',
  'az',
  'sl',
  'kn',
  'et',
  'mk',
  'br',
  'eu',
  'is',
  'hy',
  'ne',
  'mn',
  'bs',
  'kk',
  'sq',
  'sw',
  'gl',
  'mr',
  'pa',
  'si',
  'km',
  'sn',
  'yo',
  'so',
  'af',
  'oc',
  'ka',
  'be',
  'tg',
  'sd',
  'gu',
  'am',
  'yi',
  'lo',
  'uz',
  'fo',
  'ht',
  'ps',
  'tk',
  'nn',
  'mt',
  'sa',
  'lb',
  'my',
  'bo',
  'tl',
  'mg',
  'as',
  'tt',
  'haw',
  'ln',
  'ha',
  'ba',
  'jw',
  'su',
  'yue',
] as const;
export type WhisperLanguage = (typeof WHISPER_LANGUAGES)[number];

/**
 * The default initial prompt: Simplified Chinese steers whisper away from Traditional output, and
 * the insurance terms raise the odds that it spells them right.
 */
export const DEFAULT_PROMPT =
  '以下是普通话的句子。保险双录：责任免除、犹豫期、退保、现金价值、保险费、保险期间、等待期、分红不确定、投保人、被保险人、受益人。';

export function defaultThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** No NUL bytes: the binding strdup()s strings, and a NUL would silently cut them. */
const cString = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !s.includes('\0'), 'must not contain NUL characters');

/** Decoding options for one engine call. */
export const DecodeOptionsSchema = z
  .object({
    /** 'auto' lets whisper detect the language from the first 30 s */
    language: z.enum([...WHISPER_LANGUAGES, 'auto']).default('zh'),
    threads: z.number().int().min(1).max(64).default(defaultThreads),
    /** the initial prompt; '' for none. whisper keeps at most half its text context (≈224 tokens) of it */
    prompt: cString(600).default(DEFAULT_PROMPT),
    /** beam search width (whisper.cpp's CLI default is 5); 1 = greedy */
    beamSize: z.number().int().min(1).max(16).default(5),
    /** candidates when sampling with temperature fallback */
    bestOf: z.number().int().min(1).max(16).default(5),
    temperature: z.number().min(0).max(1).default(0),
    /** fallback step when a decode looks bad (compression / logprob); 0 disables fallback */
    temperatureInc: z.number().min(0).max(1).default(0.2),
    entropyThold: z.number().min(0).max(10).default(2.4),
    logprobThold: z.number().min(-10).max(0).default(-1),
    noSpeechThold: z.number().min(0).max(1).default(0.6),
    /** per-token start/end times (words) */
    tokenTimestamps: z.boolean().default(true),
    suppressNonSpeechTokens: z.boolean().default(true),
  })
  .strict();

export type DecodeOptionsInput = z.input<typeof DecodeOptionsSchema>;
export type DecodeOptions = z.output<typeof DecodeOptionsSchema>;

/** The exact object handed to smart-whisper's native transcribe(): only known, validated fields. */
export interface BindingParams {
  strategy: 0 | 1;
  n_threads: number;
  language: string;
  initial_prompt?: string;
  beam_size: number;
  best_of: number;
  temperature: number;
  temperature_inc: number;
  entropy_thold: number;
  logprob_thold: number;
  no_speech_thold: number;
  token_timestamps: boolean;
  suppress_non_speech_tokens: boolean;
  translate: false;
  no_context: true;
  print_progress: false;
  print_realtime: false;
  print_timestamps: false;
  format: 'detail';
}

export function toBindingParams(opts: DecodeOptions): BindingParams {
  const p: BindingParams = {
    // whisper.cpp's CLI does the same: beam search when the beam is wider than one
    strategy: opts.beamSize > 1 ? 1 : 0,
    n_threads: opts.threads,
    language: opts.language,
    beam_size: opts.beamSize,
    best_of: opts.bestOf,
    temperature: opts.temperature,
    temperature_inc: opts.temperatureInc,
    entropy_thold: opts.entropyThold,
    logprob_thold: opts.logprobThold,
    no_speech_thold: opts.noSpeechThold,
    token_timestamps: opts.tokenTimestamps,
    suppress_non_speech_tokens: opts.suppressNonSpeechTokens,
    translate: false,
    // each window is its own call; no text carried over means a loop in one window can't seed the next
    no_context: true,
    print_progress: false,
    print_realtime: false,
    print_timestamps: false,
    format: 'detail',
  };
  if (opts.prompt !== '') p.initial_prompt = opts.prompt;
  return p;
}

/** What smart-whisper's "detail" format returns per segment (src/binding/transcribe.cc). Times in ms. */
export const BindingTokenSchema = z.object({
  text: z.string(),
  id: z.number().int(),
  p: z.number(),
  from: z.number().optional(),
  to: z.number().optional(),
});

export const BindingSegmentSchema = z.object({
  from: z.number(),
  to: z.number(),
  text: z.string(),
  lang: z.string().optional(),
  confidence: z.number().optional(),
  tokens: z.array(BindingTokenSchema).optional(),
});

export const BindingResultSchema = z.array(BindingSegmentSchema);
export type BindingSegment = z.infer<typeof BindingSegmentSchema>;
export type BindingToken = z.infer<typeof BindingTokenSchema>;
