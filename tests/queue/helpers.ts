// Child processes for the queue tests: the real CLI (`dualrec worker`, `dualrec batch --queue`) through
// tsx, with their pino lines collected so a test can wait for what a worker says it is doing.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Queue } from 'bullmq';
import { ROOT } from '../helpers/cli.js';
import { parseQueueUrl, QUEUE_PREFIX } from '../../src/queue/connection.js';
import { SAMPLES, type MadeSession } from '../batch/inbox.js';

const TSX_LOADER = pathToFileURL(`${ROOT}node_modules/tsx/dist/loader.mjs`).href;

export interface LogLine {
  msg?: string;
  job?: string;
  session?: string;
  [k: string]: unknown;
}

export interface Proc {
  proc: ChildProcess;
  stdout: string;
  stderr: string;
  /** pino JSON lines seen on stderr so far */
  lines: LogLine[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** resolves when `pred` holds for a line (true), or false when the process exits or `ms` pass first */
  waitFor(pred: (l: LogLine) => boolean, ms?: number): Promise<boolean>;
  alive(): boolean;
}

export function spawnCli(args: string[], env: Record<string, string> = {}): Proc {
  const proc = spawn(process.execPath, ['--import', TSX_LOADER, join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, DUALREC_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const p: Proc = {
    proc,
    stdout: '',
    stderr: '',
    lines: [],
    exit: new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal }))),
    alive: () => proc.exitCode === null && proc.signalCode === null,
    waitFor(pred, ms = 240_000) {
      return new Promise((resolve) => {
        const done = (v: boolean) => {
          clearInterval(t);
          clearTimeout(timer);
          resolve(v);
        };
        const t = setInterval(() => p.lines.some(pred) && done(true), 25);
        const timer = setTimeout(() => done(p.lines.some(pred)), ms);
        void p.exit.then(() => setTimeout(() => done(p.lines.some(pred)), 50));
      });
    },
  };
  let partial = '';
  proc.stdout!.on('data', (d: Buffer) => (p.stdout += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => {
    const text = d.toString();
    p.stderr += text;
    partial += text;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      if (!line.startsWith('{')) continue;
      try {
        p.lines.push(JSON.parse(line) as LogLine);
      } catch {
        // not a log line
      }
    }
  });
  return p;
}

export interface Setup {
  queueUrl: string;
  queueName: string;
  store: string;
}

/** A worker process, once it says it is ready. */
export async function startWorker(s: Setup, name: string, extra: string[] = []): Promise<Proc> {
  const w = spawnCli([
    'worker',
    '--queue',
    s.queueUrl,
    '--queue-name',
    s.queueName,
    '--store',
    s.store,
    '--name',
    name,
    '-j',
    '1',
    '--lock-duration',
    '6',
    ...extra,
  ]);
  const ready = await w.waitFor((l) => l.msg === 'worker ready', 60_000);
  if (!ready) throw new Error(`worker ${name} did not start: ${w.stderr.slice(-2000)}`);
  return w;
}

/** SIGTERM, and the exit (SIGKILL after `ms` so a test never leaves a process behind). */
export async function stop(
  p: Proc | undefined,
  ms = 30_000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> {
  if (!p) return undefined;
  if (p.alive()) p.proc.kill('SIGTERM');
  const t = setTimeout(() => p.alive() && p.proc.kill('SIGKILL'), ms);
  const r = await p.exit;
  clearTimeout(t);
  return r;
}

/** The queue tests are about queue mechanics: the picture is skipped (--no-vision). */
export function batchArgs(s: Setup, inbox: string, out: string, rules: string, ...more: string[]): string[] {
  return [
    'batch',
    inbox,
    '--out',
    out,
    '--store',
    s.store,
    '--queue',
    s.queueUrl,
    '--queue-name',
    s.queueName,
    '--rules',
    rules,
    '--no-vision',
    '--json',
    ...more,
  ];
}

/**
 * A long recording (the compliant sample's streams looped to ~13 minutes, copied without re-encoding,
 * with its transcript and sidecar): a job that runs for about ten seconds without the picture, so a
 * test can kill or stop a worker while it is in the middle of it (and not wait much longer for it).
 */
export function addLongRecording(dir: string, name: string): MadeSession {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-stream_loop',
    '3',
    '-i',
    join(SAMPLES, 'compliant-participating.mp4'),
    '-c',
    'copy',
    join(dir, `${name}.mp4`),
  ]);
  if (r.status !== 0) throw new Error(`ffmpeg could not make ${name}.mp4: ${r.stderr.toString()}`);
  copyFileSync(join(SAMPLES, 'compliant-participating.transcript.json'), join(dir, `${name}.transcript.json`));
  const meta = JSON.parse(readFileSync(join(SAMPLES, 'compliant-participating.meta.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  writeFileSync(join(dir, `${name}.meta.json`), JSON.stringify({ ...meta, session_id: `S-${name}` }));
  return { name, dir, sample: 'compliant-participating', recording: true, sessionId: `S-${name}` };
}

export function uniqueQueueName(label: string): string {
  return `t-${label}-${randomBytes(4).toString('hex')}`;
}

/** A BullMQ handle on the test's queue, to look at job states. */
export function queueHandle(s: Setup): Queue {
  const t = parseQueueUrl(s.queueUrl, s.queueName);
  return new Queue(t.name, { connection: t.connection, prefix: QUEUE_PREFIX });
}

/** Empties the test's queue (its keys live in a shared Redis). */
export async function obliterate(s: Setup): Promise<void> {
  const q = queueHandle(s);
  try {
    await q.obliterate({ force: true });
  } finally {
    await q.close();
  }
}

export function reportFolders(out: string): string[] {
  if (!existsSync(out)) return [];
  return readdirSync(out, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name === 'report.json')
    .map((e) => e.parentPath)
    .sort();
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}
