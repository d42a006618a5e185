// `dualrec analyze` on the bundled samples: every session gets a schema-valid report.json and a
// readable report.html, with the verdict a compliance reviewer gave it (samples/<name>.expected.json).
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateReport } from '../../src/report/schema.js';
import { ROOT, runCli, type CliResult } from '../helpers/cli.js';

const samplesDir = join(ROOT, 'samples');
const names = readdirSync(samplesDir)
  .filter((f) => f.endsWith('.expected.json'))
  .map((f) => f.replace('.expected.json', ''));
let out: string;
let res: CliResult;

// vision reads the composed sample pictures (faces, OCR, hands): allow for a busy two-core machine
beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'dualrec-samples-'));
  res = runCli(['analyze', samplesDir, '--out', out], { timeoutMs: 300_000 });
}, 300_000);

describe('analyze samples/', () => {
  it('analyzes every sample and exits 3 only because one is broken on purpose', () => {
    expect(names.length).toBeGreaterThanOrEqual(3);
    expect(res.code).toBe(3);
    expect(
      res.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('dualrec:')),
    ).toHaveLength(1);
    expect(res.stdout).toContain(`${names.length} session(s) analyzed`);
  });

  it.each(names)('%s: schema-valid report with the expected verdict', (name) => {
    const expected = JSON.parse(readFileSync(join(samplesDir, `${name}.expected.json`), 'utf8'));
    const report = JSON.parse(readFileSync(join(out, name, 'report.json'), 'utf8'));
    expect(validateReport(report)).toEqual({ ok: true });
    expect(report.verdict).toBe(expected.verdict);
    // each labelled concept: the findings carrying it agree with the label
    for (const [concept, label] of Object.entries(expected.concepts as Record<string, string>)) {
      const statuses = report.findings
        .filter((f: { concepts: string[] }) => f.concepts.includes(concept))
        .map((f: { status: string }) => f.status);
      const status = statuses.includes('fail')
        ? 'fail'
        : statuses.includes('undetermined')
          ? 'undetermined'
          : statuses.includes('pass')
            ? 'pass'
            : 'absent';
      expect({ concept, status }).toEqual({ concept, status: label });
    }
    const html = readFileSync(join(out, name, 'report.html'), 'utf8');
    expect(html).toContain(report.session.id);
    // reports travel: no local folders in them, but for the link to the video beside them
    expect(JSON.stringify(report)).not.toContain(samplesDir);
    expect(html.replace(/<video[^>]*>/g, '').replace(/<source[^>]*>/g, '')).not.toContain(samplesDir);
  });

  it('a failing sample shows its evidence: the missing exclusions disclosure', () => {
    const report = JSON.parse(readFileSync(join(out, 'missing-exclusions', 'report.json'), 'utf8'));
    const f = report.findings.find(
      (x: { concepts: string[]; status: string }) =>
        x.concepts.includes('disclosure.exclusions') && x.status === 'fail',
    );
    expect(f.severity).toBe('critical');
    expect(f.evidence[0].missing).toMatch(/责任免除/);
  });

  it('a transcript alone is analyzed without a recording', () => {
    const o = mkdtempSync(join(tmpdir(), 'dualrec-tonly-'));
    const r = runCli(['analyze', join(samplesDir, 'missing-exclusions.transcript.json'), '--out', o, '--lang', 'en']);
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(o, 'missing-exclusions', 'report.json'), 'utf8'));
    expect(report.media).toBeUndefined();
    expect(report.verdict).toBe('FAIL');
    expect(report.findings.find((f: { ruleId: string }) => f.ruleId === 'integrity/recording').status).toBe(
      'not_applicable',
    );
    expect(readFileSync(join(o, 'missing-exclusions', 'report.html'), 'utf8')).toMatch(/lang="en"/);
  });
});
