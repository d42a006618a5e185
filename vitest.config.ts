import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // two cores: keep ffmpeg-heavy files from starving each other
    maxWorkers: 2,
    // reports are signed with a key made on first use: tests make theirs here, never in the user's ~/.config
    env: { DUALREC_KEY_FILE: join(tmpdir(), `dualrec-test-keys-${process.getuid?.() ?? 'user'}`, 'signing-keys.json') },
  },
});
