// Writes the held-out labelled evaluation set into tests/eval-holdout/ (or the folder given).
// Usage: npx tsx scripts/make-holdout-set.ts [DIR]
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeHoldoutSet } from './lib/eval-sets/holdout.js';

const dir = resolve(process.argv[2] ?? fileURLToPath(new URL('../tests/eval-holdout/', import.meta.url)));
mkdirSync(dir, { recursive: true });
const files = writeHoldoutSet(dir);
process.stdout.write(`wrote ${files.length} files (${(files.length - 1) / 3} sessions) to ${dir}\n`);
