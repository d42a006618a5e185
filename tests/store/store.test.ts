// The SQLite store on a real file: migrations, runs and the current-run pointer, artefacts by hash,
// append-only review decisions, and the batch lock (refused while held, free again when the holder
// is killed with SIGKILL).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/index.js';
import { LockedError, MIGRATIONS, SqliteStore, type RunCompletion } from '../../src/store/index.js';
import { ROOT } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'dualrec-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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

function session(store: SqliteStore, key: string) {
  return store.upsertSession({
    key, base: `/in/${key}`, name: key, relDir: '2024-05-01', sessionId: `S-${key}`, reportDir: `/out/${key}`, recordedOn: '2024-05-01',
    productType: 'participating', channel: 'agent', agentId: 'AG-1',
  });
}

async function run(store: SqliteStore, key: string, id: string, verdict: RunCompletion['verdict'], findings: Finding[], body?: string) {
  await store.startRun({
    id, sessionKey: key, kind: 'analyze', startedAt: new Date().toISOString(), inputsSha256: 'in', rulesVersion: 'r1', model: 'import', toolVersion: '0',
  });
  await store.completeRun(id, completion(verdict, findings, body));
}

const RUN = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('SqliteStore', () => {
  it('applies every migration once, in WAL mode, and reopens without re-applying', async () => {
    const file = join(dir, 'm.sqlite');
    const a = new SqliteStore(file);
    expect(await a.schemaVersion()).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
    expect(a.raw().pragma('journal_mode', { simple: true })).toBe('wal');
    await a.close();
    const b = new SqliteStore(file);
    const rows = b.raw().prepare('SELECT version FROM schema_migrations').all();
    expect(rows).toHaveLength(MIGRATIONS.length);
    await b.close();
  });

  it('refuses a store written by a newer dualrec', async () => {
    const file = join(dir, 'newer.sqlite');
    const a = new SqliteStore(file);
    a.raw().prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, ?)').run('future', 'now');
    await a.close();
    expect(() => new SqliteStore(file)).toThrow(/schema version 999 is newer/);
  });

  it('keeps one current run per session, findings, artefacts by hash, and the queue', async () => {
    const store = new SqliteStore(join(dir, 'runs.sqlite'));
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
    expect((await store.runsOf('k1')).map((r) => r.id)).toEqual([RUN(1), RUN(3)]);
    expect(store.raw().prepare('SELECT COUNT(*) AS n FROM artefacts').get()).toEqual({ n: 1 });
    expect((await store.findingsOf(RUN(1))).map((f) => [f.idx, f.ruleId, f.status, f.evidence[0]?.start])).toEqual([
      [0, 'disclose-exclusions', 'fail', 12.5],
      [1, 'consent', 'pass', 12.5],
    ]);
    // the queue follows the current run: k1's REVIEW run is queued, the PASS session is not
    expect((await store.queue()).map((q) => [q.session.key, q.session.run.id])).toEqual([['k1', RUN(3)]]);
    expect(await store.currentSessions({ verdicts: ['PASS'] })).toHaveLength(1);
    expect(await store.currentSessions({ since: '2024-05-02' })).toHaveLength(0);
    expect(await store.checkConsistency()).toEqual([]);
    await store.close();
  });

  it('marks runs left running by a dead process as abandoned, never current', async () => {
    const store = new SqliteStore(join(dir, 'abandon.sqlite'));
    await session(store, 'k1');
    await store.startRun({
      id: RUN(9), sessionKey: 'k1', kind: 'analyze', startedAt: new Date().toISOString(), inputsSha256: 'x', rulesVersion: 'r', model: 'm', toolVersion: '0',
    });
    expect(await store.abandonStaleRuns()).toBe(1);
    expect((await store.getRun(RUN(9)))?.status).toBe('abandoned');
    expect(await store.currentSessions()).toHaveLength(0);
    expect(await store.checkConsistency()).toEqual([]);
    await store.close();
  });

  it('appends review decisions, supersedes instead of overwriting, and forbids UPDATE/DELETE', async () => {
    const store = new SqliteStore(join(dir, 'decisions.sqlite'));
    await session(store, 'k1');
    await run(store, 'k1', RUN(1), 'FAIL', [finding('disclose-exclusions', 'fail')]);
    const a = await store.addDecision({ sessionKey: 'k1', runId: RUN(1), findingIdx: 0, decision: 'confirm', comment: '', reviewer: '张三' });
    const b = await store.addDecision({ sessionKey: 'k1', runId: RUN(1), findingIdx: 0, decision: 'overturn', comment: '其实说了', reviewer: '李四' });
    const s = await store.addDecision({ sessionKey: 'k1', runId: RUN(1), decision: 'rerecord', comment: '', reviewer: '李四' });
    expect(b.supersedes).toBe(a.id);
    expect(s.supersedes).toBeUndefined(); // a different subject (the session)
    expect(b.seq).toBeGreaterThan(a.seq);

    const current = await store.decisions();
    expect(current.map((d) => d.id)).toEqual([b.id, s.id]);
    const all = await store.decisions({ includeSuperseded: true });
    expect(all.find((d) => d.id === a.id)?.supersededBy).toBe(b.id);
    expect(all.find((d) => d.id === a.id)?.reviewer).toBe('张三');

    expect(() => store.raw().prepare('UPDATE decisions SET decision = ? WHERE id = ?').run('confirm', b.id)).toThrow(/append-only/);
    expect(() => store.raw().prepare('DELETE FROM decisions').run()).toThrow(/append-only/);
    // a decided session leaves the open queue but stays in the full one
    expect(await store.queue()).toHaveLength(0);
    expect((await store.queue({ includeDecided: true }))[0]?.decision?.id).toBe(s.id);
    await expect(store.addDecision({ sessionKey: 'k1', runId: RUN(1), findingIdx: 7, decision: 'confirm', comment: '', reviewer: 'x' })).rejects.toThrow(
      /finding 7 is not in run/,
    );
    await expect(store.addDecision({ sessionKey: 'k2', runId: RUN(1), decision: 'confirm', comment: '', reviewer: 'x' })).rejects.toThrow(/not a run of session/);
    await store.close();
  });

  it('caches file hashes by path, size and mtime', async () => {
    const store = new SqliteStore(join(dir, 'hash.sqlite'));
    await store.rememberFileHash('/a.mp4', 10, 1000.5, 'abc');
    expect(await store.cachedFileHash('/a.mp4', 10, 1000.5)).toBe('abc');
    expect(await store.cachedFileHash('/a.mp4', 11, 1000.5)).toBeUndefined();
    await store.rememberFileHash('/a.mp4', 11, 2000, 'def');
    expect(await store.cachedFileHash('/a.mp4', 11, 2000)).toBe('def');
    await store.close();
  });
});

