// A real batch (SQLite store, signed reports), then the attacker's moves: edit a run row in the store
// (`dualrec verify --store` names the broken chain), and edit a report's verdict together with the hash
// the store keeps of it (the review server still shows the report, but under a banner saying it was
// changed, and `verify --store` names it). Like tests/review: the server in-process, raw HTTP requests.
import { request } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReviewServer, type RunningServer } from '../../src/review/server.js';
import { openStore, type CurrentSession, type Store } from '../../src/store/index.js';
import { sha256Text } from '../../src/util/hash.js';
import { runCli } from '../helpers/cli.js';
import { addTranscriptOnly } from '../batch/inbox.js';
import { writeTestPacks } from '../batch/rules.js';

const TOKEN = 'test-token-0123456789abcdef';
const work = mkdtempSync(join(tmpdir(), 'dualrec-tamper-'));
const inbox = join(work, 'inbox');
const out = join(work, 'out');
const storeFile = join(out, 'dualrec.sqlite');
const keyFile = join(work, 'keys', 'signing-keys.json');
const env = { DUALREC_KEY_FILE: keyFile };
// the in-process review server reads the same key file
process.env.DUALREC_KEY_FILE = keyFile;
let store: Store;
let server: RunningServer;
let sessions: CurrentSession[];
const byName = (name: string) => sessions.find((s) => s.name === name)!;

function get(path: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const u = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path, headers: { authorization: `Bearer ${TOKEN}`, 'x-reviewer': 'test' } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  const packs = writeTestPacks(join(work, 'rules'));
  addTranscriptOnly(join(inbox, '2024-05-01'), 'flagged', 'missing-exclusions');
  addTranscriptOnly(join(inbox, '2024-05-01'), 'clean', 'compliant-participating');
  const r = runCli(['batch', inbox, '--out', out, '--rules', packs.a, '--concurrency', '1', '--no-vision'], {
    env,
    timeoutMs: 180_000,
  });
  expect([0, 3], r.stderr).toContain(r.code);
  store = openStore(storeFile);
  sessions = await store.currentSessions();
  server = await startReviewServer({ store, token: TOKEN, port: 0 });
}, 240_000);

afterAll(async () => {
  await server?.close();
  await store?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('tamper evidence over a batch', () => {
  it('verify --store passes the batch as written and --head prints the chain head', () => {
    const r = runCli(['verify', '--store', storeFile], { env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('2 run(s) in the chain');
    expect(r.stdout).toContain(`ok   ${byName('flagged').reportDir}`);
    const head = runCli(['verify', '--store', storeFile, '--head'], { env });
    expect(head.code).toBe(0);
    expect(head.stdout).toMatch(/^2:[0-9a-f]{64}\n$/);
    const again = runCli(['verify', '--store', storeFile, '--no-reports', '--expect-head', head.stdout.trim()], {
      env,
    });
    expect(again.code, again.stdout).toBe(0);
  });

  it('the review server shows a signed report without a warning', async () => {
    const s = byName('flagged');
    const page = await get(`/session/${s.key}/report`);
    expect(page.status).toBe(200);
    expect(page.headers['x-dualrec-report-integrity']).toBe('valid');
    expect(page.body).not.toContain('integrity-warning');
    expect((await get(`/session/${s.key}`)).body).not.toContain('integrity-warning');
  });

  it('an edited report (with its store hash edited to match) is shown under a banner, and verify names it', async () => {
    const s = byName('flagged');
    const file = join(s.reportDir, 'report.json');
    const original = readFileSync(file, 'utf8');
    // FAIL → REVIEW keeps the report valid against its schema (PASS with failing findings would not be)
    const edited = original.replace('"verdict": "FAIL"', '"verdict": "REVIEW"');
    expect(edited).not.toBe(original);
    writeFileSync(file, edited);
    const db = new Database(storeFile);
    const oldHash = (db.prepare('SELECT report_json_sha256 AS h FROM runs WHERE id = ?').get(s.run.id) as { h: string })
      .h;
    db.prepare('UPDATE runs SET report_json_sha256 = ? WHERE id = ?').run(sha256Text(edited), s.run.id);
    try {
      const page = await get(`/session/${s.key}/report`);
      expect(page.status).toBe(200);
      expect(page.headers['x-dualrec-report-integrity']).toBe('edited-json');
      expect(page.body).toContain('id="integrity-warning" role="alert"');
      expect(page.body).toContain('报告已被修改');
      expect(page.body).toContain('report.json edited after signing');
      const session = await get(`/session/${s.key}`);
      expect(session.body).toContain('id="integrity-warning"');
      expect(session.body).not.toContain('>完整报告 full report</a>');
      const r = runCli(['verify', '--store', storeFile], { env });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`BAD  ${s.reportDir}: report.json edited after signing`);
      expect(r.stdout).toMatch(
        /BAD {2}store run \d: broken chain at run \d \(id [0-9a-f-]+\): the run row or its findings were edited after it was sealed/,
      );
    } finally {
      writeFileSync(file, original);
      db.prepare('UPDATE runs SET report_json_sha256 = ? WHERE id = ?').run(oldHash, s.run.id);
      db.close();
    }
    expect((await get(`/session/${s.key}/report`)).headers['x-dualrec-report-integrity']).toBe('valid');
  });

  it('a deleted signature is shown under a banner', async () => {
    const s = byName('clean');
    const sig = join(s.reportDir, 'report.json.sig');
    const saved = readFileSync(sig);
    rmSync(sig);
    try {
      const page = await get(`/session/${s.key}/report`);
      expect(page.headers['x-dualrec-report-integrity']).toBe('unsigned');
      expect(page.body).toContain('id="integrity-warning"');
    } finally {
      writeFileSync(sig, saved);
    }
  });

  it('verify --store names a run row edited in the SQLite file', () => {
    const s = byName('flagged');
    const db = new Database(storeFile);
    const seq = (db.prepare('SELECT chain_seq AS n FROM runs WHERE id = ?').get(s.run.id) as { n: number }).n;
    db.prepare(`UPDATE runs SET risk = 0, verdict = 'PASS' WHERE id = ?`).run(s.run.id);
    db.close();
    const r = runCli(['verify', '--store', storeFile], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `BAD  store run ${seq}: broken chain at run ${seq} (id ${s.run.id}): the run row or its findings were edited after it was sealed`,
    );
    expect(r.stdout).toContain(`the store says PASS for run ${s.run.id}, its signed report says FAIL`);
  });
});
