import { describe, expect, it } from 'vitest';
import { classifyNumber, luhnValid, maskReport, maskText, validIdChecksum } from '../../src/privacy/index.js';
import type { Report } from '../../src/model/index.js';
import { BAD_ID, CARD, ID, LANDLINE, MOBILE } from './numbers.js';

describe('which numbers are personal', () => {
  it('ID numbers by their GB 11643 checksum; the old 15-digit form by its birth date', () => {
    expect(validIdChecksum(ID)).toBe(true);
    expect(classifyNumber(ID)).toBe('id');
    expect(validIdChecksum(BAD_ID)).toBe(false);
    expect(classifyNumber(BAD_ID)).toBeUndefined();
    expect(classifyNumber('110105491231002')).toBe('id');
    expect(classifyNumber('110105491331002')).toBeUndefined(); // month 13
  });
  it('mobiles 13x–19x, landlines with their area code, Luhn-valid bank cards', () => {
    expect(classifyNumber(MOBILE)).toBe('mobile');
    expect(classifyNumber('12912345678')).toBeUndefined();
    expect(classifyNumber('02162345678')).toBe('landline');
    expect(classifyNumber('075588886666')).toBe('landline');
    expect(classifyNumber('02001234567')).toBeUndefined(); // local numbers never start with 0/1
    expect(luhnValid(CARD)).toBe(true);
    expect(classifyNumber(CARD)).toBe('bank-card');
    expect(classifyNumber(CARD.slice(0, -1) + String((Number(CARD.at(-1)) + 1) % 10))).toBeUndefined();
  });
});

describe('maskText', () => {
  it('keeps the last 4 digits and the length, grouped or not', () => {
    const cases: Array<[string, string]> = [
      [`身份证${ID}`, `身份证**************002X`],
      [`手机${MOBILE}。`, `手机*******5678。`],
      ['手机 139 1234 5678', '手机 *** **** 5678'],
      ['手机139-1234-5678', '手机***-****-5678'],
      ['+86 139 1234 5678', '+** *** **** 5678'],
      [`座机${LANDLINE}`, '座机***-****5678'],
      [`卡号${CARD}`, `卡号${'*'.repeat(15)}${CARD.slice(-4)}`],
      ['电话幺三九一二三四五六七八', '电话*******五六七八'],
      ['座机零二一六二三四五六七八', '座机*******五六七八'],
      ['家里座机是02162345678', '家里座机是*******5678'],
    ];
    for (const [text, want] of cases) {
      expect(maskText(text), text).toBe(want);
      expect(maskText(text).length).toBe(text.length);
    }
  });
  it('leaves alone what is not a personal number', () => {
    for (const text of [
      `保单号${BAD_ID}`, // 18 digits with a wrong checksum: not an ID
      '保费每年10000元，交20年',
      '2026-11-24T10:00:00.000Z',
      'S-20261124-0001',
      'sha256 3a5f13912345678bb',
      '执业证号是零二零零一二三四五六七',
      '工号11010200775',
      '执业证号零三零零七六五四三二一', // an agent's credential number has a landline's shape: not grouped, no phone word
    ])
      expect(maskText(text)).toBe(text);
  });
  it('separates an amount from a phone number in one run', () => {
    expect(maskText(`保费10000 ${MOBILE}`)).toBe('保费10000 *******5678');
  });
});

describe('maskReport', () => {
  it('masks pieces of a known number in excerpts and numbers split over words', () => {
    const report = {
      transcript: {
        source: { kind: 'asr', engine: 'x', model: 'y' },
        segments: [
          {
            id: 0,
            start: 0,
            end: 3,
            text: `我的电话${MOBILE}`,
            words: [
              { start: 0, end: 1, text: '我的电话' },
              { start: 1, end: 2, text: '1391' },
              { start: 2, end: 2.5, text: '2345' },
              { start: 2.5, end: 3, text: '678' },
            ],
          },
        ],
      },
      findings: [{ evidence: [{ excerpt: '电话1391234' }] }],
    } as unknown as Report;
    const m = maskReport(report);
    expect(m.transcript!.segments[0]!.text).toBe('我的电话*******5678');
    expect(m.transcript!.segments[0]!.words!.map((w) => w.text)).toEqual(['我的电话', '****', '***5', '678']);
    expect(m.findings[0]!.evidence[0]!.excerpt).toBe('电话*******');
    expect(JSON.stringify(report)).toContain(MOBILE); // a copy: the facts are not changed
  });
});