describe('batch lock', () => {
  it('refuses a second holder with who holds it, and is free again after release', async () => {
    const file = join(dir, 'lock.sqlite');
    const a = new SqliteStore(file);
    const b = new SqliteStore(file);
    const lock = await a.acquireLock(owner);
    const refused = await b.acquireLock({ ...owner, command: 'other' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LockedError);
    expect((refused as LockedError).message).toMatch(/another dualrec batch or rescore is using this store \(test, pid \d+/);
    await lock.release();
    const again = await b.acquireLock(owner);
    await again.release();
    await a.close();
    await b.close();
  });

  it('is released by the kernel when the holding process is killed with SIGKILL', async () => {
    const file = join(dir, 'lock-kill.sqlite');
    new SqliteStore(file).close();
    const script = `
      import { SqliteStore } from './src/store/index.ts';
      const s = new SqliteStore(${JSON.stringify(file)});
      await s.acquireLock({ command: 'holder', pid: process.pid, host: 'h', startedAt: 'now' });
      process.stdout.write('locked\\n');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
      child.on('exit', (code) => reject(new Error(`holder exited early (${code})`)));
    });
    const store = new SqliteStore(file);
    await expect(store.acquireLock(owner)).rejects.toThrow(/holder, pid/);
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
    const lock = await store.acquireLock(owner);
    await lock.release();
    await store.close();
  });
});
