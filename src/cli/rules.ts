// `dualrec rules check|test|list [DIR...]`: validate rule packs, run their own test cases, list rules.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { loadRuleSet, runRuleTests } from '../rules/index.js';
import { displayPath, readScanFile, scanFiles } from '../rules/corpus-file.js';
import { scanSentences, scoreScan, type ConceptScore, type ScannedSentence } from '../rules/scan.js';
import { computeStats, isPgUrl, openStore, storePath, type RuleStats, type StatsFilter } from '../store/index.js';
import { UserError, errorMessage } from '../util/errors.js';
import { loadModelFile } from '../rules/suspect/model.js';
import { DEFAULT_TRAIN_SPEC, readTrainSpec, readTrainingText, trainModel } from '../rules/suspect/train.js';
import { dirname, join } from 'node:path';
import { writeFileSync } from 'node:fs';

function rel(p: string): string {
  const r = relative(process.cwd(), p);
  return r.startsWith('..') ? p : r;
}

/** East-Asian characters take two columns in a terminal. */
function width(s: string): number {
  let w = 0;
  for (const c of s)
    w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(c)
      ? 2
      : 1;
  return w;
}
function pad(s: string, n: number): string {
  return s + ' '.repeat(Math.max(0, n - width(s)));
}

export function registerRulesCommand(program: Command): void {
  const rules = program.command('rules').description('validate, test and list rule packs');

  rules
    .command('check')
    .description('validate rule packs (exit 2 with file:line: field: problem on the first error)')
    .argument('[dirs...]', 'rule pack folders or files (default: the shipped rules/)')
    .action((dirs: string[]) => {
      const rs = loadRuleSet(dirs);
      process.stdout.write(
        `ok: ${rs.rules.length} rules in ${rs.packs.length} pack(s) [${rs.packs.join(', ')}], version ${rs.version}\n`,
      );
    });

  rules
    .command('test')
    .description("run every rule's own test cases (tests.hit / tests.miss / tests.cases)")
    .argument('[dirs...]', 'rule pack folders or files (default: the shipped rules/)')
    .option('-v, --verbose', 'print passing cases too')
    .action((dirs: string[], flags: { verbose?: boolean }) => {
      const rs = loadRuleSet(dirs);
      const results = runRuleTests(rs);
      const failed = results.filter((r) => !r.ok);
      for (const r of results) {
        if (r.ok && !flags.verbose) continue;
        const head = `${r.ok ? 'ok  ' : 'FAIL'} ${r.ruleId} ${r.kind}[${r.index}]`;
        process.stdout.write(`${head}: ${r.text}\n`);
        if (!r.ok)
          process.stdout.write(`     expected: ${r.expected}\n     got:      ${r.got}\n     (${rel(r.file)})\n`);
      }
      const untested = rs.rules.filter((r) => !results.some((x) => x.ruleId === r.id)).map((r) => r.id);
      process.stdout.write(
        `${results.length - failed.length}/${results.length} rule test cases passed in ${rs.rules.length} rules` +
          (untested.length ? `; rules without tests: ${untested.join(', ')}` : '') +
          '\n',
      );
      if (failed.length) process.exitCode = 1;
    });

  rules
    .command('scan')
    .description(
      'run every rule over every sentence of texts (published documents saved as .txt/.md, transcripts, or the labelled corpus tests/corpus/*.yaml) and list what fired where; with labels, score each concept',
    )
    .argument('<paths...>', 'files or folders to scan')
    .option('--rules <dir...>', 'rule pack folders (default: the shipped rules/)')
    .option(
      '--all',
      'list every sentence, not only those where a rule fired (plain text) or the rules were wrong (labelled corpus)',
    )
    .option('--json', 'print JSON: every sentence with what fired, and the scores')
    .option('--no-models', 'patterns only: leave out the suspicion models (suspect: in the rules)')
    .action((paths: string[], flags: { rules?: string[]; all?: boolean; json?: boolean; models: boolean }) => {
      const loaded = loadRuleSet(flags.rules);
      const rs = flags.models ? loaded : { ...loaded, models: new Map() };
      const sentences = scanFiles(paths).flatMap((f) => readScanFile(f));
      const scanned = scanSentences(rs, sentences);
      const labelled = scanned.some((x) => x.label);
      const score = labelled ? scoreScan(rs, scanned) : undefined;
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ rules: rs.version, sentences: scanned, score }, null, 2)}\n`);
        return;
      }
      const wrong = new Set(score?.misses.map((m) => m.sentence) ?? []);
      const why = new Map<ScannedSentence, string[]>();
      for (const m of score?.misses ?? []) why.set(m.sentence, [...(why.get(m.sentence) ?? []), m.why]);
      for (const x of scanned) {
        const show = flags.all || (x.label ? wrong.has(x) : x.fires.length > 0);
        if (!show) continue;
        const tag = x.label
          ? ` [${x.label}${x.concepts.length ? ` ${x.concepts.join(',')}` : ''}${x.speaker === 'customer' ? ' customer' : ''}]`
          : '';
        process.stdout.write(`${displayPath(x.file)}:${x.line}${tag} ${x.text}\n`);
        for (const w of why.get(x) ?? []) process.stdout.write(`    ✗ ${w}\n`);
        for (const f of x.fires) {
          process.stdout.write(
            `    → ${f.ruleId} ${f.status}${f.matched ? ` “${f.matched}”` : ''}${f.example ? `  (nearest example: ${f.example})` : ''}\n`,
          );
        }
      }
      process.stdout.write(
        `${scanned.length} sentences from ${new Set(scanned.map((x) => x.file)).size} file(s); ${scanned.filter((x) => x.fires.length).length} with a rule firing\n`,
      );
      if (score) process.stdout.write(formatScore(score.concepts, score.replies));
    });

  rules
    .command('train')
    .description(
      'build the suspicion models (rules/models/*.json) from the labelled corpus and compliant sessions, as rules/models/train.yaml says; --check: exit 1 if a shipped model was trained on other data or settings',
    )
    .option('--spec <file>', 'training spec', DEFAULT_TRAIN_SPEC)
    .option('--check', 'compare the shipped models with the training data instead of writing them')
    .action((flags: { spec: string; check?: boolean }) => {
      const spec = readTrainSpec(flags.spec);
      const text = readTrainingText(spec);
      let stale = 0;
      for (const name of Object.keys(spec.models)) {
        const file = join(dirname(resolve(flags.spec)), `${name}.json`);
        if (flags.check) {
          // stale when what it was trained on, or how, has changed (hash of every input file)
          let why: string | undefined;
          try {
            const m = loadModelFile(file);
            if (m.trainedOn.sha256 !== text.sha256) why = 'the corpus or sessions changed since it was trained';
            else if (JSON.stringify(m.concepts) !== JSON.stringify(spec.models[name].concepts))
              why = 'its concepts changed';
            else if (
              m.settings.epochs !== spec.settings.epochs ||
              m.settings.l2 !== spec.settings.l2 ||
              m.settings.rate !== spec.settings.rate ||
              m.settings.positiveWeight !== spec.settings.positiveWeight ||
              m.settings.sessionWeight !== spec.settings.sessionWeight
            )
              why = 'the training settings changed';
          } catch (err) {
            why = errorMessage(err);
          }
          if (why) stale++;
          process.stdout.write(`${why ? 'STALE' : 'ok   '} ${rel(file)}${why ? `: ${why}` : ''}\n`);
          continue;
        }
        const model = trainModel(name, spec, text);
        writeFileSync(file, `${JSON.stringify(model)}\n`, { mode: 0o644 });
        process.stdout.write(
          `wrote ${rel(file)} (${name}: ${model.trainedOn.positives} violations, ${model.trainedOn.negatives} other sentences, ${Object.keys(model.weights).length} weights)\n`,
        );
      }
      if (stale) {
        process.stdout.write(
          `${stale} model(s) do not match the corpus they were trained on: run \`dualrec rules train\`\n`,
        );
        process.exitCode = 1;
      }
    });

  rules
    .command('stats')
    .description(
      "each rule's measured quality from reviewers' decisions: findings flagged, confirmed, overturned, pending; implied precision (confirmed / decided) with its count; overturn drift (last 4 weeks vs before)",
    )
    .option('-o, --out <dir>', 'the batch output folder (holds the store)', 'dualrec-reports')
    .option(
      '--store <file|url>',
      'SQLite file (default <out>/dualrec.sqlite) or postgres:// URL (or env DUALREC_STORE)',
    )
    .option('--json', "print JSON (the same objects as the review server's /api/stats `rules`)")
    .option('--from <day>', 'sessions recorded on or after YYYY-MM-DD')
    .option('--to <day>', 'sessions recorded on or before YYYY-MM-DD')
    .option('--agent <id>', 'only this agent')
    .option('--region <code>', 'only this region (branch)')
    .option('--channel <channel>', 'only this channel')
    .option('--product <type>', 'only this product type')
    .option('--as-of <time>', 'measure drift and ages as of this ISO time (default now)')
    .action(async (flags: StatsFlags) => {
      const filter = statsFilterFromFlags(flags);
      let asOf: Date | undefined;
      if (flags.asOf !== undefined) {
        asOf = new Date(flags.asOf);
        if (Number.isNaN(asOf.getTime())) throw new UserError(`--as-of: not a date/time: "${flags.asOf}"`);
      }
      const file = storePath({ store: flags.store, outDir: resolve(flags.out) });
      if (!isPgUrl(file) && !existsSync(file)) {
        throw new UserError(
          `${file}: no store here; run \`dualrec batch <inbox> --out ${flags.out}\` first, or name it with --store`,
          file,
        );
      }
      const store = openStore(file);
      try {
        const st = await computeStats(store, { filter, asOf });
        if (flags.json) {
          process.stdout.write(
            `${JSON.stringify({ asOf: st.asOf, driftWeeks: st.driftWeeks, filter: st.filter, rules: st.rules }, null, 2)}\n`,
          );
          return;
        }
        process.stdout.write(formatRuleStats(st.rules, st.driftWeeks));
      } finally {
        await store.close();
      }
    });

  rules
    .command('list')
    .description('list the rules: id, severity, kind, concepts, applies-when, title')
    .argument('[dirs...]', 'rule pack folders or files (default: the shipped rules/)')
    .option('--json', 'print JSON instead of a table')
    .action((dirs: string[], flags: { json?: boolean }) => {
      const rs = loadRuleSet(dirs);
      const rows = [...rs.rules]
        .sort((a, b) => a.index - b.index)
        .map((r) => {
          const a = r.spec.applies;
          const applies = a
            ? Object.entries(a)
                .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('/') : String(v)}`)
                .join(' ')
            : 'all';
          return {
            id: r.id,
            pack: r.pack,
            severity: r.spec.severity,
            kind: r.spec.kind,
            concepts: r.spec.concepts.join(','),
            applies,
            title: r.spec.title,
          };
        });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ version: rs.version, packs: rs.packs, rules: rows }, null, 2)}\n`);
        return;
      }
      const cols = ['id', 'pack', 'severity', 'kind', 'concepts', 'applies', 'title'] as const;
      const w = cols.map((c) => Math.max(width(c), ...rows.map((r) => width(r[c]))));
      process.stdout.write(
        `${cols
          .map((c, i) => pad(c, w[i]))
          .join('  ')
          .trimEnd()}\n`,
      );
      for (const r of rows)
        process.stdout.write(
          `${cols
            .map((c, i) => pad(r[c], w[i]))
            .join('  ')
            .trimEnd()}\n`,
        );
      process.stdout.write(`${rows.length} rules, packs: ${rs.packs.join(', ')}, version ${rs.version}\n`);
    });
}

