// Transcript cache: keyed by the recording's content hash, the model's hash and every option that
// changes the text, so re-running a batch (say, after a rule change) never transcribes again.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Transcript } from '../model/index.js';
import { writeFileAtomic } from '../util/atomic.js';

/** Bump when anything between the engine and the Transcript changes its output. */
export const ASR_STAGE_VERSION = 1;

export function cacheKey(parts: Record<string, unknown>): string {
  return createHash('sha256')
    .update(JSON.stringify({ v: ASR_STAGE_VERSION, ...parts }))
    .digest('hex');
}

function entryPath(cacheDir: string, key: string): string {
  return join(cacheDir, 'asr', key.slice(0, 2), `${key}.json`);
}

// Enough shape to trust a cached file; anything else is treated as a miss and transcribed again.
const CachedSchema = z.object({
  key: z.string(),
  transcript: z
    .object({
      segments: z.array(z.object({ id: z.number(), start: z.number(), end: z.number(), text: z.string() }).loose()),
      source: z.object({ kind: z.literal('asr') }).loose(),
    })
    .loose(),
});

export function readCached(cacheDir: string, key: string): Transcript | undefined {
  try {
    const parsed = CachedSchema.safeParse(JSON.parse(readFileSync(entryPath(cacheDir, key), 'utf8')));
    if (!parsed.success || parsed.data.key !== key) return undefined;
    return parsed.data.transcript as unknown as Transcript;
  } catch {
    return undefined;
  }
}

export function writeCached(cacheDir: string, key: string, transcript: Transcript): void {
  writeFileAtomic(entryPath(cacheDir, key), JSON.stringify({ key, transcript }));
}
