// src/jobs: what a local batch (src/batch) and the job queue (src/queue) both use.
// Progress of a batch: a one-line bar on a TTY, pino lines otherwise (cron, systemd, CI).
import type { Verdict } from '../model/index.js';
import { rootLogger } from '../util/log.js';

export interface ProgressSink {
  start(total: number, skipped: number): void;
  done(name: string, verdict: Verdict | 'failed', extra?: Record<string, unknown>): void;
  end(): void;
}

export function progressSink(opts: { tty: boolean; stream?: NodeJS.WriteStream }): ProgressSink {
  return opts.tty ? new TtyBar(opts.stream ?? process.stderr) : new LogProgress();
}

class LogProgress implements ProgressSink {
  private total = 0;
  private count = 0;
  start(total: number, skipped: number): void {
    this.total = total;
    rootLogger().info({ toAnalyze: total, skipped }, 'batch started');
  }
  done(name: string, verdict: Verdict | 'failed', extra: Record<string, unknown> = {}): void {
    this.count++;
    rootLogger()
      .child({ session: name })
      .info({ verdict, done: this.count, total: this.total, ...extra }, 'session done');
  }
  end(): void {}
}

class TtyBar implements ProgressSink {
  private total = 0;
  private count = 0;
  private counts: Record<string, number> = { FAIL: 0, REVIEW: 0, PASS: 0, failed: 0 };
  private last = '';
  constructor(private readonly out: NodeJS.WriteStream) {}
  start(total: number, skipped: number): void {
    this.total = total;
    if (skipped) this.out.write(`${skipped} session(s) unchanged since their last run: skipped\n`);
    this.draw();
  }
  done(name: string, verdict: Verdict | 'failed'): void {
    this.count++;
    this.counts[verdict] = (this.counts[verdict] ?? 0) + 1;
    this.last = name;
    this.draw();
  }
  private draw(): void {
    const width = 24;
    const filled = this.total ? Math.round((this.count / this.total) * width) : width;
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const c = this.counts;
    const cols = this.out.columns ?? 100;
    const line = `${bar} ${this.count}/${this.total}  FAIL ${c.FAIL}  REVIEW ${c.REVIEW}  PASS ${c.PASS}${c.failed ? `  errors ${c.failed}` : ''}  ${this.last}`;
    this.out.write(`\r\x1b[2K${line.slice(0, cols - 1)}`);
  }
  end(): void {
    this.out.write('\n');
  }
}
