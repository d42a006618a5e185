// Report signatures end to end: `dualrec analyze` writes report.json.sig with a key kept outside the
// reports folder; `dualrec verify` passes the report as written and names what is wrong once it is
// edited (verdict, one finding's status, report.html), unsigned (signature deleted), forged (signature
// altered) or signed with a key it does not know; rotation keeps old reports verifying.
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/util/canonical.js';
import { readKeyring, rotateKey, signingKeyring } from '../../src/integrity/keys.js';
import { signReportFolder, verifyReportFolder } from '../../src/integrity/sign.js';
import { runCli } from '../helpers/cli.js';
import { addTranscriptOnly } from '../batch/inbox.js';

const work = mkdtempSync(join(tmpdir(), 'dualrec-sign-'));
const keyFile = join(work, 'keys', 'signing-keys.json');
const env = { DUALREC_KEY_FILE: keyFile };
const out = join(work, 'out');
let folder: string;
/** the report folder as analyze wrote it, to start each test from */
const pristine = join(work, 'pristine');

const verify = (...args: string[]) => runCli(['verify', ...args], { env });
const reportPath = (dir = folder) => join(dir, 'report.json');
const readReport = (dir = folder) =>
  JSON.parse(readFileSync(reportPath(dir), 'utf8')) as {
    verdict: string;
    findings: { ruleId: string; status: string }[];
  };

function fresh(name: string): string {
  const dir = join(work, 'cases', name);
  cpSync(pristine, dir, { recursive: true });
  return dir;
}

