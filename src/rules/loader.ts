// Loads rule packs (YAML) and the lexicon, validates them strictly and compiles them.
// Every load error is a UserError naming file, line and field.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { RE2JS } from 're2js';
import { makePattern, type Pattern } from '../text/corpus.js';
import { buildLexicon, LexiconFileSchema, type Lexicon, type LexiconFile } from '../text/lexicon.js';
import { normText } from '../text/normalize.js';
import { NUMERAL_CHARS } from '../text/numerals.js';
import { canonText } from '../text/pinyin.js';
import { UserError } from '../util/errors.js';
import { PROJECT_ROOT } from '../util/version.js';
import { MatchSchema, RuleSchema, type MatchSpec, type RuleSpec } from './schema.js';
import type { CompiledMatch, CompiledRule, CompiledSlot, Keyword, RuleSet } from './types.js';
import { lineOf, parseYaml, readRuleFile, registerKnownKeys, validate, yamlToJs, type YamlDoc } from './yamlfile.js';
import { buildIdf, compileExample, finishExamples } from './matchers/examples.js';
import type { IdfModel } from '../text/similarity.js';
import { loadModel, type SuspectModel } from './suspect/model.js';

export const DEFAULT_RULES_DIR = join(PROJECT_ROOT, 'rules');
const LEXICON_DIR = 'lexicon';
/** suspicion models (rules train) live here, beside the packs */
const MODELS_DIR = 'models';

registerKnownKeys([
  ...Object.keys(RuleSchema.shape),
  ...Object.keys(MatchSchema.shape),
  'after',
  'before',
  'within_s',
  'by',
  'proxy',
  'accept',
  'max_cpm',
  'min_chars',
  'max_s',
  'between',
  'product_type',
  'channel',
  'min_age',
  'max_age',
  'term_over_years',
  'region',
  'effective_from',
  'effective_to',
  'hit',
  'miss',
  'cases',
  'dialogue',
  'expect',
  'pass',
  'fail',
  'min',
  'max',
  'eq',
  'n',
  'of',
]);

interface Found {
  rules: { path: string; pack: string }[];
  lexicon: string[];
  /** model name → file (a later folder's model replaces the shipped one) */
  models: Map<string, string>;
}

function isYaml(p: string): boolean {
  return /\.ya?ml$/i.test(p);
}

function discover(dir: string, found: Found, packRoot: string): void {
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new UserError(`${dir}: rule folder not found`, dir);
  }
  if (st.isFile()) {
    if (!isYaml(dir)) throw new UserError(`${dir}: not a YAML rule file`, dir);
    found.rules.push({ path: dir, pack: basename(dirname(dir)) });
    return;
  }
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.name.startsWith('.')) continue;
    if (e.isDirectory()) {
      if (e.name === LEXICON_DIR) {
        for (const f of readdirSync(p).sort()) if (isYaml(f)) found.lexicon.push(join(p, f));
      } else if (e.name === MODELS_DIR) {
        for (const f of readdirSync(p).sort()) if (f.endsWith('.json')) found.models.set(f.slice(0, -5), join(p, f));
      } else discover(p, found, packRoot);
    } else if (e.isFile() && isYaml(e.name)) {
      const rel = relative(packRoot, dir);
      found.rules.push({ path: p, pack: rel === '' ? basename(dir) : rel });
    }
  }
}

/** "@deposit" in a regex → (?:存款|定期|…), the lexicon class's words */
function expandClassRefs(y: YamlDoc, path: (string | number)[], src: string, lex?: Lexicon): string {
  return src.replace(/@([a-z][a-z0-9_]*)/g, (_, name: string) => {
    const words = lex?.classes.get(name);
    if (!words)
      throw new UserError(
        `${y.file}:${lineOf(y, path)}: field "${path.join('.')}": unknown word class "@${name}" (classes are defined in rules/lexicon/*.yaml under "classes:")`,
        y.file,
      );
    return `(?:${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`;
  });
}

