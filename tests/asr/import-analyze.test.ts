// `dualrec analyze <name>.transcript.*` on a transcript alone, for every shape other tools write
// (tests/fixtures/transcripts: one short dialogue of our own, saved in each tool's result format):
// the report has the right speakers and roles, times in seconds, the text without labels, and the
// disclosures said in it are found.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, type CliResult } from '../helpers/cli.js';

const dir = join(ROOT, 'tests', 'fixtures', 'transcripts');
const files = readdirSync(dir)
  .filter((f) => /\.transcript\.(json|srt|vtt|txt)$/.test(f))
  .sort();
const stem = (f: string) => f.replace(/\.transcript\.\w+$/, '');

/** The dialogue every fixture holds: who says it, when (s), and what. */
const LINES: [role: 'agent' | 'customer', start: number, end: number, text: string][] = [
  ['agent', 0.5, 4.2, '您好，本次通话全程录音，请问您同意吗？'],
  ['customer', 4.6, 5.4, '同意。'],
  ['agent', 6.0, 11.5, '请您特别注意保险合同中的责任免除条款，请您仔细阅读。'],
  ['customer', 12.0, 12.9, '好的，明白。'],
  ['agent', 13.4, 22.8, '自您签收保单之日起十五日内为犹豫期，犹豫期内解除合同，退还全部保费。您清楚了吗？'],
  ['customer', 23.3, 24.1, '清楚了。'],
];

/** format, and the speaker label each role's lines carry (undefined: the shape has no speakers). */
const EXPECTED: Record<string, { format: string; labels?: [agent: string, customer: string] }> = {
  funasr: { format: 'funasr-json', labels: ['speaker 0', 'speaker 1'] },
  'funasr-plain': { format: 'funasr-json' },
  aliyun: { format: 'aliyun-json', labels: ['speaker 1', 'speaker 2'] },
  'aliyun-stereo': { format: 'aliyun-json', labels: ['channel 0', 'channel 1'] },
  tencent: { format: 'tencent-json', labels: ['speaker 0', 'speaker 1'] },
  iflytek: { format: 'iflytek-json', labels: ['speaker 1', 'speaker 2'] },
  volcengine: { format: 'volcengine-json', labels: ['speaker 1', 'speaker 2'] },
  'openai-words': { format: 'openai-verbose-json' },
  'faster-whisper': { format: 'faster-whisper-json' },
  'faster-whisper-dict': { format: 'openai-verbose-json' },
  assemblyai: { format: 'generic-json', labels: ['speaker A', 'speaker B'] },
  deepgram: { format: 'generic-json', labels: ['speaker 0', 'speaker 1'] },
  'aws-transcribe': { format: 'generic-json', labels: ['spk_0', 'spk_1'] },
  azure: { format: 'generic-json', labels: ['speaker 1', 'speaker 2'] },
  'insanely-fast-whisper': { format: 'generic-json', labels: ['SPEAKER_00', 'SPEAKER_01'] },
  callcentre: { format: 'srt', labels: ['客服', '客户'] },
  anonymous: { format: 'srt', labels: ['说话人1', '说话人 2'] },
  'whispercpp-diarize': { format: 'srt', labels: ['0', '1'] },
  'two-voices': { format: 'vtt', labels: ['坐席', '投保人'] },
  'whispercpp-console': { format: 'timed-text', labels: ['客服', '客户'] },
  'meeting-export': { format: 'timed-text', labels: ['说话人1', '说话人 2'] },
};

interface Seg {
  start: number;
  end: number;
  text: string;
  speaker?: string;
  role?: string;
}
interface Report {
  transcript: { segments: Seg[]; source: { format: string } };
  findings: { ruleId: string; status: string; concepts: string[] }[];
}

let out: string;
let res: CliResult;
const report = (name: string): Report => JSON.parse(readFileSync(join(out, name, 'report.json'), 'utf8'));

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'dualrec-import-analyze-'));
  res = runCli(['analyze', ...files.map((f) => join(dir, f)), '--out', out], { timeoutMs: 240_000 });
}, 240_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("analyze a transcript alone, in each tool's shape", () => {
  it('has a fixture for every shape and analyzes them all', () => {
    expect(files.map(stem).sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(res.stderr.split('\n').filter((l) => l.startsWith('dualrec:'))).toEqual([]);
    expect(res.code).toBe(0);
  });

  it.each(Object.keys(EXPECTED))('%s: format, speakers, roles, times in seconds, text without labels', (name) => {
    const exp = EXPECTED[name];
    const r = report(name);
    expect(r.transcript.source.format).toBe(exp.format);
    const segs = r.transcript.segments;
    // Shapes without sentence times per line (word or character times only) are cut at the
    // sentence end inside line 5 ("…退还全部保费。" | "您清楚了吗？"): join them back for the check.
    const merged: Seg[] = [];
    for (const s of segs) {
      const last = merged[merged.length - 1];
      if (last && s.text === '您清楚了吗？')
        merged[merged.length - 1] = { ...last, end: s.end, text: last.text + s.text };
      else merged.push(s);
    }
    expect(merged.map((s) => s.text)).toEqual(LINES.map((l) => l[3]));
    merged.forEach((s, i) => {
      const [role, start, end] = LINES[i];
      if (name === 'two-voices') {
        // two voices per cue: the cue's span is shared by text length, each keeps its own part
        const cueStart = LINES[i - (i % 2)][1];
        const cueEnd = LINES[i - (i % 2) + 1][2];
        expect(s.start).toBeGreaterThanOrEqual(cueStart);
        expect(s.end).toBeLessThanOrEqual(cueEnd);
        if (i % 2 === 1) expect(s.start).toBeGreaterThan(merged[i - 1].start);
        if (i % 2 === 1) expect(s.start).toBeCloseTo(merged[i - 1].end, 3);
      } else if (name === 'meeting-export') {
        // start times only, in whole seconds: a line lasts until the next one starts
        expect(s.start).toBe(Math.floor(start));
        if (i + 1 < merged.length) expect(s.end).toBe(merged[i + 1].start);
      } else {
        expect(s.start).toBeCloseTo(start, 2);
        expect(s.end).toBeCloseTo(end, 2);
      }
      if (exp.labels) {
        expect(s.speaker).toBe(role === 'agent' ? exp.labels[0] : exp.labels[1]);
        expect(s.role).toBe(role);
      } else {
        expect(s.speaker).toBeUndefined();
      }
    });
  });

  it.each(Object.keys(EXPECTED))('%s: the cooling-off and exclusions disclosures are found in report.json', (name) => {
    const r = report(name);
    const status = (id: string) => r.findings.find((f) => f.ruleId === id)?.status;
    expect(status('disclose-cooling-off')).toBe('pass');
    expect(status('disclose-exclusions')).toBe('pass');
    // and what the dialogue lacks is still missed (the transcript is read, not waved through)
    expect(status('disclose-surrender-loss')).toBe('fail');
    if (EXPECTED[name].labels) {
      // the customer's answer is heard as the customer's: the confirmation passes
      expect(status('disclose-cooling-off/confirm')).toBe('pass');
    }
  });
});
