// src/jobs: what a local batch (src/batch) and the job queue (src/queue) both use. Here: a batch's
// options and plan, which the batch runs in its own worker pool or hands to a queue runner.
import type { Verdict } from '../model/index.js';
import type { Store } from '../store/index.js';
import type { Fingerprint } from './fingerprint.js';
import type { ProgressSink } from './progress.js';
import type { BatchSession, SessionOutcome } from './session.js';

export interface BatchOptions {
  inbox: string;
  outDir: string;
  /** default `<outDir>/dualrec.sqlite` (or DUALREC_STORE) */
  store?: string;
  /** worker threads; default: the number of cores */
  concurrency?: number;
  /** YYYY-MM-DD: only sessions recorded on or after */
  since?: string;
  ruleDirs?: string[];
  model?: string;
  forceAsr?: boolean;
  /** false: skip the picture (the visual checks then say they were not done) */
  vision?: boolean;
  /** re-analyze even unchanged sessions */
  force?: boolean;
  lang?: 'zh' | 'en';
  queueVerdicts?: readonly Verdict[];
  /** a session taking longer fails (and its worker is replaced) */
  sessionTimeoutMs?: number;
  cacheDir?: string;
  progress?: ProgressSink;
  /** redis:// URL: hand the sessions to queue workers (`dualrec worker`) instead of analyzing them here */
  queue?: string;
  /** BullMQ queue name (default "analyze") */
  queueName?: string;
  /** with `queue`: follow the workers until every job is finished, then summarise as a local batch does */
  wait?: boolean;
  /** with `queue`: tries per job when the fault is transient (store or Redis down, worker crash) */
  attempts?: number;
}

/** What a batch decided to do, before anything runs: shared by the local pool and the queue. */
export interface BatchPlan {
  batchId: string;
  startedAt: string;
  rulesVersion: string;
  discovered: number;
  inScope: BatchSession[];
  todo: { s: BatchSession; fp: Fingerprint }[];
  /** filled as sessions are skipped or finish */
  outcomes: Map<string, SessionOutcome>;
  reportsChanged: number;
  abandonedRuns: number;
  queueVerdicts: readonly Verdict[];
}

export interface QueueSummary {
  /** the Redis URL without its password */
  url: string;
  name: string;
  /** jobs added by this batch */
  enqueued: number;
  /** sessions whose job was already waiting or running (a batch enqueued earlier): followed, not added */
  alreadyQueued: number;
  /** false: the batch handed the jobs over and did not wait (sessions are `queued`) */
  waited: boolean;
  /** queue workers that took part (by name), when waited */
  workers?: string[];
}

/**
 * Runs a planned batch on a job queue instead of here (src/queue's runOnQueue), filling the plan's
 * outcomes. The caller hands it to runBatch, so the batch itself needs no queue code.
 */
export type QueueRunner = (
  store: Store,
  plan: BatchPlan,
  opts: BatchOptions & { inbox: string; outDir: string; queue: string },
) => Promise<QueueSummary>;
