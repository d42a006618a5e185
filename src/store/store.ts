// The durable store behind batch, rescore, review and the queue workers. SQLite (sqlite.ts) is the
// embedded default; PostgreSQL (pg.ts) is for several machines. The interface is async and speaks in
// whole operations (each one transaction); both backends run the same statements (sql-store.ts, over the
// driver in driver.ts) and apply the same migrations (migrations.ts).
import type { Finding, Verdict } from '../model/index.js';

export type RunKind = 'analyze' | 'rescore';
/** running: started and not finished (after a crash it becomes abandoned); done: report written;
 *  failed: the program failed on it (retried next time). A recording that cannot be analyzed is
 *  `done` with `error` set: its report says why. */
export type RunStatus = 'running' | 'done' | 'failed' | 'abandoned';
export type ArtefactKind = 'meta' | 'media' | 'transcript' | 'visual';
export type DecisionKind = 'confirm' | 'overturn' | 'rerecord';
export const DECISION_KINDS: readonly DecisionKind[] = ['confirm', 'overturn', 'rerecord'];

export interface SessionRecord {
  /** opaque stable key (hash of the report folder): safe in URLs and file names */
  key: string;
  /** absolute `<dir>/<name>` of the source */
  base: string;
  name: string;
  /** folder of the source relative to the inbox ('' at the top) */
  relDir: string;
  sessionId: string;
  recording?: string;
  /** absolute folder holding report.json / report.html */
  reportDir: string;
  productType?: string;
  productName?: string;
  channel?: string;
  agentId?: string;
  /** the sidecar's region (branch / 分支机构 code) */
  region?: string;
  /** YYYY-MM-DD: from the sidecar, else the date folder, else the file's mtime */
  recordedOn?: string;
}

export interface RunRecord {
  id: string;
  sessionKey: string;
  batchId?: string;
  kind: RunKind;
  parentRunId?: string;
  status: RunStatus;
  startedAt: string;
  finishedAt?: string;
  inputsSha256: string;
  contentSha256?: string;
  rulesVersion: string;
  model: string;
  toolVersion: string;
  verdict?: Verdict;
  verdictReasons?: string[];
  risk?: number;
  /** findings that failed / could not be decided */
  failCount?: number;
  undeterminedCount?: number;
  /** the session could not be analyzed: why (its report says the same) */
  error?: string;
  /** the session was analyzed but something about the input was wrong (e.g. truncated) */
  problem?: string;
  reportJsonSha256?: string;
  reportHtmlSha256?: string;
}

export interface Artefact {
  kind: ArtefactKind;
  sha256: string;
  /** JSON text */
  body: string;
}

export interface RunCompletion {
  verdict: Verdict;
  verdictReasons: string[];
  risk: number;
  error?: string;
  problem?: string;
  reportJsonSha256: string;
  reportHtmlSha256: string;
  findings: Finding[];
  artefacts: Artefact[];
  /** when the verdict is one of these, the session enters the review queue */
  queueVerdicts: readonly Verdict[];
}

export interface CurrentSession extends SessionRecord {
  run: RunRecord;
}

export interface SessionFilter {
  /** recorded on or after (YYYY-MM-DD) */
  since?: string;
  verdicts?: readonly Verdict[];
}

export interface DecisionInput {
  sessionKey: string;
  runId: string;
  /** absent: a decision about the whole session */
  findingIdx?: number;
  decision: DecisionKind;
  comment: string;
  reviewer: string;
  /** when it was decided (ISO-8601); absent: now. For imports, tests and benchmarks: the review server never sets it. */
  decidedAt?: string;
}

export interface DecisionRecord extends DecisionInput {
  id: string;
  seq: number;
  ruleId?: string;
  decidedAt: string;
  supersedes?: string;
  /** set when a later decision on the same subject replaced this one */
  supersededBy?: string;
}

