// PostgreSQL Store (node-postgres) for batches spread over several machines: the same schema and
// migrations as SQLite, the same operations, each one transaction. `postgres://user:pass@host:port/db`,
// optionally `?schema=name` (created if missing) so one database can hold several stores.
// The connection is made lazily: every method waits for connect + migrate, so opening stays synchronous
// for the callers (openStore) and a bad URL or an unreachable server surfaces as a UserError on first use.
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import type { Finding } from '../model/index.js';
import { UserError, errorMessage } from '../util/errors.js';
import { rootLogger } from '../util/log.js';
import { MIGRATIONS } from './migrations.js';
import { INFO_CHAIN_HEAD, nextSeal, parseHead, runContentHash } from './chain.js';
import {
  CONSISTENCY_QUERIES,
  CURRENT_SELECT,
  INFO_LOCK_HOLDER,
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

export const PG_URL = /^postgres(ql)?:\/\//i;

export function isPgUrl(location: string): boolean {
  return PG_URL.test(location);
}

export interface PgTarget {
  /** what node-postgres connects with (password included) */
  connectionString: string;
  schema: string;
  /** the URL without its password, for messages and logs */
  display: string;
}

/** Parses and checks a store URL; the password never reaches `display`. */
export function parsePgUrl(location: string): PgTarget {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new UserError(`--store: "${redactUrl(location)}" is not a valid postgres:// URL`);
  }
  if (!url.hostname) throw new UserError(`--store: ${redactUrl(location)}: no host (expected postgres://user:password@host:port/database)`);
  const schema = url.searchParams.get('schema') ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new UserError(`--store: schema "${schema}" must be lower-case letters, digits and _ (at most 63)`);
  }
  url.searchParams.delete('schema');
  if (schema !== 'public') {
    // search_path at connection start-up: every statement of every pooled connection sees the schema.
    const opts = url.searchParams.get('options');
    url.searchParams.set('options', `${opts ? opts + ' ' : ''}-c search_path=${schema}`);
  }
  const shown = new URL(location);
  shown.password = '';
  return { connectionString: url.toString(), schema, display: shown.toString() };
}

