// SQLite Store through better-sqlite3 (12.x: 13 needs Node 22). WAL, foreign keys, migrations on open.
// better-sqlite3 is synchronous; the async methods keep the Store interface backend-neutral.
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Finding } from '../model/index.js';
import { makePrivate, PRIVATE_FILE_MODE, writeFileAtomic } from '../util/atomic.js';
import { UserError, errorMessage } from '../util/errors.js';
import { MIGRATIONS } from './migrations.js';
import { INFO_CHAIN_HEAD, nextSeal, parseHead, runContentHash } from './chain.js';
import {
  CONSISTENCY_QUERIES,
  CURRENT_SELECT,
  CURRENT_SESSION_DECISION,
  INFO_STORE_ID,
  VERDICT_RANK,
  decisionFromRow,
  findingFromRow,
  findingValues,
  nowIso,
  queueFilterWhere,
  runFromRow,
  sessionFromRow,
  str,
  type Row,
} from './rows.js';
import {
  LockedError,
  type Artefact,
  type BatchRecord,
  type BatchStatus,
  type CurrentSession,
  type DecisionInput,
  type DecisionRecord,
  type LockOwner,
  type QueueFilter,
  type QueueItem,
  type RunCompletion,
  type RunRecord,
  type SessionFilter,
  type SessionRecord,
  type Store,
  type StoreLock,
  type StoredFinding,
} from './store.js';

export class SqliteStore implements Store {
  readonly location: string;
  private db: Database.Database;

