// End to end: a transcript with an ID number, a phone number and a bank card through `dualrec analyze`;
// none of them may reach report.json, report.html, the log or the terminal in full.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { BAD_ID, CARD, ID, LANDLINE, MOBILE } from './numbers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dualrec-pii-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const seg = (id: number, start: number, speaker: string, text: string) => ({
  id,
  start,
  end: start + 4,
  text,
  speaker,
});

function analyze(name: string, body: string) {
  const file = join(dir, name);
  writeFileSync(file, body);
  const out = join(dir, `out-${name}`);
  const log = join(dir, `${name}.log`);
  const res = runCli(['analyze', file, '--out', out], { env: { DUALREC_LOG_LEVEL: 'debug', DUALREC_LOG_FILE: log } });
  const stem = name.replace(/\.transcript\.(json|srt)$/, '');
  return {
    res,
    json: readFileSync(join(out, stem, 'report.json'), 'utf8'),
    html: readFileSync(join(out, stem, 'report.html'), 'utf8'),
    log: readFileSync(log, 'utf8'),
  };
}

describe('personal numbers are masked in what analyze writes', () => {
  it('report.json, report.html and the log hold only the masked forms', () => {
    const transcript = {
      format: 'dualrec-transcript',
      version: 1,
      language: 'zh',
      segments: [
        seg(0, 0, 'agent', '您好，现在开始录音录像，请问您是否同意？'),
        seg(1, 5, 'customer', '同意。'),
        seg(2, 10, 'agent', '请您核对一下身份证号码，报一下后四位。'),
        seg(
          3,
          15,
          'customer',
          `我的身份证号是${ID}，手机号${MOBILE.slice(0, 3)} ${MOBILE.slice(3, 7)} ${MOBILE.slice(7)}。`,
        ),
        seg(4, 20, 'customer', `扣款的银行卡号是${CARD}，家里座机${LANDLINE}。`),
        seg(5, 25, 'agent', `好的，保单号${BAD_ID}，您记一下。`),
      ],
    };
    const { res, json, html, log } = analyze('pii.transcript.json', JSON.stringify(transcript));
    expect(res.code, res.stderr).toBe(0);
    const digitsOnly = (s: string) => s.replace(/[^0-9X]/g, '');
    for (const [what, text] of [
      ['report.json', json],
      ['report.html', html],
      ['log', log],
      ['stdout', res.stdout],
      ['stderr', res.stderr],
    ] as const) {
      for (const secret of [ID, MOBILE, CARD, digitsOnly(LANDLINE), LANDLINE, MOBILE.slice(0, 7)]) {
        expect(text.includes(secret), `${secret} in ${what}`).toBe(false);
      }
    }
    // the masked forms are there: an auditor still sees that a number was said, and its last 4 digits
    const report = JSON.parse(json);
    const said = report.transcript.segments.map((s: { text: string }) => s.text).join('\n');
    expect(said).toContain(`**************${ID.slice(-4)}`);
    expect(said).toContain(`*** **** ${MOBILE.slice(-4)}`);
    expect(said).toContain(`${'*'.repeat(CARD.length - 4)}${CARD.slice(-4)}`);
    expect(said).toContain(`***-****${LANDLINE.slice(-4)}`);
    expect(html).toContain(`**************${ID.slice(-4)}`);
    // an 18-digit number with a wrong checksum is not an ID number: it stays
    expect(said).toContain(BAD_ID);
    // the identity evidence quotes the customer's line, masked
    const quoted = JSON.stringify(report.findings);
    expect(quoted).not.toContain(ID);
    expect(log.length).toBeGreaterThan(0);
    expect(log).not.toContain('does not match its schema'); // masking keeps the report valid
  });

  it('the store keeps only the masked text (its facts, so rescore too); the original file keeps it whole', () => {
    const inbox = join(dir, 'inbox-store');
    mkdirSync(inbox);
    const lines = [
      seg(0, 0, 'agent', '请您核对一下身份证号码。'),
      seg(1, 5, 'customer', `我的身份证号是${ID}，手机号${MOBILE}，银行卡号${CARD}。`),
    ];
    const original = JSON.stringify({ format: 'dualrec-transcript', version: 1, language: 'zh', segments: lines });
    writeFileSync(join(inbox, 'pii.transcript.json'), original);
    const out = join(dir, 'out-store');
    const batch = runCli(['batch', inbox, '--out', out, '--concurrency', '1']);
    expect([0, 3], batch.stderr).toContain(batch.code);
    const rescore = runCli(['rescore', '--out', out]);
    expect([0, 3], rescore.stderr).toContain(rescore.code);
    // every byte the store wrote (database, WAL), raw: no full number anywhere
    const stored = readdirSync(out)
      .filter((f) => f.startsWith('dualrec.sqlite'))
      .map((f) => readFileSync(join(out, f)).toString('latin1'));
    expect(stored.length).toBeGreaterThan(0);
    for (const secret of [ID, MOBILE, CARD])
      for (const bytes of stored) expect(bytes.includes(secret), secret).toBe(false);
    // the masked form is what it keeps, and the original transcript file is untouched
    expect(stored.join('').includes(Buffer.from(`${'*'.repeat(14)}${ID.slice(-4)}`, 'utf8').toString('latin1'))).toBe(
      true,
    );
    expect(readFileSync(join(inbox, 'pii.transcript.json'), 'utf8')).toBe(original);
  });

  it('an SRT parse error names the line but never echoes its text', () => {
    const srt = `1\n00:00:01,000 --> 00:00:03,000\n您好\n\n电话${MOBILE}身份证${ID}\n`;
    const { res, json, log } = analyze('broken.transcript.srt', srt);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/broken\.transcript\.srt: line 5/);
    for (const text of [json, log, res.stderr, res.stdout]) {
      expect(text).not.toContain(MOBILE);
      expect(text).not.toContain(ID);
      expect(text).not.toContain('电话');
    }
  });
});
