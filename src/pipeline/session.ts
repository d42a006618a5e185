// What the user pointed at → one or more sessions: a recording, a session folder, or a transcript alone.
// Sidecars are found by the same `<name>`: `<name>.meta.json`, `<name>.transcript.json|.srt|.vtt|.txt`.
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { SessionMetaSchema, type SessionMeta } from '../model/index.js';
import { UserError, errorMessage } from '../util/errors.js';
import { TRANSCRIPT_SUFFIXES } from '../asr/import/index.js';
import { refuseSymlink } from '../util/symlinks.js';
import { describeFsError, isFsError } from './input-error.js';

export const RECORDING_EXTENSIONS = [
  '.mp4',
  '.mov',
  '.m4v',
  '.mkv',
  '.avi',
  '.webm',
  '.flv',
  '.ts',
  '.3gp',
  '.mpg',
  '.mpeg',
  '.wmv',
  '.m4a',
  '.mp3',
  '.wav',
  '.aac',
  '.amr',
  '.gsm',
  '.ogg',
  '.opus',
  '.flac',
];
const META_SUFFIX = '.meta.json';
const EXPECTED_SUFFIX = '.expected.json';

export interface SessionInput {
  /** `<dir>/<name>`: the path every sidecar is found from */
  base: string;
  /** file name stem, used for the report folder */
  name: string;
  recording?: string;
  transcript?: string;
  meta?: string;
  /** set when discovery found the entry but cannot read it (a link to nothing, a FIFO, no permission):
   *  the session is not opened, its report says why */
  unreadable?: string;
  /** a session recorded in parts (`<name>.part1.mp4`, `<name>.part2.mp4` …, or `parts` in the sidecar):
   *  the part files in order; `recording` is the first */
  parts?: string[];
  /** one transcript per part (`<name>.part1.transcript.json` …), when there is no whole-session one */
  partTranscripts?: (string | null)[];
}

// `<name>.part2.mp4` (also `_part2`, `-part2`): part 2 of session `<name>`
const PART_NAME = /^(.+?)[._-]part(\d{1,3})$/i;

function isRecording(file: string): boolean {
  return RECORDING_EXTENSIONS.includes(extname(file).toLowerCase());
}

function transcriptSuffix(file: string): string | undefined {
  const lower = file.toLowerCase();
  return TRANSCRIPT_SUFFIXES.find((s) => lower.endsWith(s));
}

/** The first path that is there at all: a sidecar that is there but cannot be read (a link to
 *  nothing, no permission) is the session's problem to report, not a file to ignore. */
function firstExisting(paths: string[]): string | undefined {
  return paths.find((p) => {
    let l;
    try {
      l = lstatSync(p);
    } catch {
      return false;
    }
    if (l.isFile()) return true;
    if (!l.isSymbolicLink()) return false;
    try {
      return statSync(p).isFile();
    } catch {
      return true;
    }
  });
}

/** Why an inbox entry cannot be analyzed, without opening it (a FIFO would block); undefined when it can. */
function unreadableEntry(file: string): string | undefined {
  try {
    const st = statSync(file);
    if (!st.isFile()) return `${file}: not a regular file`;
    return undefined;
  } catch (err) {
    return isFsError(err) ? describeFsError(err, file) : `${file}: ${errorMessage(err)}`;
  }
}

function sidecarsFor(base: string): Pick<SessionInput, 'transcript' | 'meta'> {
  return {
    transcript: firstExisting(TRANSCRIPT_SUFFIXES.map((s) => base + s)),
    meta: firstExisting([base + META_SUFFIX]),
  };
}

function sessionFromRecording(file: string): SessionInput {
  const base = file.slice(0, file.length - extname(file).length);
  return { base, name: basename(base), recording: file, ...sidecarsFor(base) };
}

function sessionFromTranscript(file: string, suffix: string): SessionInput {
  const base = file.slice(0, file.length - suffix.length);
  return { base, name: basename(base), transcript: file, meta: firstExisting([base + META_SUFFIX]) };
}

/** The parts a sidecar lists (`"parts": [...]`), read leniently: a sidecar that doesn't parse is
 *  reported when its session is analyzed, not here. */
