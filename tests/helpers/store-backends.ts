// The one table of store backends the store tests run on (tests/store, tests/integrity/chain): a real
// SQLite file, and a real PostgreSQL schema per store at the test service (tests/queue/services.ts). Call
// storeBackends() once per test file, at the top level; its cleanup() removes the files and schemas.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { MIGRATIONS, PgStore, SqliteStore, type Store } from '../../src/store/index.js';
import { numbered } from '../../src/store/pg.js';
import { dropSchemas, needServices, pgStoreUrl } from '../queue/services.js';

/** Direct access to a store's database, around dualrec (for building old stores and editing rows). */
export interface RawDb {
  /** one statement with `?` placeholders */
  run(sql: string, params?: unknown[]): Promise<void>;
  close(): Promise<void>;
}

export interface Backend {
  name: 'SQLite' | 'PostgreSQL';
  available: boolean;
  /** where the store called `name` lives (the same name gives the same store) */
  location(name: string): string;
  open(location: string): Store;
  raw(location: string): Promise<RawDb>;
}

export interface Backends {
  backends: Backend[];
  havePg: boolean;
  cleanup(): Promise<void>;
}

export async function storeBackends(label: string): Promise<Backends> {
  const dir = mkdtempSync(join(tmpdir(), `dualrec-${label}-`));
  const havePg = await needServices('postgres');
  const schemas: string[] = [];
  const pgLocations = new Map<string, string>();
  const backends: Backend[] = [
    {
      name: 'SQLite',
      available: true,
      location: (name) => join(dir, `${name}.sqlite`),
      open: (loc) => new SqliteStore(loc),
      raw: async (loc) => {
        const db = new Database(loc);
        return {
          run: async (sql, params = []) => {
            db.prepare(sql).run(...params);
          },
          close: async () => {
            db.close();
          },
        };
      },
    },
    {
      name: 'PostgreSQL',
      available: havePg,
      location: (name) => {
        let loc = pgLocations.get(name);
        if (!loc) {
          const s = pgStoreUrl(name);
          schemas.push(s.schema);
          pgLocations.set(name, (loc = s.url));
        }
        return loc;
      },
      open: (loc) => new PgStore(loc),
      raw: async (loc) => {
        const u = new URL(loc);
        const schema = u.searchParams.get('schema') ?? 'public';
        u.searchParams.delete('schema');
        const c = new pg.Client({ connectionString: u.toString() });
        await c.connect();
        await c.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
        await c.query(`SET search_path = "${schema}"`);
        return {
          run: async (sql, params = []) => {
            await c.query(numbered(sql), params);
          },
          close: () => c.end(),
        };
      },
    },
  ];
  return {
    backends,
    havePg,
    cleanup: async () => {
      rmSync(dir, { recursive: true, force: true });
      if (havePg) await dropSchemas(schemas);
    },
  };
}

/** A store as a dualrec before migration `version` left it: the earlier migrations only. */
export async function oldStore(b: Backend, location: string, version: number): Promise<RawDb> {
  const db = await b.raw(location);
  await db.run(
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  for (const m of MIGRATIONS.filter((x) => x.version < version)) {
    for (const sql of [...m.sql, ...((b.name === 'SQLite' ? m.sqlite : m.postgres) ?? [])]) await db.run(sql);
    await db.run('INSERT INTO schema_migrations VALUES (?, ?, ?)', [m.version, m.name, 'then']);
  }
  return db;
}
