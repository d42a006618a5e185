// Builds SessionFacts for one session: metadata → media probe, integrity, signals → transcript
// (imported, or transcribed when a model is there) → speaker roles → vision. Checks come after, in score.ts.
import type { Logger } from 'pino';
import type { IntegrityIssue, SessionFacts, Transcript } from '../model/index.js';
import {
  probeMedia,
  checkIntegrity,
  detectSignals,
  decodeIssues,
  interruptionIssues,
  joinParts,
} from '../media/index.js';
import { consistencyIssues, measureRecording } from './media-facts.js';
import { importTranscript } from '../asr/import/index.js';
import { resolveModel, transcribeRecording, type AsrEngineCache } from '../asr/index.js';
import { assignRoles } from '../speakers/index.js';
import { startVision, type VisionStart } from '../vision/index.js';
import { UserError } from '../util/errors.js';
import { stageClock, timingFields, type StageTime } from '../util/stage-clock.js';
import { maskTranscript } from '../privacy/index.js';
import { TRANSCRIPT_DURATION_SLACK_S } from '../model/limits.js';
import { basename, join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadSessionMeta, type LoadedMeta, type SessionInput } from './session.js';

export interface CollectOptions {
  /** whisper model: file path or manifest name; else DUALREC_MODEL / config / models/ */
  model?: string;
  /** transcribe even when a transcript file is beside the recording */
  forceAsr?: boolean;
  cacheDir?: string;
  /** sha256 of the recording, when the caller has hashed it already */
  recordingSha256?: string;
  threads?: number;
  /** loaded engines to reuse across sessions; without it each transcription loads its model */
  engines?: AsrEngineCache;
  /** false: skip the picture (visual checks then say they were not done) */
  vision?: boolean;
  /** the session's report folder: evidence frames go to <reportDir>/frames/ */
  reportDir?: string;
  logger: Logger;
  onProgress?: (stage: string, done: number, total: number) => void;
  /** wall and CPU time of each stage as it ends (parts, media, transcript, speakers, vision) */
  onStageTime?: (t: StageTime) => void;
}

/** `loaded`: the sidecar when the caller has read it already (so its errors name the session early). */
export async function collectFacts(
  input: SessionInput,
  opts: CollectOptions,
  loaded?: LoadedMeta,
): Promise<SessionFacts> {
  // vision starts early (see below); a session that fails before vision finishes must not leave it running
  const started: { vision?: VisionStart } = {};
  try {
    return await collect(input, opts, started, loaded);
  } catch (err) {
    started.vision?.cancel();
    throw err;
  }
}

