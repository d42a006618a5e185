// Discovery over a real folder tree (dates, duplicates, hidden and output folders, symlinked
// folders), --since parsing, and the worker pool replacing crashed and stuck workers.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { dateFromPath, discoverSessions, parseSince } from '../../src/batch/discover.js';
import { WorkerPool } from '../../src/util/worker-pool.js';

const dir = mkdtempSync(join(tmpdir(), 'dualrec-discover-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function touch(path: string, text = 'x'): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

describe('discoverSessions', () => {
  it('walks the inbox recursively, one report folder per recording, skipping hidden, output and linked folders', () => {
    const inbox = join(dir, 'inbox');
    touch(join(inbox, 'top.mp4'));
    touch(join(inbox, '2024-05-01', 'a.mp4'));
    touch(
      join(inbox, '2024-05-01', 'a.meta.json'),
      JSON.stringify({ session_id: 'S-A', recorded_at: '2024-04-30T23:00:00+08:00', agent: { id: 'AG-1' } }),
    );
    touch(join(inbox, '2024-05-01', 'dup.mp4'));
    touch(join(inbox, '2024-05-01', 'dup.wav'));
    touch(join(inbox, '2024', '05', '02', 'b.transcript.srt'));
    touch(join(inbox, '20240503', 'c.mp4'));
    touch(join(inbox, '20240503', 'c.transcript.json'));
    touch(join(inbox, 'misc', 'broken.mp4'));
    touch(join(inbox, 'misc', 'broken.meta.json'), '{ nope');
    touch(join(inbox, '.partial', 'hidden.mp4'));
    touch(join(inbox, 'out', 'x', 'report-frame.mp4')); // the output folder inside the inbox
    symlinkSync(join(inbox, '2024-05-01'), join(inbox, 'loop'));
    const old = new Date(2023, 0, 15, 12);
    utimesSync(join(inbox, 'misc', 'broken.mp4'), old, old);

    const found = discoverSessions(inbox, join(inbox, 'out'));
    const view = found.map((s) => [
      s.relDir,
      s.reportDir.slice(join(inbox, 'out').length + 1),
      s.recordedOn,
      s.meta?.session_id ?? null,
    ]);
    expect(view).toEqual([
      ['', 'top', expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), null],
      ['2024/05/02', '2024/05/02/b', '2024-05-02', null],
      ['2024-05-01', '2024-05-01/a', '2024-04-30', 'S-A'],
      ['2024-05-01', '2024-05-01/dup_mp4', '2024-05-01', null],
      ['2024-05-01', '2024-05-01/dup_wav', '2024-05-01', null],
      ['20240503', '20240503/c', '2024-05-03', null],
      ['misc', 'misc/broken', '2023-01-15', null],
    ]);
    expect(new Set(found.map((s) => s.key)).size).toBe(found.length);
    expect(found.find((s) => s.input.name === 'c')?.input.transcript).toMatch(/c\.transcript\.json$/);
  });

  it('reads date folders and --since values', () => {
    expect(dateFromPath('inbox/2024-05-01')).toBe('2024-05-01');
    expect(dateFromPath('2024/05/01/branch-7')).toBe('2024-05-01');
    expect(dateFromPath('20240501')).toBe('2024-05-01');
    expect(dateFromPath('agent-20241399')).toBeUndefined();
    expect(dateFromPath('2024-13-01')).toBeUndefined();
    const now = new Date(2024, 4, 10, 3, 0);
    expect(parseSince('2024-05-01', now)).toBe('2024-05-01');
    expect(parseSince('today', now)).toBe('2024-05-10');
    expect(parseSince('yesterday', now)).toBe('2024-05-09');
    expect(parseSince('14d', now)).toBe('2024-04-26');
    expect(() => parseSince('2024-02-31x', now)).toThrow(/--since: expected/);
    expect(() => parseSince('May 1', now)).toThrow(/--since: expected/);
  });
});

describe('WorkerPool', () => {
  it('runs jobs on worker threads and replaces a worker that throws, exits or hangs', async () => {
    type Job = { kind: 'echo' | 'throw' | 'exit' | 'hang'; value: number };
    const pool = new WorkerPool<Job, number>(new URL('./fixtures/sleepy-worker.ts', import.meta.url), {
      size: 2,
      workerData: null,
      jobTimeoutMs: 1500,
    });
    try {
      const results = await Promise.allSettled([
        pool.run({ kind: 'echo', value: 1 }),
        pool.run({ kind: 'throw', value: 2 }),
        pool.run({ kind: 'exit', value: 3 }),
        pool.run({ kind: 'hang', value: 4 }),
        pool.run({ kind: 'echo', value: 5 }),
        pool.run({ kind: 'echo', value: 6 }),
      ]);
      const view = results.map((r) => (r.status === 'fulfilled' ? r.value : String((r.reason as Error).message)));
      expect(view[0]).toBe(2);
      expect(view[1]).toMatch(/worker crashed: boom 2/);
      expect(view[2]).toMatch(/worker exited \(code 7\)/);
      expect(view[3]).toMatch(/timed out after 2 s/);
      expect(view.slice(4)).toEqual([10, 12]); // the pool goes on with fresh workers
    } finally {
      await pool.close();
    }
  }, 30_000);

  it('with unrefWhenIdle, keeps the process alive for a job but not once idle', () => {
    const script = fileURLToPath(new URL('./fixtures/idle-pool.ts', import.meta.url));
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 30_000 });
    expect(r.signal).toBeNull(); // not killed by the timeout: it exited by itself
    expect(r.stdout.trim()).toBe('result 42');
    expect(r.status).toBe(0);
  }, 40_000);

  it('fails the jobs, instead of respawning forever, when workers cannot start', async () => {
    const pool = new WorkerPool<number, number>(new URL('./fixtures/broken-worker.ts', import.meta.url), {
      size: 2,
      workerData: null,
    });
    try {
      const r = await Promise.allSettled([pool.run(1), pool.run(2), pool.run(3)]);
      for (const x of r) expect(x.status === 'rejected' && String((x.reason as Error).message)).toMatch(/cannot start/);
      await expect(pool.run(4)).rejects.toThrow(/could not start/);
    } finally {
      await pool.close();
    }
  }, 30_000);
});