const pctOf = (a: number, b: number): string => (b ? `${((100 * a) / b).toFixed(0)}% (${a}/${b})` : '—');

/** The per-concept table of a labelled scan: what a rule author looks at first. */
function formatScore(concepts: ConceptScore[], replies: Record<string, Record<string, number>>): string {
  const rows = concepts.map((c) => ({
    concept: c.concept,
    found: pctOf(c.statesFound, c.states),
    'omits fired': pctOf(c.omitsFired, c.omits),
    caught: pctOf(c.violatesCaught, c.violates),
    'flagged (any rule)': pctOf(c.violatesFlagged, c.violates),
    'caution fired': pctOf(c.cautionsFired, c.cautions),
    'caution suspect': pctOf(c.cautionsSuspect, c.cautions),
  }));
  const cols = [
    'concept',
    'found',
    'omits fired',
    'caught',
    'flagged (any rule)',
    'caution fired',
    'caution suspect',
  ] as const;
  const w = cols.map((c) => Math.max(width(c), ...rows.map((r) => width(r[c]))));
  let out = `\n${cols.map((c, i) => pad(c, w[i])).join('  ')}\n`;
  for (const r of rows) out += `${cols.map((c, i) => pad(r[c], w[i])).join('  ')}\n`;
  const rl = Object.entries(replies);
  if (rl.length) {
    out += '\ncustomer replies (label → read as):\n';
    for (const [label, kinds] of rl)
      out += `  ${label}: ${Object.entries(kinds)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}\n`;
  }
  return out;
}

