// SQLite Store through better-sqlite3 (12.x: 13 needs Node 22). WAL, foreign keys, migrations on open.
// The statements are sql-store.ts's; this adapter runs them. better-sqlite3 is synchronous: a transaction
// runs start to end in one BEGIN IMMEDIATE without yielding, and the async methods only keep the Store
// interface backend-neutral.
import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { dataDirMode, makePrivate, PRIVATE_FILE_MODE, writeFileAtomic } from '../util/atomic.js';
import { UserError, errorMessage } from '../util/errors.js';
import type { Dialect, Driver, Result, Sql, Stmt } from './driver.js';
import type { Row } from './rows.js';
import { migrate, SqlStore } from './sql-store.js';
import { LockedError, type LockOwner, type StoreLock } from './store.js';

const SQLITE: Dialect = {
  name: 'sqlite',
  // BEGIN IMMEDIATE holds the whole database for the transaction: no row or table locks to take
  forUpdate: '',
  lockTable: () => undefined,
  // BINARY, the default collation, compares UTF-8 bytes: code point order
  byCodePoint: (col) => col,
  // no array parameters: the list goes in as JSON text
  inList: (col) => `${col} IN (SELECT value FROM json_each(?))`,
  listParam: (values) => JSON.stringify(values),
  migrationSql: (m) => [...m.sql, ...(m.sqlite ?? [])],
};

/** Prepared statements kept for reuse; the dynamic ones (filters, stats) make the set grow, so it is capped. */
const STATEMENT_CACHE = 256;

/** Runs a unit of work to its end synchronously, handing each statement's result (or error) back to it. */
function driveSync<T>(work: Sql<T>, run: (s: Stmt) => Result): T {
  let step = work.next();
  while (!step.done) {
    let result: Result;
    try {
      result = run(step.value);
    } catch (err) {
      step = work.throw(err);
      continue;
    }
    step = work.next(result);
  }
  return step.value;
}

export class SqliteDriver implements Driver {
  readonly dialect = SQLITE;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    readonly location: string,
    readonly db: Database.Database,
  ) {}

  // A store on one machine: the batch row says localhost unless HOSTNAME names it.
  get host(): string {
    return process.env.HOSTNAME ?? 'localhost';
  }

  private prepare(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      if (this.statements.size >= STATEMENT_CACHE) this.statements.clear();
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  private run(s: Stmt): Result {
    if (s.script) {
      this.db.exec(s.sql);
      return { rows: [], changes: 0 };
    }
    const st = this.prepare(s.sql);
    if (st.reader) return { rows: st.all(...s.params) as Row[], changes: 0 };
    return { rows: [], changes: st.run(...s.params).changes };
  }

  async exec(s: Stmt): Promise<Result> {
    return this.run(s);
  }

  /** IMMEDIATE: the write lock is taken at BEGIN, so two writers never both read then both write. */
  transactionSync<T>(work: () => Sql<T>): T {
    return this.db.transaction(() => driveSync(work(), (s) => this.run(s))).immediate();
  }

  async transaction<T>(work: () => Sql<T>): Promise<T> {
    return this.transactionSync(work);
  }

  async engineProblems(): Promise<string[]> {
    const problems: string[] = [];
    const ic = this.db.pragma('integrity_check', { simple: true });
    if (ic !== 'ok') problems.push(`integrity_check: ${String(ic)}`);
    for (const fk of this.db.pragma('foreign_key_check') as Row[]) problems.push(`foreign key: ${JSON.stringify(fk)}`);
    return problems;
  }

  async close(): Promise<void> {
    this.statements.clear();
    if (this.db.open) this.db.close();
  }
}

/** Opens (creating it 0600 if new) and migrates the store file; what is wrong with it comes as a UserError. */
function openSqlite(file: string): SqliteDriver {
  // The real path: a store named through a symbolic link is the same store, with the same
  // <store>.lock, so a link to the live store cannot slip past a running batch's lock.
  const location = realStorePath(file);
  let db: Database.Database;
  try {
    mkdirSync(dirname(location), { recursive: true, mode: dataDirMode() });
    // Created 0600 before SQLite opens it: SQLite gives -wal and -shm the database file's mode.
    // An older store left 0644 is narrowed (its -wal/-shm too).
    createPrivate(location);
    db = new Database(location, { timeout: 10_000 });
  } catch (err) {
    throw new UserError(`${file}: cannot open the store (${errorMessage(err)})`, file);
  }
  const driver = new SqliteDriver(location, db);
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode survives a killed process; only a power cut may lose the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // Reads of a big store (the dashboard's statistics scan sessions ⋈ runs ⋈ findings) go through
    // memory-mapped pages and a larger cache instead of a read() per 4 KiB page.
    db.pragma('cache_size = -32768');
    db.pragma('mmap_size = 268435456');
    // IMMEDIATE: two processes opening a fresh store at once must not both apply migration 1.
    driver.transactionSync(() => migrate(SQLITE, location));
  } catch (err) {
    db.close();
    if (err instanceof UserError) throw err;
    const code = (err as { code?: unknown }).code;
    const corrupt = code === 'SQLITE_NOTADB' || (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'));
    const what = corrupt ? 'not a SQLite database, or corrupt' : 'not a usable dualrec store';
    throw new UserError(`${file}: ${what} (${errorMessage(err)})`, file);
  }
  return driver;
}

export class SqliteStore extends SqlStore<SqliteDriver> {
  constructor(file: string) {
    super(openSqlite(file));
  }

  async acquireLock(owner: LockOwner): Promise<StoreLock> {
    return acquireFileLock(this.location, owner);
  }

  /** For tests and tools: the raw database (read-only use). */
  raw(): Database.Database {
    return this.db.db;
  }
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
    throw new LockedError(
      `${storePath}: another dualrec batch or rescore is using this store${who}${why}; wait for it to finish`,
      holder,
    );
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
