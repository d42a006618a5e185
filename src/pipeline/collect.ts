// Builds SessionFacts for one session: metadata → media probe, integrity, signals → transcript
// (imported, or transcribed when a model is there) → speaker roles. Checks come after, in score.ts.
import type { Logger } from 'pino';
import type { IntegrityIssue, SessionFacts, Transcript } from '../model/index.js';
import { probeMedia, checkIntegrity, detectSignals } from '../media/index.js';
import { importTranscript } from '../asr/import/index.js';
import { resolveModel, transcribeRecording } from '../asr/index.js';
import { applyLabelRoles } from '../speakers/labels.js';
import { loadSessionMeta, type SessionInput } from './session.js';

export interface CollectOptions {
  /** whisper model: file path or manifest name; else DUALREC_MODEL / config / models/ */
  model?: string;
  /** transcribe even when a transcript file is beside the recording */
  forceAsr?: boolean;
  cacheDir?: string;
  threads?: number;
  logger: Logger;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export async function collectFacts(input: SessionInput, opts: CollectOptions): Promise<SessionFacts> {
  const { meta, fromSidecar } = loadSessionMeta(input);
  const log = opts.logger;
  const facts: SessionFacts = {
    sessionId: meta.session_id,
    recording: input.recording,
    meta,
    metaFromSidecar: fromSidecar,
    integrity: [],
  };

  if (input.recording) {
    const probe = await probeMedia(input.recording);
    facts.probe = probe;
    facts.integrity = await checkIntegrity(input.recording, probe, { expectedDurationS: meta.duration_s });
    log.info({ stage: 'media', duration: probe.duration, issues: facts.integrity.map((i) => i.code) }, 'probed');
    if (probe.duration > 0 && (probe.audio.length > 0 || probe.video.length > 0)) {
      facts.signals = await detectSignals(input.recording, probe);
    }
  }

  facts.transcript = await obtainTranscript(input, facts, opts);
  if (facts.transcript) {
    const withRole = applyLabelRoles(facts.transcript, meta);
    log.info({ stage: 'transcript', segments: facts.transcript.segments.length, withRole, source: facts.transcript.source.kind }, 'transcript ready');
  }
  return facts;
}

async function obtainTranscript(input: SessionInput, facts: SessionFacts, opts: CollectOptions): Promise<Transcript | undefined> {
  if (input.transcript && !(opts.forceAsr && input.recording)) return importTranscript(input.transcript);
  if (!input.recording || !facts.probe) {
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
  return transcribeRecording(input.recording, {
    modelPath: model.path,
    language: 'zh',
    threads: opts.threads,
    silence: facts.signals?.silence,
    cacheDir: opts.cacheDir,
    logger: opts.logger,
    onProgress: opts.onProgress ? (d, t) => opts.onProgress!('asr', d, t) : undefined,
  });
}

function isUndecodable(issues: IntegrityIssue[]): boolean {
  return issues.some((i) => i.code === 'undecodable' || i.code === 'zero-length');
}
