// Shared pieces of the speaker tests: a temp folder for generated recordings and the accuracy measure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionMetaSchema, type SessionMeta, type Segment } from '../../src/model/index.js';
import { truthSpeakerAt, type TruthTurn } from '../fixtures/speakers-dialogue.js';
import { ROLE_OF } from '../fixtures/speakers-scripts.js';

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'dualrec-speakers-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function meta(extra: Record<string, unknown> = {}): SessionMeta {
  return SessionMetaSchema.parse({ session_id: 'speakers-test', ...extra });
}

/** The role each segment should have by the generator's truth: a third person's lines are 'unknown'. */
export function expectedRole(truth: TruthTurn[], s: Segment): 'agent' | 'customer' | 'unknown' {
  const who = truthSpeakerAt(truth, s.start, s.end);
  const r = who ? ROLE_OF[who] : undefined;
  return r === 'agent' || r === 'customer' ? r : 'unknown';
}

/** Share of segments whose role matches the truth. */
export function roleAccuracy(truth: TruthTurn[], segments: Segment[]): number {
  if (segments.length === 0) return 0;
  return segments.filter((s) => s.role === expectedRole(truth, s)).length / segments.length;
}

export function describeRoles(truth: TruthTurn[], segments: Segment[]): string {
  return segments
    .map(
      (s) =>
        `${truthSpeakerAt(truth, s.start, s.end)}→${s.role}${s.roleConfidence !== undefined ? `(${s.roleConfidence})` : ''}`,
    )
    .join(' ');
}
