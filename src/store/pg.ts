// PostgreSQL Store (node-postgres) for batches spread over several machines: the same schema, migrations
// and statements as SQLite (sql-store.ts), each operation one transaction. `postgres://user:pass@host:port/db`,
// optionally `?schema=name` (created if missing) so one database can hold several stores.
// The connection is made lazily: every statement waits for connect + migrate, so opening stays synchronous
// for the callers (openStore) and a bad URL or an unreachable server surfaces as a UserError on first use.
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import { UserError, errorMessage } from '../util/errors.js';
import { rootLogger } from '../util/log.js';
import { exec, script, type Dialect, type Driver, type Result, type Sql, type Stmt } from './driver.js';
import { INFO_LOCK_HOLDER, type Row } from './rows.js';
import { migrate, SqlStore } from './sql-store.js';
import { LockedError, type LockOwner, type StoreLock } from './store.js';

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
  if (!url.hostname)
    throw new UserError(
      `--store: ${redactUrl(location)}: no host (expected postgres://user:password@host:port/database)`,
    );
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

const POSTGRES: Dialect = {
  name: 'postgres',
  // row locks: concurrent transactions (queue workers) take turns on the rows they go on to update
  forUpdate: ' FOR UPDATE',
  // SHARE ROW EXCLUSIVE: one writer at a time, readers go on
  lockTable: (table) => `LOCK TABLE ${table} IN SHARE ROW EXCLUSIVE MODE`,
  // the database's collation may sort by language; "C" sorts by code point, as SQLite does
  byCodePoint: (col) => `${col} COLLATE "C"`,
  inList: (col) => `${col} = ANY(CAST(? AS text[]))`,
  listParam: (values) => values,
  migrationSql: (m) => [...m.sql, ...(m.postgres ?? [])],
};

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock: run the transaction again

/** Runs a unit of work on one connection, handing each statement's result (or error) back to it. */
async function drive<T>(work: Sql<T>, client: pg.PoolClient): Promise<T> {
  let step = work.next();
  while (!step.done) {
    let result: Result;
    try {
      result = await runOn(client, step.value);
    } catch (err) {
      step = work.throw(err);
      continue;
    }
    step = work.next(result);
  }
  return step.value;
}

async function runOn(client: pg.Pool | pg.PoolClient, s: Stmt): Promise<Result> {
  const r = s.script ? await client.query(s.sql) : await client.query(numbered(s.sql), [...s.params]);
  return { rows: (r.rows ?? []) as Row[], changes: r.rowCount ?? 0 };
}

export interface PgStoreOptions {
  /** pooled connections (default 4) */
  poolSize?: number;
}

export class PgDriver implements Driver {
  readonly dialect = POSTGRES;
  readonly location: string;
  readonly target: PgTarget;
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
    this.pool.on('error', (err) =>
      rootLogger().warn({ store: this.location, err: errorMessage(err) }, 'postgres connection lost'),
    );
    this.ready = this.migrate();
    this.ready.catch(() => undefined); // reported to the first caller, not as an unhandled rejection
  }

  // Several machines share the store: the batch row names the machine.
  get host(): string {
    return process.env.HOSTNAME ?? hostname();
  }

  userError(err: unknown, what: string): UserError {
    if (err instanceof UserError) return err;
    const code = (err as { code?: string }).code;
    const hint =
      code === 'ECONNREFUSED'
        ? ' (is PostgreSQL running and listening there?)'
        : code === '28P01'
          ? ' (wrong user or password)'
          : code === '3D000'
            ? ' (no such database: create it first)'
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
    const { schema } = this.target;
    const location = this.location;
    try {
      await client.query('BEGIN');
      const work = function* () {
        // Several workers may open a fresh store at once: one applies the migrations, the others wait.
        yield* exec('SELECT pg_advisory_xact_lock(?, ?)', [LOCK_MIGRATE, lockKey(schema)]);
        if (schema !== 'public') yield* script(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
        yield* migrate(POSTGRES, location);
      };
      await drive(work(), client);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw this.userError(err, 'not a usable dualrec store');
    } finally {
      client.release();
    }
  }

  async exec(s: Stmt): Promise<Result> {
    await this.ready;
    return runOn(this.pool, s);
  }

  /** One transaction; run again when PostgreSQL picks it as a deadlock or serialization victim. */
  async transaction<T>(work: () => Sql<T>): Promise<T> {
    await this.ready;
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        const result = await drive(work(), client);
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

  /** PostgreSQL enforces the foreign keys itself: nothing beyond the store's own checks. */
  async engineProblems(): Promise<string[]> {
    return [];
  }

  /** Resolves once the store is connected and migrated (rejects as the first statement would). */
  whenReady(): Promise<void> {
    return this.ready;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ready.catch(() => undefined);
    await this.pool.end();
  }
}

export class PgStore extends SqlStore<PgDriver> {
  constructor(url: string, opts: PgStoreOptions = {}) {
    super(new PgDriver(url, opts));
  }

  /**
   * The batch lock is a session-level advisory lock held on a connection of its own: PostgreSQL drops
   * it when that connection ends, so a killed batch (kill -9, lost machine) never leaves it behind.
   */
  async acquireLock(owner: LockOwner): Promise<StoreLock> {
    const { target } = this.db;
    await this.db.whenReady();
    const client = new pg.Client({
      connectionString: target.connectionString,
      application_name: `dualrec ${owner.command}`,
    });
    client.on('error', (err) =>
      rootLogger().warn({ store: this.location, err: errorMessage(err) }, 'lost the store lock connection'),
    );
    try {
      await client.connect();
    } catch (err) {
      throw this.db.userError(err, 'cannot connect to the store');
    }
    const key = lockKey(target.schema);
    const got = (await client.query('SELECT pg_try_advisory_lock($1, $2) AS ok', [LOCK_BATCH, key])).rows[0] as Row;
    if (!got.ok) {
      await client.end().catch(() => undefined);
      let holder: LockOwner | undefined;
      try {
        const r = await this.one('SELECT value FROM store_info WHERE key = ?', [INFO_LOCK_HOLDER]);
        holder = r ? (JSON.parse(String(r.value)) as LockOwner) : undefined;
      } catch {
        holder = undefined;
      }
      const who = holder ? ` (${holder.command}, pid ${holder.pid} on ${holder.host}, since ${holder.startedAt})` : '';
      throw new LockedError(
        `${this.location}: another dualrec batch or rescore is using this store${who}; wait for it to finish`,
        holder,
      );
    }
    await this.exec(
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
}