  constructor(file: string) {
    // The real path: a store named through a symbolic link is the same store, with the same
    // <store>.lock, so a link to the live store cannot slip past a running batch's lock.
    this.location = realStorePath(file);
    try {
      mkdirSync(dirname(this.location), { recursive: true, mode: 0o700 });
      // Created 0600 before SQLite opens it: SQLite gives -wal and -shm the database file's mode.
      // An older store left 0644 is narrowed (its -wal/-shm too).
      createPrivate(this.location);
      this.db = new Database(this.location, { timeout: 10_000 });
    } catch (err) {
      throw new UserError(`${file}: cannot open the store (${errorMessage(err)})`, file);
    }
    try {
      this.db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode survives a killed process; only a power cut may lose the last commits.
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('foreign_keys = ON');
      // Reads of a big store (the dashboard's statistics scan sessions ⋈ runs ⋈ findings) go through
      // memory-mapped pages and a larger cache instead of a read() per 4 KiB page.
      this.db.pragma('cache_size = -32768');
      this.db.pragma('mmap_size = 268435456');
      this.migrate();
    } catch (err) {
      this.db.close();
      if (err instanceof UserError) throw err;
      const code = (err as { code?: unknown }).code;
      const corrupt = code === 'SQLITE_NOTADB' || (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'));
      throw new UserError(`${file}: ${corrupt ? 'not a SQLite database, or corrupt' : 'not a usable dualrec store'} (${errorMessage(err)})`, file);
    }
  }

  private migrate(): void {
    this.db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    // IMMEDIATE: two processes opening a fresh store at once must not both apply migration 1.
    const apply = this.db.transaction(() => {
      const have = new Set(
        (this.db.prepare('SELECT version FROM schema_migrations').all() as Row[]).map((r) => Number(r.version)),
      );
      const newest = Math.max(0, ...have);
      const known = Math.max(...MIGRATIONS.map((m) => m.version));
      if (newest > known) {
        throw new UserError(
          `${this.location}: store schema version ${newest} is newer than this dualrec understands (${known}); upgrade dualrec`,
          this.location,
        );
      }
      for (const m of MIGRATIONS) {
        if (have.has(m.version)) continue;
        for (const sql of [...m.sql, ...(m.sqlite ?? [])]) this.db.exec(sql);
        this.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, nowIso());
      }
    });
    apply.immediate();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  async schemaVersion(): Promise<number> {
    const r = this.db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as Row;
    return Number(r.v ?? 0);
  }

  async acquireLock(owner: LockOwner): Promise<StoreLock> {
    return acquireFileLock(this.location, owner);
  }

  async startBatch(b: BatchRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO batches (id, kind, started_at, status, inbox, out_dir, host, pid, rules_version)
         VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?)`,
      )
      .run(b.id, b.kind, b.startedAt, b.inbox ?? null, b.outDir ?? null, hostName(), process.pid, b.rulesVersion ?? null);
  }

  async finishBatch(id: string, status: BatchStatus, summary: unknown): Promise<void> {
    this.db
      .prepare('UPDATE batches SET status = ?, finished_at = ?, summary = ? WHERE id = ?')
      .run(status, nowIso(), JSON.stringify(summary), id);
  }

  async abandonStaleRuns(): Promise<number> {
    const t = this.db.transaction(() => {
      this.db.prepare(`UPDATE batches SET status = 'abandoned', finished_at = ? WHERE status = 'running'`).run(nowIso());
      return this.db.prepare(`UPDATE runs SET status = 'abandoned', finished_at = ? WHERE status = 'running'`).run(nowIso()).changes;
    });
    return t.immediate();
  }

  async abandonRunsOf(sessionKey: string): Promise<number> {
    return this.db
      .prepare(`UPDATE runs SET status = 'abandoned', finished_at = ? WHERE session_key = ? AND status = 'running'`)
      .run(nowIso(), sessionKey).changes;
  }

  async storeId(): Promise<string> {
    const r = this.db.prepare('SELECT value FROM store_info WHERE key = ?').get(INFO_STORE_ID) as Row | undefined;
    if (!r) throw new Error(`${this.location}: the store has no id (migration 2 missing)`);
    return String(r.value);
  }

  async cachedFileHash(path: string, size: number, mtimeMs: number): Promise<string | undefined> {
    const r = this.db.prepare('SELECT sha256 FROM file_hashes WHERE path = ? AND size = ? AND mtime_ms = ?').get(path, size, mtimeMs) as
      | Row
      | undefined;
    return str(r?.sha256);
  }

  async rememberFileHash(path: string, size: number, mtimeMs: number, sha256: string): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO file_hashes (path, size, mtime_ms, sha256) VALUES (?, ?, ?, ?)
         ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms, sha256 = excluded.sha256`,
      )
      .run(path, size, mtimeMs, sha256);
  }

  async upsertSession(s: SessionRecord): Promise<void> {
    const now = nowIso();
    this.db
      .prepare(
        `INSERT INTO sessions (key, base, name, rel_dir, session_id, recording, report_dir, product_type, product_name, channel,
           agent_id, recorded_on, region, first_seen_at, updated_at)
         VALUES (@key, @base, @name, @relDir, @sessionId, @recording, @reportDir, @productType, @productName, @channel,
           @agentId, @recordedOn, @region, @now, @now)
         ON CONFLICT (key) DO UPDATE SET name = excluded.name, rel_dir = excluded.rel_dir, session_id = excluded.session_id,
           recording = excluded.recording, report_dir = excluded.report_dir, product_type = excluded.product_type,
           product_name = excluded.product_name, channel = excluded.channel, agent_id = excluded.agent_id,
           recorded_on = excluded.recorded_on, region = excluded.region, updated_at = excluded.updated_at`,
      )
      .run({
        key: s.key,
        base: s.base,
        name: s.name,
        relDir: s.relDir,
        sessionId: s.sessionId,
        recording: s.recording ?? null,
        reportDir: s.reportDir,
        productType: s.productType ?? null,
        productName: s.productName ?? null,
        channel: s.channel ?? null,
        agentId: s.agentId ?? null,
        recordedOn: s.recordedOn ?? null,
        region: s.region ?? null,
        now,
      });
  }

  async getSession(key: string): Promise<CurrentSession | SessionRecord | undefined> {
    const cur = this.db.prepare(`${CURRENT_SELECT} WHERE s.key = ?`).get(key) as Row | undefined;
    if (cur) return { ...sessionFromRow(cur), run: runFromRow(cur, 'r_') };
    const r = this.db.prepare('SELECT * FROM sessions WHERE key = ?').get(key) as Row | undefined;
    return r ? sessionFromRow(r) : undefined;
  }

  async currentSessions(filter: SessionFilter = {}): Promise<CurrentSession[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.since) {
      where.push('s.recorded_on >= ?');
      args.push(filter.since);
    }
    if (filter.verdicts) {
      where.push(`r.verdict IN (${filter.verdicts.map(() => '?').join(', ') || "''"})`);
      args.push(...filter.verdicts);
    }
    const sql = `${CURRENT_SELECT} ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
      ORDER BY ${VERDICT_RANK}, r.risk DESC, s.rel_dir, s.name`;
    return (this.db.prepare(sql).all(...args) as Row[]).map((r) => ({ ...sessionFromRow(r), run: runFromRow(r, 'r_') }));
  }

  async startRun(run: Omit<RunRecord, 'status' | 'finishedAt'>): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO runs (id, session_key, batch_id, kind, parent_run_id, status, started_at, inputs_sha256, content_sha256,
           rules_version, model, tool_version)
         VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        run.id, run.sessionKey, run.batchId ?? null, run.kind, run.parentRunId ?? null, run.startedAt, run.inputsSha256,
        run.contentSha256 ?? null, run.rulesVersion, run.model, run.toolVersion,
      );
  }

  async completeRun(runId: string, c: RunCompletion): Promise<void> {
    const db = this.db;
    const t = db.transaction(() => {
      const run = db.prepare('SELECT session_key, status FROM runs WHERE id = ?').get(runId) as Row | undefined;
      if (!run) throw new Error(`run ${runId} is not in the store`);
      const addArtefact = db.prepare(
        'INSERT INTO artefacts (sha256, kind, created_at, body) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING',
      );
      const link = db.prepare('INSERT INTO run_artefacts (run_id, kind, sha256) VALUES (?, ?, ?)');
      const now = nowIso();
      for (const a of c.artefacts) {
        addArtefact.run(a.sha256, a.kind, now, a.body);
        link.run(runId, a.kind, a.sha256);
      }
      const addFinding = db.prepare(
        `INSERT INTO findings (run_id, idx, rule_id, title, category, concepts, status, severity, confidence, message, evidence)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      c.findings.forEach((f: Finding, i) => addFinding.run(...findingValues(runId, i, f)));
      db.prepare(
        `UPDATE runs SET status = 'done', finished_at = ?, verdict = ?, verdict_reasons = ?, risk = ?, fail_count = ?,
           undetermined_count = ?, error = ?, problem = ?, report_json_sha256 = ?, report_html_sha256 = ? WHERE id = ?`,
      ).run(
        now, c.verdict, JSON.stringify(c.verdictReasons), c.risk, c.findings.filter((f) => f.status === 'fail').length,
        c.findings.filter((f) => f.status === 'undetermined').length, c.error ?? null, c.problem ?? null, c.reportJsonSha256,
        c.reportHtmlSha256, runId,
      );
      this.seal(runId);
      db.prepare('UPDATE sessions SET current_run_id = ?, updated_at = ? WHERE key = ?').run(runId, now, run.session_key);
      if (c.queueVerdicts.includes(c.verdict)) {
        db.prepare(
          'INSERT INTO queue (session_key, run_id, verdict, entered_at) VALUES (?, ?, ?, ?) ON CONFLICT (session_key, run_id) DO NOTHING',
        ).run(run.session_key, runId, c.verdict, now);
      }
    });
    t.immediate();
  }

  async failRun(runId: string, error: string): Promise<void> {
    // a sealed run is final: it is never turned into a failed one afterwards
    const t = this.db.transaction(() => {
      const n = this.db.prepare(`UPDATE runs SET status = 'failed', finished_at = ?, error = ? WHERE id = ? AND chain_seq IS NULL`).run(nowIso(), error, runId).changes;
      if (n) this.seal(runId);
    });
    t.immediate();
  }

  /** Appends a finished run to the run chain (chain.ts); inside the caller's IMMEDIATE transaction. */
  private seal(runId: string): void {
    const db = this.db;
    const row = db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as Row;
    if (row.chain_seq !== null) throw new Error(`run ${runId} is already sealed (chain position ${String(row.chain_seq)})`);
    const findings = db.prepare('SELECT * FROM findings WHERE run_id = ? ORDER BY idx').all(runId) as Row[];
    const head = db.prepare('SELECT value FROM store_info WHERE key = ?').get(INFO_CHAIN_HEAD) as Row | undefined;
    const id = db.prepare('SELECT value FROM store_info WHERE key = ?').get(INFO_STORE_ID) as Row;
    const s = nextSeal(head ? parseHead(String(head.value)) : undefined, String(id.value), runContentHash(row, findings));
    db.prepare('UPDATE runs SET chain_seq = ?, chain_content = ?, chain_prev = ?, chain_hash = ? WHERE id = ?').run(s.seq, s.content, s.prev, s.hash, runId);
    db.prepare('INSERT INTO store_info (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
      INFO_CHAIN_HEAD,
      `${s.seq}:${s.hash}`,
    );
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const r = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as Row | undefined;
    return r ? runFromRow(r) : undefined;
  }

  async runsOf(sessionKey: string): Promise<RunRecord[]> {
    return (this.db.prepare('SELECT * FROM runs WHERE session_key = ? ORDER BY started_at, id').all(sessionKey) as Row[]).map((r) =>
      runFromRow(r),
    );
  }

  async runArtefacts(runId: string): Promise<Artefact[]> {
    return (
      this.db
        .prepare('SELECT a.kind, a.sha256, a.body FROM run_artefacts ra JOIN artefacts a ON a.sha256 = ra.sha256 WHERE ra.run_id = ?')
        .all(runId) as Row[]
    ).map((r) => ({ kind: String(r.kind) as Artefact['kind'], sha256: String(r.sha256), body: String(r.body) }));
  }

  async findingsOf(runId: string): Promise<StoredFinding[]> {
    return (this.db.prepare('SELECT * FROM findings WHERE run_id = ? ORDER BY idx').all(runId) as Row[]).map(findingFromRow);
  }

  async queue(opts: { includeDecided?: boolean; filter?: QueueFilter } = {}): Promise<QueueItem[]> {
    // A session is queued while its current run is one that entered the queue.
    const { where, args } = queueFilterWhere(opts.filter);
    const rows = this.db
      .prepare(
        `${CURRENT_SELECT.replace('FROM sessions s', ', q.entered_at AS q_entered_at FROM sessions s')}
         JOIN queue q ON q.session_key = s.key AND q.run_id = s.current_run_id
         ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
         ORDER BY ${VERDICT_RANK}, r.risk DESC, s.rel_dir, s.name`,
      )
      .all(...args) as Row[];
    const current = this.currentDecisionStmt();
    const items: QueueItem[] = [];
    for (const r of rows) {
      const session: CurrentSession = { ...sessionFromRow(r), run: runFromRow(r, 'r_') };
      const d = current.get(session.key, session.run.id) as Row | undefined;
      const decision = d ? decisionFromRow(d) : undefined;
      if (decision && !opts.includeDecided) continue;
      items.push({ session, enteredAt: String(r.q_entered_at), decision });
    }
    return items;
  }

  private currentDecisionStmt() {
    return this.db.prepare(CURRENT_SESSION_DECISION);
  }

  async addDecision(d: DecisionInput): Promise<DecisionRecord> {
    const db = this.db;
    const t = db.transaction((): DecisionRecord => {
      const run = db.prepare('SELECT id FROM runs WHERE id = ? AND session_key = ?').get(d.runId, d.sessionKey);
      if (!run) throw new UserError(`run ${d.runId} is not a run of session ${d.sessionKey}`);
      let ruleId: string | undefined;
      if (d.findingIdx !== undefined) {
        const f = db.prepare('SELECT rule_id FROM findings WHERE run_id = ? AND idx = ?').get(d.runId, d.findingIdx) as Row | undefined;
        if (!f) throw new UserError(`finding ${d.findingIdx} is not in run ${d.runId}`);
        ruleId = String(f.rule_id);
      }
      const prev = db
        .prepare(
          `SELECT d.id FROM decisions d
           WHERE d.session_key = ? AND d.run_id = ? AND d.finding_idx IS NOT DISTINCT FROM ?
             AND NOT EXISTS (SELECT 1 FROM decisions n WHERE n.supersedes = d.id)`,
        )
        .get(d.sessionKey, d.runId, d.findingIdx ?? null) as Row | undefined;
      const seq = Number((db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM decisions').get() as Row).n);
      const rec: DecisionRecord = {
        ...d,
        id: randomUUID(),
        seq,
        ruleId,
        decidedAt: d.decidedAt ?? nowIso(),
        supersedes: str(prev?.id),
      };
      db.prepare(
        `INSERT INTO decisions (id, seq, session_key, run_id, finding_idx, rule_id, decision, comment, reviewer, decided_at, supersedes)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        rec.id, rec.seq, rec.sessionKey, rec.runId, rec.findingIdx ?? null, rec.ruleId ?? null, rec.decision, rec.comment,
        rec.reviewer, rec.decidedAt, rec.supersedes ?? null,
      );
      return rec;
    });
    return t.immediate();
  }

  async decisions(opts: { sessionKey?: string; includeSuperseded?: boolean } = {}): Promise<DecisionRecord[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (opts.sessionKey) {
      where.push('d.session_key = ?');
      args.push(opts.sessionKey);
    }
    if (!opts.includeSuperseded) where.push('n.id IS NULL');
    const rows = this.db
      .prepare(
        `SELECT d.*, n.id AS superseded_by FROM decisions d LEFT JOIN decisions n ON n.supersedes = d.id
         ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY d.seq`,
      )
      .all(...args) as Row[];
    return rows.map(decisionFromRow);
  }

  async checkConsistency(): Promise<string[]> {
    const problems: string[] = [];
    const ic = this.db.pragma('integrity_check', { simple: true });
    if (ic !== 'ok') problems.push(`integrity_check: ${String(ic)}`);
    for (const fk of this.db.pragma('foreign_key_check') as Row[]) problems.push(`foreign key: ${JSON.stringify(fk)}`);
    for (const q of CONSISTENCY_QUERIES) for (const r of this.db.prepare(q.sql).all() as Row[]) problems.push(q.problem(r));
    return problems;
  }

  /** For tests and tools: rows of one statement with `?` placeholders (same call on every backend). */
  async query(sql: string, params: unknown[] = []): Promise<Row[]> {
    const st = this.db.prepare(sql);
    if (st.reader) return st.all(...params) as Row[];
    st.run(...params);
    return [];
  }

  /** For tests and tools: the raw database (read-only use). */
  raw(): Database.Database {
    return this.db;
  }
}

