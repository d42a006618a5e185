// Writing a labelled session set to disk, shared by the generated eval set and the held-out set:
// three files per session (transcript, meta, expected) plus INDEX.md, and no stale leftovers.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';

export interface LabelledSession {
  name: string;
  transcript: unknown;
  meta: unknown;
  expected: unknown;
}

/** Files a generator wrote (`NN-slug.transcript|meta|expected.json`): the only ones it may remove. */
const GENERATED = /^\d\d-[a-z0-9-]+\.(transcript|meta|expected)\.json$/;

/** Writes the sessions and INDEX.md into `dir`, removes generated files of sessions no longer in the
 *  set, and returns the file names written. */
export function writeLabelledSet(dir: string, sessions: LabelledSession[], index: string): string[] {
  const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
  const written: string[] = [];
  for (const s of sessions) {
    for (const [suffix, body] of [
      ['transcript', s.transcript],
      ['meta', s.meta],
      ['expected', s.expected],
    ] as const) {
      const file = `${s.name}.${suffix}.json`;
      writeFileAtomic(join(dir, file), json(body));
      written.push(file);
    }
  }
  writeFileAtomic(join(dir, 'INDEX.md'), index);
  written.push('INDEX.md');
  const keep = new Set(written);
  for (const f of readdirSync(dir)) if (GENERATED.test(f) && !keep.has(f)) rmSync(join(dir, f));
  return written;
}
