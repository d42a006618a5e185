// Recursive discovery for the batch: every folder under the inbox is a folder of sessions as
// `analyze` sees one (pipeline/session.ts). Reports mirror the inbox layout under the output folder,
// one report folder per recording, so date folders (inbox/2024-05-01/…) stay date folders.
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import type { SessionMeta } from '../model/index.js';
import { reportFolderName } from '../pipeline/analyze.js';
import { loadSessionMeta, sessionsInFolder, type SessionInput } from '../pipeline/session.js';
import { UserError, errorMessage } from '../util/errors.js';
import { describeFsError, isFsError } from '../pipeline/input-error.js';
import type { BatchSession } from '../jobs/session.js';

export function sessionKey(reportDir: string): string {
  return createHash('sha256').update(resolve(reportDir)).digest('hex').slice(0, 32);
}

function* folders(root: string, skip: Set<string>): Generator<string> {
  yield root;
  let entries;
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    return;
  }
  // code-point order: the same on every machine, whatever its locale
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    // Symlinked folders are not followed (no loops); hidden folders hold no recordings.
    if (!e.isDirectory() || e.name.startsWith('.')) continue;
    const p = join(root, e.name);
    if (skip.has(p)) continue;
    yield* folders(p, skip);
  }
}

const pad = (n: number) => String(n).padStart(2, '0');
export const localDate = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

function validDate(y: number, m: number, d: number): string | undefined {
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1990 || y > 2200) return undefined;
  return `${y}-${pad(m)}-${pad(d)}`;
}

/** A date folder anywhere in the path: 2024-05-01, 20240501, or 2024/05/01. The deepest wins. */
export function dateFromPath(relDir: string): string | undefined {
  const re = /(?:^|\/)(\d{4})[-_/]?(\d{2})[-_/]?(\d{2})(?=\/|$)/g;
  let found: string | undefined;
  for (const m of relDir.matchAll(re)) found = validDate(Number(m[1]), Number(m[2]), Number(m[3])) ?? found;
  return found;
}

/** --since: YYYY-MM-DD, today, yesterday, or Nd (N days back). */
export function parseSince(value: string, now = new Date()): string {
  const v = value.trim().toLowerCase();
  const back = (days: number) => localDate(new Date(now.getFullYear(), now.getMonth(), now.getDate() - days));
  if (v === 'today') return back(0);
  if (v === 'yesterday') return back(1);
  const rel = /^(\d{1,4})d$/.exec(v);
  if (rel) return back(Number(rel[1]));
  const abs = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  const date = abs ? validDate(Number(abs[1]), Number(abs[2]), Number(abs[3])) : undefined;
  if (!date) throw new UserError(`--since: expected YYYY-MM-DD, today, yesterday or Nd (e.g. 2d), got "${value}"`);
  return date;
}

function recordedOn(input: SessionInput, relDir: string, meta: SessionMeta | undefined): string | undefined {
  if (meta?.recorded_at) return meta.recorded_at.slice(0, 10);
  const fromPath = dateFromPath(relDir);
  if (fromPath) return fromPath;
  const file = input.recording ?? input.transcript;
  try {
    return file ? localDate(statSync(file).mtime) : undefined;
  } catch {
    return undefined; // unreadable or gone: the session's report says so
  }
}

/** A folder under the inbox that could not be read: no session in it is known, so it is listed on its own. */
export interface DiscoveryProblem {
  /** the folder, relative to the inbox ('/'-separated) */
  relDir: string;
  path: string;
  reason: string;
}

/** Every session under `inbox` (recursively), skipping the output folder when it lies inside. */
export function discoverSessions(inbox: string, outDir: string): BatchSession[] {
  return discoverInbox(inbox, outDir).sessions;
}

/**
 * Every session under `inbox`, and the folders that could not be read (permission, I/O error). The
 * inbox itself unreadable is a usage error; a sub-folder is one problem among the night's sessions.
 */
export function discoverInbox(
  inbox: string,
  outDir: string,
): { sessions: BatchSession[]; problems: DiscoveryProblem[] } {
  const root = resolve(inbox);
  const out: BatchSession[] = [];
  const problems: DiscoveryProblem[] = [];
  for (const dir of folders(root, new Set([resolve(outDir)]))) {
    const relDir = relative(root, dir).split(sep).join('/');
    let inputs: SessionInput[];
    try {
      inputs = sessionsInFolder(dir);
    } catch (err) {
      const reason = isFsError(err) ? describeFsError(err, dir) : `${dir}: ${errorMessage(err)}`;
      if (dir === root)
        throw new UserError(`${inbox}: cannot read the inbox (${reason.replace(`${dir}: `, '')})`, inbox);
      problems.push({ relDir, path: dir, reason });
      continue;
    }
    const taken = new Map<string, number>();
    for (const input of inputs) {
      const name = reportFolderName(input);
      taken.set(name, (taken.get(name) ?? 0) + 1);
    }
    for (const input of inputs) {
      let folder = reportFolderName(input);
      // x.mp4 and x.wav in one folder are two recordings: they get two report folders.
      if ((taken.get(folder) ?? 0) > 1 && input.recording) folder = `${folder}_${extname(input.recording).slice(1)}`;
      const reportDir = join(resolve(outDir), ...relDir.split('/').filter(Boolean), folder);
      let meta: SessionMeta | undefined;
      try {
        const loaded = loadSessionMeta(input);
        meta = loaded.fromSidecar ? loaded.meta : undefined;
      } catch {
        meta = undefined; // the worker reports the broken sidecar in the session's report
      }
      out.push({
        input,
        relDir,
        reportDir,
        key: sessionKey(reportDir),
        meta,
        recordedOn: recordedOn(input, relDir, meta),
      });
    }
  }
  return { sessions: out, problems };
}
