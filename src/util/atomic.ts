// Atomic writes: write a temp file beside the target, then rename, so no reader ever sees half a file.
// What dualrec writes holds customers' words and faces: files 0600 and folders 0700, whatever the umask
// (an explicit mode is only ever narrowed by the umask, and these are already as narrow as they go).
// A review team that reads reports as a Unix group turns on group read (--group-read or
// DUALREC_GROUP_READ=1): files 0640, folders 0750. Never group write, and never for the signing key.
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { randomBytes } from 'node:crypto';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;
const GROUP_FILE_MODE = 0o640;
const GROUP_DIR_MODE = 0o750;

// In the environment, so batch worker threads, queue workers and the children they start inherit it.
const GROUP_READ_ENV = 'DUALREC_GROUP_READ';

export function groupReadable(): boolean {
  return process.env[GROUP_READ_ENV] === '1';
}

/** Set once by the CLI; the umask follows, so files other programs make for us (ffmpeg's) match. */
export function setGroupReadable(on: boolean): void {
  if (on) process.env[GROUP_READ_ENV] = '1';
  else delete process.env[GROUP_READ_ENV];
  process.umask(on ? 0o027 : 0o077);
}

/** The mode for a file dualrec writes: 0600, or 0640 with group read on. */
export function dataFileMode(): number {
  return groupReadable() ? GROUP_FILE_MODE : PRIVATE_FILE_MODE;
}

/** The mode for a folder dualrec makes: 0700, or 0750 with group read on. */
export function dataDirMode(): number {
  return groupReadable() ? GROUP_DIR_MODE : PRIVATE_DIR_MODE;
}

/** mkdir -p with private folders (only the folders it creates; existing ones are left as they are). */
export function mkdirPrivate(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: dataDirMode() });
}

/** Sets an existing file or folder dualrec owns to its data mode; a failure (not ours, read-only) is ignored. */
export function makePrivate(path: string, dir = false): void {
  try {
    chmodSync(path, dir ? dataDirMode() : dataFileMode());
  } catch {
    // someone else's, or gone: the caller's next step says what is wrong, if anything
  }
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirPrivate(dirname(path));
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, data, { mode: dataFileMode() });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
