// Builds batch inboxes for the tests from the committed samples: real recordings copied under new
// names (into date folders), plus transcript-only sessions made from the sample transcripts with
// their own metadata. Everything is generated here; nothing is hand-made.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';

export const SAMPLES = join(ROOT, 'samples');

export const REAL_SAMPLES = [
  'compliant-participating',
  'missing-exclusions',
  'broken-truncated',
  'audio-only-health',
] as const;
export type SampleName = (typeof REAL_SAMPLES)[number];

const RECORDING_EXT: Record<SampleName, string> = {
  'compliant-participating': '.mp4',
  'missing-exclusions': '.mp4',
  'broken-truncated': '.mp4',
  'audio-only-health': '.m4a',
};
const TRANSCRIPT: Partial<Record<SampleName, string>> = {
  'compliant-participating': '.transcript.json',
  'missing-exclusions': '.transcript.json',
  'audio-only-health': '.transcript.srt',
};

function sampleMeta(sample: SampleName): Record<string, unknown> {
  return JSON.parse(readFileSync(join(SAMPLES, `${sample}.meta.json`), 'utf8')) as Record<string, unknown>;
}

export interface MadeSession {
  name: string;
  dir: string;
  sample: SampleName;
  recording: boolean;
  sessionId: string;
}

/** A real recording (copy of a sample) with its sidecars, under `name`. */
export function addRecording(
  dir: string,
  name: string,
  sample: SampleName,
  meta: Record<string, unknown> = {},
): MadeSession {
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(SAMPLES, sample + RECORDING_EXT[sample]), join(dir, name + RECORDING_EXT[sample]));
  const t = TRANSCRIPT[sample];
  if (t) copyFileSync(join(SAMPLES, sample + t), join(dir, name + t));
  const sessionId = `S-${name}`;
  writeFileSync(
    join(dir, `${name}.meta.json`),
    JSON.stringify({ ...sampleMeta(sample), session_id: sessionId, ...meta }, null, 2),
  );
  return { name, dir, sample, recording: true, sessionId };
}

/** A transcript-only session (no recording) from a sample's transcript. */
export function addTranscriptOnly(
  dir: string,
  name: string,
  sample: 'compliant-participating' | 'missing-exclusions',
  meta: Record<string, unknown> = {},
): MadeSession {
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(SAMPLES, `${sample}.transcript.json`), join(dir, `${name}.transcript.json`));
  const sessionId = `T-${name}`;
  writeFileSync(
    join(dir, `${name}.meta.json`),
    JSON.stringify({ ...sampleMeta(sample), session_id: sessionId, ...meta }, null, 2),
  );
  return { name, dir, sample, recording: false, sessionId };
}

/**
 * `recordings` real copies cycling through the samples (into two date folders) and `transcripts`
 * transcript-only sessions alternating compliant / missing-exclusions.
 */
export function makeInbox(
  inbox: string,
  opts: { recordings: number; transcripts: number; samples?: readonly SampleName[] },
): MadeSession[] {
  const made: MadeSession[] = [];
  const samples = opts.samples ?? REAL_SAMPLES;
  for (let i = 0; i < opts.recordings; i++) {
    const sample = samples[i % samples.length]!;
    const day = `2024-05-${String(1 + (i % 2)).padStart(2, '0')}`;
    made.push(
      addRecording(join(inbox, day), `rec${String(i).padStart(2, '0')}-${sample}`, sample, {
        agent: { id: `AG-${100 + (i % 3)}` },
        recorded_at: `${day}T10:00:00+08:00`,
      }),
    );
  }
  for (let i = 0; i < opts.transcripts; i++) {
    const sample = i % 2 === 0 ? 'compliant-participating' : 'missing-exclusions';
    made.push(
      addTranscriptOnly(join(inbox, '2024-05-03', 'desk'), `tx${String(i).padStart(2, '0')}`, sample, {
        agent: { id: `AG-${200 + (i % 4)}` },
        channel: i % 3 === 0 ? 'bank' : 'agent',
        recorded_at: '2024-05-03T09:00:00+08:00',
      }),
    );
  }
  return made;
}
