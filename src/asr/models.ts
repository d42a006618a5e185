// Whisper model files: the manifest in models/, what is installed there, and which model a run
// uses (flag → DUALREC_MODEL → config file → the best installed model).
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UserError } from '../util/errors.js';
import { writeFileAtomic } from '../util/atomic.js';
import { PROJECT_ROOT } from '../util/version.js';
import { inspectModelFile } from './model-file.js';

export const ModelEntrySchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'lower-case letters, digits, "." and "-"'),
    file: z.string().regex(/^[\w.-]+\.bin$/, 'a plain file name ending in .bin'),
    url: z.url({ protocol: /^https?$/ }),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits'),
    size: z.number().int().positive(),
    /** whisper language codes, or "*" for all of them */
    languages: z.array(z.string()).min(1),
    recommended: z.boolean().optional(),
    note: z.string().optional(),
  })
  .strict();

export const ManifestSchema = z
  .object({
    $comment: z.string().optional(),
    version: z.literal(1),
    models: z.array(ModelEntrySchema).min(1),
  })
  .strict();

export type ModelEntry = z.infer<typeof ModelEntrySchema>;
export type Manifest = z.infer<typeof ManifestSchema>;

/** Installed models are tried in this order when nothing names one: most accurate first. */
export const DEFAULT_PREFERENCE = ['large-v3-turbo', 'large-v3', 'medium', 'small', 'base', 'tiny'];

export const PULL_HINT = '`dualrec models pull small` (small or larger for Mandarin)';

export function modelsDir(): string {
  return resolve(process.env.DUALREC_MODELS_DIR ?? join(PROJECT_ROOT, 'models'));
}

export function manifestPath(): string {
  return resolve(process.env.DUALREC_MODELS_MANIFEST ?? join(PROJECT_ROOT, 'models', 'manifest.json'));
}

