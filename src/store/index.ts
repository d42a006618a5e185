// Opening the store: SQLite file by default (`<out>/dualrec.sqlite`), a postgres:// URL for several
// machines, or whatever --store / DUALREC_STORE say.
import { join, resolve } from 'node:path';
import { isPgUrl, PgStore } from './pg.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './store.js';

export * from './store.js';
export { SqliteStore } from './sqlite.js';
export { PgStore, isPgUrl, parsePgUrl, redactUrl } from './pg.js';
export { MIGRATIONS } from './migrations.js';
export * from './chain.js';

export const STORE_FILE = 'dualrec.sqlite';

/** --store wins, then DUALREC_STORE, then `<outDir>/dualrec.sqlite`. A postgres:// URL is kept as it is. */
export function storePath(opts: { store?: string; outDir: string }): string {
  const where = opts.store ?? (process.env.DUALREC_STORE || join(opts.outDir, STORE_FILE));
  return isPgUrl(where) ? where : resolve(where);
}

/** Opens (lazily, for PostgreSQL) the store at a file path or postgres:// URL. */
export function openStore(location: string, opts: { poolSize?: number } = {}): Store & { raw?: SqliteStore['raw'] } {
  return isPgUrl(location) ? new PgStore(location, opts) : new SqliteStore(location);
}
export * from './stats.js';
