#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript in dist/ (npm run build).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(main)) {
  process.stderr.write('dualrec: not built yet — run `npm run build` in the dualrec folder first\n');
  process.exit(2);
}
await import(main);
