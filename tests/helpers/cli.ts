// Runs the real CLI in a child process (through tsx, so tests never see a stale build).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): CliResult {
  const res = spawnSync(process.execPath, ['--import', 'tsx', `${ROOT}src/cli/main.ts`, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, DUALREC_LOG_LEVEL: 'warn', ...opts.env },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
  });
  return { code: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
}