async function collect(
  input: SessionInput,
  opts: CollectOptions,
  started: { vision?: VisionStart },
  loaded?: LoadedMeta,
): Promise<SessionFacts> {
  const { meta, fromSidecar } = loaded ?? loadSessionMeta(input);
  const log = opts.logger;
  const lap = stageClock(opts.onStageTime);
  const facts: SessionFacts = {
    sessionId: meta.session_id,
    recording: input.recording,
    meta,
    metaFromSidecar: fromSidecar,
    integrity: [],
  };
  // A session recorded in parts is analyzed as the parts joined into one file, on one timeline.
  let partIssues: IntegrityIssue[] = [];
  if (input.parts && input.parts.length > 1) {
    const joinedFile = join(opts.reportDir ?? mkdtempSync(join(tmpdir(), 'dualrec-parts-')), 'recording-joined.mp4');
    const joined = await joinParts(input.parts, joinedFile);
    facts.recording = joinedFile;
    facts.parts = joined.parts;
    partIssues = [...joined.issues, ...interruptionIssues(joined.parts)];
    log.info(
      {
        stage: 'parts',
        parts: joined.parts.length,
        durationS: joined.parts.map((p) => p.durationS),
        ...timingFields(lap('parts')),
      },
      'parts joined',
    );
  }
  const recording = facts.recording;

  if (recording) {
    // Which audio track to use, and the length (decoded when the header has none): media-facts.ts.
    const { probe, issues: measureIssues } = await measureRecording(recording, await probeMedia(recording));
    facts.probe = probe;
    // The picture's first pass needs only the probe: it starts now and runs beside the signal pass.
    if (opts.vision !== false && probe.video.length && probe.duration > 0)
      started.vision = startVision({ recording, probe, logger: log });
    facts.integrity = await checkIntegrity(recording, probe, { expectedDurationS: meta.duration_s });
    facts.integrity.push(...measureIssues, ...partIssues);
    // Telesales (电销) is recorded as audio only: a missing picture is normal there, not a fault.
    if (meta.channel === 'telesales') facts.integrity = facts.integrity.filter((i) => i.code !== 'no-video');
    log.info(
      {
        stage: 'media',
        duration: probe.duration,
        durationFrom: probe.durationFrom,
        audioTrack: probe.audioTrack?.position,
        issues: facts.integrity.map((i) => i.code),
      },
      'probed',
    );
    if (probe.duration > 0 && (probe.audio.length > 0 || probe.video.length > 0)) {
      facts.signals = await detectSignals(recording, probe, { audioPosition: probe.audioTrack?.position });
      // The signal pass decodes everything, so it is where decoder errors surface.
      facts.integrity.push(...decodeIssues(facts.signals));
    }
    log.info({ stage: 'media', ...timingFields(lap('media')) }, 'media stage done');
  }

  // Personal numbers (ID, phone, bank card) masked once, here: the checks, the store's copy of the
  // facts (and so rescore) and the report all see the same masked text; the full text stays only in
  // the original transcript file.
  const transcript = await obtainTranscript(input, facts, opts);
  facts.transcript = transcript && maskTranscript(transcript);
  // Does the recording's sound back the transcript? (a swapped, reused or made-up transcript does not)
  const consistency = consistencyIssues(facts);
  if (consistency) {
    facts.consistency = consistency.facts;
    facts.integrity.push(...consistency.issues);
    log.info(
      {
        stage: 'consistency',
        transcriptS: round1(consistency.facts.transcriptS),
        backedS: round1(consistency.facts.backedS),
        issues: consistency.issues.map((i) => i.code),
      },
      'transcript checked against the recording',
    );
  }
  if (facts.transcript) {
    log.info(
      {
        stage: 'transcript',
        segments: facts.transcript.segments.length,
        source: facts.transcript.source.kind,
        ...timingFields(lap('transcript')),
      },
      'transcript ready',
    );
    // Who said each line: sidecar, labels, audio channels or voices, then the words themselves.
    facts.speakers = await assignRoles({
      transcript: facts.transcript,
      meta,
      recording: facts.probe?.audio.length && !isUndecodable(facts.integrity) ? recording : undefined,
      probe: facts.probe,
      silence: facts.signals?.silence,
      logger: log,
    });
    log.info(
      {
        stage: 'speakers',
        method: facts.speakers.method,
        speakers: facts.speakers.speakerCount,
        ...timingFields(lap('speakers')),
      },
      'roles assigned',
    );
  }

  // Vision finishes after the transcript: its cues (签字, 出示 …) say where to look closely.
  if (started.vision && recording && facts.probe?.video.length && !isUndecodable(facts.integrity)) {
    try {
      facts.visual = await started.vision.finish({
        signals: facts.signals,
        transcript: facts.transcript,
        outDir: opts.reportDir,
        onProgress: opts.onProgress ? (d, t) => opts.onProgress!('vision', d, t) : undefined,
      });
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      facts.visionError = err.message;
      log.warn({ stage: 'vision', reason: err.message }, 'vision could not run');
    }
    log.info({ stage: 'vision', ...timingFields(lap('vision')) }, 'vision stage done');
  } else started.vision?.cancel();
  return facts;
}

