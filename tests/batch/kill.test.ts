// Crash safety: a batch of 22 sessions (6 real recordings incl. a broken one, 16 transcript-only)
// runs in a child process and is killed with SIGKILL at random points, several times; a second
// concurrent batch on the same store is refused meanwhile. After every kill no visible file is
// half-written and the store agrees with the reports on disk; after the final run every recording
// has exactly one report, all schema-valid, and every session was completed exactly once.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sessionKey } from '../../src/batch/discover.js';
import { createRng } from '../../src/eval/random.js';
import type { Report } from '../../src/model/index.js';
import { validateReportFile } from '../../src/report/schema.js';
import { SqliteStore } from '../../src/store/index.js';
import { ROOT } from '../helpers/cli.js';
import { makeInbox } from './inbox.js';
import { writeTestPacks } from './rules.js';

const work = mkdtempSync(join(tmpdir(), 'dualrec-kill-'));
const inbox = join(work, 'inbox');
const out = join(work, 'out');
const packs = writeTestPacks(join(work, 'rules'));
const made = makeInbox(inbox, { recordings: 6, transcripts: 16 });
const reportDirs = made.map((m) => join(out, relative(inbox, m.dir), m.name));
const seed = Number(process.env.DUALREC_KILL_SEED ?? Date.now() % 100_000);
const rng = createRng(seed);

afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Child {
  proc: ChildProcess;
  stdout: string;
  stderr: string;
  doneLines: number;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startBatch(): Child {
  const proc = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'src/cli/main.ts'),
      'batch',
      inbox,
      '--out',
      out,
      '--concurrency',
      '2',
      '--rules',
      packs.a,
      '--no-vision',
    ],
    { cwd: ROOT, env: { ...process.env, DUALREC_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const c: Child = {
    proc,
    stdout: '',
    stderr: '',
    doneLines: 0,
    exit: new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal }))),
  };
  proc.stdout!.on('data', (d: Buffer) => (c.stdout += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => {
    const text = d.toString();
    c.stderr += text;
    c.doneLines += text.split('"msg":"session done"').length - 1;
  });
  return c;
}

function waitFor(c: Child, pred: () => boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setInterval(() => {
      if (pred()) {
        clearInterval(t);
        resolve(true);
      }
    }, 20);
    void c.exit.then(() => {
      clearInterval(t);
      resolve(pred());
    });
  });
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** What must hold at any moment, even right after a SIGKILL. */
function checkInvariants(when: string): void {
  for (const f of filesUnder(out)) {
    const base = f.split('/').pop()!;
    if (base.startsWith('.')) continue; // temp files are hidden, and removed by the next run
    if (base === 'report.json') {
      expect(validateReportFile(f), `${when}: ${f}`).toEqual({ ok: true });
    }
  }
  const store = new SqliteStore(join(out, 'dualrec.sqlite'));
  try {
    const db = store.raw();
    const current = db
      .prepare(
        'SELECT s.report_dir AS dir, r.status, r.report_json_sha256 AS j, r.report_html_sha256 AS h FROM sessions s JOIN runs r ON r.id = s.current_run_id',
      )
      .all() as { dir: string; status: string; j: string; h: string }[];
    for (const c of current) {
      expect(c.status, when).toBe('done');
      expect(sha(join(c.dir, 'report.json')), `${when}: ${c.dir}`).toBe(c.j);
      expect(sha(join(c.dir, 'report.html')), `${when}: ${c.dir}`).toBe(c.h);
    }
    expect(db.pragma('integrity_check', { simple: true }), when).toBe('ok');
  } finally {
    void store.close();
  }
}

describe('batch crash safety', () => {
  it(`survives SIGKILL at random points and ends with exactly one report per recording (seed ${seed})`, async () => {
    expect(made.length).toBeGreaterThanOrEqual(20);
    let kills = 0;

    for (let round = 0; round < 4; round++) {
      const c = startBatch();
      if (round === 0) {
        // a second batch on the same store while this one runs is refused, clearly
        await waitFor(c, () => c.stderr.includes('"msg":"batch started"'));
        const second = startBatch();
        const r = await second.exit;
        expect(r.code, second.stderr).toBe(75);
        expect(second.stderr).toMatch(/another dualrec batch or rescore is using this store \(batch, pid \d+/);
      }
      const after = rng.int(4);
      const delay = rng.int(700);
      const reached = await waitFor(c, () => c.doneLines >= after);
      if (reached) await new Promise((r) => setTimeout(r, delay));
      const alive = c.proc.exitCode === null && c.proc.signalCode === null;
      if (alive) {
        c.proc.kill('SIGKILL');
        kills++;
      }
      const r = await c.exit;
      if (!alive) expect([0, 3], c.stderr.slice(-2000)).toContain(r.code);
      checkInvariants(`after round ${round} (killed after ${after} done + ${delay} ms)`);
    }
    expect(kills).toBeGreaterThan(0);

    // resume to the end
    const last = startBatch();
    const end = await last.exit;
    expect([0, 3], last.stderr.slice(-2000)).toContain(end.code);
    expect(last.stdout).toMatch(/session\(s\): \d+ analyzed, \d+ unchanged/);
    checkInvariants('after the final run');

    // exactly one report folder per recording, nothing half-written or left over
    const jsons = filesUnder(out)
      .filter((f) => f.endsWith('/report.json'))
      .map((f) => f.slice(0, -'/report.json'.length));
    expect(jsons.sort()).toEqual([...reportDirs].sort());
    expect(filesUnder(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const store = new SqliteStore(join(out, 'dualrec.sqlite'));
    try {
      expect(await store.checkConsistency()).toEqual([]);
      const db = store.raw();
      expect(db.prepare(`SELECT COUNT(*) AS n FROM runs WHERE status = 'running'`).get()).toEqual({ n: 0 });
      expect(db.prepare('SELECT COUNT(*) AS n FROM sessions').get()).toEqual({ n: made.length });
      // every session completed exactly once: finished work is never redone after a crash
      const done = db
        .prepare(`SELECT session_key AS k, COUNT(*) AS n FROM runs WHERE status = 'done' GROUP BY session_key`)
        .all() as { k: string; n: number }[];
      expect(done).toHaveLength(made.length);
      for (const d of done) expect(d.n).toBe(1);
      const abandoned = (db.prepare(`SELECT COUNT(*) AS n FROM runs WHERE status = 'abandoned'`).get() as { n: number })
        .n;
      expect(abandoned).toBeGreaterThan(0);

      // the store and the reports agree, and equal inputs gave equal verdicts despite the crashes
      const verdictOf = new Map<string, string>();
      for (const [i, m] of made.entries()) {
        const report = JSON.parse(readFileSync(join(reportDirs[i]!, 'report.json'), 'utf8')) as Report;
        const s = await store.getSession(sessionKey(reportDirs[i]!));
        expect(s && 'run' in s ? s.run.verdict : undefined, m.name).toBe(report.verdict);
        const meta = JSON.parse(readFileSync(join(m.dir, `${m.name}.meta.json`), 'utf8')) as { channel?: string };
        const group = `${m.sample}/${m.recording}/${meta.channel ?? ''}`;
        if (verdictOf.has(group)) expect(report.verdict, `${m.name} vs its group ${group}`).toBe(verdictOf.get(group));
        verdictOf.set(group, report.verdict);
      }
    } finally {
      await store.close();
    }
  }, 400_000);
});
