// What a store backend provides to the one set of statements in sql-store.ts: run a statement, run a
// unit of work in one transaction, and the few places where SQLite and PostgreSQL SQL differ (Dialect).
//
// Statements are written with `?` placeholders (PostgreSQL's adapter numbers them). A transaction's work
// is a generator that yields each statement and receives its result: SQLite's adapter drives it
// synchronously inside one BEGIN IMMEDIATE (better-sqlite3 is synchronous, and a transaction left open
// across an `await` would let another store on the same file block the thread waiting for it), while
// PostgreSQL's drives it with `await` on one pooled connection. Written once, run both ways.
import type { Migration } from './migrations.js';
import type { Row } from './rows.js';

export interface Stmt {
  sql: string;
  params: readonly unknown[];
  /** DDL or several statements, run as written: no placeholders, no rows (migrations) */
  script?: boolean;
}

export interface Result {
  rows: Row[];
  /** rows inserted, updated or deleted (0 for a SELECT) */
  changes: number;
}

/** A unit of work: yields statements, receives their results, returns T. */
export type Sql<T> = Generator<Stmt, T, Result>;

/** Every row of one statement. */
export function* all(sql: string, params: readonly unknown[] = []): Sql<Row[]> {
  return (yield { sql, params }).rows;
}

/** The first row of one statement, if any. */
export function* one(sql: string, params: readonly unknown[] = []): Sql<Row | undefined> {
  return (yield { sql, params }).rows[0];
}

/** Runs one statement; how many rows it changed. */
export function* exec(sql: string, params: readonly unknown[] = []): Sql<number> {
  return (yield { sql, params }).changes;
}

/** Runs DDL as written (no placeholders). */
export function* script(sql: string): Sql<void> {
  yield { sql, params: [], script: true };
}

/** The SQL that cannot be the same on both backends; every other statement is shared. */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres';
  /**
   * Appended to a SELECT of rows the transaction goes on to update. PostgreSQL: FOR UPDATE, so concurrent
   * transactions take turns; SQLite: nothing, BEGIN IMMEDIATE already holds the whole database.
   */
  readonly forUpdate: string;
  /** A statement taking `table` for the rest of the transaction (PostgreSQL), or none (SQLite, as above). */
  lockTable(table: string): string | undefined;
  /** `col` ordered by code point: SQLite's BINARY collation does; PostgreSQL's database collation may not. */
  byCodePoint(col: string): string;
  /** A condition: `col` is one of the values of one parameter bound with listParam. */
  inList(col: string): string;
  listParam(values: readonly string[]): unknown;
  /** The statements of a migration this backend runs: the shared ones, then its own. */
  migrationSql(m: Migration): readonly string[];
}

export interface Driver {
  /** where the store lives, for messages (a PostgreSQL URL without its password) */
  readonly location: string;
  readonly dialect: Dialect;
  /** the host name a batch row records */
  readonly host: string;
  /** One statement on its own (committed by itself). */
  exec(stmt: Stmt): Promise<Result>;
  /** The work in one transaction. A factory: PostgreSQL runs it again when picked as a deadlock victim. */
  transaction<T>(work: () => Sql<T>): Promise<T>;
  /** Problems the database engine itself finds (SQLite's integrity and foreign key checks). */
  engineProblems(): Promise<string[]>;
  close(): Promise<void>;
}
