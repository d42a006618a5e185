// A recording with no transcript beside it goes through local ASR: without a model it is REVIEW with
// a message saying how to get one; with the weight-less test model whisper.cpp really runs, returns
// no text, and the report says why (content accuracy needs a real model) — never a PASS.
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesizeClip } from '../../src/media/index.js';
import { validateReport } from '../../src/report/schema.js';
import { writeEmptyGgmlModel } from '../fixtures/ggml-empty.js';
import { ROOT, runCli } from '../helpers/cli.js';

let dir: string;
let emptyModels: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dualrec-asr-'));
  emptyModels = mkdtempSync(join(tmpdir(), 'dualrec-nomodels-'));
  // a short recording (sound, a pause, sound) with a real sidecar and no transcript beside it
  await synthesizeClip(join(dir, 'rec.mp4'), {
    segments: [
      { durationS: 4, video: 'moving', audio: 'tone' },
      { durationS: 2, video: 'moving', audio: 'silence' },
      { durationS: 4, video: 'moving', audio: 'noise' },
    ],
  });
  copyFileSync(join(ROOT, 'samples/compliant-participating.meta.json'), join(dir, 'rec.meta.json'));
});

describe('analyze without a transcript', () => {
  it('no model installed → REVIEW, and the report says how to get one', () => {
    const out = join(dir, 'out-none');
    const res = runCli(['analyze', join(dir, 'rec.mp4'), '--out', out], {
      env: { DUALREC_MODELS_DIR: emptyModels, DUALREC_MODEL: '' },
    });
    expect(res.code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'rec', 'report.json'), 'utf8'));
    expect(report.verdict).toBe('REVIEW');
    expect(report.transcript).toBeUndefined();
    expect(report.transcriptMissingReason).toMatch(/models pull/);
    const f = report.findings.find((x: { ruleId: string }) => x.ruleId === 'transcript/available');
    expect(f.status).toBe('undetermined');
  });

  it('the weight-less model runs through whisper.cpp: empty transcript, REVIEW, and why', () => {
    const model = writeEmptyGgmlModel(join(dir, 'ggml-empty.bin'));
    const out = join(dir, 'out-empty');
    const res = runCli(['analyze', join(dir, 'rec.mp4'), '--out', out, '--model', model, '--threads', '2'], {
      timeoutMs: 300_000,
    });
    expect(res.stderr).not.toMatch(/internal error/);
    expect(res.code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'rec', 'report.json'), 'utf8'));
    expect(validateReport(report)).toEqual({ ok: true });
    expect(report.verdict).toBe('REVIEW');
    expect(report.transcript.source).toMatchObject({ kind: 'asr', engine: 'whisper.cpp' });
    expect(report.transcript.segments).toEqual([]);
    expect(JSON.stringify(report.transcript.diagnostics)).toMatch(/real model|weight/i);
    expect(report.findings.find((x: { ruleId: string }) => x.ruleId === 'transcript/available').status).toBe(
      'undetermined',
    );
  }, 300_000);
});
