// The signing keyring: HMAC-SHA256 secrets kept OUTSIDE the reports folder, in one small JSON file
// (default ~/.config/dualrec/signing-keys.json; --key FILE or DUALREC_KEY_FILE elsewhere). It is made
// 0600 on first use; every key is kept when a new one becomes current (`dualrec key rotate`), so a
// report signed with an older key still verifies by the key id its signature names.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, linkSync, lstatSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep, isAbsolute } from 'node:path';
import { z } from 'zod';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, writeFileAtomic } from '../util/atomic.js';
import { UserError, errorMessage } from '../util/errors.js';

export const KEYRING_FORMAT = 'dualrec-signing-keys/1';
export const KEY_FILE_ENV = 'DUALREC_KEY_FILE';

const KeyEntry = z.strictObject({
  id: z.string().regex(/^[0-9a-f]{16}$/),
  created: z.string(),
  secret: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes in base64'),
});
const Keyring = z.strictObject({
  format: z.literal(KEYRING_FORMAT),
  current: z.string(),
  keys: z.array(KeyEntry).min(1),
});
export type KeyringFile = z.infer<typeof Keyring>;

export interface SigningKey {
  id: string;
  created: string;
  secret: Buffer;
}

export interface Keyring {
  file: string;
  current: SigningKey;
  byId: Map<string, SigningKey>;
}

/** The key id: the first 16 hex digits of the secret's sha256 (a fingerprint: a backup can be checked against it). */
export function keyIdOf(secret: Buffer): string {
  return createHash('sha256').update('dualrec-signing-key\n').update(secret).digest('hex').slice(0, 16);
}

/** --key (set into the environment by the CLI so worker threads see it), then DUALREC_KEY_FILE, then the config dir. */
export function keyFilePath(): string {
  const env = process.env[KEY_FILE_ENV];
  if (env) return resolve(env);
  const config =
    process.env.XDG_CONFIG_HOME && isAbsolute(process.env.XDG_CONFIG_HOME)
      ? process.env.XDG_CONFIG_HOME
      : join(homedir(), '.config');
  return join(config, 'dualrec', 'signing-keys.json');
}

function newKey(): { entry: z.infer<typeof KeyEntry>; secret: Buffer } {
  const secret = randomBytes(32);
  return {
    secret,
    entry: { id: keyIdOf(secret), created: new Date().toISOString(), secret: secret.toString('base64') },
  };
}

function parseKeyring(file: string, text: string): Keyring {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UserError(
      `${file}: the signing key file is not valid JSON (${errorMessage(err)}); restore it from your backup`,
      file,
    );
  }
  const p = Keyring.safeParse(raw);
  if (!p.success) {
    const i = p.error.issues[0]!;
    throw new UserError(
      `${file}: not a dualrec signing key file (${i.path.join('.') || 'root'}: ${i.message}); restore it from your backup`,
      file,
    );
  }
  const byId = new Map<string, SigningKey>();
  for (const k of p.data.keys) {
    const secret = Buffer.from(k.secret, 'base64');
    if (keyIdOf(secret) !== k.id)
      throw new UserError(
        `${file}: key ${k.id} does not match its secret (the file was edited); restore it from your backup`,
        file,
      );
    byId.set(k.id, { id: k.id, created: k.created, secret });
  }
  const current = byId.get(p.data.current);
  if (!current) throw new UserError(`${file}: the current key ${p.data.current} is not in the file`, file);
  return { file, current, byId };
}

function checkPrivate(file: string): void {
  const st = lstatSync(file);
  if (st.isSymbolicLink())
    throw new UserError(`${file}: the signing key file is a symbolic link; name the real file with --key`, file);
  if ((st.mode & 0o077) !== 0) {
    throw new UserError(
      `${file}: the signing key file can be read by others (mode ${(st.mode & 0o777).toString(8)}); run chmod 600 ${file}`,
      file,
    );
  }
}

/** The keyring at `file` for verifying; undefined when there is no key file (nothing was ever signed with it here). */
export function readKeyring(file = keyFilePath()): Keyring | undefined {
  if (!existsSync(file)) return undefined;
  checkPrivate(file);
  return parseKeyring(file, readFileSync(file, 'utf8'));
}

/**
 * The keyring for signing: made on first use (0600, folder 0700). Several workers may get here at
 * once: the file is written whole under a temporary name and linked into place, so exactly one key wins
 * and everybody reads that one.
 */
export function signingKeyring(file = keyFilePath()): Keyring {
  const have = readKeyring(file);
  if (have) return have;
  const { entry } = newKey();
  const body: KeyringFile = { format: KEYRING_FORMAT, current: entry.id, keys: [entry] };
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    mkdirSync(dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
    writeFileSync(tmp, JSON.stringify(body, null, 2) + '\n', { mode: PRIVATE_FILE_MODE });
  } catch (err) {
    // a key folder this user cannot write (another user's, read-only): say which, not "internal error"
    throw new UserError(
      `${file}: cannot create the signing key file (${errorMessage(err)}); set --key or DUALREC_KEY_FILE to a private place this user can write`,
      file,
    );
  }
  try {
    linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
      throw new UserError(`${file}: cannot create the signing key file (${errorMessage(err)})`, file);
  } finally {
    rmSync(tmp, { force: true });
  }
  return readKeyring(file)!;
}

/** Adds a new key and makes it current; the old ones stay (old reports keep verifying). */
export function rotateKey(file = keyFilePath()): { previous?: string; current: string } {
  const have = readKeyring(file);
  if (!have) return { current: signingKeyring(file).current.id };
  const text = JSON.parse(readFileSync(file, 'utf8')) as KeyringFile;
  const { entry } = newKey();
  writeFileAtomic(file, JSON.stringify({ ...text, current: entry.id, keys: [...text.keys, entry] }, null, 2) + '\n');
  return { previous: have.current.id, current: entry.id };
}

/** Refuses a key file inside the folder reports are written to: whoever can edit the reports must not hold the key. */
export function assertKeyOutside(outDir: string, file = keyFilePath()): void {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      try {
        return join(realpathSync(dirname(p)), basename(p));
      } catch {
        return resolve(p);
      }
    }
  };
  const k = real(file);
  const o = real(outDir);
  const rel = relative(o, k);
  if (k === o || (!rel.startsWith('..') && !isAbsolute(rel) && rel !== '') || k.startsWith(o + sep)) {
    throw new UserError(
      `${file}: the signing key file is inside the output folder ${outDir}; keep it elsewhere (--key FILE or ${KEY_FILE_ENV}), e.g. the default ~/.config/dualrec/signing-keys.json`,
      file,
    );
  }
}

/** Before a command writes reports: the key file is outside `outDir`, readable, and made on first use. */
export function prepareSigning(outDir: string): Keyring {
  assertKeyOutside(resolve(outDir));
  return signingKeyring();
}
