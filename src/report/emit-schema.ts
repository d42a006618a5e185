// Regenerates docs/report.schema.json and the field reference in docs/report.md from
// schema.ts: `npx tsx src/report/emit-schema.ts`. tests/report/schema.test.ts fails when they drift.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../util/atomic.js';
import { PROJECT_ROOT } from '../util/version.js';
import { REPORT_JSON_SCHEMA } from './schema.js';
import { updateFieldReference } from './schema-doc.js';

export const SCHEMA_DOC_PATH = join(PROJECT_ROOT, 'docs', 'report.schema.json');
export const FIELDS_DOC_PATH = join(PROJECT_ROOT, 'docs', 'report.md');

export function schemaFileText(): string {
  return `${JSON.stringify(REPORT_JSON_SCHEMA, null, 2)}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileAtomic(SCHEMA_DOC_PATH, schemaFileText());
  writeFileAtomic(FIELDS_DOC_PATH, updateFieldReference(readFileSync(FIELDS_DOC_PATH, 'utf8')));
  process.stdout.write(`wrote ${SCHEMA_DOC_PATH} and the field reference in ${FIELDS_DOC_PATH}\n`);
}