function compileRe(y: YamlDoc, path: (string | number)[], src: string, canon: boolean, lex?: Lexicon): RE2JS {
  try {
    return RE2JS.compile(normalizeRegexLiterals(expandClassRefs(y, path, src, lex), canon));
  } catch (err) {
    const line = lineOf(y, path);
    const why = err instanceof Error ? err.message : String(err);
    throw new UserError(
      `${y.file}:${line}: field "${path.join('.')}": invalid or unsupported regular expression (${why}); rules use RE2 syntax, which is linear-time: no backreferences or lookaround`,
      y.file,
    );
  }
}

/**
 * Regexes run on normalised text, so their literal Chinese parts are normalised the same way
 * (traditional → simplified, full → half width); regex syntax characters are left alone.
 */
function normalizeRegexLiterals(src: string, canon: boolean): string {
  return src.replace(/[\p{Script=Han}\uFF01-\uFF5E]+/gu, (m) => {
    const n = normText(m) || m;
    return canon ? canonText(n) : n;
  });
}

/** A rule word: "执业证|工号" lists alternatives; lexicon synonyms of each count too. */
function keyword(word: string, lex: Lexicon, pinyin: boolean | undefined, slip3 = true): Keyword {
  const forms = word
    .split('|')
    .flatMap((f) => (/^@[a-z][a-z0-9_]*$/.test(f.trim()) ? (lex.classes.get(f.trim().slice(1)) ?? [f]) : [f]))
    .map(normText)
    .filter(Boolean);
  const all = new Set<string>();
  for (const n of forms) for (const w of [n, ...(lex.synonyms.get(n) ?? [])]) all.add(w);
  const alts: Pattern[] = [...all].map((w) => makePattern(w));
  // single characters have too many homophones: 'auto' compares sounds for 2+ characters
  return { word, alts, pinyin: pinyin ?? 'auto', slip3, soundTwoNeedsOne: !slip3 };
}

function compileSlot(y: YamlDoc, path: (string | number)[], template: string, canon: boolean): CompiledSlot {
  const names: string[] = [];
  // literal parts are normalised; a space allows a short gap; {name} captures a number
  const parts = template.split(/(\{[a-z][a-z0-9_]*\})/);
  let re = '';
  for (const part of parts) {
    const m = /^\{([a-z][a-z0-9_]*)\}$/.exec(part);
    if (m) {
      if (names.includes(m[1])) {
        throw new UserError(
          `${y.file}:${lineOf(y, path)}: field "${path.join('.')}": slot {${m[1]}} used twice`,
          y.file,
        );
      }
      names.push(m[1]);
      // digits, or (when comparing sounds) numerals the normaliser could not read because ASR
      // wrote them as homophones; slot.ts reads those back by sound
      const spoken = canon ? `|[${canonText(NUMERAL_CHARS)}]{2,8}` : '';
      re += `(?P<${m[1]}>\\d{1,12}(?:\\.\\d{1,4})?${spoken})`;
    } else if (part) {
      re += part
        .split(/\s+/)
        .map((lit) => normalizeRegexLiterals(lit, canon))
        .join('[^0-9]{0,16}?');
    }
  }
  if (!names.length) {
    throw new UserError(
      `${y.file}:${lineOf(y, path)}: field "${path.join('.')}": slot template has no {name} placeholder`,
      y.file,
    );
  }
  const literals = [...normText(template.replace(/\{[a-z0-9_]+\}/g, ' '))]
    .filter((c) => /\p{Script=Han}/u.test(c))
    .join('');
  return { template, literals, re: compileRe(y, path, re, false), names };
}

