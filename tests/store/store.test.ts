// The store on both backends, with the same tests: a real SQLite file, and a real PostgreSQL server
// (one schema per test, see tests/queue/services.ts). Migrations, runs and the current-run pointer,
// artefacts by hash, append-only review decisions, the batch lock (refused while held, free again when
// the holder is killed with SIGKILL), and concurrent writers (queue workers share one store).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/index.js';
import { LockedError, MIGRATIONS, PgStore, SqliteStore, parsePgUrl, type RunCompletion, type Store } from '../../src/store/index.js';
import { ROOT } from '../helpers/cli.js';
import { dropSchemas, needServices, pgStoreUrl } from '../queue/services.js';

const dir = mkdtempSync(join(tmpdir(), 'dualrec-store-'));
const schemas: string[] = [];
const havePg = await needServices('postgres');
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (havePg) await dropSchemas(schemas);
});

type AnyStore = Store & { query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]> };

interface Backend {
  name: string;
  available: boolean;
  /** where the store called `name` lives (the same name gives the same store) */
  location(name: string): string;
  open(location: string): AnyStore;
}

const pgLocations = new Map<string, string>();
const BACKENDS: Backend[] = [
  {
    name: 'SQLite',
    available: true,
    location: (name) => join(dir, `${name}.sqlite`),
    open: (loc) => new SqliteStore(loc),
  },
  {
    name: 'PostgreSQL',
    available: havePg,
    location: (name) => {
      let loc = pgLocations.get(name);
      if (!loc) {
        const s = pgStoreUrl(name);
        schemas.push(s.schema);
        pgLocations.set(name, (loc = s.url));
      }
      return loc;
    },
    open: (loc) => new PgStore(loc),
  },
];

const owner = { command: 'test', pid: process.pid, host: 'test', startedAt: new Date().toISOString() };

function finding(ruleId: string, status: Finding['status']): Finding {
  return {
    ruleId, title: ruleId, category: 'disclosure', concepts: ['disclosure.exclusions'], status, severity: 'critical', confidence: 0.9,
    evidence: [{ start: 12.5, end: 14, excerpt: '责任免除' }], message: `${ruleId} ${status}`,
  };
}

function completion(verdict: RunCompletion['verdict'], findings: Finding[], body = '{"a":1}'): RunCompletion {
  return {
    verdict, verdictReasons: [`because ${verdict}`], risk: verdict === 'FAIL' ? 9 : 0, reportJsonSha256: 'j'.repeat(64),
    reportHtmlSha256: 'h'.repeat(64), findings, artefacts: [{ kind: 'transcript', sha256: `sha-${body}`, body }], queueVerdicts: ['FAIL', 'REVIEW'],
  };
}

function session(store: Store, key: string) {
  return store.upsertSession({
    key, base: `/in/${key}`, name: key, relDir: '2024-05-01', sessionId: `S-${key}`, reportDir: `/out/${key}`, recordedOn: '2024-05-01',
    productType: 'participating', channel: 'agent', agentId: 'AG-1',
  });
}

async function run(store: Store, key: string, id: string, verdict: RunCompletion['verdict'], findings: Finding[], body?: string) {
  await store.startRun({
    id, sessionKey: key, kind: 'analyze', startedAt: new Date().toISOString(), inputsSha256: 'in', rulesVersion: 'r1', model: 'import', toolVersion: '0',
  });
  await store.completeRun(id, completion(verdict, findings, body));
}

const RUN = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const count = async (s: AnyStore, sql: string, params: unknown[] = []) => Number((await s.query(sql, params))[0]!.n);