function partsListedIn(metaFile: string): string[] | undefined {
  try {
    if (statSync(metaFile).size > 1_000_000) return undefined;
    const raw = JSON.parse(readFileSync(metaFile, 'utf8')) as { parts?: unknown };
    const parts = raw?.parts;
    if (
      !Array.isArray(parts) ||
      parts.length < 2 ||
      !parts.every((p) => typeof p === 'string' && p && !/[\\/]/.test(p))
    )
      return undefined;
    return parts as string[];
  } catch {
    return undefined;
  }
}

/**
 * A session recorded in parts becomes one session: parts named `<name>.partN.<ext>` are grouped by
 * `<name>` in part order; a sidecar listing `parts` claims those files in its order. Each part's own
 * transcript (`<name>.partN.transcript.json`) is kept for when no whole-session transcript exists.
 */
function groupParts(sessions: SessionInput[], dir: string, metaFiles: string[]): SessionInput[] {
  const byFile = new Map(sessions.filter((s) => s.recording).map((s) => [s.recording!, s]));
  const claimed = new Set<string>();
  const groups: SessionInput[] = [];
  const group = (base: string, members: SessionInput[]) => {
    for (const m of members) claimed.add(m.recording!);
    const whole = sidecarsFor(base);
    groups.push({
      base,
      name: basename(base),
      recording: members[0]!.recording,
      transcript: whole.transcript,
      meta: whole.meta,
      unreadable: members.find((m) => m.unreadable)?.unreadable,
      parts: members.map((m) => m.recording!),
      partTranscripts: whole.transcript ? undefined : members.map((m) => m.transcript ?? null),
    });
  };
  for (const metaFile of metaFiles) {
    const listed = partsListedIn(metaFile);
    if (!listed) continue;
    const base = metaFile.slice(0, metaFile.length - META_SUFFIX.length);
    const members = listed.map((f) => {
      const file = join(dir, f);
      // a listed part that is not there: the session's report names it
      return (
        byFile.get(file) ?? {
          base: file,
          name: f,
          recording: file,
          unreadable: `${file}: no such file (listed in ${basename(metaFile)} as a part)`,
        }
      );
    });
    if (members.some((m) => claimed.has(m.recording!))) continue;
    group(base, members);
  }
  const numbered = new Map<string, { n: number; s: SessionInput }[]>();
  for (const s of sessions) {
    const m = s.recording && !claimed.has(s.recording) ? PART_NAME.exec(s.name) : null;
    if (!m) continue;
    const base = join(dir, m[1]!);
    numbered.set(base, [...(numbered.get(base) ?? []), { n: Number(m[2]), s }]);
  }
  for (const [base, members] of numbered) {
    if (members.length < 2) continue; // a lone "part1" is just a recording with that name
    group(
      base,
      members.sort((a, b) => a.n - b.n).map((m) => m.s),
    );
  }
  if (groups.length === 0) return sessions;
  const groupBases = new Set(groups.map((g) => g.base));
  // the parts, and a transcript-only session of the whole-session transcript, are now the group's
  const rest = sessions.filter(
    (s) => !(s.recording && claimed.has(s.recording)) && !(!s.recording && groupBases.has(s.base)),
  );
  return [...rest, ...groups];
}

/**
 * Sessions in a folder (not recursive): every recording, plus every transcript that has no recording
 * beside it (an already-transcribed session without video). Recordings in parts are one session.
 */
