// Model choice (flag → DUALREC_MODEL → config → installed default), the manifest, and `models list`.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listModels, loadManifest, resolveModel } from '../../src/asr/models.js';
import { UserError } from '../../src/util/errors.js';
import { runCli } from '../helpers/cli.js';
import { emptyGgmlModelBytes } from '../fixtures/ggml-empty.js';

const bytes = emptyGgmlModelBytes();
const sha = createHash('sha256').update(bytes).digest('hex');
const ENV = ['DUALREC_MODEL', 'DUALREC_MODELS_DIR', 'DUALREC_MODELS_MANIFEST'] as const;
let saved: Record<string, string | undefined>;
let root: string;
let dir: string;

function manifest(models: object[]): string {
  const p = join(root, 'manifest.json');
  writeFileSync(p, JSON.stringify({ version: 1, models }));
  return p;
}
const entry = (name: string, extra: object = {}) => ({
  name,
  file: `ggml-${name}.bin`,
  url: `https://example.invalid/ggml-${name}.bin`,
  sha256: sha,
  size: bytes.length,
  languages: ['*'],
  ...extra,
});

beforeEach(() => {
  saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
  for (const k of ENV) delete process.env[k];
  root = mkdtempSync(join(tmpdir(), 'dualrec-asr-models-'));
  dir = join(root, 'models');
  mkdirSync(dir);
  process.env.DUALREC_MODELS_DIR = dir;
  process.env.DUALREC_MODELS_MANIFEST = manifest([entry('tiny'), entry('small', { recommended: true })]);
});
afterEach(() => {
  for (const k of ENV)
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
});

describe('the shipped manifest', () => {
  it('is valid and lists official ggml downloads with a sha256 each, small and larger recommended', () => {
    const m = loadManifest(join(import.meta.dirname, '../../models/manifest.json'));
    expect(m.models.map((x) => x.name)).toEqual(expect.arrayContaining(['small', 'medium', 'large-v3']));
    for (const x of m.models) {
      expect(x.url).toMatch(/^https:\/\/huggingface\.co\/ggerganov\/whisper\.cpp\/resolve\/main\/ggml-[\w.-]+\.bin$/);
      expect(x.url.endsWith(x.file)).toBe(true);
    }
    expect(m.models.filter((x) => x.recommended).map((x) => x.name)).not.toContain('tiny');
    expect(m.models.find((x) => x.name === 'small')?.recommended).toBe(true);
  });

  it('a broken manifest is a one-line error naming the file and the field', () => {
    const p = manifest([{ ...entry('x'), sha256: 'nope' }]);
    expect(() => loadManifest(p)).toThrow(UserError);
    expect(() => loadManifest(p)).toThrow(/manifest\.json: invalid model manifest at models\.0\.sha256/);
  });
});

describe('resolveModel', () => {
  it('with nothing installed says exactly how to get a model', () => {
    const r = resolveModel();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/no Whisper model installed.*`dualrec models pull small`/);
  });

  it('picks the best installed model by default', () => {
    writeFileSync(join(dir, 'ggml-tiny.bin'), bytes);
    expect(resolveModel()).toMatchObject({ ok: true, name: 'tiny', sha256: sha });
    writeFileSync(join(dir, 'ggml-small.bin'), bytes);
    expect(resolveModel()).toMatchObject({ ok: true, name: 'small', path: join(dir, 'ggml-small.bin') });
  });

  it('flag beats DUALREC_MODEL beats config beats the default', () => {
    for (const n of ['tiny', 'small']) writeFileSync(join(dir, `ggml-${n}.bin`), bytes);
    const own = join(root, 'my-model.bin');
    writeFileSync(own, bytes);
    const cfg = join(root, 'dualrec.yaml');
    writeFileSync(cfg, 'asr:\n  model: tiny\n');
    expect(resolveModel({ configPath: cfg })).toMatchObject({ ok: true, name: 'tiny' });
    process.env.DUALREC_MODEL = own;
    expect(resolveModel({ configPath: cfg })).toMatchObject({ ok: true, name: 'my-model', path: own });
    expect(resolveModel({ flag: 'small', configPath: cfg })).toMatchObject({ ok: true, name: 'small' });
  });

  it('names the source and the fix when the chosen model is missing or broken', () => {
    const a = resolveModel({ flag: 'small' });
    expect(a.ok === false && a.message).toMatch(
      /"small" \(from --model\) is not installed.*`dualrec models pull small`/,
    );
    process.env.DUALREC_MODEL = join(root, 'missing.bin');
    const b = resolveModel();
    expect(b.ok === false && b.message).toMatch(/missing\.bin \(from DUALREC_MODEL\) not found/);
    const bad = join(root, 'bad.bin');
    writeFileSync(bad, 'PK\u0003\u0004 this is a zip, not a model. '.repeat(4));
    const c = resolveModel({ flag: bad });
    expect(c.ok === false && c.message).toMatch(/bad\.bin: not a whisper\.cpp ggml model \(bad magic/);
    const cfg = join(root, 'broken.yaml');
    writeFileSync(cfg, 'asr: [1, 2');
    delete process.env.DUALREC_MODEL;
    const d = resolveModel({ configPath: cfg });
    expect(d.ok === false && d.message).toMatch(/broken\.yaml: cannot read the config file/);
  });

  it('hashes a model once and trusts the hash while size and mtime are unchanged', () => {
    const p = join(dir, 'ggml-tiny.bin');
    writeFileSync(p, bytes);
    expect(resolveModel()).toMatchObject({ sha256: sha });
    const changed = Buffer.from(bytes);
    changed[changed.length - 1] ^= 1;
    writeFileSync(p, changed);
    utimesSync(p, new Date(), new Date(Date.now() + 5000));
    const want = createHash('sha256').update(changed).digest('hex');
    expect(resolveModel()).toMatchObject({ sha256: want });
  });
});

describe('listModels and `dualrec models list`', () => {
  it('shows installed models with size and whether they are verified', () => {
    writeFileSync(join(dir, 'ggml-small.bin'), bytes);
    writeFileSync(join(dir, 'ggml-other.bin'), bytes);
    let rows = listModels();
    expect(rows.find((r) => r.name === 'small')).toMatchObject({
      installed: true,
      sizeBytes: bytes.length,
      recommended: true,
    });
    expect(rows.find((r) => r.name === 'small')?.verified).toBeUndefined();
    expect(rows.find((r) => r.name === 'tiny')).toMatchObject({ installed: false });
    expect(rows.find((r) => r.name === 'other')).toMatchObject({ installed: true, unlisted: true });
    rows = listModels({ verify: true });
    expect(rows.find((r) => r.name === 'small')?.verified).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, '.ggml-small.bin.sha256'), 'utf8')).sha256).toBe(sha);

    const cli = runCli(['models', 'list'], {
      env: { DUALREC_MODELS_DIR: dir, DUALREC_MODELS_MANIFEST: process.env.DUALREC_MODELS_MANIFEST! },
    });
    expect(cli.code).toBe(0);
    const kib = `${(bytes.length / 1024).toFixed(1)} KiB`;
    expect(cli.stdout).toMatch(new RegExp(`^\\* small +${kib} +yes, verified`, 'm'));
    expect(cli.stdout).toMatch(new RegExp(`^ {2}tiny +${kib} +no$`, 'm'));
    expect(cli.stdout).toMatch(new RegExp(`other +${kib} +yes, not in manifest`));
    expect(cli.stdout).toMatch(/^engine: whisper\.cpp built/m);
  });
});
