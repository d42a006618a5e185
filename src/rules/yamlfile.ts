// YAML parsing with line numbers, and zod validation whose errors name file, line and field.
import { isMap, isScalar, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import type { z } from 'zod';
// the distance functions only: the package index loads dotenv, which reads ./.env and prints to stdout
import natural from 'natural/lib/natural/distance/index.js';
import { readFileSync, statSync } from 'node:fs';
import { RULE_FILE_MAX_BYTES, YAML_MAX_ALIASES } from '../model/limits.js';
import { UserError, errorMessage } from '../util/errors.js';

export interface YamlDoc {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

/** A rule or lexicon file's text, refused (naming the file) when it is larger than a rule file can be. */
export function readRuleFile(file: string): string {
  const size = statSync(file).size;
  if (size > RULE_FILE_MAX_BYTES) {
    throw new UserError(`${file}: ${size} bytes, too large for a rule file (limit ${RULE_FILE_MAX_BYTES} bytes)`, file);
  }
  return readFileSync(file, 'utf8');
}

/** The document as plain data; aliases are resolved at most YAML_MAX_ALIASES times (alias bombs). */
export function yamlToJs(y: YamlDoc): unknown {
  try {
    return y.doc.toJS({ maxAliasCount: YAML_MAX_ALIASES });
  } catch (err) {
    const why = /alias/i.test(errorMessage(err))
      ? `too many YAML aliases (limit ${YAML_MAX_ALIASES}): an alias bomb?`
      : err instanceof RangeError
        ? 'nested too deeply'
        : errorMessage(err);
    throw new UserError(`${y.file}: ${why}`, y.file);
  }
}

export function parseYaml(file: string, source: string): YamlDoc[] {
  const lines = new LineCounter();
  const docs = (() => {
    try {
      return parseAllDocuments(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    } catch (err) {
      // the parser recurses into nested collections: thousands of [[[[… levels exhaust the stack
      throw new UserError(
        `${file}: invalid YAML: ${err instanceof RangeError ? 'nested too deeply' : errorMessage(err)}`,
        file,
      );
    }
  })();
  if (!Array.isArray(docs)) {
    // an empty stream parses to a single EmptyStream object
    return [];
  }
  const out: YamlDoc[] = [];
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) {
      const pos = lines.linePos(err.pos[0]);
      const msg = /call stack/i.test(err.message)
        ? 'nested too deeply'
        : err.message.split('\n')[0].replace(/ at line \d+, column \d+.*$/, '');
      throw new UserError(`${file}:${pos.line}: invalid YAML: ${msg}`, file);
    }
    if (doc.contents === null) continue;
    out.push({ file, doc, lines });
  }
  return out;
}

/** Line of the node at `path` (or of the key `key` inside it), 0 when unknown. */
export function lineOf(y: YamlDoc, path: (string | number)[], key?: string): number {
  let node: unknown = y.doc.contents;
  let lastGood: unknown = node;
  for (const seg of path) {
    if (node && typeof node === 'object' && 'get' in node && typeof (node as { get: unknown }).get === 'function') {
      node = (node as { get(k: unknown, keep: boolean): unknown }).get(seg, true);
      if (node) lastGood = node;
      else break;
    } else break;
  }
  let target = lastGood as Node | undefined;
  if (key !== undefined && target && isMap(target)) {
    const pair = target.items.find((p) => isScalar(p.key) && p.key.value === key);
    if (pair && isScalar(pair.key)) target = pair.key;
  }
  const off = target?.range?.[0];
  return off === undefined ? 0 : y.lines.linePos(off).line;
}

export function fieldName(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('') || '(top level)';
}

/** Validate `value` (found at `base` inside the YAML doc); throw a UserError on the first issue. */
export function validate<T extends z.ZodType>(
  y: YamlDoc,
  schema: T,
  value: unknown,
  base: (string | number)[] = [],
): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = [...base, ...(issue.path as (string | number)[])];
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    const line = lineOf(y, path, key);
    const hint = suggest(key, schema, issue.path as (string | number)[]);
    throw new UserError(`${y.file}:${line}: unknown field "${fieldName([...path, key])}"${hint}`, y.file);
  }
  const line = lineOf(y, path);
  throw new UserError(`${y.file}:${line}: field "${fieldName(path)}": ${issue.message}`, y.file);
}

function suggest(key: string, schema: z.ZodType, _path: (string | number)[]): string {
  // cheap "did you mean": known keys of the rule schema family share a global list
  const known = KNOWN_KEYS.filter((k) => editDistance(k, key) <= 2);
  return known.length ? ` (did you mean "${known[0]}"?)` : '';
  void schema;
}

let KNOWN_KEYS: string[] = [];
export function registerKnownKeys(keys: string[]): void {
  KNOWN_KEYS = [...new Set([...KNOWN_KEYS, ...keys])];
}

function editDistance(a: string, b: string): number {
  return natural.LevenshteinDistance(a, b, {});
}
