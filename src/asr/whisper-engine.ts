// whisper.cpp through smart-whisper's native binding, run in a child process (whisper-worker.ts):
// one long-lived worker per engine holds the loaded model; a crash, a timeout or an abort kills
// only that worker, and the next call starts a fresh one.
import { fork, type ChildProcess } from 'node:child_process';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { PROJECT_ROOT } from '../util/version.js';
import { EngineError, type AsrEngine, type EngineInfo, type EngineSegment } from './engine.js';
import { BindingResultSchema, toBindingParams, type DecodeOptions } from './options.js';
import { fromBindingSegments } from './binding-map.js';
import type { ChildMessage, ParentMessage } from './whisper-worker.js';

const STDERR_LINES = 80;

export interface WhisperCppEngineOptions {
  modelPath: string;
  logger?: Logger;
}

interface Pending {
  what: 'start' | 'load' | 'run';
  id: number;
  resolve: (msg: ChildMessage) => void;
  reject: (err: Error) => void;
}

function workerEntry(): { file: string; execArgv: string[] } {
  const self = fileURLToPath(import.meta.url);
  // From src/ (tsx, vitest) the worker is TypeScript and needs tsx's loader; from dist/ it is plain JS.
  if (self.endsWith('.ts')) {
    return { file: self.replace(/whisper-engine\.ts$/, 'whisper-worker.ts'), execArgv: ['--import', 'tsx'] };
  }
  return { file: self.replace(/whisper-engine\.js$/, 'whisper-worker.js'), execArgv: [] };
}

function abortReason(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  if (r instanceof Error) return r;
  const e = new Error(typeof r === 'string' ? r : 'transcription aborted');
  e.name = 'AbortError';
  return e;
}