/** Narrows the review queue (all given fields must match); the dashboard's drill-down links use it. */
export interface QueueFilter {
  agentId?: string;
  region?: string;
  channel?: string;
  productType?: string;
  verdict?: Verdict;
  /** recorded on or after / on or before (YYYY-MM-DD) */
  from?: string;
  to?: string;
  /** sessions whose current run has a failing (or undetermined) finding of this rule */
  ruleId?: string;
}

export interface QueueItem {
  session: CurrentSession;
  enteredAt: string;
  /** the current session-level decision on the current run, if any */
  decision?: DecisionRecord;
}

export interface StoredFinding extends Finding {
  runId: string;
  idx: number;
}

/** queued: `batch --queue` without --wait handed the sessions to the workers and stopped there */
export type BatchStatus = 'done' | 'failed' | 'queued';

export interface BatchRecord {
  id: string;
  kind: 'batch' | 'rescore';
  startedAt: string;
  inbox?: string;
  outDir?: string;
  rulesVersion?: string;
}

/** Held for the length of a batch or rescore; released by release() or by the process dying. */
export interface StoreLock {
  release(): Promise<void>;
}

export interface LockOwner {
  command: string;
  pid: number;
  host: string;
  startedAt: string;
}

export interface Store {
  /** where the store lives, for messages */
  readonly location: string;
  close(): Promise<void>;
  schemaVersion(): Promise<number>;

  /** Refuses (LockedError) when another batch/rescore holds the store. */
  acquireLock(owner: LockOwner): Promise<StoreLock>;

  startBatch(b: BatchRecord): Promise<void>;
  finishBatch(id: string, status: BatchStatus, summary: unknown): Promise<void>;
  /** Marks runs left `running` by a crashed process as abandoned; returns how many. Call under the lock. */
  abandonStaleRuns(): Promise<number>;
  /** The same for one session: a queue worker taking over a job whose earlier attempt died. */
  abandonRunsOf(sessionKey: string): Promise<number>;
  /** Random id made when the store was created: workers check they write to the batch's store. */
  storeId(): Promise<string>;

  cachedFileHash(path: string, size: number, mtimeMs: number): Promise<string | undefined>;
  rememberFileHash(path: string, size: number, mtimeMs: number, sha256: string): Promise<void>;

  upsertSession(s: SessionRecord): Promise<void>;
  getSession(key: string): Promise<CurrentSession | SessionRecord | undefined>;
  /** sessions that have a current run, riskiest first */
  currentSessions(filter?: SessionFilter): Promise<CurrentSession[]>;

  startRun(run: Omit<RunRecord, 'status' | 'finishedAt'>): Promise<void>;
  /** Finishes a run and makes it the session's current one, in one transaction. */
  completeRun(runId: string, c: RunCompletion): Promise<void>;
  failRun(runId: string, error: string): Promise<void>;
  getRun(id: string): Promise<RunRecord | undefined>;
  runsOf(sessionKey: string): Promise<RunRecord[]>;
  runArtefacts(runId: string): Promise<Artefact[]>;
  findingsOf(runId: string): Promise<StoredFinding[]>;

  queue(opts?: { includeDecided?: boolean; filter?: QueueFilter }): Promise<QueueItem[]>;
  /** Appends a decision; it supersedes the current decision on the same subject. */
  addDecision(d: DecisionInput): Promise<DecisionRecord>;
  decisions(opts?: { sessionKey?: string; includeSuperseded?: boolean }): Promise<DecisionRecord[]>;

  /** Rows of one read-only statement written with `?` placeholders in the SQL both backends share (stats). */
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;

  /** PRAGMA-level and referential checks; an empty list means consistent. */
  checkConsistency(): Promise<string[]>;
}

export class LockedError extends Error {
  constructor(
    message: string,
    readonly holder?: LockOwner,
  ) {
    super(message);
    this.name = 'LockedError';
  }
}

export function isCurrent(s: CurrentSession | SessionRecord | undefined): s is CurrentSession {
  return !!s && 'run' in s && !!(s as CurrentSession).run;
}
