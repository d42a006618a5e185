// Flag parsing shared by batch, rescore and review.
import type { Verdict } from '../model/index.js';
import { LockedError } from '../store/index.js';
import { UserError } from '../util/errors.js';
import { DEFAULT_SESSION_TIMEOUT_S } from '../model/limits.js';

export const VERDICTS_ALL: readonly Verdict[] = ['FAIL', 'REVIEW', 'PASS'];

/** Another batch/rescore holds the store: say so on one line and exit 75 (EX_TEMPFAIL: try again later). */
export const EXIT_STORE_BUSY = 75;

export function parseVerdictList(flag: string, value: string): Verdict[] {
  const items = value
    .split(',')
    .map((v) => v.trim().toUpperCase())
    .filter(Boolean);
  const bad = items.find((v) => !VERDICTS_ALL.includes(v as Verdict));
  if (bad)
    throw new UserError(`${flag}: "${bad}" is not a verdict (expected a comma list of ${VERDICTS_ALL.join(', ')})`);
  return [...new Set(items)] as Verdict[];
}

export function parsePositiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`${flag}: expected a positive whole number, got "${value}"`);
  return n;
}

/**
 * The per-session timeout in ms: `--session-timeout SECONDS`, else env DUALREC_SESSION_TIMEOUT, else
 * DEFAULT_SESSION_TIMEOUT_S; 0 turns it off (undefined). Fractions of a second are allowed.
 */
export function sessionTimeoutMs(
  flag: string | undefined,
  env = process.env.DUALREC_SESSION_TIMEOUT,
): number | undefined {
  const [value, from] =
    flag !== undefined
      ? [flag, '--session-timeout']
      : env
        ? [env, 'DUALREC_SESSION_TIMEOUT']
        : [String(DEFAULT_SESSION_TIMEOUT_S), 'default'];
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new UserError(`${from}: expected seconds (0 for no timeout), got "${value}"`);
  return n === 0 ? undefined : Math.max(1, Math.round(n * 1000));
}

export async function withStoreLockExit(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (!(err instanceof LockedError)) throw err;
    process.stderr.write(`dualrec: ${err.message}\n`);
    process.exitCode = EXIT_STORE_BUSY;
  }
}
