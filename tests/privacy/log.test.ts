// The log masks personal numbers in the message and in every field: a reason, a nested value, an
// error's message and stack, the session binding.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { CARD, ID, MOBILE } from './numbers.js';

it('log lines hold only masked numbers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dualrec-log-'));
  try {
    const file = join(dir, 'log.jsonl');
    const script = `
      import { sessionLogger } from ${JSON.stringify(pathToFileURL(join(ROOT, 'src/util/log.ts')).href)};
      const log = sessionLogger('S-${MOBILE}');
      log.warn({ reason: 'line 5: 电话${MOBILE}', nested: { quotes: ['身份证${ID}', '卡号${CARD}'] } }, '客户说 ${MOBILE}');
      log.error({ err: new Error('could not parse 身份证${ID}') }, 'failed');`;
    const res = spawnSync(
      process.execPath,
      [
        '--import',
        pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href,
        '--input-type=module',
        '-e',
        script,
      ],
      {
        env: { ...process.env, DUALREC_LOG_FILE: file, DUALREC_LOG_LEVEL: 'info' },
        encoding: 'utf8',
      },
    );
    expect(res.status, res.stderr).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text.trim().split('\n')).toHaveLength(2);
    for (const secret of [MOBILE, ID, CARD]) expect(text).not.toContain(secret);
    expect(text).toContain(`*******${MOBILE.slice(-4)}`);
    expect(text).toContain(`**************${ID.slice(-4)}`);
    expect(text).toContain(CARD.slice(-4));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