async function obtainTranscript(
  input: SessionInput,
  facts: SessionFacts,
  opts: CollectOptions,
): Promise<Transcript | undefined> {
  if (input.transcript && !(opts.forceAsr && input.recording))
    return withinRecording(importTranscript(input.transcript), input.transcript, facts);
  if (input.partTranscripts?.some((t) => t) && facts.parts && !opts.forceAsr)
    return partsTranscript(input.partTranscripts, facts);
  if (!facts.recording || !facts.probe) {
    facts.transcriptMissingReason = 'no recording and no transcript file';
    return undefined;
  }
  if (facts.probe.audio.length === 0) {
    facts.transcriptMissingReason = 'the recording has no audio stream, and no transcript file is beside it';
    return undefined;
  }
  if (isUndecodable(facts.integrity)) {
    facts.transcriptMissingReason = 'the recording could not be decoded, and no transcript file is beside it';
    return undefined;
  }
  const model = resolveModel({ flag: opts.model });
  if (!model.ok) {
    facts.transcriptMissingReason = model.message;
    return undefined;
  }
  return transcribeRecording(facts.recording, {
    modelPath: model.path,
    language: 'zh',
    threads: opts.threads,
    silence: facts.signals?.silence,
    audioTrack: facts.probe.audioTrack?.position,
    cacheDir: opts.cacheDir,
    recordingSha256: opts.recordingSha256,
    logger: opts.logger,
    engine: opts.engines?.get(model.path, opts.logger),
    onProgress: opts.onProgress ? (d, t) => opts.onProgress!('asr', d, t) : undefined,
  });
}

/**
 * One transcript per part, each on its own part's clock: moved onto the joined timeline and put
 * together in part order. Every part needs its transcript (a part without one would read as silence).
 */
function partsTranscript(files: (string | null)[], facts: SessionFacts): Transcript {
  const parts = facts.parts!;
  const missing = files.findIndex((f) => !f);
  if (missing >= 0) {
    const file = parts[missing]!.file;
    throw new UserError(
      `${file}: part ${missing + 1} has no transcript beside it while other parts do; give each part its <name>.partN.transcript.* or one transcript for the whole session`,
      file,
    );
  }
  const segments: Transcript['segments'] = [];
  const diagnostics: NonNullable<Transcript['diagnostics']> = [];
  let first: Transcript | undefined;
  files.forEach((file, i) => {
    const t = importTranscript(file!);
    first ??= t;
    const offset = parts[i]!.startS;
    for (const s of t.segments) {
      segments.push({
        ...s,
        id: segments.length,
        start: s.start + offset,
        end: s.end + offset,
        ...(s.words ? { words: s.words.map((w) => ({ ...w, start: w.start + offset, end: w.end + offset })) } : {}),
      });
    }
    for (const d of t.diagnostics ?? []) {
      diagnostics.push({
        ...d,
        ...(d.start !== undefined ? { start: d.start + offset } : {}),
        ...(d.end !== undefined ? { end: d.end + offset } : {}),
      });
    }
  });
  return { ...first!, segments, ...(diagnostics.length ? { diagnostics } : {}) };
}

/**
 * An imported transcript far past its recording's end (ten times its length and more) is not its
 * transcript, or a hostile one: refused before any work. A smaller overrun is measured and reported by
 * the consistency check (integrity/transcript-beyond-end). Not checked when the recording itself is cut
 * short or damaged: that is reported as such, and the transcript may well be of the whole session.
 */
function withinRecording(t: Transcript, file: string, facts: SessionFacts): Transcript {
  const duration = facts.probe?.duration;
  if (!duration || !(duration > 0) || facts.integrity.some((i) => i.severity === 'critical')) return t;
  const limit = duration * 10 + TRANSCRIPT_DURATION_SLACK_S * 10;
  const last = t.segments.reduce<Transcript['segments'][number] | undefined>(
    (m, s) => (!m || s.end > m.end ? s : m),
    undefined,
  );
  if (last && last.end > limit) {
    throw new UserError(
      `${basename(file)}: segment ${last.id} ends at ${last.end} s, past the end of the recording (${duration.toFixed(1)} s), far beyond it: not this recording's transcript?`,
      file,
    );
  }
  return t;
}
const round1 = (x: number) => Math.round(x * 10) / 10;

function isUndecodable(issues: IntegrityIssue[]): boolean {
  return issues.some((i) => i.code === 'undecodable' || i.code === 'zero-length');
}
