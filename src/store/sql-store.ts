// The Store written once over a Driver (driver.ts): every statement, completeRun and the run chain's
// sealing, the same on SQLite (sqlite.ts) and PostgreSQL (pg.ts). The adapters add how to connect, the
// batch lock, and the few dialect fragments; the SQL here is portable apart from those.
import { randomUUID } from 'node:crypto';
import { UserError } from '../util/errors.js';
import { formatHead, INFO_CHAIN_HEAD, nextSeal, parseHead, runContentHash } from './chain.js';
import { all, exec, one, script, type Dialect, type Driver, type Sql } from './driver.js';
import { MIGRATIONS } from './migrations.js';
import {
  CONSISTENCY_QUERIES,
  CURRENT_SELECT,
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
import type {
  Artefact,
  BatchRecord,
  BatchStatus,
  CurrentSession,
  DecisionInput,
  DecisionRecord,
  LockOwner,
  QueueFilter,
  QueueItem,
  RunCompletion,
  RunRecord,
  SessionFilter,
  SessionRecord,
  Store,
  StoreLock,
  StoredFinding,
} from './store.js';

/** Applies the migrations a store lacks, in the caller's transaction; refuses a store newer than this dualrec. */
export function* migrate(d: Dialect, location: string): Sql<void> {
  yield* script(
    `CREATE TABLE IF NOT EXISTS schema_migrations
       (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
  );
  const have = new Set((yield* all('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
  const newest = Math.max(0, ...have);
  const known = Math.max(...MIGRATIONS.map((m) => m.version));
  if (newest > known) {
    throw new UserError(
      `${location}: store schema version ${newest} is newer than this dualrec understands (${known}); upgrade dualrec`,
      location,
    );
  }
  for (const m of MIGRATIONS) {
    if (have.has(m.version)) continue;
    for (const sql of d.migrationSql(m)) yield* script(sql);
    yield* exec('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
      m.version,
      m.name,
      nowIso(),
    ]);
  }
}

const byHash = (a: Artefact, b: Artefact) => (a.sha256 < b.sha256 ? -1 : a.sha256 > b.sha256 ? 1 : 0);

export abstract class SqlStore<D extends Driver = Driver> implements Store {
  readonly location: string;
  private readonly orderCurrent: string;

  constructor(protected readonly db: D) {
    this.location = db.location;
    const d = db.dialect;
    // NULL risks last (SQLite's DESC does so anyway), names by code point.
    this.orderCurrent = `ORDER BY ${VERDICT_RANK}, r.risk DESC NULLS LAST, ${d.byCodePoint('s.rel_dir')}, ${d.byCodePoint('s.name')}`;
  }

  abstract acquireLock(owner: LockOwner): Promise<StoreLock>;

  protected async all(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return (await this.db.exec({ sql, params })).rows;
  }

  protected async one(sql: string, params: readonly unknown[] = []): Promise<Row | undefined> {
    return (await this.all(sql, params))[0];
  }

  protected async exec(sql: string, params: readonly unknown[] = []): Promise<number> {
    return (await this.db.exec({ sql, params })).changes;
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  async schemaVersion(): Promise<number> {
    const r = await this.one('SELECT MAX(version) AS v FROM schema_migrations');
    return Number(r?.v ?? 0);
  }

  async storeId(): Promise<string> {
    const r = await this.one('SELECT value FROM store_info WHERE key = ?', [INFO_STORE_ID]);
    if (!r) throw new Error(`${this.location}: the store has no id (migration 2 missing)`);
    return String(r.value);
  }

  async startBatch(b: BatchRecord): Promise<void> {
    await this.exec(
      `INSERT INTO batches (id, kind, started_at, status, inbox, out_dir, host, pid, rules_version)
       VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?)`,
      [b.id, b.kind, b.startedAt, b.inbox ?? null, b.outDir ?? null, this.db.host, process.pid, b.rulesVersion ?? null],
    );
  }

  async finishBatch(id: string, status: BatchStatus, summary: unknown): Promise<void> {
    await this.exec('UPDATE batches SET status = ?, finished_at = ?, summary = ? WHERE id = ?', [
      status,
      nowIso(),
      JSON.stringify(summary),
      id,
    ]);
  }

  async abandonStaleRuns(): Promise<number> {
    return this.db.transaction(function* () {
      const now = nowIso();
      yield* exec(`UPDATE batches SET status = 'abandoned', finished_at = ? WHERE status = 'running'`, [now]);
      return yield* exec(`UPDATE runs SET status = 'abandoned', finished_at = ? WHERE status = 'running'`, [now]);
    });
  }

  async abandonRunsOf(sessionKey: string): Promise<number> {
    return this.exec(
      `UPDATE runs SET status = 'abandoned', finished_at = ? WHERE session_key = ? AND status = 'running'`,
      [nowIso(), sessionKey],
    );
  }

  async cachedFileHash(path: string, size: number, mtimeMs: number): Promise<string | undefined> {
    const r = await this.one('SELECT sha256 FROM file_hashes WHERE path = ? AND size = ? AND mtime_ms = ?', [
      path,
      size,
      mtimeMs,
    ]);
    return str(r?.sha256);
  }

  async rememberFileHash(path: string, size: number, mtimeMs: number, sha256: string): Promise<void> {
    await this.exec(
      `INSERT INTO file_hashes (path, size, mtime_ms, sha256) VALUES (?, ?, ?, ?)
       ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms, sha256 = excluded.sha256`,
      [path, size, mtimeMs, sha256],
    );
  }

  async upsertSession(s: SessionRecord): Promise<void> {
    const now = nowIso();
    await this.exec(
      `INSERT INTO sessions (key, base, name, rel_dir, session_id, recording, report_dir, product_type, product_name,
         channel, agent_id, recorded_on, region, first_seen_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET name = excluded.name, rel_dir = excluded.rel_dir,
         session_id = excluded.session_id, recording = excluded.recording, report_dir = excluded.report_dir,
         product_type = excluded.product_type, product_name = excluded.product_name, channel = excluded.channel,
         agent_id = excluded.agent_id, recorded_on = excluded.recorded_on, region = excluded.region,
         updated_at = excluded.updated_at`,
      [
        s.key,
        s.base,
        s.name,
        s.relDir,
        s.sessionId,
        s.recording ?? null,
        s.reportDir,
        s.productType ?? null,
        s.productName ?? null,
        s.channel ?? null,
        s.agentId ?? null,
        s.recordedOn ?? null,
        s.region ?? null,
        now,
        now,
      ],
    );
  }

  async getSession(key: string): Promise<CurrentSession | SessionRecord | undefined> {
    const cur = await this.one(`${CURRENT_SELECT} WHERE s.key = ?`, [key]);
    if (cur) return { ...sessionFromRow(cur), run: runFromRow(cur, 'r_') };
    const r = await this.one('SELECT * FROM sessions WHERE key = ?', [key]);
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
    const rows = await this.all(
      `${CURRENT_SELECT} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ${this.orderCurrent}`,
      args,
    );
    return rows.map((r) => ({ ...sessionFromRow(r), run: runFromRow(r, 'r_') }));
  }

  async startRun(run: Omit<RunRecord, 'status' | 'finishedAt'>): Promise<void> {
    await this.exec(
      `INSERT INTO runs (id, session_key, batch_id, kind, parent_run_id, status, started_at, inputs_sha256,
         content_sha256, rules_version, model, tool_version)
       VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)`,
      [
        run.id,
        run.sessionKey,
        run.batchId ?? null,
        run.kind,
        run.parentRunId ?? null,
        run.startedAt,
        run.inputsSha256,
        run.contentSha256 ?? null,
        run.rulesVersion,
        run.model,
        run.toolVersion,
      ],
    );
  }

  async completeRun(runId: string, c: RunCompletion): Promise<void> {
    const d = this.db.dialect;
    await this.db.transaction(function* () {
      const run = yield* one(`SELECT session_key, status FROM runs WHERE id = ?${d.forUpdate}`, [runId]);
      if (!run) throw new Error(`run ${runId} is not in the store`);
      const now = nowIso();
      // In hash order: concurrent completions sharing artefacts take their row locks in the same order.
      for (const a of [...c.artefacts].sort(byHash)) {
        yield* exec(
          'INSERT INTO artefacts (sha256, kind, created_at, body) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING',
          [a.sha256, a.kind, now, a.body],
        );
      }
      for (const a of c.artefacts) {
        yield* exec('INSERT INTO run_artefacts (run_id, kind, sha256) VALUES (?, ?, ?)', [runId, a.kind, a.sha256]);
      }
      for (const [i, f] of c.findings.entries()) {
        yield* exec(
          `INSERT INTO findings (run_id, idx, rule_id, title, category, concepts, status, severity, confidence, message,
             evidence)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          findingValues(runId, i, f),
        );
      }
      yield* exec(
        `UPDATE runs SET status = 'done', finished_at = ?, verdict = ?, verdict_reasons = ?, risk = ?, fail_count = ?,
           undetermined_count = ?, error = ?, problem = ?, report_json_sha256 = ?, report_html_sha256 = ? WHERE id = ?`,
        [
          now,
          c.verdict,
          JSON.stringify(c.verdictReasons),
          c.risk,
          c.findings.filter((f) => f.status === 'fail').length,
          c.findings.filter((f) => f.status === 'undetermined').length,
          c.error ?? null,
          c.problem ?? null,
          c.reportJsonSha256,
          c.reportHtmlSha256,
          runId,
        ],
      );
      yield* seal(d, runId);
      yield* exec('UPDATE sessions SET current_run_id = ?, updated_at = ? WHERE key = ?', [
        runId,
        now,
        run.session_key,
      ]);
      if (c.queueVerdicts.includes(c.verdict)) {
        yield* exec(
          `INSERT INTO queue (session_key, run_id, verdict, entered_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (session_key, run_id) DO NOTHING`,
          [run.session_key, runId, c.verdict, now],
        );
      }
    });
  }

  async failRun(runId: string, error: string): Promise<void> {
    const d = this.db.dialect;
    // a sealed run is final: it is never turned into a failed one afterwards
    await this.db.transaction(function* () {
      const n = yield* exec(
        `UPDATE runs SET status = 'failed', finished_at = ?, error = ? WHERE id = ? AND chain_seq IS NULL`,
        [nowIso(), error, runId],
      );
      if (n) yield* seal(d, runId);
    });
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const r = await this.one('SELECT * FROM runs WHERE id = ?', [id]);
    return r ? runFromRow(r) : undefined;
  }

  async runsOf(sessionKey: string): Promise<RunRecord[]> {
    const d = this.db.dialect;
    const rows = await this.all(
      `SELECT * FROM runs WHERE session_key = ? ORDER BY ${d.byCodePoint('started_at')}, ${d.byCodePoint('id')}`,
      [sessionKey],
    );
    return rows.map((r) => runFromRow(r));
  }

  async runArtefacts(runId: string): Promise<Artefact[]> {
    const rows = await this.all(
      `SELECT a.kind, a.sha256, a.body FROM run_artefacts ra JOIN artefacts a ON a.sha256 = ra.sha256
       WHERE ra.run_id = ?`,
      [runId],
    );
    return rows.map((r) => ({
      kind: String(r.kind) as Artefact['kind'],
      sha256: String(r.sha256),
      body: String(r.body),
    }));
  }

  async findingsOf(runId: string): Promise<StoredFinding[]> {
    return (await this.all('SELECT * FROM findings WHERE run_id = ? ORDER BY idx', [runId])).map(findingFromRow);
  }

  async queue(opts: { includeDecided?: boolean; filter?: QueueFilter } = {}): Promise<QueueItem[]> {
    const d = this.db.dialect;
    // A session is queued while its current run is one that entered the queue.
    const { where, args } = queueFilterWhere(opts.filter);
    const rows = await this.all(
      `${CURRENT_SELECT.replace('FROM sessions s', ', q.entered_at AS q_entered_at FROM sessions s')}
       JOIN queue q ON q.session_key = s.key AND q.run_id = s.current_run_id
       ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
       ${this.orderCurrent}`,
      args,
    );
    // the current session-level decisions of all these runs in one query (not one per row)
    const current = new Map<string, Row>();
    if (rows.length) {
      const ds = await this.all(
        `SELECT d.* FROM decisions d
         WHERE ${d.inList('d.run_id')} AND d.finding_idx IS NULL
           AND NOT EXISTS (SELECT 1 FROM decisions n WHERE n.supersedes = d.id)`,
        [d.listParam(rows.map((r) => String(r.r_id)))],
      );
      for (const x of ds) current.set(`${String(x.session_key)}\u0000${String(x.run_id)}`, x);
    }
    const items: QueueItem[] = [];
    for (const r of rows) {
      const session: CurrentSession = { ...sessionFromRow(r), run: runFromRow(r, 'r_') };
      const x = current.get(`${session.key}\u0000${session.run.id}`);
      const decision = x ? decisionFromRow(x) : undefined;
      if (decision && !opts.includeDecided) continue;
      items.push({ session, enteredAt: String(r.q_entered_at), decision });
    }
    return items;
  }

  async addDecision(input: DecisionInput): Promise<DecisionRecord> {
    const lock = this.db.dialect.lockTable('decisions');
    return this.db.transaction(function* (): Sql<DecisionRecord> {
      // One decision at a time: seq is MAX + 1, and a subject's current decision is superseded once.
      if (lock) yield* exec(lock);
      const run = yield* one('SELECT id FROM runs WHERE id = ? AND session_key = ?', [input.runId, input.sessionKey]);
      if (!run) throw new UserError(`run ${input.runId} is not a run of session ${input.sessionKey}`);
      let ruleId: string | undefined;
      if (input.findingIdx !== undefined) {
        const f = yield* one('SELECT rule_id FROM findings WHERE run_id = ? AND idx = ?', [
          input.runId,
          input.findingIdx,
        ]);
        if (!f) throw new UserError(`finding ${input.findingIdx} is not in run ${input.runId}`);
        ruleId = String(f.rule_id);
      }
      // CAST: PostgreSQL cannot tell a lone NULL parameter's type
      const prev = yield* one(
        `SELECT d.id FROM decisions d
         WHERE d.session_key = ? AND d.run_id = ? AND d.finding_idx IS NOT DISTINCT FROM CAST(? AS INTEGER)
           AND NOT EXISTS (SELECT 1 FROM decisions n WHERE n.supersedes = d.id)`,
        [input.sessionKey, input.runId, input.findingIdx ?? null],
      );
      const n = yield* one('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM decisions');
      const rec: DecisionRecord = {
        ...input,
        id: randomUUID(),
        seq: Number(n!.n),
        ruleId,
        decidedAt: input.decidedAt ?? nowIso(),
        supersedes: str(prev?.id),
      };
      yield* exec(
        `INSERT INTO decisions (id, seq, session_key, run_id, finding_idx, rule_id, decision, comment, reviewer,
           decided_at, supersedes)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          rec.id,
          rec.seq,
          rec.sessionKey,
          rec.runId,
          rec.findingIdx ?? null,
          rec.ruleId ?? null,
          rec.decision,
          rec.comment,
          rec.reviewer,
          rec.decidedAt,
          rec.supersedes ?? null,
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
    const rows = await this.all(
      `SELECT d.*, n.id AS superseded_by FROM decisions d LEFT JOIN decisions n ON n.supersedes = d.id
       ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY d.seq`,
      args,
    );
    return rows.map(decisionFromRow);
  }

  async checkConsistency(): Promise<string[]> {
    const problems = await this.db.engineProblems();
    for (const q of CONSISTENCY_QUERIES) for (const r of await this.all(q.sql)) problems.push(q.problem(r));
    return problems;
  }

  /** For stats, tests and tools: rows of one statement with `?` placeholders (same call on every backend). */
  async query(sql: string, params: unknown[] = []): Promise<Row[]> {
    return this.all(sql, params);
  }
}

/**
 * Appends a finished run to the run chain (chain.ts), inside the caller's transaction. The chain head's
 * row in store_info is taken first (FOR UPDATE on PostgreSQL): concurrent completions (queue workers) seal
 * one after the other, each after the previous one's commit.
 */
function* seal(d: Dialect, runId: string): Sql<void> {
  yield* exec(`INSERT INTO store_info (key, value) VALUES (?, '') ON CONFLICT (key) DO NOTHING`, [INFO_CHAIN_HEAD]);
  const head = yield* one(`SELECT value FROM store_info WHERE key = ?${d.forUpdate}`, [INFO_CHAIN_HEAD]);
  const row = yield* one('SELECT * FROM runs WHERE id = ?', [runId]);
  if (!row) throw new Error(`run ${runId} is not in the store`);
  if (row.chain_seq !== null) {
    throw new Error(`run ${runId} is already sealed (chain position ${String(row.chain_seq)})`);
  }
  const findings = yield* all('SELECT * FROM findings WHERE run_id = ? ORDER BY idx', [runId]);
  const id = yield* one('SELECT value FROM store_info WHERE key = ?', [INFO_STORE_ID]);
  const prevHead = head?.value ? parseHead(String(head.value)) : undefined;
  const s = nextSeal(prevHead, String(id!.value), runContentHash(row, findings));
  yield* exec('UPDATE runs SET chain_seq = ?, chain_content = ?, chain_prev = ?, chain_hash = ? WHERE id = ?', [
    s.seq,
    s.content,
    s.prev,
    s.hash,
    runId,
  ]);
  yield* exec('UPDATE store_info SET value = ? WHERE key = ?', [formatHead(s), INFO_CHAIN_HEAD]);
}
