// Writes the labelled evaluation set into tests/eval-set/ (or the folder given).
// Usage: npx tsx scripts/make-eval-set.ts [DIR]
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeEvalSet } from './lib/eval-sets/generated.js';

const dir = resolve(process.argv[2] ?? fileURLToPath(new URL('../tests/eval-set/', import.meta.url)));
mkdirSync(dir, { recursive: true });
const files = writeEvalSet(dir);
process.stdout.write(`wrote ${files.length} files (${(files.length - 1) / 3} sessions) to ${dir}\n`);
