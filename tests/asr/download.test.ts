// `models pull` against a local HTTP server on 127.0.0.1 serving a generated model file: progress,
// sha256 and size checks, a dropped connection, temp files removed, atomic install.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pullModel } from '../../src/asr/download.js';
import { loadManifest } from '../../src/asr/models.js';
import { UserError } from '../../src/util/errors.js';
import { ROOT } from '../helpers/cli.js';
import { emptyGgmlModelBytes } from '../fixtures/ggml-empty.js';

const bytes = emptyGgmlModelBytes();
const sha = createHash('sha256').update(bytes).digest('hex');
let server: Server;
let base: string;
let hits = 0;
let root: string;
let dir: string;
let manifestFile: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    const [, mode, file] = (req.url ?? '').split('/');
    if (file !== 'ggml-tiny.bin') return res.writeHead(404).end('not found');
    if (mode === 'good' || mode === 'bad') {
      const body = Buffer.from(bytes);
      if (mode === 'bad') body[body.length - 10] ^= 0xff; // same size, different content
      res.writeHead(200, { 'content-length': body.length });
      // in pieces, so the client sees progress
      let off = 0;
      const next = () => {
        if (off >= body.length) return res.end();
        res.write(body.subarray(off, off + 65536));
        off += 65536;
        setImmediate(next);
      };
      return next();
    }
    if (mode === 'drop') {
      res.writeHead(200, { 'content-length': bytes.length });
      res.write(bytes.subarray(0, 100_000), () => res.destroy());
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'dualrec-asr-pull-'));
  dir = join(root, 'models');
  manifestFile = join(root, 'manifest.json');
  writeFileSync(
    manifestFile,
    JSON.stringify({
      version: 1,
      models: [
        {
          name: 'tiny',
          file: 'ggml-tiny.bin',
          url: 'https://huggingface.co/ggerganov/whisper.cpp/resolve/main/ggml-tiny.bin',
          sha256: sha,
          size: bytes.length,
          languages: ['*'],
        },
      ],
    }),
  );
});

const leftovers = () => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.part')) : []);

describe('pullModel', () => {
  it('downloads with progress, verifies and installs atomically, then skips a verified copy', async () => {
    const seen: [number, number][] = [];
    const r = await pullModel('tiny', {
      dir,
      manifest: loadManifest(manifestFile),
      mirror: `${base}/good/`,
      onProgress: (d, t) => seen.push([d, t]),
    });
    expect(r).toMatchObject({
      name: 'tiny',
      sha256: sha,
      sizeBytes: bytes.length,
      skipped: false,
      path: join(dir, 'ggml-tiny.bin'),
    });
    expect(readFileSync(r.path).equals(bytes)).toBe(true);
    expect(seen.length).toBeGreaterThan(3);
    expect(seen[0]).toEqual([0, bytes.length]);
    expect(seen.at(-1)).toEqual([bytes.length, bytes.length]);
    expect(seen.every(([d], i) => i === 0 || d >= seen[i - 1][0])).toBe(true);
    expect(leftovers()).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, '.ggml-tiny.bin.sha256'), 'utf8')).sha256).toBe(sha);

    const before = hits;
    const again = await pullModel('tiny', { dir, manifest: loadManifest(manifestFile), mirror: `${base}/good/` });
    expect(again.skipped).toBe(true);
    expect(hits).toBe(before);
  });

  it('discards a download whose sha256 does not match, leaving no file behind', async () => {
    const err = await pullModel('tiny', { dir, manifest: loadManifest(manifestFile), mirror: `${base}/bad/` }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(
      /ggml-tiny\.bin from http:\/\/127\.0\.0\.1:\d+\/bad\/ggml-tiny\.bin does not match the manifest's sha256 .*download discarded/,
    );
    expect(existsSync(join(dir, 'ggml-tiny.bin'))).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it('keeps an installed copy when a forced re-download fails', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'ggml-tiny.bin'), bytes);
    await expect(
      pullModel('tiny', { dir, manifest: loadManifest(manifestFile), mirror: `${base}/drop/`, force: true }),
    ).rejects.toThrow(
      /download of ggml-tiny\.bin from .*\/drop\/ggml-tiny\.bin failed after \d+ bytes: other side closed/,
    );
    expect(readFileSync(join(dir, 'ggml-tiny.bin')).equals(bytes)).toBe(true);
    expect(leftovers()).toEqual([]);
  });

  it('reports HTTP errors and unknown names in one line', async () => {
    await expect(
      pullModel('tiny', { dir, manifest: loadManifest(manifestFile), mirror: `${base}/nothing/` }),
    ).rejects.toThrow(/cannot download ggml-tiny\.bin from .*: HTTP 404/);
    await expect(pullModel('huge', { dir, manifest: loadManifest(manifestFile) })).rejects.toThrow(
      /unknown model "huge"; the manifest lists: tiny/,
    );
    expect(leftovers()).toEqual([]);
  });
});

describe('`dualrec models pull`', () => {
  // async: the server answers from this process while the CLI runs
  const cli = async (args: string[]) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', `${ROOT}src/cli/main.ts`, ...args],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            DUALREC_LOG_LEVEL: 'warn',
            DUALREC_MODELS_DIR: dir,
            DUALREC_MODELS_MANIFEST: manifestFile,
          },
          timeout: 60_000,
        },
      );
      return { code: 0, stdout, stderr };
    } catch (e) {
      const x = e as { code: number; stdout: string; stderr: string };
      return { code: x.code, stdout: x.stdout, stderr: x.stderr };
    }
  };

  it('installs a verified model, and fails in one line on a bad one', async () => {
    const ok = await cli(['models', 'pull', 'tiny', '--mirror', `${base}/good`]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^tiny: installed .*ggml-tiny\.bin \(\d+\.\d KiB, sha256 verified\)$/m);
    const bad = await cli(['models', 'pull', 'tiny', '--force', '--mirror', `${base}/bad`]);
    expect(bad.code).toBe(2);
    expect(
      bad.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('dualrec:')),
    ).toHaveLength(1);
    expect(bad.stderr).toMatch(/dualrec: ggml-tiny\.bin from .* does not match the manifest's sha256/);
    expect(readFileSync(join(dir, 'ggml-tiny.bin')).equals(bytes)).toBe(true);
    expect(leftovers()).toEqual([]);
  });
});
