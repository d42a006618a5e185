// Nothing in an inbox stops the batch (issue 13, items 1–2): files that cannot be read — a link to
// nothing, a FIFO, no permission on a transcript, a sidecar or a sub-folder — give their session a
// REVIEW report naming the file, the others are analyzed, exit 3. A session past the session timeout
// gets a REVIEW report saying so. Only where results go stops a batch, before any analysis: --out a
// file, a corrupt store; rescore on a missing store. Real files, real permissions (as root the batch
// runs as `nobody` through setpriv, since root reads any file), real SQLite.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { BatchSummary } from '../../src/batch/run.js';
import type { Report } from '../../src/model/index.js';
import { analyzeSession } from '../../src/pipeline/analyze.js';
import { sessionsInFolder } from '../../src/pipeline/session.js';
import { loadRuleSet } from '../../src/rules/index.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { addTranscriptOnly } from './inbox.js';
import { writeTestPacks } from './rules.js';

const work = mkdtempSync(join(tmpdir(), 'dualrec-robust-'));
chmodSync(work, 0o755); // the unprivileged child must reach the inbox
afterAll(() => {
  chmodSync(work, 0o700);
  spawnSync('chmod', ['-R', 'u+rwX', work]);
  rmSync(work, { recursive: true, force: true });
});
const packs = writeTestPacks(join(work, 'rules'));
const report = (out: string, rel: string) => JSON.parse(readFileSync(join(out, rel, 'report.json'), 'utf8')) as Report;

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;
// the unprivileged user signs its reports with a key of its own, in a folder it owns
const nobodyKeys = join(work, 'nobody-keys');
mkdirSync(nobodyKeys, { mode: 0o700 });
if (asRoot) chownSync(nobodyKeys, NOBODY, NOBODY);

