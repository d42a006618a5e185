// Redis restarted in the middle of a batch (a Redis server of this test's own, with its append-only
// file, as docs/distributed.md asks for): the workers and the waiting batch reconnect by themselves and
// the batch completes, every session analyzed exactly once.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BatchSummary } from '../../src/batch/run.js';
import { PgStore } from '../../src/store/index.js';
import { makeInbox, type MadeSession } from '../batch/inbox.js';
import { writeTestPacks } from '../batch/rules.js';
import {
  addLongRecording,
  batchArgs,
  freePort,
  reportFolders,
  spawnCli,
  startWorker,
  stop,
  uniqueQueueName,
  type Proc,
  type Setup,
} from './helpers.js';
import { dropSchemas, needServices, pgStoreUrl } from './services.js';

const haveServers = await needServices('postgres');
const haveRedisBinary = spawnSync('redis-server', ['--version']).status === 0;
if (!haveRedisBinary) {
  const msg = 'redis-server is not installed (apt-get install redis-server)';
  if (process.env.DUALREC_REQUIRE_SERVICES) throw new Error(`DUALREC_REQUIRE_SERVICES is set and ${msg}`);
  console.warn(`SKIPPED (${msg})`);
}
const ok = haveServers && haveRedisBinary;

const work = mkdtempSync(join(tmpdir(), 'dualrec-qredis-'));
const pg = pgStoreUrl('restart');
const procs: Proc[] = [];
let redis: ChildProcess | undefined;

async function startRedis(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.includes('Ready to accept connections')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`redis-server exited (${code}): ${seen.slice(-500)}`)));
  });
  return child;
}

afterAll(async () => {
  await Promise.all(procs.map((p) => stop(p, 5000)));
  if (redis && redis.exitCode === null) {
    redis.kill('SIGTERM');
    await new Promise((r) => redis!.on('exit', r));
  }
  if (haveServers) await dropSchemas([pg.schema]);
  rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!ok)('Redis restarted mid-batch', () => {
  it('workers and the waiting batch reconnect, and the batch completes', async () => {
    const port = await freePort();
    const dataDir = join(work, 'redis');
    mkdirSync(dataDir);
    redis = await startRedis(port, dataDir);
    const setup: Setup = {
      queueUrl: `redis://127.0.0.1:${port}`,
      queueName: uniqueQueueName('restart'),
      store: pg.url,
    };
    const inbox = join(work, 'inbox');
    const out = join(work, 'out');
    const packs = writeTestPacks(join(work, 'rules'));
    // the real recording keeps the batch busy while Redis restarts
    const made: MadeSession[] = [
      addLongRecording(join(inbox, '2024-05-01'), 'real'),
      ...makeInbox(inbox, { recordings: 0, transcripts: 20 }),
    ];

    procs.push(
      await startWorker(setup, 'w1', ['--lock-duration', '15']),
      await startWorker(setup, 'w2', ['--lock-duration', '15']),
    );
    const batch = spawnCli(batchArgs(setup, inbox, out, packs.a, '--wait'));
    procs.push(batch);
    expect(await batch.waitFor((l) => l.msg === 'session done' && Number(l.done) >= 3), batch.stderr.slice(-2000)).toBe(
      true,
    );
    const doneBefore = batch.lines.filter((l) => l.msg === 'session done').length;
    expect(doneBefore).toBeLessThan(made.length);

    // graceful stop (as `systemctl restart redis-server` does), a pause, and the same data back
    redis.kill('SIGTERM');
    await new Promise((r) => redis!.on('exit', r));
    await new Promise((r) => setTimeout(r, 2000));
    redis = await startRedis(port, dataDir);

    const end = await batch.exit;
    expect(end.code, batch.stderr.slice(-3000)).toBe(0);
    const s = JSON.parse(batch.stdout) as BatchSummary;
    expect(s.analysed).toBe(made.length);
    expect(s.failures).toEqual([]);
    expect(batch.lines.filter((l) => l.msg === 'session done')).toHaveLength(made.length);

    const expected = made.map((m) => join(out, relative(inbox, m.dir), m.name)).sort();
    expect(reportFolders(out)).toEqual(expected);
    const store = new PgStore(pg.url);
    try {
      expect(await store.checkConsistency()).toEqual([]);
      const rows = await store.query(
        `SELECT s.name, COUNT(*) AS n FROM sessions s JOIN runs r ON r.session_key = s.key AND r.status = 'done' GROUP BY s.name`,
      );
      expect(rows).toHaveLength(made.length);
      for (const r of rows) expect(Number(r.n), String(r.name)).toBe(1);
    } finally {
      await store.close();
    }
    // the workers saw the connection go, lived through it, and still stop cleanly
    expect(
      procs.slice(0, 2).some((w) => w.lines.some((l) => l.msg === 'queue connection problem (reconnecting)')),
    ).toBe(true);
    for (const w of procs.splice(0, 2)) expect((await stop(w))?.code, w.stderr.slice(-1000)).toBe(0);
  }, 420_000);
});
