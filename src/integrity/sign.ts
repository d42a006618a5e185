// report.json.sig: a detached HMAC-SHA256 signature beside each report.json. Detached, so report.json
// keeps exactly the fields and schema other tools read (verdict, findings[].ruleId/concepts/status) and a
// reader that knows nothing of signatures sees no change. The signature covers report.json's canonical
// content (re-indenting it does not matter, changing any value does) and report.html's bytes, and names
// the key by id so reports signed before a key rotation still verify.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import { errorMessage } from '../util/errors.js';
import { sha256Text } from '../util/hash.js';
import { canonicalJson } from '../util/canonical.js';
import { assertKeyOutside, signingKeyring, type Keyring } from './keys.js';

export const SIGNATURE_FILE = 'report.json.sig';
export const SIGNATURE_FORMAT = 'dualrec-report-signature/1';

export interface SignedStatement {
  format: typeof SIGNATURE_FORMAT;
  alg: 'HMAC-SHA256';
  keyId: string;
  signedAt: string;
  /** sha256 of report.json's canonical JSON, and of report.html's bytes */
  files: { 'report.json': { canonical: 'json-sorted-keys'; sha256: string }; 'report.html'?: { sha256: string } };
}

export interface SignatureFile extends SignedStatement {
  /** hex HMAC-SHA256 over the canonical JSON of the statement (every field above) */
  mac: string;
}

export type ReportCheck =
  | { ok: true; keyId: string; signedAt: string }
  | {
      ok: false;
      problem:
        | 'missing-report'
        | 'unsigned'
        | 'bad-signature-file'
        | 'unknown-key'
        | 'no-keyring'
        | 'invalid-signature'
        | 'edited-json'
        | 'edited-html';
      /** one line for people: what is wrong */
      message: string;
      keyId?: string;
    };

function mac(secret: Buffer, statement: SignedStatement): string {
  return createHmac('sha256', secret).update(canonicalJson(statement)).digest('hex');
}

/** sha256 of report.json's canonical form; throws when the file is not JSON. */
export function canonicalReportSha256(bytes: Buffer | string): string {
  return sha256Text(canonicalJson(JSON.parse(bytes.toString())));
}

/** Signs the report folder's report.json (+ report.html) with the current key; writes report.json.sig. */
export function signReportFolder(reportDir: string, keyring: Keyring = signingKeyring()): SignatureFile {
  // the report's own folder (and the one above it) must never hold the key that signs it
  assertKeyOutside(dirname(reportDir), keyring.file);
  const json = readFileSync(join(reportDir, 'report.json'));
  const htmlFile = join(reportDir, 'report.html');
  const statement: SignedStatement = {
    format: SIGNATURE_FORMAT,
    alg: 'HMAC-SHA256',
    keyId: keyring.current.id,
    signedAt: new Date().toISOString(),
    files: {
      'report.json': { canonical: 'json-sorted-keys', sha256: canonicalReportSha256(json) },
      ...(existsSync(htmlFile) ? { 'report.html': { sha256: sha256Text(readFileSync(htmlFile)) } } : {}),
    },
  };
  const sig: SignatureFile = { ...statement, mac: mac(keyring.current.secret, statement) };
  writeFileAtomic(join(reportDir, SIGNATURE_FILE), JSON.stringify(sig, null, 2) + '\n');
  return sig;
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** Checks a report folder's signature. `keyring` undefined: there is no key file to check with. */
export function verifyReportFolder(reportDir: string, keyring: Keyring | undefined): ReportCheck {
  const jsonFile = join(reportDir, 'report.json');
  const sigFile = join(reportDir, SIGNATURE_FILE);
  if (!existsSync(jsonFile)) return { ok: false, problem: 'missing-report', message: 'report.json is missing' };
  if (!existsSync(sigFile))
    return { ok: false, problem: 'unsigned', message: `no signature (${SIGNATURE_FILE} is missing or was deleted)` };
  let sig: SignatureFile;
  try {
    sig = JSON.parse(readFileSync(sigFile, 'utf8')) as SignatureFile;
    if (
      sig.format !== SIGNATURE_FORMAT ||
      sig.alg !== 'HMAC-SHA256' ||
      typeof sig.keyId !== 'string' ||
      typeof sig.mac !== 'string' ||
      !sig.files?.['report.json']
    ) {
      throw new Error('not a dualrec report signature');
    }
  } catch (err) {
    return {
      ok: false,
      problem: 'bad-signature-file',
      message: `${SIGNATURE_FILE} is unreadable (${errorMessage(err)})`,
    };
  }
  if (!keyring)
    return {
      ok: false,
      problem: 'no-keyring',
      keyId: sig.keyId,
      message: `cannot check the signature: no signing key file (key id ${sig.keyId})`,
    };
  const key = keyring.byId.get(sig.keyId);
  if (!key)
    return {
      ok: false,
      problem: 'unknown-key',
      keyId: sig.keyId,
      message: `signed with unknown key id ${sig.keyId} (not in ${keyring.file})`,
    };
  const { mac: given, ...statement } = sig;
  if (!sameHex(given, mac(key.secret, statement))) {
    return {
      ok: false,
      problem: 'invalid-signature',
      keyId: sig.keyId,
      message: `invalid signature: ${SIGNATURE_FILE} was altered or not made with key ${sig.keyId}`,
    };
  }
  let jsonSha: string;
  try {
    jsonSha = canonicalReportSha256(readFileSync(jsonFile));
  } catch (err) {
    return {
      ok: false,
      problem: 'edited-json',
      keyId: sig.keyId,
      message: `report.json edited after signing: no longer valid JSON (${errorMessage(err)})`,
    };
  }
  if (jsonSha !== statement.files['report.json'].sha256) {
    return {
      ok: false,
      problem: 'edited-json',
      keyId: sig.keyId,
      message: 'report.json edited after signing: its content differs from the signed one',
    };
  }
  const html = statement.files['report.html'];
  if (html) {
    const htmlFile = join(reportDir, 'report.html');
    const now = existsSync(htmlFile) ? sha256Text(readFileSync(htmlFile)) : undefined;
    if (now !== html.sha256) {
      return {
        ok: false,
        problem: 'edited-html',
        keyId: sig.keyId,
        message: now ? 'report.html edited after signing' : 'report.html is missing (it was signed)',
      };
    }
  }
  return { ok: true, keyId: sig.keyId, signedAt: statement.signedAt };
}