export function loadManifest(path = manifestPath()): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UserError(`${path}: cannot read the model manifest (${(err as Error).message.split('\n')[0]})`, path);
  }
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(
      `${path}: invalid model manifest at ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      path,
    );
  }
  const names = new Set<string>();
  for (const m of parsed.data.models) {
    if (names.has(m.name)) throw new UserError(`${path}: model "${m.name}" is listed twice`, path);
    names.add(m.name);
  }
  return parsed.data;
}

// ---- sha256, remembered ----------------------------------------------------------------------

interface ShaRecord {
  sha256: string;
  size: number;
  mtimeMs: number;
}

const memo = new Map<string, ShaRecord>();

/** Where a verified download records its hash, beside the model: `.ggml-small.bin.sha256`. */
export function markerPath(modelPath: string): string {
  return join(resolve(modelPath, '..'), `.${basename(modelPath)}.sha256`);
}

function readMarker(modelPath: string): ShaRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(markerPath(modelPath), 'utf8')) as ShaRecord;
    return typeof r.sha256 === 'string' && typeof r.size === 'number' && typeof r.mtimeMs === 'number' ? r : undefined;
  } catch {
    return undefined;
  }
}

export function writeMarker(modelPath: string, sha256: string): void {
  const st = statSync(modelPath);
  writeFileAtomic(markerPath(modelPath), JSON.stringify({ sha256, size: st.size, mtimeMs: st.mtimeMs }) + '\n');
}

export function sha256FileSync(path: string): string {
  const h = createHash('sha256');
  const buf = Buffer.alloc(4 << 20);
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

/**
 * The model's sha256, from memory or its download marker when size and mtime still match,
 * otherwise hashed (a few seconds for a large model, once per process).
 */
export function modelSha256(path: string): string {
  const abs = resolve(path);
  const st = statSync(abs);
  const same = (r: ShaRecord | undefined) => r && r.size === st.size && r.mtimeMs === st.mtimeMs;
  const m = memo.get(abs);
  if (same(m)) return m!.sha256;
  const marker = readMarker(abs);
  const sha256 = same(marker) ? marker!.sha256 : sha256FileSync(abs);
  memo.set(abs, { sha256, size: st.size, mtimeMs: st.mtimeMs });
  return sha256;
}

// ---- what is installed -----------------------------------------------------------------------

export interface InstalledModel {
  name: string;
  file: string;
  path: string;
  installed: boolean;
  sizeBytes?: number;
  expectedSize?: number;
  /** true: the file's sha256 matches the manifest; false: it doesn't; undefined: not checked yet */
  verified?: boolean;
  recommended: boolean;
  note?: string;
  /** a ggml file in models/ that the manifest doesn't list */
  unlisted?: boolean;
}

export function listModels(opts: { verify?: boolean; dir?: string; manifest?: Manifest } = {}): InstalledModel[] {
  const dir = opts.dir ?? modelsDir();
  const manifest = opts.manifest ?? loadManifest();
  const out: InstalledModel[] = manifest.models.map((m) => {
    const path = join(dir, m.file);
    const row: InstalledModel = {
      name: m.name,
      file: m.file,
      path,
      installed: existsSync(path),
      expectedSize: m.size,
      recommended: m.recommended ?? false,
      note: m.note,
    };
    if (row.installed) {
      const st = statSync(path);
      row.sizeBytes = st.size;
      const marker = readMarker(path);
      if (marker && marker.size === st.size && marker.mtimeMs === st.mtimeMs) row.verified = marker.sha256 === m.sha256;
      if (row.verified === undefined && opts.verify) {
        const sha = modelSha256(path);
        row.verified = sha === m.sha256;
        if (row.verified) writeMarker(path, sha);
      }
      if (st.size !== m.size && row.verified === undefined) row.verified = false;
    }
    return row;
  });
  const listed = new Set(manifest.models.map((m) => m.file));
  if (existsSync(dir)) {
    for (const f of readdirSync(dir).sort()) {
      if (!f.endsWith('.bin') || f.startsWith('.') || listed.has(f)) continue;
      const path = join(dir, f);
      out.push({
        name: f.replace(/^ggml-/, '').replace(/\.bin$/, ''),
        file: f,
        path,
        installed: true,
        sizeBytes: statSync(path).size,
        recommended: false,
        unlisted: true,
      });
    }
  }
  return out;
}

// ---- which model a run uses ------------------------------------------------------------------

export type ResolvedModel = { ok: true; path: string; name: string; sha256: string } | { ok: false; message: string };

const ConfigSchema = z
  .object({
    model: z.string().min(1).optional(),
    asr: z
      .object({ model: z.string().min(1).optional() })
      .loose()
      .optional(),
  })
  .loose();

function configModel(configPath: string): { value?: string; error?: string } {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(configPath, 'utf8'));
  } catch (err) {
    return { error: `${configPath}: cannot read the config file (${(err as Error).message.split('\n')[0]})` };
  }
  const parsed = ConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { error: `${configPath}: invalid config at ${issue.path.join('.') || '(root)'}: ${issue.message}` };
  }
  return { value: parsed.data.asr?.model ?? parsed.data.model };
}

/**
 * The model to transcribe with. A flag, DUALREC_MODEL or config value may be a manifest name
 * ("small") or a path to a ggml file. Never throws: a problem is a one-line message saying
 * what to do, which the pipeline reports as the reason there is no transcript.
 */
export function resolveModel(opts: { flag?: string; configPath?: string } = {}): ResolvedModel {
  let manifest: Manifest;
  try {
    manifest = loadManifest();
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
  const dir = modelsDir();
  const byName = new Map(manifest.models.map((m) => [m.name, m]));

  let value: string | undefined;
  let source = '';
  if (opts.flag) [value, source] = [opts.flag, '--model'];
  else if (process.env.DUALREC_MODEL) [value, source] = [process.env.DUALREC_MODEL, 'DUALREC_MODEL'];
  else if (opts.configPath) {
    const c = configModel(opts.configPath);
    if (c.error) return { ok: false, message: c.error };
    if (c.value) [value, source] = [c.value, opts.configPath];
  }

  let path: string;
  let name: string;
  if (value !== undefined) {
    const entry = byName.get(value);
    if (entry) {
      path = join(dir, entry.file);
      name = entry.name;
      if (!existsSync(path)) {
        return {
          ok: false,
          message: `Whisper model "${value}" (from ${source}) is not installed in ${dir}: run \`dualrec models pull ${value}\``,
        };
      }
    } else {
      path = resolve(value);
      name = basename(path)
        .replace(/^ggml-/, '')
        .replace(/\.bin$/, '');
      if (!existsSync(path)) {
        const names = manifest.models.map((m) => m.name).join(', ');
        return {
          ok: false,
          message: `Whisper model ${path} (from ${source}) not found; pass a ggml .bin file or a model name (${names}), or get one with ${PULL_HINT}`,
        };
      }
    }
  } else {
    const installed = DEFAULT_PREFERENCE.map((n) => byName.get(n))
      .concat(manifest.models.filter((m) => !DEFAULT_PREFERENCE.includes(m.name)))
      .find((m) => m && existsSync(join(dir, m.file)));
    if (!installed) {
      return {
        ok: false,
        message: `no Whisper model installed (looked at --model, DUALREC_MODEL, the config file and ${dir}): get one with ${PULL_HINT}, or pass --model <ggml .bin file>`,
      };
    }
    path = join(dir, installed.file);
    name = installed.name;
    source = dir;
  }

  const check = inspectModelFile(path);
  if (!check.ok) return { ok: false, message: `${path}: ${check.problem}; get a working model with ${PULL_HINT}` };
  try {
    return { ok: true, path, name, sha256: modelSha256(path) };
  } catch (err) {
    return { ok: false, message: `${path}: cannot be read (${(err as Error).message})` };
  }
}
