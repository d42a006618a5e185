// src/jobs: what a local batch (src/batch) and the job queue (src/queue) both use.
// What a session's report depends on: the recording and sidecar contents, the rules version, the
// transcription model and the tool version. A session whose fingerprint matches its current run,
// and whose report on disk is the one the store hashed, is skipped.
import { statSync } from 'node:fs';
import { resolveModel } from '../asr/index.js';
import { partsSha256, sha256File, sha256Text } from '../util/hash.js';
import type { SessionInput } from '../pipeline/session.js';
import type { Store } from '../store/index.js';

export interface Fingerprint {
  /** sha256 of the recording, or of the transcript for a transcript-only session (as in report.json) */
  contentSha256?: string;
  /** sha256 over the recording, transcript and metadata hashes */
  inputsSha256: string;
  /** where the transcript comes from: "import", a whisper model, or why there is none */
  model: string;
}

/** sha256 of a file, cached in the store by (path, size, mtime) so nightly runs don't re-read old recordings. */
export async function hashFile(store: Store, path: string): Promise<string> {
  const st = statSync(path);
  const cached = await store.cachedFileHash(path, st.size, st.mtimeMs);
  if (cached) return cached;
  const sha = await sha256File(path);
  await store.rememberFileHash(path, st.size, st.mtimeMs, sha);
  return sha;
}

/** The model part of the fingerprint, resolved once per batch. */
export function asrModelKey(flag: string | undefined): string {
  const m = resolveModel({ flag });
  return m.ok ? `asr:${m.name}:${m.sha256.slice(0, 16)}` : 'asr:unavailable';
}

export async function fingerprint(
  store: Store,
  input: SessionInput,
  settings: { forceAsr?: boolean; asrModel: string },
): Promise<Fingerprint> {
  const parts: string[] = [];
  let recordingSha: string | undefined;
  let transcriptSha: string | undefined;
  if (input.parts) {
    // a session in parts: every part, and each part's own transcript, is part of what it depends on
    const hashes: string[] = [];
    for (const p of input.parts) hashes.push(await hashFile(store, p));
    parts.push(`recording:${(recordingSha = partsSha256(hashes))}`);
    for (const t of input.partTranscripts ?? []) if (t) parts.push(`part-transcript:${await hashFile(store, t)}`);
  } else if (input.recording) parts.push(`recording:${(recordingSha = await hashFile(store, input.recording))}`);
  if (input.transcript) parts.push(`transcript:${(transcriptSha = await hashFile(store, input.transcript))}`);
  if (input.meta) parts.push(`meta:${await hashFile(store, input.meta)}`);
  const imported = !!input.transcript && !(settings.forceAsr && input.recording);
  const model = imported ? 'import' : input.recording ? settings.asrModel : 'none';
  return { contentSha256: recordingSha ?? transcriptSha, inputsSha256: sha256Text(parts.join('\n')), model };
}