beforeAll(() => {
  const s = addTranscriptOnly(join(work, 'in'), 'flagged', 'missing-exclusions');
  const r = runCli(['analyze', join(s.dir, 'flagged.transcript.json'), '--out', out, '--no-vision'], { env });
  expect(r.code, r.stderr).toBe(0);
  folder = join(out, 'flagged');
  cpSync(folder, pristine, { recursive: true });
}, 180_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('report signatures', () => {
  it('analyze signs report.json with a key file it made 0600 outside the reports, and verify passes it', () => {
    expect(existsSync(join(folder, 'report.json.sig'))).toBe(true);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(work, 'keys')).mode & 0o777).toBe(0o700);
    const sig = JSON.parse(readFileSync(join(folder, 'report.json.sig'), 'utf8')) as { keyId: string; alg: string };
    expect(sig.alg).toBe('HMAC-SHA256');
    expect(sig.keyId).toBe(readKeyring(keyFile)!.current.id);
    // the fields other tools read are where they were
    const rep = readReport();
    expect(rep.verdict).toBe('FAIL');
    expect(rep.findings.some((f) => f.status === 'fail')).toBe(true);
    const r = verify(out);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('all intact: 1 report(s) checked');
    expect(r.stdout).toContain(`ok   ${folder}`);
  });

  it('detects an edited verdict, and passes again once it is put back', () => {
    const dir = fresh('verdict');
    const original = readFileSync(reportPath(dir), 'utf8');
    writeFileSync(reportPath(dir), original.replace('"verdict": "FAIL"', '"verdict": "PASS"'));
    expect(readReport(dir).verdict).toBe('PASS');
    const bad = verify(reportPath(dir));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`BAD  ${dir}: report.json edited after signing`);
    writeFileSync(reportPath(dir), original);
    expect(verify(reportPath(dir)).code).toBe(0);
  });

  it("detects one finding's status changed, but not re-indentation (canonical content is signed)", () => {
    const dir = fresh('finding');
    const rep = readReport(dir);
    const i = rep.findings.findIndex((f) => f.status === 'fail');
    rep.findings[i]!.status = 'pass';
    writeFileSync(reportPath(dir), JSON.stringify(rep, null, 2) + '\n');
    expect(verifyReportFolder(dir, readKeyring(keyFile))).toMatchObject({ ok: false, problem: 'edited-json' });
    // the same content written differently still verifies
    writeFileSync(reportPath(dir), JSON.stringify(JSON.parse(readFileSync(join(pristine, 'report.json'), 'utf8'))));
    expect(verifyReportFolder(dir, readKeyring(keyFile))).toMatchObject({ ok: true });
    expect(canonicalJson({ b: 1, a: [1, { d: 'x', c: null }] })).toBe('{"a":[1,{"c":null,"d":"x"}],"b":1}');
  });

  it('detects a deleted signature, an altered one, and an edited report.html', () => {
    const unsigned = fresh('unsigned');
    rmSync(join(unsigned, 'report.json.sig'));
    const forged = fresh('forged');
    const sigFile = join(forged, 'report.json.sig');
    const sig = JSON.parse(readFileSync(sigFile, 'utf8')) as { files: { 'report.json': { sha256: string } } };
    // an attacker edits the report and puts its new hash into the signature, without the key
    const rep = readReport(forged);
    rep.verdict = 'PASS';
    writeFileSync(reportPath(forged), JSON.stringify(rep, null, 2));
    sig.files['report.json'].sha256 = 'f'.repeat(64);
    writeFileSync(sigFile, JSON.stringify(sig));
    const html = fresh('html');
    writeFileSync(join(html, 'report.html'), readFileSync(join(html, 'report.html'), 'utf8').replace('FAIL', 'PASS'));
    const r = verify(join(work, 'cases'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`BAD  ${unsigned}: no signature (report.json.sig is missing or was deleted)`);
    expect(r.stdout).toContain(`BAD  ${forged}: invalid signature`);
    expect(r.stdout).toContain(`BAD  ${html}: report.html edited after signing`);
  });

  it('names an unknown key id, and keeps old reports verifying after a rotation', () => {
    // another machine's key: the report is not ours to vouch for
    const otherKeys = join(work, 'other-keys.json');
    signingKeyring(otherKeys);
    const unknown = runCli(['verify', folder], { env: { DUALREC_KEY_FILE: otherKeys } });
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toMatch(/signed with unknown key id [0-9a-f]{16}/);

    const old = fresh('before-rotation');
    const oldId = readKeyring(keyFile)!.current.id;
    const rot = runCli(['key', 'rotate'], { env });
    expect(rot.code, rot.stderr).toBe(0);
    const ring = readKeyring(keyFile)!;
    expect(ring.current.id).not.toBe(oldId);
    expect([...ring.byId.keys()]).toEqual([oldId, ring.current.id]);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const after = fresh('after-rotation');
    signReportFolder(after, ring);
    const r = verify(old, after);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain(`ok   ${old}: signed with key ${oldId}`);
    expect(r.stdout).toContain(`ok   ${after}: signed with key ${ring.current.id}`);
    // without the old key kept, the old report no longer verifies
    const dropped = JSON.parse(readFileSync(keyFile, 'utf8')) as { keys: { id: string }[] };
    const alone = join(work, 'only-new.json');
    writeFileSync(alone, JSON.stringify({ ...dropped, keys: dropped.keys.filter((k) => k.id !== oldId) }), {
      mode: 0o600,
    });
    const lost = runCli(['verify', old], { env: { DUALREC_KEY_FILE: alone } });
    expect(lost.code).toBe(1);
    expect(lost.stdout).toContain(`unknown key id ${oldId}`);
    rotateKey(alone); // a rotation of a one-key file keeps that key too
    expect(readKeyring(alone)!.byId.size).toBe(2);
  });

  it('refuses a key file inside the output folder or readable by others', () => {
    const inside = runCli([
      'analyze',
      join(work, 'in', 'flagged.transcript.json'),
      '--out',
      out,
      '--no-vision',
      '--key',
      join(out, 'k.json'),
    ]);
    expect(inside.code).toBe(2);
    expect(inside.stderr).toContain('the signing key file is inside the output folder');
    expect(existsSync(join(out, 'k.json'))).toBe(false);
    const open = join(work, 'open-keys.json');
    cpSync(keyFile, open);
    chmodSync(open, 0o644);
    const r = runCli(['verify', folder, '--key', open]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('can be read by others');
  });

  it('names a key folder it cannot create, and writes no report', () => {
    const notAFolder = join(work, 'not-a-folder');
    writeFileSync(notAFolder, 'x');
    const blockedOut = join(work, 'blocked-out');
    const r = runCli([
      'analyze',
      join(work, 'in', 'flagged.transcript.json'),
      '--out',
      blockedOut,
      '--no-vision',
      '--key',
      join(notAFolder, 'k.json'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(notAFolder, 'k.json')}: cannot create the signing key file`);
    expect(r.stderr).not.toContain('internal error');
    expect(existsSync(join(blockedOut, 'flagged', 'report.json'))).toBe(false);
  });
});