const arr = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function compileMatch(
  y: YamlDoc,
  base: (string | number)[],
  m: MatchSpec,
  lex: Lexicon,
  prohibited: boolean,
): CompiledMatch {
  const kw = (w: string): Keyword => {
    for (const ref of w
      .split('|')
      .map((f) => f.trim())
      .filter((f) => f.startsWith('@'))) {
      if (!lex.classes.has(ref.slice(1))) {
        throw new UserError(
          `${y.file}:${lineOf(y, base)}: field "${base.join('.')}": unknown word class "${ref}" (classes are defined in rules/lexicon/*.yaml under "classes:")`,
          y.file,
        );
      }
    }
    return keyword(w, lex, m.pinyin, !prohibited);
  };
  // in all / at_least a two-character word heard only by sound must keep one character as written:
  // the other words make the match, and a coincidence of sounds (蔡项 for 财险) should not
  const kwAll = (w: string): Keyword => ({ ...kw(w), soundTwoNeedsOne: true });
  const positive = m.any || m.all || m.at_least || m.regex || m.script || m.slot || m.examples;
  if (!positive) {
    throw new UserError(
      `${y.file}:${lineOf(y, base)}: field "${base.join('.')}": needs at least one of any, all, at_least, regex, script, slot, examples`,
      y.file,
    );
  }
  if (m.at_least && m.at_least.n > m.at_least.of.length) {
    throw new UserError(
      `${y.file}:${lineOf(y, [...base, 'at_least'])}: field "${[...base, 'at_least', 'n'].join('.')}": n is larger than the word list`,
      y.file,
    );
  }
  // regexes and slots compare sounds unless the rule says pinyin: false
  const canon = m.pinyin !== false;
  const slots = arr(m.slot).map((t, i) =>
    compileSlot(y, [...base, 'slot', ...(Array.isArray(m.slot) ? [i] : [])], t, canon),
  );
  if (m.check) {
    const names = new Set(slots.flatMap((s) => s.names));
    for (const k of Object.keys(m.check)) {
      if (!names.has(k)) {
        throw new UserError(
          `${y.file}:${lineOf(y, [...base, 'check'], k)}: field "${[...base, 'check', k].join('.')}": no slot {${k}} in the templates`,
          y.file,
        );
      }
    }
  }
  return {
    any: m.any?.map(kw),
    all: m.all?.map(kwAll),
    atLeast: m.at_least ? { n: m.at_least.n, of: m.at_least.of.map(kwAll) } : undefined,
    none: m.none?.map((w) => canonText(normText(w))).filter(Boolean),
    withinChars: m.within_chars ?? (m.scope ? 200 : 60),
    scope: m.scope,
    examples: m.examples
      ? { examples: m.examples.map(compileExample), minSimilarity: m.min_similarity ?? 0.6 }
      : undefined,
    regex: m.regex
      ? arr(m.regex).map((r, i) =>
          compileRe(y, [...base, 'regex', ...(Array.isArray(m.regex) ? [i] : [])], r, canon, lex),
        )
      : undefined,
    exclude: m.exclude
      ? arr(m.exclude).map((r, i) =>
          compileRe(y, [...base, 'exclude', ...(Array.isArray(m.exclude) ? [i] : [])], r, canon, lex),
        )
      : undefined,
    onCanon: canon,
    script: m.script ? arr(m.script).map((s) => makePattern(s)) : undefined,
    minCoverage: m.min_coverage ?? 0.7,
    slots: slots.length ? slots : undefined,
    check: m.check,
  };
}

