// Checks on where results go, made before any session is analyzed: a wrong --out or an unusable store
// stops the run at once with a message naming the path, instead of after the night's analysis.
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, errorMessage } from '../util/errors.js';
import { describeFsError, isFsError } from './input-error.js';

const why = (err: unknown, path: string) =>
  isFsError(err) ? describeFsError(err, path).replace(`${path}: `, '') : errorMessage(err);

/** The output folder exists (or is made) and a file can be written in it; else a UserError naming it. */
export function checkOutputDir(dir: string, flag = '--out'): void {
  let st;
  try {
    st = statSync(dir);
  } catch {
    try {
      mkdirSync(dir, { recursive: true });
      st = statSync(dir);
    } catch (err) {
      const code = (err as { code?: string }).code;
      const detail = code === 'ENOTDIR' || code === 'EEXIST' ? 'a path part is a file, not a folder' : why(err, dir);
      throw new UserError(`${flag} ${dir}: cannot create the output folder (${detail})`, dir);
    }
  }
  if (!st.isDirectory()) throw new UserError(`${flag} ${dir}: is a file, not a folder`, dir);
  const probe = join(dir, `.dualrec-write-test.${process.pid}`);
  try {
    writeFileSync(probe, '');
  } catch (err) {
    throw new UserError(`${flag} ${dir}: cannot write there (${why(err, probe)})`, dir);
  } finally {
    rmSync(probe, { force: true });
  }
}

const SQLITE_WHAT: Record<string, string> = {
  SQLITE_CORRUPT: 'not a SQLite database, or corrupt',
  SQLITE_NOTADB: 'not a SQLite database, or corrupt',
  SQLITE_READONLY: 'the store is read-only',
  SQLITE_CANTOPEN: 'cannot open the store file',
  SQLITE_FULL: 'the disk is full',
  SQLITE_IOERR: 'I/O error on the store',
  SQLITE_PERM: 'permission denied',
};

/** A SQLite error anywhere in a run as one line naming the store; undefined for other errors. */
export function storeProblem(err: unknown, location: string): UserError | undefined {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
  const base = Object.keys(SQLITE_WHAT).find((k) => code === k || code.startsWith(k + '_'));
  const what = base ? SQLITE_WHAT[base] : 'store error';
  return new UserError(`${location}: ${what} (${code}: ${errorMessage(err)})`, location);
}
