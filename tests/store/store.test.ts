// The store on both backends, with the same tests (tests/helpers/store-backends.ts): a real SQLite file,
// and a real PostgreSQL server (one schema per store, see tests/queue/services.ts). Migrations, runs and
// the current-run pointer, artefacts by hash, the review queue, append-only review decisions, batches,
// the batch lock (refused while held, free again when the holder is killed with SIGKILL), and concurrent
// writers (queue workers share one store).
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/index.js';
import {
  LockedError,
  MIGRATIONS,
  PgStore,
  SqliteStore,
  parsePgUrl,
  type RunCompletion,
  type Store,
} from '../../src/store/index.js';
import { ROOT } from '../helpers/cli.js';
import { oldStore, storeBackends } from '../helpers/store-backends.js';

const { backends: BACKENDS, havePg, cleanup } = await storeBackends('store');
afterAll(cleanup);

const owner = { command: 'test', pid: process.pid, host: 'test', startedAt: new Date().toISOString() };

function finding(ruleId: string, status: Finding['status']): Finding {
  return {
    ruleId,
    title: ruleId,
    category: 'disclosure',
    concepts: ['disclosure.exclusions'],
    status,
    severity: 'critical',
    confidence: 0.9,
    evidence: [{ start: 12.5, end: 14, excerpt: '责任免除' }],
    message: `${ruleId} ${status}`,
  };
}

function completion(verdict: RunCompletion['verdict'], findings: Finding[], body = '{"a":1}'): RunCompletion {
  return {
    verdict,
    verdictReasons: [`because ${verdict}`],
    risk: verdict === 'FAIL' ? 9 : 0,
    reportJsonSha256: 'j'.repeat(64),
    reportHtmlSha256: 'h'.repeat(64),
    findings,
    artefacts: [{ kind: 'transcript', sha256: `sha-${body}`, body }],
    queueVerdicts: ['FAIL', 'REVIEW'],
  };
}

function session(store: Store, key: string) {
  return store.upsertSession({
    key,
    base: `/in/${key}`,
    name: key,
    relDir: '2024-05-01',
    sessionId: `S-${key}`,
    reportDir: `/out/${key}`,
    recordedOn: '2024-05-01',
    productType: 'participating',
    channel: 'agent',
    agentId: 'AG-1',
  });
}

async function run(
  store: Store,
  key: string,
  id: string,
  verdict: RunCompletion['verdict'],
  findings: Finding[],
  body?: string,
) {
  await store.startRun({
    id,
    sessionKey: key,
    kind: 'analyze',
    startedAt: new Date().toISOString(),
    inputsSha256: 'in',
    rulesVersion: 'r1',
    model: 'import',
    toolVersion: '0',
  });
  await store.completeRun(id, completion(verdict, findings, body));
}

