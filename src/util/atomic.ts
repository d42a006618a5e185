// Atomic writes: write a temp file beside the target, then rename, so no reader ever sees half a file.
// What dualrec writes holds customers' words and faces: files 0600 and folders 0700, whatever the umask
// (an explicit mode is only ever narrowed by the umask, and these are already as narrow as they go).
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { randomBytes } from 'node:crypto';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** mkdir -p with private folders (only the folders it creates; existing ones are left as they are). */
export function mkdirPrivate(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/** Narrows an existing file or folder dualrec owns to private; a failure (not ours, read-only) is ignored. */
export function makePrivate(path: string, dir = false): void {
  try {
    chmodSync(path, dir ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE);
  } catch {
    // someone else's, or gone: the caller's next step says what is wrong, if anything
  }
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirPrivate(dirname(path));
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, data, { mode: PRIVATE_FILE_MODE });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