function compileRule(y: YamlDoc, base: (string | number)[], raw: unknown, pack: string, lex: Lexicon): CompiledRule {
  const spec: RuleSpec = validate(y, RuleSchema, raw, base);
  const line = lineOf(y, base);
  if ((spec.kind === 'required' || spec.kind === 'prohibited') && !spec.match) {
    throw new UserError(
      `${y.file}:${line}: rule "${spec.id}": field "match" is required for a ${spec.kind} rule`,
      y.file,
    );
  }
  if (spec.kind === 'silence' && !spec.silence) {
    throw new UserError(`${y.file}:${line}: rule "${spec.id}": field "silence" is required for a silence rule`, y.file);
  }
  if (spec.suspect && spec.kind !== 'prohibited') {
    throw new UserError(
      `${y.file}:${lineOf(y, [...base, 'suspect'])}: rule "${spec.id}": field "suspect" is for prohibited rules only`,
      y.file,
    );
  }
  if (spec.kind === 'prohibited' && (spec.confirm || spec.speech_rate)) {
    throw new UserError(
      `${y.file}:${lineOf(y, [...base, spec.confirm ? 'confirm' : 'speech_rate'])}: rule "${spec.id}": a prohibited rule takes no confirm/speech_rate`,
      y.file,
    );
  }
  const a = spec.applies;
  if (a?.min_age !== undefined && a.max_age !== undefined && a.min_age > a.max_age) {
    throw new UserError(
      `${y.file}:${lineOf(y, [...base, 'applies', 'min_age'])}: field "applies.min_age": larger than max_age`,
      y.file,
    );
  }
  const matches = arr(spec.match).map((m, i) =>
    compileMatch(y, [...base, 'match', ...(Array.isArray(spec.match) ? [i] : [])], m, lex, spec.kind === 'prohibited'),
  );
  if (spec.partial && spec.kind === 'silence') {
    throw new UserError(
      `${y.file}:${lineOf(y, [...base, 'partial'])}: rule "${spec.id}": field "partial" is not for silence rules`,
      y.file,
    );
  }
  const partials = arr(spec.partial).map((m, i) =>
    compileMatch(
      y,
      [...base, 'partial', ...(Array.isArray(spec.partial) ? [i] : [])],
      m,
      lex,
      spec.kind === 'prohibited',
    ),
  );
  return {
    id: spec.id,
    spec,
    partials,
    file: y.file,
    line,
    pack,
    index: 0,
    matches,
    negation: spec.negation ?? spec.kind === 'prohibited',
    confirmAccept: spec.confirm?.accept?.map((w) => canonText(normText(w))).filter(Boolean),
  };
}

function refsOf(r: CompiledRule): { ref: string; field: string[] }[] {
  const out: { ref: string; field: string[] }[] = [];
  for (const x of r.spec.order?.after ?? []) out.push({ ref: x, field: ['order', 'after'] });
  for (const x of r.spec.order?.before ?? []) out.push({ ref: x, field: ['order', 'before'] });
  for (const x of r.spec.silence?.between ?? []) out.push({ ref: x, field: ['silence', 'between'] });
  for (const x of r.spec.confirm?.joint_with ?? []) out.push({ ref: x, field: ['confirm', 'joint_with'] });
  return out;
}