const RUN = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const count = async (s: Store, sql: string, params: unknown[] = []) => Number((await s.query(sql, params))[0]!.n);

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
      store.startRun({
        id,
        sessionKey: key,
        kind: 'analyze',
        startedAt: new Date().toISOString(),
        inputsSha256: 'x',
        rulesVersion: 'r',
        model: 'm',
        toolVersion: '0',
      });
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
    const a = await store.addDecision({
      sessionKey: 'k1',
      runId: RUN(1),
      findingIdx: 0,
      decision: 'confirm',
      comment: '',
      reviewer: '张三',
    });
    const c = await store.addDecision({
      sessionKey: 'k1',
      runId: RUN(1),
      findingIdx: 0,
      decision: 'overturn',
      comment: '其实说了',
      reviewer: '李四',
    });
    const s = await store.addDecision({
      sessionKey: 'k1',
      runId: RUN(1),
      decision: 'rerecord',
      comment: '',
      reviewer: '李四',
    });
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

    await expect(store.query('UPDATE decisions SET decision = ? WHERE id = ?', ['confirm', c.id])).rejects.toThrow(
      /append-only/,
    );
    await expect(store.query('DELETE FROM decisions')).rejects.toThrow(/append-only/);
    // a decided session leaves the open queue but stays in the full one
    expect(await store.queue()).toHaveLength(0);
    expect((await store.queue({ includeDecided: true }))[0]?.decision?.id).toBe(s.id);
    await expect(
      store.addDecision({
        sessionKey: 'k1',
        runId: RUN(1),
        findingIdx: 7,
        decision: 'confirm',
        comment: '',
        reviewer: 'x',
      }),
    ).rejects.toThrow(/finding 7 is not in run/);
    await expect(
      store.addDecision({ sessionKey: 'k2', runId: RUN(1), decision: 'confirm', comment: '', reviewer: 'x' }),
    ).rejects.toThrow(/not a run of session/);
    await store.close();
  });

  test('a session before and after its first run; batches; failed runs; a run not in the store', async () => {
    const store = open('lifecycle');
    await session(store, 'k1');
    expect(await store.getSession('k1')).toMatchObject({ key: 'k1', sessionId: 'S-k1', agentId: 'AG-1' });
    expect(await store.getSession('k1')).not.toHaveProperty('run');
    expect(await store.getSession('nope')).toBeUndefined();
    // an upsert changes what the sidecar says, not the base
    await store.upsertSession({
      key: 'k1',
      base: '/elsewhere',
      name: 'k1',
      relDir: 'x',
      sessionId: 'S-2',
      reportDir: '/out/k1',
      region: '310000',
    });
    expect(await store.getSession('k1')).toMatchObject({
      base: '/in/k1',
      relDir: 'x',
      sessionId: 'S-2',
      region: '310000',
      agentId: undefined,
    });

    await store.startBatch({
      id: 'b1',
      kind: 'batch',
      startedAt: '2026-12-01T00:00:00.000Z',
      inbox: '/in',
      outDir: '/out',
      rulesVersion: 'r1',
    });
    await store.startRun({
      id: RUN(20),
      sessionKey: 'k1',
      batchId: 'b1',
      kind: 'analyze',
      startedAt: new Date().toISOString(),
      inputsSha256: 'i',
      rulesVersion: 'r1',
      model: 'm',
      toolVersion: '0',
    });
    await store.failRun(RUN(20), 'the program failed');
    expect(await store.getRun(RUN(20))).toMatchObject({ status: 'failed', error: 'the program failed', batchId: 'b1' });
    expect(await store.getSession('k1')).not.toHaveProperty('run'); // a failed run is never current
    await store.finishBatch('b1', 'done', { sessions: 1 });
    const [batch] = await store.query('SELECT status, summary, host, pid FROM batches WHERE id = ?', ['b1']);
    expect(batch).toMatchObject({ status: 'done', summary: '{"sessions":1}' });
    expect(Number(batch!.pid)).toBe(process.pid);
    // a batch left running by a crash is abandoned with its runs
    await store.startBatch({ id: 'b2', kind: 'rescore', startedAt: '2026-12-02T00:00:00.000Z' });
    expect(await store.abandonStaleRuns()).toBe(0);
    expect((await store.query('SELECT status FROM batches WHERE id = ?', ['b2']))[0]!.status).toBe('abandoned');

    await run(store, 'k1', RUN(21), 'PASS', []);
    expect(await store.getSession('k1')).toMatchObject({
      run: { id: RUN(21), status: 'done', verdict: 'PASS', failCount: 0 },
    });
    await expect(store.completeRun(RUN(99), completion('PASS', []))).rejects.toThrow(
      `run ${RUN(99)} is not in the store`,
    );
    // a statement that writes answers no rows
    expect(await store.query('UPDATE sessions SET channel = ? WHERE key = ?', ['bank', 'k1'])).toEqual([]);
    expect(await store.checkConsistency()).toEqual([]);
    await store.close();
  });

  test("the review queue over many sessions: each one's current decision, filters, decided ones left out", async () => {
    const store = open('queue');
    const keys = Array.from({ length: 30 }, (_, i) => `q${String(i).padStart(2, '0')}`);
    for (const k of keys) await session(store, k);
    for (const [i, k] of keys.entries()) {
      const verdict = i % 3 === 0 ? 'PASS' : i % 3 === 1 ? 'REVIEW' : 'FAIL';
      await run(store, k, RUN(300 + i), verdict, [finding('excl', i % 3 ? 'fail' : 'pass')], `{"q":${i}}`);
    }
    const queued = keys.filter((_, i) => i % 3);
    expect((await store.queue()).map((q) => q.session.key).sort()).toEqual(queued);
    // FAIL before REVIEW, then by risk
    expect((await store.queue())[0]!.session.run.verdict).toBe('FAIL');
    // decide every other queued session; a superseded decision is not the current one
    const decided = queued.filter((_, i) => i % 2 === 0);
    for (const k of decided) {
      const subject = { sessionKey: k, runId: RUN(300 + keys.indexOf(k)), reviewer: 'r' };
      await store.addDecision({ ...subject, decision: 'confirm', comment: '' });
      await store.addDecision({ ...subject, decision: 'rerecord', comment: 'again' });
      // a finding-level decision is not the session's
      await store.addDecision({ ...subject, findingIdx: 0, decision: 'overturn', comment: '' });
    }
    expect((await store.queue()).map((q) => q.session.key).sort()).toEqual(queued.filter((k) => !decided.includes(k)));
    const all = await store.queue({ includeDecided: true });
    expect(all).toHaveLength(queued.length);
    for (const q of all) {
      if (decided.includes(q.session.key)) {
        expect(q.decision).toMatchObject({ decision: 'rerecord', findingIdx: undefined, sessionKey: q.session.key });
      } else expect(q.decision).toBeUndefined();
      expect(q.enteredAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
    const review = await store.queue({ includeDecided: true, filter: { verdict: 'REVIEW' } });
    expect(review.length).toBeGreaterThan(0);
    expect(review.every((q) => q.session.run.verdict === 'REVIEW')).toBe(true);
    expect(await store.queue({ filter: { agentId: 'nobody' } })).toEqual([]);
    const byRule = await store.queue({
      includeDecided: true,
      filter: { ruleId: 'excl', from: '2024-05-01', to: '2024-05-01' },
    });
    expect(byRule).toHaveLength(queued.length);
    await store.close();
  });

  test('names a current run that is not finished, or a finished one without its verdict', async () => {
    const store = open('consistency');
    await session(store, 'k1');
    await run(store, 'k1', RUN(30), 'PASS', []);
    await store.query(`UPDATE runs SET status = 'running' WHERE id = ?`, [RUN(30)]);
    expect(await store.checkConsistency()).toEqual(['session k1: current run is missing, not done, or not its own']);
    await store.query(`UPDATE runs SET status = 'done', verdict = NULL WHERE id = ?`, [RUN(30)]);
    expect(await store.checkConsistency()).toEqual([`run ${RUN(30)}: done without a verdict or report hash`]);
    await store.close();
  });

  test('upgrades a store made before the session region (migration 3), keeping its rows', async () => {
    const loc = b.location('before-3');
    const db = await oldStore(b, loc, 3);
    await db.run(
      `INSERT INTO sessions (key, base, name, rel_dir, session_id, report_dir, agent_id, first_seen_at, updated_at)
       VALUES ('k', '/b', 'n', '', 'S-1', '/r', 'A9', 'then', 'then')`,
    );
    await db.close();
    const store = b.open(loc);
    expect(await store.schemaVersion()).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
    expect(await store.getSession('k')).toMatchObject({ agentId: 'A9', region: undefined });
    const indexes = await store.query(
      b.name === 'SQLite'
        ? `SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'sessions_%'`
        : `SELECT indexname AS name FROM pg_indexes
           WHERE schemaname = current_schema() AND indexname LIKE 'sessions_%'`,
    );
    expect(indexes.map((r) => r.name)).toEqual(
      expect.arrayContaining(['sessions_agent', 'sessions_region', 'sessions_recorded_on', 'sessions_current_run']),
    );
    await session(store, 'k2');
    await store.upsertSession({
      key: 'k2',
      base: '/in/k2',
      name: 'k2',
      relDir: '',
      sessionId: 'S',
      reportDir: '/r2',
      region: '440300',
    });
    expect(await store.getSession('k2')).toMatchObject({ region: '440300' });
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

  test("two writers at once (two processes' worth of connections) keep every run and one seq per decision", async () => {
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
        await s.startRun({
          id,
          sessionKey: k,
          kind: 'analyze',
          startedAt: new Date().toISOString(),
          inputsSha256: 'i',
          rulesVersion: 'r',
          model: 'm',
          toolVersion: '0',
        });
        const c = completion('FAIL', [finding('disclose-exclusions', 'fail')], '{"shared":1}');
        c.artefacts.push({ kind: 'meta', sha256: `meta-${k}`, body: `{"k":"${k}"}` });
        await s.completeRun(id, c);
      }),
    );
    expect(await x.currentSessions()).toHaveLength(keys.length);
    expect(await count(x, 'SELECT COUNT(*) AS n FROM artefacts')).toBe(keys.length + 1);
    const ds = await Promise.all(
      keys.map((k, i) =>
        (i % 2 ? x : y).addDecision({
          sessionKey: k,
          runId: RUN(200 + i),
          decision: 'confirm',
          comment: '',
          reviewer: 'r',
        }),
      ),
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
    expect((refused as LockedError).message).toMatch(
      /another dualrec batch or rescore is using this store \(test, pid \d+/,
    );
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
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
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
      lock = await store
        .acquireLock(owner)
        .catch(() => new Promise<undefined>((r) => setTimeout(() => r(undefined), 100)));
    }
    expect(lock).toBeDefined();
    await lock!.release();
    await store.close();
  });
});

describe('SQLite specifics', () => {
  it('runs in WAL mode', async () => {
    const a = new SqliteStore(BACKENDS[0]!.location('wal'));
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
