// Plain-text tables for `dualrec eval`: one block per noise level, then the degradation across levels.
import type { Verdict } from '../model/index.js';
import { VERDICTS, type CaseError } from './metrics.js';
import type { EvalRun, NoiseLevelResult } from './run.js';

export function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

export function fmt(x: number | null): string {
  return x === null ? 'n/a' : x.toFixed(3);
}

function table(header: string[], rows: string[][], alignLeft = 1): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < alignLeft ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

function describeError(e: CaseError): string {
  const rules = e.rules.length ? e.rules.map((r) => `${r.ruleId}=${r.status}`).join(', ') : 'no finding carries it';
  return `  ${e.kind.padEnd(11)} ${e.session}  ${e.concept}: expected ${e.expected}, got ${e.predicted} (verdict ${e.verdict}) [${rules}]`;
}

export function formatLevel(level: NoiseLevelResult, details: boolean): string[] {
  const m = level.metrics;
  const out: string[] = [];
  out.push(
    `Noise ${pct(level.noise)}${level.noise > 0 ? ` (realised ${pct(level.realisedRate)} of Han characters)` : ''} — ${m.sessions} scored sessions`,
  );
  const rows = m.concepts.map((c) => [
    c.concept,
    String(c.labelled),
    String(c.strict.violations),
    String(c.strict.tp),
    String(c.strict.fp),
    String(c.strict.fn),
    fmt(c.strict.precision),
    fmt(c.strict.recall),
    fmt(c.strict.f1),
    fmt(c.lenient.recall),
  ]);
  const s = m.micro.strict;
  rows.push([
    'all (micro)',
    String(m.concepts.reduce((a, c) => a + c.labelled, 0)),
    String(s.violations),
    String(s.tp),
    String(s.fp),
    String(s.fn),
    fmt(s.precision),
    fmt(s.recall),
    fmt(s.f1),
    fmt(m.micro.lenient.recall),
  ]);
  out.push(
    ...table(
      ['concept', 'labelled', 'violations', 'TP', 'FP', 'FN', 'precision', 'recall', 'F1', 'lenient recall'],
      rows,
    ),
  );
  out.push('');
  out.push(
    `verdict accuracy ${fmt(m.verdict.accuracy)}   REVIEW rate ${fmt(m.verdict.reviewRate)}   unsafe passes (FAIL judged PASS) ${m.verdict.unsafePasses.length}`,
  );
  const used = VERDICTS.filter((v) => VERDICTS.some((p) => m.verdict.confusion[v][p] > 0));
  out.push('confusion (rows: expected, columns: predicted)');
  out.push(
    ...table(
      ['', ...VERDICTS],
      used.map((e: Verdict) => [e, ...VERDICTS.map((p) => String(m.verdict.confusion[e][p]))]),
    ).map((l) => `  ${l}`),
  );
  const count = (k: CaseError['kind']) => m.errors.filter((e) => e.kind === k).length;
  const summary = `errors: ${count('missed')} missed, ${count('review-only')} caught only by REVIEW, ${count('false-alarm')} false alarms`;
  if (details) {
    out.push(summary);
    for (const e of m.errors) out.push(describeError(e));
    for (const u of m.unlabelledFails)
      out.push(`  unlabelled  ${u.session}  ${u.concept}: fail [${u.rules.join(', ')}]`);
    if (m.verdict.unsafePasses.length) out.push(`  unsafe PASS: ${m.verdict.unsafePasses.join(', ')}`);
  } else {
    out.push(`${summary}${m.errors.length ? ' (--details lists them)' : ''}`);
  }
  return out;
}

export function formatRun(run: EvalRun, details: boolean): string {
  const seeds =
    run.repeats > 1 ? `noise seeds ${run.seed}–${run.seed + run.repeats - 1} pooled` : `noise seed ${run.seed}`;
  const out: string[] = [`dualrec eval ${run.dir}: ${run.sessions} labelled sessions, ${seeds}`];
  if (run.unlabelled.length) out.push(`(${run.unlabelled.length} session(s) without expected.json not scored)`);
  for (const s of run.unanalysable) out.push(`could not analyze ${s.session} (scored as its error report): ${s.error}`);
  for (const level of run.levels) {
    out.push('', ...formatLevel(level, details));
  }
  if (run.levels.length > 1) {
    out.push('', 'Degradation across noise levels (micro over all labelled concepts)');
    out.push(
      ...table(
        [
          'noise',
          'realised',
          'precision',
          'recall',
          'lenient recall',
          'F1',
          'verdict acc',
          'REVIEW rate',
          'unsafe PASS',
        ],
        run.levels.map((l) => [
          pct(l.noise),
          pct(l.realisedRate),
          fmt(l.metrics.micro.strict.precision),
          fmt(l.metrics.micro.strict.recall),
          fmt(l.metrics.micro.lenient.recall),
          fmt(l.metrics.micro.strict.f1),
          fmt(l.metrics.verdict.accuracy),
          fmt(l.metrics.verdict.reviewRate),
          String(l.metrics.verdict.unsafePasses.length),
        ]),
      ),
    );
  }
  out.push(
    '',
    'strict: a violation counts as caught only when its concept is judged fail. lenient: also when it is',
    'undetermined and the session goes to REVIEW/FAIL. Precision counts predicted fails on concepts labelled',
    'anything but fail; concepts an expected.json does not list are not scored.',
  );
  return out.join('\n') + '\n';
}
