// Renders the real-wording session scripts (tests/eval-real/scripts/{dev,holdout,holdout2}/*.yaml) into the
// labelled sets dualrec eval reads: tests/eval-real/<part>/ (or under OUT).
// Usage: npx tsx scripts/make-real-sessions.ts [OUT]
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PARTS } from './lib/real-sessions/schema.js';
import { ScriptError } from './lib/real-sessions/schema.js';
import { writePart } from './lib/real-sessions/render.js';

const root = fileURLToPath(new URL('../tests/eval-real/', import.meta.url));
const out = resolve(process.argv[2] ?? root);
try {
  for (const part of PARTS) {
    const files = writePart(root, part, join(out, part));
    process.stdout.write(`${part}: wrote ${(files.length - 1) / 3} sessions to ${join(out, part)}\n`);
  }
} catch (err) {
  if (err instanceof ScriptError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