interface StatsFlags {
  out: string;
  store?: string;
  json?: boolean;
  from?: string;
  to?: string;
  agent?: string;
  region?: string;
  channel?: string;
  product?: string;
  asOf?: string;
}

function statsFilterFromFlags(f: StatsFlags): StatsFilter {
  for (const [flag, v] of [
    ['--from', f.from],
    ['--to', f.to],
  ] as const) {
    if (v !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(v))
      throw new UserError(`${flag}: expected YYYY-MM-DD, got "${v}"`);
  }
  return { from: f.from, to: f.to, agentId: f.agent, region: f.region, channel: f.channel, productType: f.product };
}

const ratio = (x: number | null): string => (x === null ? '—' : `${(100 * x).toFixed(0)}%`);

/** The `rules stats` table: one line per rule, most failing sessions first (as the dashboard). */
export function formatRuleStats(rules: RuleStats[], driftWeeks: number): string {
  const rows = rules.map((r) => ({
    rule: r.ruleId,
    'fail sessions': String(r.failingSessions),
    flagged: String(r.flagged),
    confirmed: String(r.confirmed),
    overturned: String(r.overturned),
    pending: String(r.pending),
    precision: r.precision === null ? '—' : `${ratio(r.precision)} of ${r.decided}`,
    '95% CI': r.precisionLow === null ? '—' : `${ratio(r.precisionLow)}–${ratio(r.precisionHigh)}`,
    [`overturned last ${driftWeeks}w`]: r.recent.decided
      ? `${ratio(r.recent.overturnRate)} of ${r.recent.decided}`
      : '—',
    before: r.before.decided ? `${ratio(r.before.overturnRate)} of ${r.before.decided}` : '—',
    drift:
      r.drift === null
        ? '—'
        : `${r.drift >= 0 ? '+' : ''}${(100 * r.drift).toFixed(0)} pt${r.drifting ? ' DRIFTING' : ''}`,
  }));
  if (!rows.length) return 'no flagged findings in the store yet\n';
  const cols = Object.keys(rows[0]!);
  const w = cols.map((c) => Math.max(width(c), ...rows.map((r) => width(r[c as keyof typeof r]!))));
  let out = `${cols
    .map((c, i) => pad(c, w[i]!))
    .join('  ')
    .trimEnd()}\n`;
  for (const r of rows)
    out += `${cols
      .map((c, i) => pad(r[c as keyof typeof r]!, w[i]!))
      .join('  ')
      .trimEnd()}\n`;
  const decided = rules.reduce((t, r) => t + r.decided, 0);
  const drifting = rules.filter((r) => r.drifting).map((r) => r.ruleId);
  out += `${rules.length} rule(s) with flagged findings; ${decided} finding decision(s)`;
  out += drifting.length ? `; overturns rising: ${drifting.join(', ')}\n` : '\n';
  return out;
}
