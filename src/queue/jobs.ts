// What travels through Redis: one job per session. The data is checked with a schema when a worker
// takes it (it is external input: another machine wrote it, maybe another dualrec version). The job id
// is a hash of what the report depends on, so enqueuing the same work twice is one job.
import { createHash } from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import type { Verdict } from '../model/index.js';

export const JOB_NAME = 'session';
/** bumped when JobData changes shape: a worker refuses data it does not understand */
export const JOB_DATA_VERSION = 1;

const Verdicts = z.enum(['PASS', 'FAIL', 'REVIEW']);
const opt = z.string().optional();

export const JobDataSchema = z.object({
  v: z.literal(JOB_DATA_VERSION),
  batchId: z.string().min(1),
  /** the store the batch writes to (store_info.id): a worker on another store refuses the job */
  storeId: z.string().min(1),
  inbox: z.string().min(1),
  outDir: z.string().min(1),
  session: z.object({
    key: z.string().min(1),
    base: z.string(),
    name: z.string(),
    relDir: z.string(),
    sessionId: z.string(),
    recording: opt,
    reportDir: z.string().min(1),
    productType: opt,
    productName: opt,
    channel: opt,
    agentId: opt,
    region: opt,
    recordedOn: opt,
  }),
  input: z.object({
    base: z.string(),
    name: z.string(),
    recording: opt,
    transcript: opt,
    meta: opt,
    unreadable: opt,
    parts: z.array(z.string()).optional(),
    partTranscripts: z.array(z.string().nullable()).optional(),
  }),
  /** the fingerprint the batch computed (jobs/fingerprint.ts) */
  contentSha256: opt,
  inputsSha256: z.string().min(1),
  model: z.string().min(1),
  rulesVersion: z.string().min(1),
  toolVersion: z.string().min(1),
  settings: z.object({
    /** absolute rule folders of the batch (on the shared path); absent: the shipped rules */
    ruleDirs: z.array(z.string()).optional(),
    /** the batch's --model */
    model: opt,
    forceAsr: z.boolean().optional(),
    /** false: --no-vision */
    vision: z.boolean().optional(),
    lang: z.enum(['zh', 'en']),
    sessionTimeoutMs: z.number().int().positive().optional(),
  }),
  queueVerdicts: z.array(Verdicts),
  /** --force: analyze again even when the store already has this result */
  force: z.boolean(),
});

export type JobData = z.infer<typeof JobDataSchema>;

/** What a finished job hands back (BullMQ keeps it as the job's return value). */
export interface JobResult {
  sessionKey: string;
  sessionId: string;
  runId: string;
  verdict: Verdict;
  risk: number;
  /** could not be analyzed, or analyzed with a critical problem */
  reason?: string;
  /** the store already had this result (an earlier attempt finished it): nothing was redone */
  reused?: boolean;
  worker: string;
}

export const JobResultSchema = z.object({
  sessionKey: z.string(),
  sessionId: z.string(),
  runId: z.string(),
  verdict: Verdicts,
  risk: z.number(),
  reason: opt,
  reused: z.boolean().optional(),
  worker: z.string(),
});

/**
 * Same session (report folder), same content, rules, model and dualrec version → same id. The report
 * folder is part of it: two copies of one recording under two names are two sessions with two reports.
 */
export function jobId(d: Pick<JobData, 'session' | 'inputsSha256' | 'rulesVersion' | 'model' | 'toolVersion'>): string {
  return createHash('sha256')
    .update(['dualrec-job', d.session.key, d.inputsSha256, d.rulesVersion, d.model, d.toolVersion].join('\n'))
    .digest('hex')
    .slice(0, 40);
}

export interface RetryPolicy {
  /** tries in all (default 3) */
  attempts?: number;
  /** first wait before a retry; doubles each time (default 10 s) */
  backoffMs?: number;
}

export function jobOptions(id: string, retry: RetryPolicy = {}): JobsOptions {
  return {
    jobId: id,
    attempts: retry.attempts ?? 3,
    backoff: { type: 'exponential', delay: retry.backoffMs ?? 10_000 },
    // Finished jobs stay a while: `batch --wait` reads their results, and a re-run finds them.
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: { age: 30 * 24 * 3600 },
  };
}
