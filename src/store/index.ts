// Opening the store: SQLite file by default (`<out>/dualrec.sqlite`), or where --store / DUALREC_STORE say.
import { join, resolve } from 'node:path';
import { SqliteStore } from './sqlite.js';
import type { Store } from './store.js';

export * from './store.js';
export { SqliteStore } from './sqlite.js';
export { MIGRATIONS } from './migrations.js';

export const STORE_FILE = 'dualrec.sqlite';

/** --store wins, then DUALREC_STORE, then `<outDir>/dualrec.sqlite`. */
export function storePath(opts: { store?: string; outDir: string }): string {
  return resolve(opts.store ?? process.env.DUALREC_STORE ?? join(opts.outDir, STORE_FILE));
}

export function openStore(file: string): Store & { raw?: SqliteStore['raw'] } {
  return new SqliteStore(file);
}