/** Order rules so that every rule comes after the rules it refers to; reject cycles. */
function sortRules(
  rules: CompiledRule[],
  docs: Map<CompiledRule, { y: YamlDoc; base: (string | number)[] }>,
): CompiledRule[] {
  const byId = new Map(rules.map((r) => [r.id, r]));
  // edges: dependency → dependent (a rule needs the hits of what it refers to)
  const deps = new Map<string, string[]>();
  for (const r of rules) {
    for (const { ref, field } of refsOf(r)) {
      if (!byId.has(ref)) {
        const d = docs.get(r)!;
        throw new UserError(
          `${r.file}:${lineOf(d.y, [...d.base, ...field])}: rule "${r.id}": field "${field.join('.')}" refers to unknown rule "${ref}"`,
          r.file,
        );
      }
      if (ref === r.id) {
        const d = docs.get(r)!;
        throw new UserError(
          `${r.file}:${lineOf(d.y, [...d.base, ...field])}: rule "${r.id}": field "${field.join('.')}" refers to itself`,
          r.file,
        );
      }
    }
    // confirm.joint_with names a sibling, not something this rule needs evaluated first
    deps.set(
      r.id,
      refsOf(r)
        .filter((x) => x.field[0] !== 'confirm')
        .map((x) => x.ref),
    );
  }
  // cycles in the order relation itself (a after b, b after a; or a before b, b before a)
  const later = new Map<string, Set<string>>(); // x → rules that must come after x
  const addEdge = (x: string, y: string): void => {
    if (!later.has(x)) later.set(x, new Set());
    later.get(x)!.add(y);
  };
  for (const r of rules) {
    for (const x of r.spec.order?.after ?? []) addEdge(x, r.id);
    for (const x of r.spec.order?.before ?? []) addEdge(r.id, x);
  }
  const state = new Map<string, number>();
  const stack: string[] = [];
  const visit = (id: string): void => {
    state.set(id, 1);
    stack.push(id);
    for (const n of later.get(id) ?? []) {
      const s = state.get(n) ?? 0;
      if (s === 1) {
        const cycle = [...stack.slice(stack.indexOf(n)), n];
        const r = byId.get(n)!;
        const d = docs.get(r)!;
        throw new UserError(
          `${r.file}:${lineOf(d.y, [...d.base, 'order'])}: rule "${r.id}": field "order": circular order constraint ${cycle.join(' → ')}`,
          r.file,
        );
      }
      if (s === 0) visit(n);
    }
    stack.pop();
    state.set(id, 2);
  };
  for (const r of rules) if (!state.get(r.id)) visit(r.id);

  // evaluation order: dependencies first (DFS post-order; stable otherwise)
  const out: CompiledRule[] = [];
  const done = new Set<string>();
  const onPath = new Set<string>();
  const place = (id: string): void => {
    if (done.has(id) || onPath.has(id)) return;
    onPath.add(id);
    for (const d of deps.get(id) ?? []) place(d);
    onPath.delete(id);
    done.add(id);
    out.push(byId.get(id)!);
  };
  for (const r of rules) place(r.id);
  return out;
}

/** The example matcher's IDF background: every example and test text of the loaded rules. Weights
 *  then say what is distinctive among insurance-sales sentences, not among texts in general. */
function exampleBackground(rules: CompiledRule[], lex: Lexicon): IdfModel {
  const blocks = rules.flatMap((r) => [...r.matches, ...r.partials]).flatMap((m) => (m.examples ? [m.examples] : []));
  const texts: string[] = blocks.flatMap((b) => b.examples.map((e) => e.text));
  for (const r of rules) {
    const t = r.spec.tests;
    texts.push(...(t?.hit ?? []), ...(t?.miss ?? []), ...(t?.partial ?? []));
  }
  const idf = buildIdf(texts);
  for (const b of blocks) finishExamples(b, idf, lex);
  return idf;
}

export function loadLexicon(files: string[]): Lexicon {
  const parsed: LexiconFile[] = [];
  for (const f of files) {
    const src = readRuleFile(f);
    for (const y of parseYaml(f, src)) parsed.push(validate(y, LexiconFileSchema, yamlToJs(y)));
  }
  return buildLexicon(parsed);
}

/**
 * Load rule packs. `dirs`: folders holding packs (each sub-folder with YAML files is a pack) or
 * pack folders or single files; default: the shipped `rules/`. The shipped lexicon is always
 * loaded; a `lexicon/` folder in the given dirs adds to it.
 */