export function sessionsInFolder(dir: string): SessionInput[] {
  // Entries that are not folders: regular files, and also links to nothing, FIFOs and the like — a
  // recording or transcript among those becomes a session whose report says why it cannot be read.
  const entries = readdirSync(dir, { withFileTypes: true }).filter((e) => !e.isDirectory());
  const unreadable = new Map<string, string>();
  const files: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const f = join(dir, e.name);
    if (!isRecording(f) && !transcriptSuffix(f)) {
      if (e.isFile()) files.push(f);
      continue;
    }
    if (e.isSymbolicLink()) {
      try {
        if (statSync(f).isDirectory()) continue; // a linked folder is not followed (discovery skips those)
      } catch {
        // a link to nothing: reported below
      }
    }
    const why = e.isFile() ? undefined : unreadableEntry(f);
    if (why) unreadable.set(f, why);
    files.push(f);
  }
  const sessions: SessionInput[] = [];
  const recordingBases = new Set<string>();
  for (const f of files) {
    if (isRecording(f) && !transcriptSuffix(f)) {
      const s = sessionFromRecording(f);
      if (unreadable.has(f)) s.unreadable = unreadable.get(f);
      recordingBases.add(s.base);
      sessions.push(s);
    }
  }
  for (const f of files) {
    const suffix = transcriptSuffix(f);
    if (!suffix) continue;
    const base = f.slice(0, f.length - suffix.length);
    if (recordingBases.has(base)) continue;
    if (sessions.some((s) => s.base === base)) continue; // .json and .srt of the same session: first wins
    const s = sessionFromTranscript(f, suffix);
    if (unreadable.has(f)) s.unreadable = unreadable.get(f);
    sessions.push(s);
  }
  const metaFiles = files.filter((f) => f.toLowerCase().endsWith(META_SUFFIX));
  return groupParts(sessions, dir, metaFiles);
}

/** Resolves what the user named into sessions; throws a UserError naming the path when there is nothing to analyze. */
export function resolveSessionInputs(path: string): SessionInput[] {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new UserError(`${path}: no such file or folder`, path);
  const st = statSync(abs);
  if (st.isDirectory()) {
    const sessions = sessionsInFolder(abs);
    if (sessions.length === 0) {
      throw new UserError(
        `${path}: folder holds no recording (${RECORDING_EXTENSIONS.slice(0, 6).join(', ')} …) and no <name>.transcript.json|.srt|.vtt|.txt`,
        path,
      );
    }
    return sessions;
  }
  if (!st.isFile()) throw new UserError(`${path}: not a regular file`, path);
  const suffix = transcriptSuffix(abs);
  if (suffix) return [sessionFromTranscript(abs, suffix)];
  if (abs.toLowerCase().endsWith(META_SUFFIX) || abs.toLowerCase().endsWith(EXPECTED_SUFFIX)) {
    // A sidecar names its session: analyze the recording or transcript it belongs to.
    const base = abs.slice(0, abs.lastIndexOf('.', abs.length - 6));
    const owner = sessionsInFolder(dirname(abs)).find((s) => s.base === base);
    if (!owner)
      throw new UserError(
        `${path}: a sidecar with no recording or transcript named ${basename(base)}.* beside it`,
        path,
      );
    return [owner];
  }
  // One part of a session recorded in parts stands for the whole session.
  if (isRecording(abs)) {
    const group = sessionsInFolder(dirname(abs)).find((s) => s.parts?.includes(abs));
    if (group) return [group];
  }
  // Anything else is taken as a recording; probing will say if it is not one.
  return [sessionFromRecording(abs)];
}

/** The single-session form, for callers that take exactly one session. */
export function resolveSessionInput(path: string): SessionInput {
  const sessions = resolveSessionInputs(path);
  if (sessions.length !== 1) {
    throw new UserError(`${path}: holds ${sessions.length} sessions; name one recording or transcript`, path);
  }
  return sessions[0]!;
}

export interface LoadedMeta {
  meta: SessionMeta;
  fromSidecar: boolean;
}

/** Reads and validates `<name>.meta.json`; without one, defaults with the file name as session id. */
export function loadSessionMeta(input: SessionInput): LoadedMeta {
  if (!input.meta) {
    return { meta: SessionMetaSchema.parse({ session_id: input.name }), fromSidecar: false };
  }
  refuseSymlink(input.meta, 'the metadata sidecar');
  let raw: unknown;
  let text: string;
  try {
    text = readFileSync(input.meta, 'utf8');
  } catch (err) {
    throw new UserError(
      isFsError(err) ? describeFsError(err, input.meta) : `${input.meta}: ${errorMessage(err)}`,
      input.meta,
    );
  }
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${input.meta}: not valid JSON (${errorMessage(err)})`, input.meta);
  }
  const parsed = SessionMetaSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length ? issue.path.join('.') : '(top level)';
    const more = parsed.error.issues.length > 1 ? ` (+${parsed.error.issues.length - 1} more)` : '';
    throw new UserError(`${input.meta}: field "${field}": ${issue.message}${more}`, input.meta);
  }
  return { meta: parsed.data, fromSidecar: true };
}
