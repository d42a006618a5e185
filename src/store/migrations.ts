// Numbered schema migrations, shared by every Store backend. The SQL in `sql` is kept portable
// (SQLite ≥ 3.35 and PostgreSQL ≥ 12): TEXT ids made by the application (no AUTOINCREMENT/SERIAL),
// ISO-8601 timestamps as TEXT, JSON as TEXT, 0/1 INTEGER flags, ON CONFLICT upserts.
// Statements that cannot be portable go in the per-dialect lists and must do the same thing.

export interface Migration {
  version: number;
  name: string;
  sql: string[];
  sqlite?: string[];
  postgres?: string[];
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'sessions, runs, artefacts, findings, decisions, queue',
    sql: [
      `CREATE TABLE batches (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL,
        inbox TEXT,
        out_dir TEXT,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        rules_version TEXT,
        summary TEXT
      )`,
      // One row per recording (or transcript-only session), keyed by its report folder: one report each.
      `CREATE TABLE sessions (
        key TEXT PRIMARY KEY,
        base TEXT NOT NULL,
        name TEXT NOT NULL,
        rel_dir TEXT NOT NULL,
        session_id TEXT NOT NULL,
        recording TEXT,
        report_dir TEXT NOT NULL,
        product_type TEXT,
        product_name TEXT,
        channel TEXT,
        agent_id TEXT,
        recorded_on TEXT,
        first_seen_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        current_run_id TEXT
      )`,
      `CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        session_key TEXT NOT NULL REFERENCES sessions(key),
        batch_id TEXT REFERENCES batches(id),
        kind TEXT NOT NULL,
        parent_run_id TEXT REFERENCES runs(id),
        status TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        inputs_sha256 TEXT NOT NULL,
        content_sha256 TEXT,
        rules_version TEXT NOT NULL,
        model TEXT NOT NULL,
        tool_version TEXT NOT NULL,
        verdict TEXT,
        verdict_reasons TEXT,
        risk DOUBLE PRECISION,
        fail_count INTEGER,
        undetermined_count INTEGER,
        error TEXT,
        problem TEXT,
        report_json_sha256 TEXT,
        report_html_sha256 TEXT
      )`,
      `CREATE INDEX runs_session ON runs(session_key, started_at)`,
      `CREATE INDEX runs_status ON runs(status)`,
      // Stage artefacts (transcript, media facts, visual timeline, metadata) by the sha256 of their body:
      // identical facts are stored once, and re-scoring reads them instead of re-running ASR/vision.
      `CREATE TABLE artefacts (
        sha256 TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        created_at TEXT NOT NULL,
        body TEXT NOT NULL
      )`,
      `CREATE TABLE run_artefacts (
        run_id TEXT NOT NULL REFERENCES runs(id),
        kind TEXT NOT NULL,
        sha256 TEXT NOT NULL REFERENCES artefacts(sha256),
        PRIMARY KEY (run_id, kind)
      )`,
      `CREATE TABLE findings (
        run_id TEXT NOT NULL REFERENCES runs(id),
        idx INTEGER NOT NULL,
        rule_id TEXT NOT NULL,
        title TEXT NOT NULL,
        category TEXT NOT NULL,
        concepts TEXT NOT NULL,
        status TEXT NOT NULL,
        severity TEXT NOT NULL,
        confidence DOUBLE PRECISION NOT NULL,
        message TEXT NOT NULL,
        evidence TEXT NOT NULL,
        PRIMARY KEY (run_id, idx)
      )`,
      `CREATE INDEX findings_rule ON findings(rule_id, status)`,
      // Review queue: a session enters when a run with a queued verdict becomes current.
      `CREATE TABLE queue (
        session_key TEXT NOT NULL REFERENCES sessions(key),
        run_id TEXT NOT NULL REFERENCES runs(id),
        verdict TEXT NOT NULL,
        entered_at TEXT NOT NULL,
        PRIMARY KEY (session_key, run_id)
      )`,
      // Review decisions are append-only: a new decision names the one it supersedes.
      `CREATE TABLE decisions (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL UNIQUE,
        session_key TEXT NOT NULL REFERENCES sessions(key),
        run_id TEXT NOT NULL REFERENCES runs(id),
        finding_idx INTEGER,
        rule_id TEXT,
        decision TEXT NOT NULL,
        comment TEXT NOT NULL,
        reviewer TEXT NOT NULL,
        decided_at TEXT NOT NULL,
        supersedes TEXT UNIQUE REFERENCES decisions(id)
      )`,
      `CREATE INDEX decisions_subject ON decisions(session_key, run_id, finding_idx)`,
      // Content hashes of input files by (path, size, mtime), so a nightly run does not re-read every recording.
      `CREATE TABLE file_hashes (
        path TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        mtime_ms DOUBLE PRECISION NOT NULL,
        sha256 TEXT NOT NULL
      )`,
    ],
    sqlite: [
      `CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
        BEGIN SELECT RAISE(ABORT, 'review decisions are append-only'); END`,
      `CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
        BEGIN SELECT RAISE(ABORT, 'review decisions are append-only'); END`,
    ],
    postgres: [
      `CREATE FUNCTION decisions_append_only() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'review decisions are append-only'; END $$`,
      `CREATE TRIGGER decisions_no_change BEFORE UPDATE OR DELETE ON decisions
        FOR EACH ROW EXECUTE FUNCTION decisions_append_only()`,
    ],
  },
  {
    version: 2,
    name: 'store identity and lock holder',
    sql: [
      // store.id: queue workers refuse jobs enqueued for another store; lock.holder: who holds the batch lock.
      `CREATE TABLE store_info (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
      `CREATE INDEX runs_batch ON runs(batch_id)`,
    ],
    sqlite: [`INSERT INTO store_info (key, value) VALUES ('store.id', lower(hex(randomblob(16))))`],
    postgres: [
      `INSERT INTO store_info (key, value) VALUES ('store.id', md5(random()::text || clock_timestamp()::text))`,
      // SQLite's INTEGER is 64-bit, PostgreSQL's 32: recordings over 2 GiB need BIGINT here.
      `ALTER TABLE file_hashes ALTER COLUMN size TYPE BIGINT`,
    ],
  },
  {
    version: 3,
    name: 'session region; indexes for the QA dashboard and rule statistics',
    sql: [
      // The sidecar's region (branch / 分支机构 code), beside agent, channel and product, for FAIL rates per branch.
      `ALTER TABLE sessions ADD COLUMN region TEXT`,
      // Dashboard filters and the findings → current run join (stats over 100,000 sessions).
      `CREATE INDEX sessions_current_run ON sessions(current_run_id)`,
      // (dimension, day, current run): a filter or GROUP BY on one dimension reads the index alone, then runs by key.
      `CREATE INDEX sessions_recorded_on ON sessions(recorded_on, current_run_id)`,
      `CREATE INDEX sessions_agent ON sessions(agent_id, recorded_on, current_run_id)`,
      `CREATE INDEX sessions_region ON sessions(region, recorded_on, current_run_id)`,
      `CREATE INDEX sessions_channel ON sessions(channel, recorded_on, current_run_id)`,
      `CREATE INDEX sessions_product ON sessions(product_type, recorded_on, current_run_id)`,
      // A finding's current decision: decisions by (run, finding) without the session key.
      `CREATE INDEX decisions_finding ON decisions(run_id, finding_idx)`,
      `CREATE INDEX queue_run ON queue(run_id)`,
    ],
  },
  {
    version: 4,
    name: 'run chain: each finished run sealed with the hash of its content and of the previous run',
    // src/store/chain.ts: chain_seq 1, 2, …; chain_hash = sha256(chain_prev, chain_seq, chain_content).
    sql: [
      `ALTER TABLE runs ADD COLUMN chain_seq INTEGER`,
      `ALTER TABLE runs ADD COLUMN chain_content TEXT`,
      `ALTER TABLE runs ADD COLUMN chain_prev TEXT`,
      `ALTER TABLE runs ADD COLUMN chain_hash TEXT`,
      `CREATE UNIQUE INDEX runs_chain_seq ON runs(chain_seq)`,
      // Runs finished before the chain existed are marked and counted: not covered, but no more of them can appear.
      `UPDATE runs SET chain_content = 'predates-chain' WHERE status <> 'running'`,
      `INSERT INTO store_info (key, value) SELECT 'chain.legacy_runs', CAST(COUNT(*) AS TEXT) FROM runs WHERE chain_content = 'predates-chain'`,
    ],
    // When the chain began: runs finished before it (in a store made by an older dualrec) are not covered.
    sqlite: [`INSERT INTO store_info (key, value) VALUES ('chain.since', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`],
    postgres: [
      `INSERT INTO store_info (key, value) VALUES ('chain.since', to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`,
    ],
  },
];
