// `dualrec models pull`: streams a model into a temp file beside its destination while hashing it,
// checks the manifest's size and sha256, and only then renames it into place (atomic on one
// filesystem). A failed or interrupted download leaves nothing behind.
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { UserError } from '../util/errors.js';
import { loadManifest, modelsDir, modelSha256, writeMarker, type Manifest } from './models.js';

export interface PullOptions {
  dir?: string;
  manifest?: Manifest;
  /** replaces the manifest URL's origin and folder (a mirror); also DUALREC_MODELS_MIRROR */
  mirror?: string;
  force?: boolean;
  signal?: AbortSignal;
  /** no bytes for this long → give up */
  stallTimeoutMs?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface PullResult {
  name: string;
  path: string;
  sha256: string;
  sizeBytes: number;
  /** it was already there and verified */
  skipped: boolean;
}

function sourceUrl(url: string, file: string, mirror: string | undefined): string {
  if (!mirror) return url;
  return mirror.endsWith('/') ? mirror + file : `${mirror}/${file}`;
}

export async function pullModel(name: string, opts: PullOptions = {}): Promise<PullResult> {
  const manifest = opts.manifest ?? loadManifest();
  const entry = manifest.models.find((m) => m.name === name);
  if (!entry) {
    throw new UserError(
      `unknown model "${name}"; the manifest lists: ${manifest.models.map((m) => m.name).join(', ')}`,
    );
  }
  const dir = opts.dir ?? modelsDir();
  const dest = join(dir, entry.file);
  if (!opts.force && existsSync(dest)) {
    const sha = modelSha256(dest);
    if (sha === entry.sha256) {
      writeMarker(dest, sha);
      return { name, path: dest, sha256: sha, sizeBytes: statSync(dest).size, skipped: true };
    }
  }
  const url = sourceUrl(entry.url, entry.file, opts.mirror ?? process.env.DUALREC_MODELS_MIRROR);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${entry.file}.${process.pid}.${randomBytes(4).toString('hex')}.part`);

  const ctrl = new AbortController();
  const onOuterAbort = () => ctrl.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let stall: NodeJS.Timeout | undefined;
  const armStall = () => {
    clearTimeout(stall);
    stall = setTimeout(
      () => ctrl.abort(new Error(`no data for ${Math.round((opts.stallTimeoutMs ?? 60_000) / 1000)} s`)),
      opts.stallTimeoutMs ?? 60_000,
    );
  };

  const out = createWriteStream(tmp, { flags: 'wx' });
  try {
    armStall();
    let res: Response;
    try {
      res = await fetch(url, { signal: ctrl.signal, redirect: 'follow' });
    } catch (err) {
      throw new UserError(`cannot download ${entry.file} from ${url}: ${causeOf(err)}`);
    }
    if (!res.ok || !res.body)
      throw new UserError(`cannot download ${entry.file} from ${url}: HTTP ${res.status} ${res.statusText}`);
    const declared = Number(res.headers.get('content-length') ?? NaN);
    const total = Number.isFinite(declared) && declared > 0 ? declared : entry.size;
    const hash = createHash('sha256');
    let done = 0;
    opts.onProgress?.(0, total);
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        armStall();
        hash.update(chunk);
        done += chunk.byteLength;
        if (done > entry.size)
          throw new UserError(
            `${entry.file} from ${url} is larger than the manifest's ${entry.size} bytes: download discarded`,
          );
        if (!out.write(chunk)) await once(out, 'drain');
        opts.onProgress?.(done, total);
      }
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw new UserError(`download of ${entry.file} from ${url} failed after ${done} bytes: ${causeOf(err)}`);
    }
    out.end();
    await once(out, 'close');
    const sha = hash.digest('hex');
    if (done !== entry.size) {
      throw new UserError(
        `${entry.file} from ${url} has ${done} bytes, the manifest says ${entry.size}: download discarded`,
      );
    }
    if (sha !== entry.sha256) {
      throw new UserError(
        `${entry.file} from ${url} does not match the manifest's sha256 (got ${sha.slice(0, 12)}…, want ${entry.sha256.slice(0, 12)}…): download discarded`,
      );
    }
    renameSync(tmp, dest);
    writeMarker(dest, sha);
    return { name, path: dest, sha256: sha, sizeBytes: done, skipped: false };
  } finally {
    clearTimeout(stall);
    opts.signal?.removeEventListener('abort', onOuterAbort);
    if (!out.closed) {
      out.destroy();
      await once(out, 'close').catch(() => undefined);
    }
    rmSync(tmp, { force: true });
  }
}

function causeOf(err: unknown): string {
  const e = err as Error & { cause?: Error & { code?: string } };
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return e.message || 'aborted';
  return e?.cause?.message ?? e?.cause?.code ?? e?.message ?? String(err);
}
