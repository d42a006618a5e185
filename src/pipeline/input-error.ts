// File-system failures on a session's own files (recording, sidecar, transcript, its folder) are that
// session's problem: they become its REVIEW report naming the file. Failures writing reports or the
// store are the run's problem and stop it (see pipeline/preflight.ts).
import { basename } from 'node:path';

const WHAT: Record<string, string> = {
  ENOENT: 'no such file (removed while the batch ran, or a link to nothing)',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EIO: 'I/O error reading it',
  ELOOP: 'a loop of symbolic links',
  ENOTDIR: 'a path part is not a folder',
  EISDIR: 'is a folder, not a file',
  ENXIO: 'not a regular file',
  ESTALE: 'stale network file handle',
  EBUSY: 'busy',
  ETIMEDOUT: 'timed out reading it',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
};

interface FsError {
  code: string;
  path?: string;
}

export function isFsError(err: unknown): err is Error & FsError {
  return (
    err instanceof Error &&
    typeof (err as Partial<FsError>).code === 'string' &&
    (err as unknown as FsError).code in WHAT
  );
}

/** "<file>: permission denied" for an fs error (naming `fallbackPath` when the error names none). */
export function describeFsError(err: Error & FsError, fallbackPath?: string): string {
  const path = err.path ?? fallbackPath;
  const what = WHAT[err.code] ?? err.message;
  return path ? `${path}: ${what}` : `${what} (${err.code})`;
}

/** The same, naming only the file (reports travel; they name files, not the folders they sat in). */
export function describeFsErrorShort(err: Error & FsError, fallbackPath?: string): string {
  const path = err.path ?? fallbackPath;
  return describeFsError(err, fallbackPath).replace(path ?? '\0', basename(path ?? ''));
}