describe.each(BACKENDS)('$name store', (b) => {
  const open = (name: string) => b.open(b.location(name));
  const test = it.skipIf(!b.available);

  test('applies every migration once and reopens without re-applying; its id stays', async () => {
    const a = open('m');
    expect(await a.schemaVersion()).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
    const id = await a.storeId();
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    await a.close();
    const c = open('m');
    expect(await count(c, 'SELECT COUNT(*) AS n FROM schema_migrations')).toBe(MIGRATIONS.length);
    expect(await c.storeId()).toBe(id);
    expect(await open('other').storeId()).not.toBe(id);
    await c.close();
  });

  test('refuses a store written by a newer dualrec', async () => {
    const a = open('newer');
    await a.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, ?)', ['future', 'now']);
    await a.close();
    const reopen = async () => {
      const s = open('newer');
      try {
        await s.schemaVersion();
      } finally {
        await s.close();
      }
    };
    await expect(reopen()).rejects.toThrow(/schema version 999 is newer/);
  });

  test('keeps one current run per session, findings, artefacts by hash, and the queue', async () => {
    const store = open('runs');
    await session(store, 'k1');
    await session(store, 'k2');
    await run(store, 'k1', RUN(1), 'FAIL', [finding('disclose-exclusions', 'fail'), finding('consent', 'pass')]);
    await run(store, 'k2', RUN(2), 'PASS', [finding('consent', 'pass')]);
    // a second run of k1 with the same transcript body: the artefact is stored once
    await run(store, 'k1', RUN(3), 'REVIEW', [finding('disclose-exclusions', 'undetermined')]);

    const cur = await store.currentSessions();
    expect(cur.map((s) => [s.key, s.run.id, s.run.verdict])).toEqual([
      ['k1', RUN(3), 'REVIEW'],
      ['k2', RUN(2), 'PASS'],
    ]);
    expect(cur[0]!.run.undeterminedCount).toBe(1);
    expect(cur[0]!.run.verdictReasons).toEqual(['because REVIEW']);
    expect((await store.runsOf('k1')).map((r) => r.id)).toEqual([RUN(1), RUN(3)]);
    expect(await count(store, 'SELECT COUNT(*) AS n FROM artefacts')).toBe(1);
    expect((await store.findingsOf(RUN(1))).map((f) => [f.idx, f.ruleId, f.status, f.evidence[0]?.start])).toEqual([
      [0, 'disclose-exclusions', 'fail', 12.5],
      [1, 'consent', 'pass', 12.5],
    ]);
    expect((await store.runArtefacts(RUN(3))).map((a) => [a.kind, a.body])).toEqual([['transcript', '{"a":1}']]);
    // the queue follows the current run: k1's REVIEW run is queued, the PASS session is not
    expect((await store.queue()).map((q) => [q.session.key, q.session.run.id])).toEqual([['k1', RUN(3)]]);
    expect(await store.currentSessions({ verdicts: ['PASS'] })).toHaveLength(1);
    expect(await store.currentSessions({ since: '2024-05-02' })).toHaveLength(0);
    expect(await store.checkConsistency()).toEqual([]);
    await store.close();
  });

  test('orders sessions the same way: verdict, risk (none last), then folder and name by code point', async () => {
    const store = open('order');
    const keys = ['b', 'B', 'a', '中', 'z'];
    for (const k of keys) await session(store, k);
    for (const [i, k] of keys.entries()) await run(store, k, RUN(100 + i), 'PASS', [], `{"k":"${k}"}`);
    await store.query('UPDATE runs SET risk = NULL WHERE id = ?', [RUN(104)]);
    await store.query('UPDATE runs SET risk = 5 WHERE id = ?', [RUN(102)]);
    expect((await store.currentSessions()).map((s) => s.key)).toEqual(['a', 'B', 'b', '中', 'z']);
    await store.close();
  });

  test('marks runs left running by a dead process as abandoned, never current; per session too', async () => {
    const store = open('abandon');
    await session(store, 'k1');
    await session(store, 'k2');
    const start = (id: string, key: string) =>
      store.startRun({ id, sessionKey: key, kind: 'analyze', startedAt: new Date().toISOString(), inputsSha256: 'x', rulesVersion: 'r', model: 'm', toolVersion: '0' });
    await start(RUN(9), 'k1');
    await start(RUN(10), 'k2');
    expect(await store.abandonRunsOf('k1')).toBe(1);
    expect((await store.getRun(RUN(9)))?.status).toBe('abandoned');
    expect((await store.getRun(RUN(10)))?.status).toBe('running');
    expect(await store.abandonStaleRuns()).toBe(1);
    expect((await store.getRun(RUN(10)))?.status).toBe('abandoned');
    expect(await store.currentSessions()).toHaveLength(0);
    expect(await store.checkConsistency()).toEqual([]);
    await store.close();
  });

  test('appends review decisions, supersedes instead of overwriting, and forbids UPDATE/DELETE', async () => {
    const store = open('decisions');
    await session(store, 'k1');
    await run(store, 'k1', RUN(1), 'FAIL', [finding('disclose-exclusions', 'fail')]);
    const a = await store.addDecision({ sessionKey: 'k1', runId: RUN(1), findingIdx: 0, decision: 'confirm', comment: '', reviewer: '张三' });
    const c = await store.addDecision({ sessionKey: 'k1', runId: RUN(1), findingIdx: 0, decision: 'overturn', comment: '其实说了', reviewer: '李四' });
    const s = await store.addDecision({ sessionKey: 'k1', runId: RUN(1), decision: 'rerecord', comment: '', reviewer: '李四' });
    expect(c.supersedes).toBe(a.id);
    expect(c.ruleId).toBe('disclose-exclusions');
    expect(s.supersedes).toBeUndefined(); // a different subject (the session)
    expect(c.seq).toBeGreaterThan(a.seq);

    const current = await store.decisions();
    expect(current.map((d) => d.id)).toEqual([c.id, s.id]);
    const all = await store.decisions({ includeSuperseded: true });
    expect(all.find((d) => d.id === a.id)?.supersededBy).toBe(c.id);
    expect(all.find((d) => d.id === a.id)?.reviewer).toBe('张三');
    expect((await store.decisions({ sessionKey: 'k1' })).length).toBe(2);

    await expect(store.query('UPDATE decisions SET decision = ? WHERE id = ?', ['confirm', c.id])).rejects.toThrow(/append-only/);
    await expect(store.query('DELETE FROM decisions')).rejects.toThrow(/append-only/);
    // a decided session leaves the open queue but stays in the full one
    expect(await store.queue()).toHaveLength(0);
    expect((await store.queue({ includeDecided: true }))[0]?.decision?.id).toBe(s.id);
    await expect(store.addDecision({ sessionKey: 'k1', runId: RUN(1), findingIdx: 7, decision: 'confirm', comment: '', reviewer: 'x' })).rejects.toThrow(
      /finding 7 is not in run/,
    );
    await expect(store.addDecision({ sessionKey: 'k2', runId: RUN(1), decision: 'confirm', comment: '', reviewer: 'x' })).rejects.toThrow(/not a run of session/);
    await store.close();
  });

  test('caches file hashes by path, size and mtime (sizes past 4 GiB too)', async () => {
    const store = open('hash');
    await store.rememberFileHash('/a.mp4', 10, 1000.5, 'abc');
    expect(await store.cachedFileHash('/a.mp4', 10, 1000.5)).toBe('abc');
    expect(await store.cachedFileHash('/a.mp4', 11, 1000.5)).toBeUndefined();
    await store.rememberFileHash('/a.mp4', 11, 2000, 'def');
    expect(await store.cachedFileHash('/a.mp4', 11, 2000)).toBe('def');
    const big = 5 * 1024 ** 3 + 7;
    await store.rememberFileHash('/big.mp4', big, 1_700_000_000_123.25, 'big');
    expect(await store.cachedFileHash('/big.mp4', big, 1_700_000_000_123.25)).toBe('big');
    await store.close();
  });

  test('two writers at once (two processes\' worth of connections) keep every run and one seq per decision', async () => {
    const loc = b.location('concurrent');
    const x = b.open(loc);
    const y = b.open(loc);
    const keys = Array.from({ length: 12 }, (_, i) => `c${i}`);
    for (const k of keys) await session(x, k);
    // every run shares one transcript artefact and has its own: concurrent inserts of the same hash
    await Promise.all(
      keys.map(async (k, i) => {
        const s = i % 2 ? x : y;
        const id = RUN(200 + i);
        await s.startRun({ id, sessionKey: k, kind: 'analyze', startedAt: new Date().toISOString(), inputsSha256: 'i', rulesVersion: 'r', model: 'm', toolVersion: '0' });
        const c = completion('FAIL', [finding('disclose-exclusions', 'fail')], '{"shared":1}');
        c.artefacts.push({ kind: 'meta', sha256: `meta-${k}`, body: `{"k":"${k}"}` });
        await s.completeRun(id, c);
      }),
    );
    expect(await x.currentSessions()).toHaveLength(keys.length);
    expect(await count(x, 'SELECT COUNT(*) AS n FROM artefacts')).toBe(keys.length + 1);
    const ds = await Promise.all(
      keys.map((k, i) => (i % 2 ? x : y).addDecision({ sessionKey: k, runId: RUN(200 + i), decision: 'confirm', comment: '', reviewer: 'r' })),
    );
    expect(new Set(ds.map((d) => d.seq)).size).toBe(keys.length);
    expect(await x.checkConsistency()).toEqual([]);
    await x.close();
    await y.close();
  });

  test('batch lock: refuses a second holder with who holds it, and is free again after release', async () => {
    const loc = b.location('lock');
    const a = b.open(loc);
    const c = b.open(loc);
    const lock = await a.acquireLock(owner);
    const refused = await c.acquireLock({ ...owner, command: 'other' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LockedError);
    expect((refused as LockedError).message).toMatch(/another dualrec batch or rescore is using this store \(test, pid \d+/);
    await lock.release();
    const again = await c.acquireLock(owner);
    await again.release();
    await a.close();
    await c.close();
  });

  test('batch lock: released when the holding process is killed with SIGKILL', async () => {
    const loc = b.location('lock-kill');
    await b.open(loc).close();
    const script = `
      import { openStore } from './src/store/index.ts';
      const s = openStore(${JSON.stringify(loc)});
      await s.acquireLock({ command: 'holder', pid: process.pid, host: 'h', startedAt: 'now' });
      process.stdout.write('locked\\n');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
      child.on('exit', (code) => reject(new Error(`holder exited early (${code})`)));
    });
    const store = b.open(loc);
    await expect(store.acquireLock(owner)).rejects.toThrow(/holder, pid/);
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
    // the server notices the closed connection at once; allow it a moment
    let lock;
    for (let i = 0; i < 50 && !lock; i++) {
      lock = await store.acquireLock(owner).catch(() => new Promise<undefined>((r) => setTimeout(() => r(undefined), 100)));
    }
    expect(lock).toBeDefined();
    await lock!.release();
    await store.close();
  });
});

describe('SQLite specifics', () => {
  it('runs in WAL mode', async () => {
    const a = new SqliteStore(join(dir, 'wal.sqlite'));
    expect(a.raw().pragma('journal_mode', { simple: true })).toBe('wal');
    await a.close();
  });
});

describe('PostgreSQL store URLs', () => {
  it('keeps the password out of the location and messages, and takes a schema', () => {
    const t = parsePgUrl('postgres://u:s3cret@db.example:5433/dualrec?schema=night_1');
    expect(t.display).not.toContain('s3cret');
    expect(t.schema).toBe('night_1');
    expect(t.connectionString).toContain('s3cret');
    expect(decodeURIComponent(t.connectionString.replace(/\+/g, ' '))).toContain('-c search_path=night_1');
    expect(() => parsePgUrl('postgres://u:p@h/db?schema=Bad-Name')).toThrow(/schema "Bad-Name"/);
    expect(() => parsePgUrl('postgres:///db')).toThrow(/no host/);
    expect(() => parsePgUrl('postgres://u:p@/db')).toThrow(/not a valid postgres:\/\/ URL/);
  });

  it.skipIf(!havePg)('names the store, not the password, when it cannot connect', async () => {
    const s = new PgStore('postgres://dualrec:wrong-secret@127.0.0.1:1/dualrec_test');
    const err = await s.schemaVersion().catch((e: unknown) => e as Error);
    await s.close();
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^postgres:\/\/dualrec@127\.0\.0\.1:1\/dualrec_test: cannot connect/);
    expect((err as Error).message).not.toContain('wrong-secret');
  });
});
