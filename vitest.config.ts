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
    // and two test files already keep both cores busy: a session's vision stays in its thread, as in a
    // batch with one core per session (tests/vision/vision.e2e.test.ts runs the worker threads itself)
    env: {
      DUALREC_KEY_FILE: join(tmpdir(), `dualrec-test-keys-${process.getuid?.() ?? 'user'}`, 'signing-keys.json'),
      DUALREC_VISION_THREADS: '1',
    },
  },
});
