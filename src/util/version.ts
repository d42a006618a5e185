import { readFileSync } from 'node:fs';

/** The project root (where package.json, rules/ and models/ live), from dist/ or src/. */
export const PROJECT_ROOT = new URL('../../', import.meta.url).pathname;

export const TOOL_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
