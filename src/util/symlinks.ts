// Symbolic links are not followed unless the user says so (--follow-symlinks). A link where a
// recording, transcript or sidecar should be can point anywhere (/etc/passwd, another customer's
// session); a report folder replaced by a link would have the next report written through it.
// The setting lives in the environment so the batch's worker processes inherit it.
import { lstatSync, mkdirSync, readlinkSync, unlinkSync } from 'node:fs';
import { dataDirMode } from './atomic.js';
import { UserError } from './errors.js';

const ENV = 'DUALREC_FOLLOW_SYMLINKS';

export function followSymlinks(): boolean {
  return process.env[ENV] === '1';
}

/** Set once by the CLI from --follow-symlinks (or the DUALREC_FOLLOW_SYMLINKS=1 environment). */
export function setFollowSymlinks(on: boolean): void {
  if (on) process.env[ENV] = '1';
  else delete process.env[ENV];
}

export function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Throws a UserError naming the path when it is a symbolic link and links are not followed. */
export function refuseSymlink(path: string | undefined, what: string): void {
  if (!path || followSymlinks() || !isSymlink(path)) return;
  throw new UserError(`${path}: ${what} is a symbolic link, not followed (use --follow-symlinks to allow)`, path);
}

/**
 * Makes `dir`, a folder dualrec owns (a session's report folder, its frames/), a real folder: when
 * it is a symbolic link and links are not followed, the link itself is removed (never what it points
 * to) and an empty private folder made in its place. Returns where the link pointed, so the caller
 * can say so; undefined when there was no link.
 */
export function claimOwnDir(dir: string): string | undefined {
  if (followSymlinks() || !isSymlink(dir)) return undefined;
  let target = '?';
  try {
    target = readlinkSync(dir);
  } catch {
    // gone in between: nothing to say about it
  }
  unlinkSync(dir);
  mkdirSync(dir, { recursive: true, mode: dataDirMode() });
  return target;
}
