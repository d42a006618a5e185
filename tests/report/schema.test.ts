import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIELDS_DOC_PATH, SCHEMA_DOC_PATH, schemaFileText } from '../../src/report/emit-schema.js';
import { renderFieldReference } from '../../src/report/schema-doc.js';
import { REPORT_JSON_SCHEMA, validateReport, validateReportFile } from '../../src/report/schema.js';
import { UserError } from '../../src/util/errors.js';
import { buildErrorReport, buildReportFixture } from '../fixtures/report-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'dualrec-report-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function errorsOf(obj: unknown, strict = false): string[] {
  const res = validateReport(obj, { strict });
  return res.ok ? [] : res.errors;
}

describe('validateReport', () => {
  it('accepts the full fixture, every optional field included, even with unknown fields closed off', () => {
    expect(validateReport(buildReportFixture(), { strict: true })).toEqual({ ok: true });
    expect(validateReport(buildErrorReport(), { strict: true })).toEqual({ ok: true });
  });

  it('accepts what JSON.parse reads back from a written report', () => {
    const text = JSON.stringify(buildReportFixture(), null, 2);
    expect(validateReport(JSON.parse(text))).toEqual({ ok: true });
  });

  it('rejects a report without a verdict, naming the field', () => {
    const r: Record<string, unknown> = { ...buildReportFixture() };
    delete r.verdict;
    expect(errorsOf(r)).toEqual(['verdict: is required']);
  });

  it('rejects a finding status outside the contract', () => {
    const r = buildReportFixture();
    (r.findings[2] as { status: string }).status = 'passed';
    const errors = errorsOf(r);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^findings\.2\.status: must be one of "pass", "fail", "undetermined", "not_applicable"$/);
  });

  it('rejects a verdict outside PASS/FAIL/REVIEW and a wrong schemaVersion', () => {
    const r = buildReportFixture() as unknown as Record<string, unknown>;
    r.verdict = 'OK';
    r.schemaVersion = '0.9';
    const errors = errorsOf(r);
    expect(errors).toContain('verdict: must be one of "PASS", "FAIL", "REVIEW"');
    expect(errors).toContain('schemaVersion: must be "1.0"');
  });

  it('rejects PASS when a critical or major finding failed or is undetermined', () => {
    const r = buildReportFixture();
    r.verdict = 'PASS';
    expect(errorsOf(r)).toEqual(['verdict: must be one of "FAIL", "REVIEW"']);
    // only minor/info findings left open: PASS is the verdict policy's call, the schema allows it
    r.findings = r.findings.filter(
      (f) => f.status === 'pass' || f.status === 'not_applicable' || f.severity === 'minor',
    );
    r.integrity = [];
    r.findings.push({ ...r.findings[0], ruleId: 'x', status: 'undetermined', severity: 'minor' });
    expect(errorsOf(r)).toEqual([]);
    r.integrity = [{ code: 'truncated', severity: 'critical', message: '文件截断' }];
    expect(errorsOf(r)).toEqual(['verdict: must be one of "FAIL", "REVIEW"']);
  });

  it('rejects an error report whose verdict is not REVIEW', () => {
    const r = buildErrorReport();
    r.verdict = 'FAIL';
    expect(errorsOf(r)).toEqual(['verdict: must be "REVIEW"']);
  });

  it('rejects wrong types, out-of-range numbers, NaN and malformed concepts with their paths', () => {
    const r = buildReportFixture();
    r.findings[0].confidence = 1.5;
    r.findings[1].evidence[0].start = Number.NaN; // JSON writes null
    r.findings[3].concepts = ['Disclosure Exclusions'];
    r.transcript!.segments[4].role = 'boss' as never;
    (r.session as { metaFromSidecar: unknown }).metaFromSidecar = 'yes';
    r.generatedAt = 'yesterday';
    const errors = errorsOf(r);
    expect(errors).toEqual(
      expect.arrayContaining([
        'findings.0.confidence: must be <= 1',
        'findings.1.evidence.0.start: must be number',
        'findings.3.concepts.0: must match pattern "^[a-z][a-z0-9-]*(\\.[a-z0-9-]+)+$"',
        'transcript.segments.4.role: must be one of "agent", "customer", "unknown"',
        'session.metaFromSidecar: must be boolean',
        'generatedAt: must match format "date-time"',
      ]),
    );
    expect(errors).toHaveLength(6);
  });

  it('allows unknown fields by default (minor versions add fields) and rejects them when strict', () => {
    const r = { ...buildReportFixture(), reviewedBy: 'qa-7' };
    expect(validateReport(r)).toEqual({ ok: true });
    expect(errorsOf(r, true)).toEqual(['report: unknown field "reviewedBy"']);
  });

  it('rejects things that are not reports at all', () => {
    expect(errorsOf(null)).toEqual(['report: must be object']);
    expect(errorsOf('{}')).toEqual(['report: must be object']);
    expect(errorsOf({}).length).toBe(8);
  });
});

describe('validateReportFile', () => {
  it('validates a written file and names the file when it is not JSON', () => {
    const good = join(dir, 'report.json');
    writeFileSync(good, JSON.stringify(buildReportFixture(), null, 2));
    expect(validateReportFile(good)).toEqual({ ok: true });
    const bad = join(dir, 'broken.json');
    writeFileSync(bad, '{"schemaVersion": "1.0",');
    expect(() => validateReportFile(bad)).toThrow(UserError);
    expect(() => validateReportFile(bad)).toThrow(/broken\.json: not valid JSON/);
    expect(() => validateReportFile(join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read report/);
  });
});

describe('schema files in docs/', () => {
  it('docs/report.schema.json is what schema.ts generates (run `npx tsx src/report/emit-schema.ts`)', () => {
    expect(readFileSync(SCHEMA_DOC_PATH, 'utf8')).toBe(schemaFileText());
  });

  it('docs/report.md carries the current field reference (run `npx tsx src/report/emit-schema.ts`)', () => {
    expect(readFileSync(FIELDS_DOC_PATH, 'utf8')).toContain(renderFieldReference());
  });

  it('documents every field of every object in the schema', () => {
    const doc = readFileSync(FIELDS_DOC_PATH, 'utf8');
    const defs = REPORT_JSON_SCHEMA.$defs as Record<string, { properties?: Record<string, { description?: string }> }>;
    for (const [name, def] of Object.entries({ report: REPORT_JSON_SCHEMA, ...defs })) {
      for (const [field, p] of Object.entries(def.properties ?? {})) {
        expect(p.description, `${name}.${field} has no description`).toBeTruthy();
        expect(doc).toContain(`| \`${field}\` |`);
      }
    }
  });
});

describe('concept labels', () => {
  it('has a Chinese and an English label for every concept in the vocabulary (add them in src/report/i18n.ts)', async () => {
    const { CONCEPTS } = await import('../../src/model/index.js');
    const { messages } = await import('../../src/report/i18n.js');
    for (const lang of ['zh', 'en'] as const) {
      const missing = CONCEPTS.filter((c) => !messages(lang).concept[c]);
      expect(missing, `${lang} labels missing`).toEqual([]);
    }
  });
});
