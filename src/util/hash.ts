// Content hashes: one place for how files and texts are hashed (report hashes, cache keys, fingerprints).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** sha256 of a file, streamed (recordings can be gigabytes). */
export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** The content hash of a session recorded in parts: over the parts' own hashes, in order. */
export function partsSha256(partHashes: string[]): string {
  return sha256Text(`dualrec-parts\n${partHashes.join('\n')}`);
}

export function sha256Text(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}