export function loadRuleSet(dirs?: string[]): RuleSet {
  const roots = dirs && dirs.length ? dirs.map((d) => resolve(d)) : [DEFAULT_RULES_DIR];
  const found: Found = { rules: [], lexicon: [], models: new Map() };
  for (const d of roots) discover(d, found, d);
  const defaultLex = join(DEFAULT_RULES_DIR, LEXICON_DIR);
  let lexFiles = found.lexicon;
  try {
    const shipped = readdirSync(defaultLex)
      .filter(isYaml)
      .sort()
      .map((f) => join(defaultLex, f));
    lexFiles = [...new Set([...shipped, ...found.lexicon])];
  } catch {
    // no shipped lexicon (unusual install): the given folders must bring their own
  }
  const lexicon = loadLexicon(lexFiles);
  const modelFiles = new Map<string, string>();
  try {
    const shippedModels = join(DEFAULT_RULES_DIR, MODELS_DIR);
    for (const f of readdirSync(shippedModels).sort())
      if (f.endsWith('.json')) modelFiles.set(f.slice(0, -5), join(shippedModels, f));
  } catch {
    // no shipped models: rules naming one must bring it
  }
  for (const [k, v] of found.models) modelFiles.set(k, v);

  const hash = createHash('sha256');
  for (const f of [...lexFiles].sort())
    hash
      .update(`lexicon:${basename(f)}\0`)
      .update(readFileSync(f))
      .update('\0');

  const rules: CompiledRule[] = [];
  const docs = new Map<CompiledRule, { y: YamlDoc; base: (string | number)[] }>();
  const seen = new Map<string, CompiledRule>();
  const packs = new Set<string>();
  for (const { path, pack } of found.rules) {
    const src = readRuleFile(path);
    hash
      .update(`${pack}/${basename(path)}\0`)
      .update(src)
      .update('\0');
    for (const y of parseYaml(path, src)) {
      const top = yamlToJs(y);
      if (!top || typeof top !== 'object' || Array.isArray(top)) {
        throw new UserError(
          `${path}:${lineOf(y, [])}: a rule file holds one rule (a mapping with id, title, …) or "rules:" with a list`,
          path,
        );
      }
      const isList = 'rules' in (top as object);
      if (isList) {
        const keys = Object.keys(top as object).filter((k) => k !== 'rules' && k !== 'description');
        if (keys.length)
          throw new UserError(`${path}:${lineOf(y, [], keys[0])}: unknown field "${keys[0]}" beside "rules"`, path);
      }
      const items: { raw: unknown; base: (string | number)[] }[] = isList
        ? (Array.isArray((top as { rules: unknown }).rules) ? (top as { rules: unknown[] }).rules : []).map(
            (raw, i) => ({ raw, base: ['rules', i] }),
          )
        : [{ raw: top, base: [] }];
      if (isList && !items.length)
        throw new UserError(`${path}:${lineOf(y, ['rules'])}: field "rules": expected a non-empty list of rules`, path);
      for (const { raw, base } of items) {
        const rule = compileRule(y, base, raw, pack, lexicon);
        const prev = seen.get(rule.id);
        if (prev) {
          throw new UserError(
            `${path}:${rule.line}: field "id": duplicate rule id "${rule.id}" (first defined at ${prev.file}:${prev.line})`,
            path,
          );
        }
        rule.index = seen.size;
        seen.set(rule.id, rule);
        docs.set(rule, { y, base });
        packs.add(pack);
        rules.push(rule);
      }
    }
  }
  if (!found.rules.length) throw new UserError(`${roots.join(', ')}: no rule files (*.yaml) found`, roots[0]);
  // disabled rules still take part in validation (a reference to one is not an error)
  const sorted = sortRules(rules, docs).filter((r) => r.spec.enabled);
  const idf = exampleBackground(rules, lexicon);
  const models = new Map<string, SuspectModel>();
  for (const r of sorted) {
    const name = r.spec.suspect?.model;
    if (!name || models.has(name)) continue;
    const file = modelFiles.get(name);
    if (!file) {
      throw new UserError(
        `${r.file}:${r.line}: rule "${r.id}": field "suspect.model": no model "${name}" (looked for ${name}.json in ${join(DEFAULT_RULES_DIR, MODELS_DIR)} and the given folders' models/); run \`dualrec rules train\``,
        r.file,
      );
    }
    models.set(name, loadModel(file));
    hash.update(`model:${name}\0`).update(readFileSync(file)).update('\0');
  }
  return {
    version: hash.digest('hex').slice(0, 16),
    packs: [...packs].sort(),
    rules: sorted,
    lexicon,
    idf,
    models,
    files: found.rules.map((r) => r.path),
  };
}
