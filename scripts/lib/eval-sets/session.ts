// The one session builder of the labelled sets (tests/eval-set/ from generated.ts, tests/eval-holdout/
// from holdout.ts): each set turns its script into timed turns and labels; this lays the turns out on a
// timeline and writes the transcript and meta both sets share. Also the YAML reading and the writing
// of a set to disk. Test material only: nothing here ships in dist/.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import type { Expected } from '../../../src/eval/metrics.js';
import { SessionMetaSchema, type Channel, type ProductType } from '../../../src/model/index.js';
import { writeFileAtomic } from '../../../src/util/atomic.js';

/** One transcript segment to be, with what its timing is made of. */
export interface TimedTurn {
  /** speaker label written into the transcript */
  speaker: string;
  /** the text written into the transcript */
  text: string;
  /** characters that take time to say (of the text as spoken, before any ASR errors) */
  chars: number;
  /** characters per second */
  pace: number;
  /** seconds of silence before it */
  gap: number;
  /** seconds of pauses inside it (default none) */
  pauses?: number;
  /** seconds after the last character */
  tail: number;
  /** the shortest a segment may last (default no floor) */
  minDuration?: number;
}

export interface TranscriptFile {
  format: 'dualrec-transcript';
  version: 1;
  language: 'zh';
  segments: { id: number; start: number; end: number; text: string; speaker: string }[];
}

export interface LabelledSession {
  /** file stem: `<name>.transcript.json`, `<name>.meta.json`, `<name>.expected.json` */
  name: string;
  description: string;
  transcript: TranscriptFile;
  meta: unknown;
  expected: Expected;
}

export interface SessionInput {
  name: string;
  description: string;
  /** seconds before the first gap */
  start: number;
  turns: TimedTurn[];
  meta: {
    sessionId: string;
    recordedAt: string;
    product: { name: string; type: ProductType; termYears?: number };
    channel: Channel;
    age: number;
    licence: string;
    /** transcript speaker labels of the agent and the customer */
    labels: { agent: string; customer: string };
  };
  expected: Expected;
}

/** Characters that take time to say: Han characters, letters and digits (licence numbers are read out). */
export function spokenChars(text: string): number {
  return [...text].filter((c) => /[\p{Script=Han}\p{L}\p{N}]/u.test(c)).length;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Lays the turns out one after another and writes the session's transcript and meta. */
export function buildSession(input: SessionInput): LabelledSession {
  const segments: TranscriptFile['segments'] = [];
  let t = input.start;
  for (const turn of input.turns) {
    const start = t + turn.gap;
    const end = start + Math.max(turn.minDuration ?? 0, turn.chars / turn.pace + (turn.pauses ?? 0) + turn.tail);
    segments.push({
      id: segments.length,
      start: round2(start),
      end: round2(end),
      text: turn.text,
      speaker: turn.speaker,
    });
    t = end;
  }
  const m = input.meta;
  const meta = SessionMetaSchema.parse({
    session_id: m.sessionId,
    recorded_at: m.recordedAt,
    product: {
      name: m.product.name,
      type: m.product.type,
      ...(m.product.termYears ? { term_years: m.product.termYears } : {}),
    },
    channel: m.channel,
    policyholder: { age: m.age },
    insured_is_policyholder: true,
    agent: { id: m.licence },
    roles: { speakers: { [m.labels.agent]: 'agent', [m.labels.customer]: 'customer' } },
  });
  return {
    name: input.name,
    description: input.description,
    transcript: { format: 'dualrec-transcript', version: 1, language: 'zh', segments },
    meta,
    expected: input.expected,
  };
}

/** Two digits: `7` → `07`. */
export const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `NN-slug`: the session's place in its set and its slug. */
export function sessionName(index: number, slug: string): string {
  return `${pad2(index + 1)}-${slug}`;
}

/** Reads a YAML source file, checked against `schema`; a mistake names the file and the field. */
export function readYaml<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  const parsed = schema.safeParse(parseYaml(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: ${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** Files a set writer wrote (`NN-slug.transcript|meta|expected.json`): the only ones it may remove. */
const GENERATED = /^\d\d-[a-z0-9-]+\.(transcript|meta|expected)\.json$/;

/** Writes the sessions and INDEX.md into `dir`, removes generated files of sessions no longer in the
 *  set, and returns the file names written. */
export function writeLabelledSet(dir: string, sessions: readonly LabelledSession[], index: string): string[] {
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
