// Progress for long work: a one-line bar on a terminal, pino lines (every 10 %) otherwise.
import type { Logger } from 'pino';

export interface Progress {
  update(done: number, total: number): void;
  finish(): void;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

export function createProgress(opts: {
  label: string;
  logger?: Logger;
  /** how to show done/total, e.g. bytes */
  unit?: (n: number) => string;
  stream?: NodeJS.WriteStream;
}): Progress {
  const stream = opts.stream ?? process.stderr;
  const tty = stream.isTTY === true;
  const unit = opts.unit ?? String;
  const started = Date.now();
  let lastDraw = 0;
  let lastLogged = -1;
  let drawn = false;
  return {
    update(done, total) {
      const frac = total > 0 ? Math.min(1, done / total) : 0;
      if (tty) {
        const now = Date.now();
        if (now - lastDraw < 100 && done < total) return;
        lastDraw = now;
        const width = 24;
        const filled = Math.round(frac * width);
        const rate = done / Math.max(0.001, (now - started) / 1000);
        const speed = opts.unit ? ` ${unit(Math.round(rate))}/s` : '';
        stream.write(
          `\r${opts.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(frac * 100)).padStart(3)}% ${unit(done)}/${unit(total)}${speed}\x1b[K`,
        );
        drawn = true;
      } else {
        const step = Math.floor(frac * 10);
        if (step > lastLogged) {
          lastLogged = step;
          opts.logger?.info(
            { progress: Math.round(frac * 100), done, total },
            `${opts.label} ${Math.round(frac * 100)}%`,
          );
        }
      }
    },
    finish() {
      if (tty && drawn) stream.write('\n');
    },
  };
}