/** A store URL for messages: the password replaced. */
export function redactUrl(location: string): string {
  return location.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

/** int4 advisory-lock key for a name (the schema): locks are per database, so schemas get their own. */
function lockKey(name: string): number {
  return createHash('sha256').update(name).digest().readInt32BE(0);
}
// First key of the two-int advisory locks: which lock it is.
const LOCK_BATCH = 0x64720001;
const LOCK_MIGRATE = 0x64720002;

/** `?` placeholders (as in the shared SQL) → `$1, $2, …`. The shared SQL never has `?` inside a literal. */
export function numbered(sql: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
}

// Sorting: NULL risks last (as SQLite does), names by code point whatever the database's collation.
const ORDER_CURRENT = `ORDER BY ${VERDICT_RANK}, r.risk DESC NULLS LAST, s.rel_dir COLLATE "C", s.name COLLATE "C"`;
const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock: run the transaction again

type Q = (sql: string, params?: unknown[]) => Promise<Row[]>;

export interface PgStoreOptions {
  /** pooled connections (default 4) */
  poolSize?: number;
}

export class PgStore implements Store {
  readonly location: string;
  private readonly target: PgTarget;
  private readonly pool: pg.Pool;
  private readonly ready: Promise<void>;
  private closed = false;

  constructor(url: string, opts: PgStoreOptions = {}) {
    this.target = parsePgUrl(url);
    this.location = this.target.display;
    this.pool = new pg.Pool({
      connectionString: this.target.connectionString,
      max: opts.poolSize ?? 4,
      connectionTimeoutMillis: 15_000,
      idleTimeoutMillis: 30_000,
      application_name: 'dualrec',
    });
    // An idle connection dropped by the server (restart, failover) must not crash the process;
    // the next query opens a new one.
    this.pool.on('error', (err) => rootLogger().warn({ store: this.location, err: errorMessage(err) }, 'postgres connection lost'));
    this.ready = this.migrate();
    this.ready.catch(() => undefined); // reported to the first caller, not as an unhandled rejection
  }

  private userError(err: unknown, what: string): UserError {
    if (err instanceof UserError) return err;
    const code = (err as { code?: string }).code;
    const hint =
      code === 'ECONNREFUSED' ? ' (is PostgreSQL running and listening there?)'
      : code === '28P01' ? ' (wrong user or password)'
      : code === '3D000' ? ' (no such database: create it first)'
      : '';
    return new UserError(`${this.location}: ${what} (${redactUrl(errorMessage(err))})${hint}`, this.location);
  }

  private async migrate(): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw this.userError(err, 'cannot connect to the store');
    }
    try {
      await client.query('BEGIN');
      // Several workers may open a fresh store at once: one applies the migrations, the others wait.
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_MIGRATE, lockKey(this.target.schema)]);
      if (this.target.schema !== 'public') await client.query(`CREATE SCHEMA IF NOT EXISTS "${this.target.schema}"`);
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
      const have = new Set((await client.query('SELECT version FROM schema_migrations')).rows.map((r: Row) => Number(r.version)));
      const newest = Math.max(0, ...have);
      const known = Math.max(...MIGRATIONS.map((m) => m.version));
      if (newest > known) {
        throw new UserError(`${this.location}: store schema version ${newest} is newer than this dualrec understands (${known}); upgrade dualrec`, this.location);
      }
      for (const m of MIGRATIONS) {
        if (have.has(m.version)) continue;
        for (const sql of [...m.sql, ...(m.postgres ?? [])]) await client.query(sql);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, nowIso()]);
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw this.userError(err, 'not a usable dualrec store');
    } finally {
      client.release();
    }
  }

  private async q(sql: string, params: unknown[] = []): Promise<Row[]> {
    await this.ready;
    return (await this.pool.query(numbered(sql), params)).rows as Row[];
  }

  /** One transaction; retried when PostgreSQL picks it as a deadlock or serialization victim. */
  private async tx<T>(fn: (q: Q) => Promise<T>): Promise<T> {
    await this.ready;
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(async (sql, params = []) => (await client.query(numbered(sql), params)).rows as Row[]);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        if (attempt < 4 && RETRYABLE.has((err as { code?: string }).code ?? '')) continue;
        throw err;
      } finally {
        client.release();
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ready.catch(() => undefined);
    await this.pool.end();
  }

  async schemaVersion(): Promise<number> {
    const [r] = await this.q('SELECT MAX(version) AS v FROM schema_migrations');
    return Number(r?.v ?? 0);
  }

  async storeId(): Promise<string> {
    const [r] = await this.q('SELECT value FROM store_info WHERE key = ?', [INFO_STORE_ID]);
    if (!r) throw new Error(`${this.location}: the store has no id (migration 2 missing)`);
    return String(r.value);
  }

  /**
   * The batch lock is a session-level advisory lock held on a connection of its own: PostgreSQL drops
   * it when that connection ends, so a killed batch (kill -9, lost machine) never leaves it behind.
   */
  async acquireLock(owner: LockOwner): Promise<StoreLock> {
    await this.ready;
    const client = new pg.Client({ connectionString: this.target.connectionString, application_name: `dualrec ${owner.command}` });
    client.on('error', (err) => rootLogger().warn({ store: this.location, err: errorMessage(err) }, 'lost the store lock connection'));
    try {
      await client.connect();
    } catch (err) {
      throw this.userError(err, 'cannot connect to the store');
    }
    const key = lockKey(this.target.schema);
    const got = (await client.query('SELECT pg_try_advisory_lock($1, $2) AS ok', [LOCK_BATCH, key])).rows[0] as Row;
    if (!got.ok) {
      await client.end().catch(() => undefined);
      let holder: LockOwner | undefined;
      try {
        const [r] = await this.q('SELECT value FROM store_info WHERE key = ?', [INFO_LOCK_HOLDER]);
        holder = r ? (JSON.parse(String(r.value)) as LockOwner) : undefined;
      } catch {
        holder = undefined;
      }
      const who = holder ? ` (${holder.command}, pid ${holder.pid} on ${holder.host}, since ${holder.startedAt})` : '';
      throw new LockedError(`${this.location}: another dualrec batch or rescore is using this store${who}; wait for it to finish`, holder);
    }
    await this.q(
      `INSERT INTO store_info (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [INFO_LOCK_HOLDER, JSON.stringify(owner)],
    );
    let released = false;
    return {
      async release() {
        if (released) return;
        released = true;
        await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_BATCH, key]).catch(() => undefined);
        await client.end().catch(() => undefined);
      },
    };
  }

  async startBatch(b: BatchRecord): Promise<void> {
    await this.q(
      `INSERT INTO batches (id, kind, started_at, status, inbox, out_dir, host, pid, rules_version)
       VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?)`,
      [b.id, b.kind, b.startedAt, b.inbox ?? null, b.outDir ?? null, process.env.HOSTNAME ?? hostname(), process.pid, b.rulesVersion ?? null],
    );
  }

  async finishBatch(id: string, status: BatchStatus, summary: unknown): Promise<void> {
    await this.q('UPDATE batches SET status = ?, finished_at = ?, summary = ? WHERE id = ?', [status, nowIso(), JSON.stringify(summary), id]);
  }

  async abandonStaleRuns(): Promise<number> {
    return this.tx(async (q) => {
      const now = nowIso();
      await q(`UPDATE batches SET status = 'abandoned', finished_at = ? WHERE status = 'running'`, [now]);
      return (await q(`UPDATE runs SET status = 'abandoned', finished_at = ? WHERE status = 'running' RETURNING id`, [now])).length;
    });
  }

  async abandonRunsOf(sessionKey: string): Promise<number> {
    const rows = await this.q(
      `UPDATE runs SET status = 'abandoned', finished_at = ? WHERE session_key = ? AND status = 'running' RETURNING id`,
      [nowIso(), sessionKey],
    );
    return rows.length;
  }

  async cachedFileHash(path: string, size: number, mtimeMs: number): Promise<string | undefined> {
    const [r] = await this.q('SELECT sha256 FROM file_hashes WHERE path = ? AND size = ? AND mtime_ms = ?', [path, size, mtimeMs]);
    return str(r?.sha256);
  }

  async rememberFileHash(path: string, size: number, mtimeMs: number, sha256: string): Promise<void> {
    await this.q(
      `INSERT INTO file_hashes (path, size, mtime_ms, sha256) VALUES (?, ?, ?, ?)
       ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms, sha256 = excluded.sha256`,
      [path, size, mtimeMs, sha256],
    );
  }

  async upsertSession(s: SessionRecord): Promise<void> {
    const now = nowIso();
    await this.q(
      `INSERT INTO sessions (key, base, name, rel_dir, session_id, recording, report_dir, product_type, product_name, channel,
         agent_id, recorded_on, region, first_seen_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET name = excluded.name, rel_dir = excluded.rel_dir, session_id = excluded.session_id,
         recording = excluded.recording, report_dir = excluded.report_dir, product_type = excluded.product_type,
         product_name = excluded.product_name, channel = excluded.channel, agent_id = excluded.agent_id,
         recorded_on = excluded.recorded_on, region = excluded.region, updated_at = excluded.updated_at`,
      [
        s.key, s.base, s.name, s.relDir, s.sessionId, s.recording ?? null, s.reportDir, s.productType ?? null, s.productName ?? null,
        s.channel ?? null, s.agentId ?? null, s.recordedOn ?? null, s.region ?? null, now, now,
      ],
    );
  }

  async getSession(key: string): Promise<CurrentSession | SessionRecord | undefined> {
    const [cur] = await this.q(`${CURRENT_SELECT} WHERE s.key = ?`, [key]);
    if (cur) return { ...sessionFromRow(cur), run: runFromRow(cur, 'r_') };
    const [r] = await this.q('SELECT * FROM sessions WHERE key = ?', [key]);
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
    const rows = await this.q(`${CURRENT_SELECT} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ${ORDER_CURRENT}`, args);
    return rows.map((r) => ({ ...sessionFromRow(r), run: runFromRow(r, 'r_') }));
  }

  async startRun(run: Omit<RunRecord, 'status' | 'finishedAt'>): Promise<void> {
    await this.q(
      `INSERT INTO runs (id, session_key, batch_id, kind, parent_run_id, status, started_at, inputs_sha256, content_sha256,
         rules_version, model, tool_version)
       VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)`,
      [
        run.id, run.sessionKey, run.batchId ?? null, run.kind, run.parentRunId ?? null, run.startedAt, run.inputsSha256,
        run.contentSha256 ?? null, run.rulesVersion, run.model, run.toolVersion,
      ],
    );
  }

  async completeRun(runId: string, c: RunCompletion): Promise<void> {
    await this.tx(async (q) => {
      const [run] = await q('SELECT session_key, status FROM runs WHERE id = ? FOR UPDATE', [runId]);
      if (!run) throw new Error(`run ${runId} is not in the store`);
      const now = nowIso();
      // In hash order: concurrent completions sharing artefacts take their row locks in the same order.
      for (const a of [...c.artefacts].sort((x, y) => (x.sha256 < y.sha256 ? -1 : x.sha256 > y.sha256 ? 1 : 0))) {
        await q('INSERT INTO artefacts (sha256, kind, created_at, body) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING', [a.sha256, a.kind, now, a.body]);
        await q('INSERT INTO run_artefacts (run_id, kind, sha256) VALUES (?, ?, ?)', [runId, a.kind, a.sha256]);
      }
      for (const [i, f] of c.findings.entries()) {
        await q(
          `INSERT INTO findings (run_id, idx, rule_id, title, category, concepts, status, severity, confidence, message, evidence)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          findingValues(runId, i, f),
        );
      }
      await q(
        `UPDATE runs SET status = 'done', finished_at = ?, verdict = ?, verdict_reasons = ?, risk = ?, fail_count = ?,
           undetermined_count = ?, error = ?, problem = ?, report_json_sha256 = ?, report_html_sha256 = ? WHERE id = ?`,
        [
          now, c.verdict, JSON.stringify(c.verdictReasons), c.risk, c.findings.filter((f: Finding) => f.status === 'fail').length,
          c.findings.filter((f: Finding) => f.status === 'undetermined').length, c.error ?? null, c.problem ?? null, c.reportJsonSha256,
          c.reportHtmlSha256, runId,
        ],
      );
      await this.seal(q, runId);
      await q('UPDATE sessions SET current_run_id = ?, updated_at = ? WHERE key = ?', [runId, now, run.session_key]);
      if (c.queueVerdicts.includes(c.verdict)) {
        await q(
          'INSERT INTO queue (session_key, run_id, verdict, entered_at) VALUES (?, ?, ?, ?) ON CONFLICT (session_key, run_id) DO NOTHING',
          [run.session_key, runId, c.verdict, now],
        );
      }
    });
  }

  async failRun(runId: string, error: string): Promise<void> {
    // a sealed run is final: it is never turned into a failed one afterwards
    await this.tx(async (q) => {
      const n = await q(`UPDATE runs SET status = 'failed', finished_at = ?, error = ? WHERE id = ? AND chain_seq IS NULL RETURNING id`, [nowIso(), error, runId]);
      if (n.length) await this.seal(q, runId);
    });
  }

  /**
   * Appends a finished run to the run chain (chain.ts), inside the caller's transaction.
   * The chain head's row in store_info is locked first: concurrent completions (queue workers) seal one
   * after the other, each after the previous one's commit.
   */
  private async seal(q: Q, runId: string): Promise<void> {
    await q(`INSERT INTO store_info (key, value) VALUES (?, '') ON CONFLICT (key) DO NOTHING`, [INFO_CHAIN_HEAD]);
    const [head] = await q('SELECT value FROM store_info WHERE key = ? FOR UPDATE', [INFO_CHAIN_HEAD]);
    const [row] = await q('SELECT * FROM runs WHERE id = ?', [runId]);
    if (!row) throw new Error(`run ${runId} is not in the store`);
    if (row.chain_seq !== null) throw new Error(`run ${runId} is already sealed (chain position ${String(row.chain_seq)})`);
    const findings = await q('SELECT * FROM findings WHERE run_id = ? ORDER BY idx', [runId]);
    const [id] = await q('SELECT value FROM store_info WHERE key = ?', [INFO_STORE_ID]);
    const s = nextSeal(head?.value ? parseHead(String(head.value)) : undefined, String(id!.value), runContentHash(row, findings));
    await q('UPDATE runs SET chain_seq = ?, chain_content = ?, chain_prev = ?, chain_hash = ? WHERE id = ?', [s.seq, s.content, s.prev, s.hash, runId]);
    await q('UPDATE store_info SET value = ? WHERE key = ?', [`${s.seq}:${s.hash}`, INFO_CHAIN_HEAD]);
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const [r] = await this.q('SELECT * FROM runs WHERE id = ?', [id]);
    return r ? runFromRow(r) : undefined;
  }

  async runsOf(sessionKey: string): Promise<RunRecord[]> {
    return (await this.q('SELECT * FROM runs WHERE session_key = ? ORDER BY started_at COLLATE "C", id COLLATE "C"', [sessionKey])).map((r) => runFromRow(r));
  }

  async runArtefacts(runId: string): Promise<Artefact[]> {
    const rows = await this.q('SELECT a.kind, a.sha256, a.body FROM run_artefacts ra JOIN artefacts a ON a.sha256 = ra.sha256 WHERE ra.run_id = ?', [runId]);
    return rows.map((r) => ({ kind: String(r.kind) as Artefact['kind'], sha256: String(r.sha256), body: String(r.body) }));
  }

  async findingsOf(runId: string): Promise<StoredFinding[]> {
    return (await this.q('SELECT * FROM findings WHERE run_id = ? ORDER BY idx', [runId])).map(findingFromRow);
  }

  async queue(opts: { includeDecided?: boolean; filter?: QueueFilter } = {}): Promise<QueueItem[]> {
    // A session is queued while its current run is one that entered the queue.
    const { where, args } = queueFilterWhere(opts.filter);
    const rows = await this.q(
      `${CURRENT_SELECT.replace('FROM sessions s', ', q.entered_at AS q_entered_at FROM sessions s')}
       JOIN queue q ON q.session_key = s.key AND q.run_id = s.current_run_id
       ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
       ${ORDER_CURRENT}`,
      args,
    );
    // the current session-level decisions of all these runs in one query (not one per row)
    const current = new Map<string, Row>();
    if (rows.length) {
      const ds = await this.q(
        `SELECT d.* FROM decisions d
         WHERE d.run_id = ANY(?::text[]) AND d.finding_idx IS NULL
           AND NOT EXISTS (SELECT 1 FROM decisions n WHERE n.supersedes = d.id)`,
        [rows.map((r) => String(r.r_id))],
      );
      for (const d of ds) current.set(`${String(d.session_key)}\u0000${String(d.run_id)}`, d);
    }
    const items: QueueItem[] = [];
    for (const r of rows) {
      const session: CurrentSession = { ...sessionFromRow(r), run: runFromRow(r, 'r_') };
      const d = current.get(`${session.key}\u0000${session.run.id}`);
      const decision = d ? decisionFromRow(d) : undefined;
      if (decision && !opts.includeDecided) continue;
      items.push({ session, enteredAt: String(r.q_entered_at), decision });
    }
    return items;
  }

  async addDecision(d: DecisionInput): Promise<DecisionRecord> {
    return this.tx(async (q) => {
      // One decision at a time: seq is MAX + 1, and a subject's current decision is superseded once.
      await q('LOCK TABLE decisions IN SHARE ROW EXCLUSIVE MODE');
      const [run] = await q('SELECT id FROM runs WHERE id = ? AND session_key = ?', [d.runId, d.sessionKey]);
      if (!run) throw new UserError(`run ${d.runId} is not a run of session ${d.sessionKey}`);
      let ruleId: string | undefined;
      if (d.findingIdx !== undefined) {
        const [f] = await q('SELECT rule_id FROM findings WHERE run_id = ? AND idx = ?', [d.runId, d.findingIdx]);
        if (!f) throw new UserError(`finding ${d.findingIdx} is not in run ${d.runId}`);
        ruleId = String(f.rule_id);
      }
      const [prev] = await q(
        `SELECT d.id FROM decisions d
         WHERE d.session_key = ? AND d.run_id = ? AND d.finding_idx IS NOT DISTINCT FROM ?::integer
           AND NOT EXISTS (SELECT 1 FROM decisions n WHERE n.supersedes = d.id)`,
        [d.sessionKey, d.runId, d.findingIdx ?? null],
      );
      const [n] = await q('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM decisions');
      const rec: DecisionRecord = { ...d, id: randomUUID(), seq: Number(n!.n), ruleId, decidedAt: d.decidedAt ?? nowIso(), supersedes: str(prev?.id) };
      await q(
        `INSERT INTO decisions (id, seq, session_key, run_id, finding_idx, rule_id, decision, comment, reviewer, decided_at, supersedes)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          rec.id, rec.seq, rec.sessionKey, rec.runId, rec.findingIdx ?? null, rec.ruleId ?? null, rec.decision, rec.comment,
          rec.reviewer, rec.decidedAt, rec.supersedes ?? null,
        ],
      );
      return rec;
    });
  }

  async decisions(opts: { sessionKey?: string; includeSuperseded?: boolean } = {}): Promise<DecisionRecord[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (opts.sessionKey) {
      where.push('d.session_key = ?');
      args.push(opts.sessionKey);
    }
    if (!opts.includeSuperseded) where.push('n.id IS NULL');
    const rows = await this.q(
      `SELECT d.*, n.id AS superseded_by FROM decisions d LEFT JOIN decisions n ON n.supersedes = d.id
       ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY d.seq`,
      args,
    );
    return rows.map(decisionFromRow);
  }

  async checkConsistency(): Promise<string[]> {
    // PostgreSQL enforces the foreign keys itself; what is left are the store's own rules.
    const problems: string[] = [];
    for (const c of CONSISTENCY_QUERIES) for (const r of await this.q(c.sql)) problems.push(c.problem(r));
    return problems;
  }

  /** For tests and tools: rows of one statement with `?` placeholders (same call on every backend). */
  async query(sql: string, params: unknown[] = []): Promise<Row[]> {
    return this.q(sql, params);
  }
}