function hostName(): string {
  return process.env.HOSTNAME ?? 'localhost';
}

/**
 * The batch lock is an exclusive transaction held open on `<store>.lock` (a small SQLite file): the OS
 * drops the file lock when the process dies, so kill -9 never leaves a stale lock behind.
 */
function acquireFileLock(storePath: string, owner: LockOwner): StoreLock {
  const lockPath = `${storePath}.lock`;
  const infoPath = `${storePath}.lock.json`;
  createPrivate(lockPath);
  const db = new Database(lockPath, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    db.close();
    let holder: LockOwner | undefined;
    try {
      holder = existsSync(infoPath) ? (JSON.parse(readFileSync(infoPath, 'utf8')) as LockOwner) : undefined;
    } catch {
      holder = undefined;
    }
    const who = holder ? ` (${holder.command}, pid ${holder.pid} on ${holder.host}, since ${holder.startedAt})` : '';
    const why = /busy|locked/i.test(errorMessage(err)) ? '' : `: ${errorMessage(err)}`;
    throw new LockedError(`${storePath}: another dualrec batch or rescore is using this store${who}${why}; wait for it to finish`, holder);
  }
  writeFileAtomic(infoPath, JSON.stringify(owner) + '\n');
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      rmSync(infoPath, { force: true });
      db.exec('ROLLBACK');
      db.close();
    },
  };
}

/** `file` with every symbolic link resolved (its folder's, when the store does not exist yet). */
function realStorePath(file: string): string {
  const abs = resolve(file);
  try {
    return realpathSync(abs);
  } catch {
    try {
      return join(realpathSync(dirname(abs)), basename(abs));
    } catch {
      return abs;
    }
  }
}

/** Makes an SQLite file (and its -wal, -shm, -journal) private, creating an empty one 0600 if missing. */
function createPrivate(dbFile: string): void {
  try {
    if (!existsSync(dbFile)) closeSync(openSync(dbFile, 'a', PRIVATE_FILE_MODE));
  } catch {
    return; // not creatable here: opening it reports why
  }
  for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`, `${dbFile}-journal`]) if (existsSync(f)) makePrivate(f);
}