export class WhisperCppEngine implements AsrEngine {
  readonly name = 'whisper.cpp';
  private child: ChildProcess | undefined;
  private pending: Pending | undefined;
  private info: EngineInfo | undefined;
  private stderr: string[] = [];
  private partial = '';
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: WhisperCppEngineOptions) {}

  /** The worker's process id while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The last lines whisper.cpp logged (for error messages and tests). */
  get log(): readonly string[] {
    return this.stderr;
  }

  load(signal?: AbortSignal): Promise<EngineInfo> {
    return this.serial(() => this.ensureLoaded(signal));
  }

  transcribe(pcm: Float32Array, opts: DecodeOptions, signal?: AbortSignal): Promise<EngineSegment[]> {
    return this.serial(async () => {
      await this.ensureLoaded(signal);
      const params: Record<string, unknown> = { ...toBindingParams(opts) };
      const id = this.nextId++;
      const msg = await this.request({ t: 'run', id, pcm, params }, 'run', id, signal);
      if (msg.t === 'run-error') throw new EngineError(`whisper.cpp failed to transcribe: ${msg.message}`);
      if (msg.t !== 'result') throw new EngineError(`whisper.cpp worker answered ${msg.t} to a transcription`);
      const parsed = BindingResultSchema.safeParse(msg.segments);
      if (!parsed.success)
        throw new EngineError(`whisper.cpp returned an unexpected result shape: ${parsed.error.issues[0]?.message}`);
      return fromBindingSegments(parsed.data);
    });
  }

  async close(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    this.info = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      try {
        child.send({ t: 'close' } satisfies ParentMessage);
      } catch {
        child.kill('SIGKILL');
      }
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async ensureLoaded(signal?: AbortSignal): Promise<EngineInfo> {
    if (this.info && this.child) return this.info;
    signal?.throwIfAborted();
    this.spawn();
    const ready = await this.request(undefined, 'start', 0, signal);
    if (ready.t === 'fatal') throw new EngineError(ready.message);
    const loaded = await this.request({ t: 'load', path: this.opts.modelPath }, 'load', 0, signal);
    if (loaded.t !== 'loaded') {
      const why = this.lastError() ?? (loaded.t === 'load-error' ? loaded.message : loaded.t);
      await this.close();
      throw new EngineError(`whisper.cpp could not load ${basename(this.opts.modelPath)}: ${why}`);
    }
    this.info = {
      engine: this.name,
      modelPath: this.opts.modelPath,
      weightless: this.stderr.some((l) => l.includes('assuming empty model for testing')),
    };
    this.opts.logger?.debug({ stage: 'asr', weightless: this.info.weightless }, 'whisper.cpp model loaded');
    return this.info;
  }

  private spawn(): void {
    const { file, execArgv } = workerEntry();
    const env = { ...process.env };
    // smart-whisper silences whisper.cpp's log when NODE_ENV=production; we want it for error messages
    delete env.NODE_ENV;
    this.stderr = [];
    this.partial = '';
    const child = fork(file, [], {
      cwd: PROJECT_ROOT,
      execArgv,
      env,
      serialization: 'advanced', // Float32Array crosses as a typed array, not a JSON list
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child = child;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => this.onStderr(chunk));
    child.on('message', (msg: ChildMessage) => {
      if (this.child !== child) return; // a worker we already gave up on
      const p = this.pending;
      if (!p) return;
      const matches =
        (p.what === 'start' && (msg.t === 'ready' || msg.t === 'fatal')) ||
        (p.what === 'load' && (msg.t === 'loaded' || msg.t === 'load-error')) ||
        (p.what === 'run' && (msg.t === 'result' || msg.t === 'run-error') && msg.id === p.id);
      if (matches) {
        this.pending = undefined;
        p.resolve(msg);
      }
    });
    child.on('exit', (code, sig) => {
      // a worker we killed on purpose (abort, close) has nothing pending any more
      if (this.child !== child) return;
      this.child = undefined;
      this.info = undefined;
      const p = this.pending;
      if (!p) return;
      this.pending = undefined;
      // give the stderr pipe a moment to deliver whisper.cpp's last words (the assert or error line)
      setTimeout(() => p.reject(new EngineError(this.describeExit(p.what, code, sig))), 50);
    });
    child.on('error', (err) => {
      if (this.child !== child) return;
      const p = this.pending;
      this.pending = undefined;
      p?.reject(new EngineError(`whisper.cpp worker failed: ${err.message}`));
    });
    this.idle();
  }

  private request(
    msg: ParentMessage | undefined,
    what: Pending['what'],
    id: number,
    signal?: AbortSignal,
  ): Promise<ChildMessage> {
    const child = this.child;
    if (!child) return Promise.reject(new EngineError('whisper.cpp worker is not running'));
    return new Promise<ChildMessage>((resolve, reject) => {
      const onAbort = () => {
        this.pending = undefined;
        // whisper.cpp has no way to stop a running decode from outside: end the worker
        child.kill('SIGKILL');
        this.child = undefined;
        this.info = undefined;
        reject(abortReason(signal!));
      };
      const done = () => {
        signal?.removeEventListener('abort', onAbort);
        this.idle();
      };
      this.pending = {
        what,
        id,
        resolve: (m) => {
          done();
          resolve(m);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      };
      this.busy();
      if (signal) {
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
      }
      if (msg) child.send(msg);
    });
  }

  // An idle worker must not keep the parent process alive.
  private idle(): void {
    this.child?.unref();
    (this.child?.channel as { unref?: () => void } | undefined)?.unref?.();
    (this.child?.stderr as { unref?: () => void } | null | undefined)?.unref?.();
  }

  private busy(): void {
    this.child?.ref();
    (this.child?.channel as { ref?: () => void } | undefined)?.ref?.();
    (this.child?.stderr as { ref?: () => void } | null | undefined)?.ref?.();
  }

  private onStderr(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      this.stderr.push(line);
      if (this.stderr.length > STDERR_LINES) this.stderr.shift();
      this.opts.logger?.trace({ stage: 'asr', whisper: line }, 'whisper.cpp');
    }
  }

  private lastError(): string | undefined {
    const all = [...this.stderr, this.partial];
    const hit = [...all].reverse().find((l) => /GGML_ASSERT|error|invalid|failed|not found|abort|terminate/i.test(l));
    return hit?.replace(/^[^:]*whisper[^:]*: /, '').trim();
  }

  private describeExit(what: Pending['what'], code: number | null, sig: NodeJS.Signals | null): string {
    const how = sig ? `crashed (${sig})` : `exited with code ${code}`;
    const last = this.lastError();
    const model = basename(this.opts.modelPath);
    if (what === 'run') return `whisper.cpp ${how} while transcribing with ${model}${last ? `: ${last}` : ''}`;
    return `whisper.cpp ${how} while loading ${model}${last ? `: ${last}` : ''}; the file is corrupt or not a whisper.cpp ggml model`;
  }
}
