// Files dualrec writes are private whatever the umask: reports 0600, folders it creates 0700, the
// SQLite store with its -wal and -shm 0600. Run under umask 022, where defaults would give 0644/0755.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockedError, openStore } from '../../src/store/index.js';
import { ROOT } from '../helpers/cli.js';
import { addRecording, addTranscriptOnly } from '../batch/inbox.js';

const TSX_LOADER = pathToFileURL(`${ROOT}node_modules/tsx/dist/loader.mjs`).href;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dualrec-modes-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI under umask 022 (set by the shell, so the test does not depend on the runner's own umask). */
function cliUnderUmask022(args: string[]) {
  const res = spawnSync(
    'sh',
    ['-c', 'umask 022 && exec "$@"', 'sh', process.execPath, '--import', TSX_LOADER, `${ROOT}src/cli/main.ts`, ...args],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 180_000,
      env: { ...process.env, DUALREC_LOG_LEVEL: 'warn' },
    },
  );
  return { code: res.status ?? -1, stderr: res.stderr };
}

const mode = (p: string) => statSync(p).mode & 0o777;

/** Every file and folder under `root` with its mode, except what the test itself made. */
function modes(root: string, skip: Set<string>): Array<[string, number, boolean]> {
  const out: Array<[string, number, boolean]> = [];
  for (const rel of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    const p = join(root, rel);
    if ([...skip].some((s) => p.startsWith(s))) continue;
    out.push([rel, mode(p), statSync(p).isDirectory()]);
  }
  return out;
}

describe('written files are private under umask 022', () => {
  it('analyze: report folders 0700, report.json / report.html 0600', () => {
    const inbox = join(dir, 'inbox-a');
    addRecording(inbox, 'rec', 'compliant-participating');
    const out = join(dir, 'out-a', 'nested');
    const res = cliUnderUmask022(['analyze', inbox, '--out', out, '--no-vision']);
    expect(res.code, res.stderr).toBe(0);
    expect(mode(join(dir, 'out-a'))).toBe(0o700);
    const all = modes(out, new Set());
    expect(all.map(([p]) => p)).toEqual(
      expect.arrayContaining(['rec', join('rec', 'report.json'), join('rec', 'report.html')]),
    );
    for (const [p, m, isDir] of all) expect([p, m.toString(8)]).toEqual([p, isDir ? '700' : '600']);
  }, 200_000);

  it('batch: the store with its -wal and -shm, index.html and reports 0600', () => {
    const inbox = join(dir, 'inbox-b');
    addTranscriptOnly(inbox, 't1', 'missing-exclusions');
    addTranscriptOnly(inbox, 't2', 'compliant-participating');
    const out = join(dir, 'out-b');
    const res = cliUnderUmask022(['batch', inbox, '--out', out, '--no-vision', '--concurrency', '1']);
    expect([0, 3], res.stderr).toContain(res.code);
    const store = join(out, 'dualrec.sqlite');
    expect(existsSync(store)).toBe(true);
    const all = modes(out, new Set());
    expect(all.length).toBeGreaterThan(4);
    for (const [p, m, isDir] of all) expect([p, m.toString(8)]).toEqual([p, isDir ? '700' : '600']);
  }, 200_000);

  it("batch --group-read: the review team's group reads everything (0640 / 0750), never writes; the key stays 0600", () => {
    const inbox = join(dir, 'inbox-g');
    addTranscriptOnly(inbox, 't1', 'missing-exclusions');
    addTranscriptOnly(inbox, 't2', 'compliant-participating');
    const out = join(dir, 'out-g');
    const key = join(dir, 'keys-g', 'signing-keys.json');
    const res = cliUnderUmask022([
      '--group-read',
      '--key',
      key,
      'batch',
      inbox,
      '--out',
      out,
      '--no-vision',
      '--concurrency',
      '1',
    ]);
    expect([0, 3], res.stderr).toContain(res.code);
    expect(existsSync(join(out, 'dualrec.sqlite'))).toBe(true);
    const all = modes(out, new Set());
    expect(all.length).toBeGreaterThan(4);
    for (const [p, m, isDir] of all) expect([p, m.toString(8)]).toEqual([p, isDir ? '750' : '640']);
    expect(mode(key).toString(8)).toBe('600');
  }, 200_000);

  it('the store opened while the WAL is live: -wal and -shm 0600', async () => {
    const file = join(dir, 'live', 'dualrec.sqlite');
    const s = openStore(file);
    await s.currentSessions();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) {
      expect(existsSync(f), f).toBe(true);
      expect(mode(f).toString(8), f).toBe('600');
    }
    await s.close();
  });

  it("a store named through a symbolic link shares the real store's lock", async () => {
    mkdirSync(join(dir, 'lk'));
    const real = join(dir, 'lk', 'dualrec.sqlite');
    const link = join(dir, 'lk', 'alias.sqlite');
    const a = openStore(real);
    symlinkSync(real, link);
    const b = openStore(link);
    const owner = { command: 'test', pid: process.pid, host: 'h', startedAt: new Date().toISOString() };
    const lock = await a.acquireLock(owner);
    expect(await b.acquireLock(owner).catch((e: unknown) => e)).toBeInstanceOf(LockedError);
    await lock.release();
    await a.close();
    await b.close();
  });
});
