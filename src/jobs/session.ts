// src/jobs: what a local batch (src/batch) and the job queue (src/queue) both use. Here: a session of a
// batch, the row the store keeps for it, and how its processing ended.
import type { SessionMeta, Verdict } from '../model/index.js';
import type { SessionInput } from '../pipeline/session.js';
import type { SessionRecord, Store } from '../store/index.js';
import type { AnalyzeJobResult } from './analyze-job.js';

/** A session found in the inbox (batch/discover.ts), as a batch plans and runs it. */
export interface BatchSession {
  input: SessionInput;
  /** folder of the session relative to the inbox, '/'-separated ('' at the top) */
  relDir: string;
  reportDir: string;
  /** stable store key: one per report folder, hence one current report per recording */
  key: string;
  /** valid sidecar metadata; undefined when there is none or it is broken (the worker reports why) */
  meta?: SessionMeta;
  /** YYYY-MM-DD */
  recordedOn?: string;
}

export interface SessionOutcome {
  key: string;
  name: string;
  relDir: string;
  verdict?: Verdict;
  risk?: number;
  reportDir: string;
  /** queued: handed to queue workers, not waited for */
  status: 'analysed' | 'skipped' | 'failed' | 'queued';
  /** could not be analyzed, or analyzed with a critical problem, or the program failed on it */
  reason?: string;
}

export function outcome(
  s: BatchSession,
  status: SessionOutcome['status'],
  verdict?: Verdict,
  risk?: number,
  reason?: string,
): SessionOutcome {
  return { key: s.key, name: s.input.name, relDir: s.relDir, reportDir: s.reportDir, status, verdict, risk, reason };
}

export function sessionRecord(s: BatchSession): SessionRecord {
  return {
    key: s.key,
    base: s.input.base,
    name: s.input.name,
    relDir: s.relDir,
    sessionId: s.meta?.session_id ?? s.input.name,
    recording: s.input.recording,
    reportDir: s.reportDir,
    productType: s.meta?.product.type,
    productName: s.meta?.product.name,
    channel: s.meta?.channel,
    agentId: s.meta?.agent.id,
    region: s.meta?.region,
    recordedOn: s.recordedOn,
  };
}

/**
 * Stores a finished analysis as its run (verdict, findings, report hashes; the review queue entry when the
 * verdict is one of `queueVerdicts`), and the session id the report found when the stored row had another.
 */
export async function recordRunResult(
  store: Store,
  runId: string,
  session: SessionRecord,
  r: AnalyzeJobResult,
  queueVerdicts: readonly Verdict[],
): Promise<void> {
  await store.completeRun(runId, {
    verdict: r.verdict,
    verdictReasons: r.verdictReasons,
    risk: r.risk,
    error: r.error,
    problem: r.problem,
    reportJsonSha256: r.reportJsonSha256,
    reportHtmlSha256: r.reportHtmlSha256,
    findings: r.findings,
    artefacts: r.artefacts,
    queueVerdicts,
  });
  if (r.sessionId !== session.sessionId) await store.upsertSession({ ...session, sessionId: r.sessionId });
}