/** The CLI as an unprivileged user (as root: setpriv to nobody), so file permissions really apply. */
function runUnprivileged(args: string[]): { code: number; stdout: string; stderr: string } {
  const node = [
    process.execPath,
    '--import',
    pathToFileURL(`${ROOT}node_modules/tsx/dist/loader.mjs`).href,
    `${ROOT}src/cli/main.ts`,
    ...args,
  ];
  const cmd = asRoot ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', ...node] : node;
  const r = spawnSync(cmd[0]!, cmd.slice(1), {
    cwd: work,
    env: {
      ...process.env,
      DUALREC_LOG_LEVEL: 'warn',
      HOME: work,
      DUALREC_KEY_FILE: join(nobodyKeys, 'signing-keys.json'),
    },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('a file that cannot be read is its session’s problem, not the batch’s', () => {
  it('links to nothing, FIFOs, unreadable transcripts, sidecars and sub-folders → REVIEW naming the file; the rest analyzed; exit 3', () => {
    const inbox = join(work, 'inbox-perm');
    const d = join(inbox, '2024-05-01');
    addTranscriptOnly(d, 'good1', 'compliant-participating');
    addTranscriptOnly(d, 'good2', 'missing-exclusions');
    addTranscriptOnly(d, 'secret', 'compliant-participating');
    addTranscriptOnly(d, 'meta-locked', 'missing-exclusions');
    addTranscriptOnly(join(inbox, 'locked'), 'inside', 'compliant-participating');
    symlinkSync(join(work, 'no-such-recording.mp4'), join(d, 'gone.mp4')); // vanished: a link to nothing
    expect(spawnSync('mkfifo', [join(d, 'pipe.mp4')]).status).toBe(0); // would block whoever opens it
    spawnSync('chmod', ['-R', 'a+rX', inbox]);
    chmodSync(join(d, 'secret.transcript.json'), 0o000);
    chmodSync(join(d, 'meta-locked.meta.json'), 0o000);
    chmodSync(join(inbox, 'locked'), 0o000);
    const out = join(work, 'out-perm');
    mkdirSync(out);
    if (asRoot) chownSync(out, NOBODY, NOBODY);

    const r = runUnprivileged([
      'batch',
      inbox,
      '--out',
      out,
      '--rules',
      packs.a,
      '--no-vision',
      '--json',
      '--concurrency',
      '2',
    ]);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(3);
    const s = JSON.parse(r.stdout) as BatchSummary;
    const reasons = Object.fromEntries(s.failures.map((f) => [f.name, f.reason]));
    expect(reasons).toEqual({
      gone: expect.stringMatching(/gone\.mp4: no such file/),
      pipe: expect.stringMatching(/pipe\.mp4: not a regular file/),
      secret: expect.stringMatching(/secret\.transcript\.json: permission denied/),
      'meta-locked': expect.stringMatching(/meta-locked\.meta\.json: permission denied/),
      'locked/': expect.stringMatching(/locked: permission denied/),
    });
    for (const name of ['gone', 'pipe', 'secret', 'meta-locked']) {
      const rep = report(out, `2024-05-01/${name}`);
      expect(rep.verdict).toBe('REVIEW');
      expect(rep.error).toBe(reasons[name]);
    }
    // the readable sessions were analyzed as usual
    expect(report(out, '2024-05-01/good1').error).toBeUndefined();
    expect(
      report(out, '2024-05-01/good2').findings.some((f) => f.ruleId === 't-exclusions' && f.status === 'fail'),
    ).toBe(true);
    expect(s.analysed).toBe(6);
  }, 300_000);
});

describe('a file removed between discovery and analysis', () => {
  it('gives its session a REVIEW report naming it, where it used to be an internal error', async () => {
    const dir = join(work, 'vanish');
    const made = addTranscriptOnly(dir, 'v', 'compliant-participating');
    writeFileSync(join(dir, 'v.mp4'), readFileSync(join(ROOT, 'samples/compliant-participating.mp4')));
    const [input] = sessionsInFolder(dir);
    expect(input!.recording).toBe(join(dir, 'v.mp4'));
    rmSync(join(dir, 'v.mp4')); // gone after discovery, before analysis
    const r = await analyzeSession(input!, {
      outDir: join(work, 'out-vanish'),
      ruleSet: loadRuleSet([packs.a]),
      vision: false,
    });
    expect(r.report.verdict).toBe('REVIEW');
    expect(r.report.error).toBe('v.mp4: no such file (removed while the batch ran, or a link to nothing)');
    expect(r.problem).toMatch(/vanish\/v\.mp4: no such file/);
    expect(made.name).toBe('v');
  }, 60_000);
});

describe('where results go is checked before any analysis', () => {
  const inbox = join(work, 'inbox-out');
  addTranscriptOnly(inbox, 'one', 'compliant-participating');

  it('--out naming a file: one clear line, exit 2, nothing analyzed', () => {
    const file = join(work, 'not-a-folder');
    writeFileSync(file, 'x');
    const r = runCli(['batch', inbox, '--out', file, '--rules', packs.a, '--no-vision']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`dualrec: --out ${file}: is a file, not a folder`);
    expect(r.stdout).toBe('');
    const a = runCli(['analyze', join(inbox, 'one.transcript.json'), '--out', join(file, 'sub'), '--rules', packs.a]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(
      /--out .*not-a-folder\/sub: cannot create the output folder \(a path part is a file, not a folder\)/,
    );
  }, 120_000);

  it('--out a folder the user cannot write: exit 2 naming it, before analysis', () => {
    const ro = join(work, 'read-only-out');
    mkdirSync(ro, { mode: 0o755 }); // root's; nobody cannot write it
    const r = runUnprivileged(['batch', inbox, '--out', ro, '--rules', packs.a, '--no-vision']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`--out ${ro}: cannot write there \\(permission denied\\)`));
  }, 120_000);

  it('a corrupt store: "<path>: not a SQLite database, or corrupt", exit 2, no report written', () => {
    const out = join(work, 'out-corrupt');
    mkdirSync(out);
    writeFileSync(join(out, 'dualrec.sqlite'), 'SQLite format 3\0' + 'garbage '.repeat(1000));
    const r = runCli(['batch', inbox, '--out', out, '--rules', packs.a, '--no-vision']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${out}/dualrec\\.sqlite: not a SQLite database, or corrupt`));
    expect(r.stderr).not.toMatch(/internal error/);
    expect(existsSync(join(out, 'one'))).toBe(false);
  }, 120_000);

  it('rescore --out <typo> refuses instead of making an empty store and exiting 0', () => {
    const typo = join(work, 'out-typo');
    const r = runCli(['rescore', '--out', typo, '--rules', packs.a]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/out-typo\/dualrec\.sqlite: no store here/);
    expect(existsSync(typo)).toBe(false);
  }, 120_000);
});

describe('the per-session timeout', () => {
  it('a session past --session-timeout gets a REVIEW report saying so, and the batch goes on', () => {
    const inbox = join(work, 'inbox-slow');
    addTranscriptOnly(inbox, 'quick', 'missing-exclusions');
    // within every limit, yet long to analyze (~13 million characters): 300 segments of 45,000 characters
    const slow = addTranscriptOnly(inbox, 'slow', 'compliant-participating');
    const unit = '保本保息，稳赚不赔，比存款划算';
    const segments = Array.from({ length: 300 }, (_, i) => ({
      start: i * 10,
      end: i * 10 + 9,
      text: unit.repeat(3000),
      speaker: 'agent',
    }));
    writeFileSync(
      join(slow.dir, 'slow.transcript.json'),
      JSON.stringify({ format: 'dualrec-transcript', version: 1, segments }),
    );
    const out = join(work, 'out-slow');
    const t0 = Date.now();
    const r = runCli(
      [
        'batch',
        inbox,
        '--out',
        out,
        '--rules',
        packs.a,
        '--no-vision',
        '--json',
        '--concurrency',
        '2',
        '--session-timeout',
        '5',
      ],
      { timeoutMs: 200_000 },
    );
    const took = Date.now() - t0;
    expect(r.code).toBe(3);
    const s = JSON.parse(r.stdout) as BatchSummary;
    expect(s.failures.map((f) => f.name)).toEqual(['slow']);
    expect(s.failures[0]!.reason).toMatch(/slow\.transcript\.json: timed out after 5 s/);
    const rep = report(out, 'slow');
    expect(rep.verdict).toBe('REVIEW');
    expect(rep.error).toMatch(/timed out after 5 s/);
    expect(report(out, 'quick').error).toBeUndefined();
    expect(took).toBeLessThan(120_000);
  }, 220_000);
});
