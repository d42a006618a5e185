import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/index.js';
import { decideVerdict, evaluateRules, loadRuleSet } from '../../src/rules/index.js';
import { COMPLIANT, facts, type Line } from './helpers.js';

const rs = loadRuleSet();
const run = (lines: Line[], meta = {}, extra = {}): Finding[] => evaluateRules(rs, facts(lines, meta, extra));
const get = (fs: Finding[], id: string): Finding => {
  const f = fs.find((x) => x.ruleId === id);
  if (!f) throw new Error(`no finding ${id}: ${fs.map((x) => x.ruleId).join(', ')}`);
  return f;
};
const without = (pattern: RegExp): Line[] => COMPLIANT.filter(([, t]) => !pattern.test(t));
const replace = (pattern: RegExp, line: Line): Line[] => COMPLIANT.map((l) => (pattern.test(l[1]) ? line : l));

describe('evaluateRules on small sessions', () => {
  it('a compliant session passes every applicable rule and the verdict is PASS', () => {
    const fs = run(COMPLIANT);
    const bad = fs.filter((f) => f.status === 'fail' || f.status === 'undetermined');
    expect(bad.map((f) => `${f.ruleId}: ${f.message}`)).toEqual([]);
    expect(decideVerdict(fs).verdict).toBe('PASS');
    // every finding carries its concepts, and the passes carry evidence with the matched span
    const ex = get(fs, 'disclose-exclusions');
    expect(ex.concepts).toEqual(['disclosure.exclusions']);
    expect(ex.evidence[0].matched).toContain('责任免除');
    expect(ex.evidence[0].start).toBeGreaterThan(0);
    expect(get(fs, 'disclose-exclusions/confirm').evidence[1].excerpt).toBe('清楚了。');
  });

  it('a missing disclosure fails with what was missing, and the verdict is FAIL', () => {
    const fs = run(without(/责任免除/));
    const f = get(fs, 'disclose-exclusions');
    expect(f.status).toBe('fail');
    expect(f.evidence[0].missing).toContain('责任免除');
    expect(get(fs, 'disclose-exclusions/confirm').status).toBe('not_applicable');
    const v = decideVerdict(fs);
    expect(v.verdict).toBe('FAIL');
    expect(v.reasons.join('\n')).toContain('disclose-exclusions');
  });

  it('no transcript: transcript rules are undetermined, saying why, and the verdict is REVIEW', () => {
    const fs = evaluateRules(rs, { ...facts([]), transcript: undefined, transcriptMissingReason: '音频无法识别' });
    const f = get(fs, 'disclose-exclusions');
    expect(f.status).toBe('undetermined');
    expect(f.message).toContain('无转写文本');
    expect(f.message).toContain('音频无法识别');
    expect(get(fs, 'no-guarantee').status).toBe('undetermined');
    expect(decideVerdict(fs).verdict).toBe('REVIEW');
  });

  it('rules that do not apply are not_applicable (product type, channel, age)', () => {
    const fs = run(COMPLIANT);
    expect(get(fs, 'participating-dividend-uncertain').status).toBe('not_applicable');
    expect(get(fs, 'bank-not-deposit').status).toBe('not_applicable');
    expect(get(fs, 'senior-suitability').status).toBe('not_applicable');
    const senior = run(COMPLIANT, { policyholder: { age: 66 } });
    expect(get(senior, 'senior-suitability').status).toBe('fail');
  });

  it('an unknown age: a senior rule that would fail is undetermined, not a failure', () => {
    const fs = run(COMPLIANT, { policyholder: {} });
    const f = get(fs, 'senior-suitability');
    expect(f.status).toBe('undetermined');
    expect(f.message).toContain('年龄未知');
  });

  describe('confirmations', () => {
    it('a hedge is not a confirmation, and shows as such', () => {
      const fs = run(replace(/^清楚了。$/, ['customer', '不太清楚。']));
      const f = get(fs, 'disclose-exclusions/confirm');
      expect(f.status).toBe('fail');
      expect(f.concepts).toEqual(['confirmation.customer']);
      expect(f.message).toContain('不太清楚');
      expect(f.evidence.some((e) => e.excerpt === '不太清楚。')).toBe(true);
    });

    it('没听懂 / 再说一遍 then the agent moves on: not confirmed', () => {
      const lines = COMPLIANT.flatMap((l): Line[] =>
        l[1] === '清楚了。'
          ? [
              ['customer', '没听懂，再说一遍？'],
              ['agent', '好的，那我们先往下讲。'],
            ]
          : [l],
      );
      expect(get(run(lines), 'disclose-exclusions/confirm').status).toBe('fail');
    });

    it('a hedge, a re-explanation, then a clear yes: confirmed', () => {
      const lines = COMPLIANT.flatMap((l): Line[] =>
        l[1] === '清楚了。'
          ? [
              ['customer', '不太明白。'],
              ['agent', '就是说这些情况下保险公司不赔。您明白了吗？'],
              ['customer', '明白了。'],
            ]
          : [l],
      );
      const f = get(run(lines), 'disclose-exclusions/confirm');
      expect(f.status).toBe('pass');
      expect(f.message).toContain('复述后确认');
    });

    it('the agent answering his own question (代答) is flagged, in a separate turn', () => {
      const fs = run(replace(/^清楚了。$/, ['agent', '是的，清楚。']));
      expect(get(fs, 'disclose-exclusions/confirm').status).toBe('fail');
      const p = get(fs, 'disclose-exclusions/proxy');
      expect(p.status).toBe('fail');
      expect(p.concepts).toEqual(['conduct.proxy-answer']);
      expect(p.message).toContain('是的，清楚');
    });

    it("代答 inside the agent's own turn is flagged too", () => {
      const lines = COMPLIANT.flatMap((l): Line[] => {
        if (l[1].includes('责任免除')) return [['agent', `${l[1]}明白的明白的，下一项。`]];
        if (l[1] === '清楚了。') return [];
        return [l];
      });
      const fs = run(lines);
      expect(get(fs, 'disclose-exclusions/proxy').status).toBe('fail');
      expect(get(fs, 'disclose-exclusions/confirm').status).toBe('fail');
    });

    it('a reply after the agent moved on to the next disclosure does not confirm the previous one', () => {
      const lines = COMPLIANT.filter((l) => l[1] !== '清楚了。');
      expect(get(run(lines), 'disclose-exclusions/confirm').status).toBe('fail');
    });

    it('unknown roles: a confirmation cannot be decided, nothing is guessed', () => {
      const lines = COMPLIANT.map(([, t]): Line => ['unknown', t]);
      const fs = run(lines);
      expect(get(fs, 'disclose-exclusions').status).toBe('pass');
      expect(get(fs, 'disclose-exclusions').confidence).toBeLessThan(0.9);
      expect(get(fs, 'disclose-exclusions/confirm').status).toBe('undetermined');
      expect(get(fs, 'disclose-exclusions/proxy').status).toBe('undetermined');
      expect(decideVerdict(fs).verdict).toBe('REVIEW');
    });

    it('unknown roles with different diarisation labels: the other speaker confirmed', () => {
      const lines = COMPLIANT.map(([r, t]): Line => [
        'unknown',
        t,
        { speaker: r === 'agent' ? 'SPEAKER_00' : 'SPEAKER_01' },
      ]);
      expect(get(run(lines), 'disclose-exclusions/confirm').status).toBe('pass');
    });
  });

  describe('prohibited promises, negation-aware', () => {
    const withLine = (text: string): Finding[] => run([...COMPLIANT, ['agent', text]]);
    it.each([
      ['这个产品保本，您放心。'],
      ['保证收益，稳赚不赔。'],
      ['放心吧，不会亏的。'],
      ['哪有不保本的，肯定保本。'],
      ['这款产品零风险。'],
      ['您这钱放进来只会多不会少。'],
    ])('violation: %s', (text) => {
      const f = get(withLine(text), 'no-guarantee');
      expect(f.status).toBe('fail');
      expect(f.evidence[0].excerpt).toBe(text);
      expect(text).toContain(f.evidence[0].matched);
    });

    it.each([
      ['本产品不保本，投资有风险。'],
      ['我们不能保证收益，分红是不确定的。'],
      ['保本是不可能的，请您理解。'],
      ['这不是稳赚不赔的产品，也不是零风险的。'],
      ['万能账户有保底利率，超过保底的部分是不确定的。'],
    ])('correct disclosure: %s', (text) => {
      expect(get(withLine(text), 'no-guarantee').status).toBe('pass');
    });

    it('deposit confusion vs the correct statement', () => {
      expect(get(withLine('其实这个跟存款一样，到期本金利息一起拿回来。'), 'no-deposit-confusion').status).toBe('fail');
      expect(get(withLine('这是保险，跟存款不是一回事。'), 'no-deposit-confusion').status).toBe('pass');
    });

    it('an unattributed question that may be the customer asking goes to a person', () => {
      const fs = run([...COMPLIANT, ['unknown', '这个产品保本吗？']]);
      expect(get(fs, 'no-guarantee').status).toBe('undetermined');
    });
  });

  describe('number slots', () => {
    const cooling = (text: string): Finding =>
      get(run(replace(/犹豫期，在这期间/, ['agent', text])), 'disclose-cooling-off');
    it('十五天 and 15天 both match, n is captured', () => {
      for (const t of ['本产品犹豫期为十五天，犹豫期内可以无条件解除合同。', '犹豫期15天，犹豫期内退保全额退还。']) {
        const f = cooling(t);
        expect(f.status, t).toBe('pass');
      }
      expect(cooling('犹豫期为二十天，可以无条件解除合同。').evidence[0].note).toContain('n=20');
    });

    it('a cooling-off period under 15 days is a misstatement', () => {
      const f = cooling('犹豫期为十天，犹豫期内可以退保。');
      expect(f.status).toBe('fail');
      expect(f.message).toContain('n=10');
    });

    it('a number that may have been misheard is "can\'t tell", not a failure', () => {
      const f = cooling('犹豫期是从您签收回执那天起算的侍五日，犹豫期内可以退保。');
      expect(f.status).toBe('undetermined');
    });
  });

  it('low-confidence ASR where a disclosure would be: undetermined, not fail', () => {
    const lines = COMPLIANT.map((l): Line =>
      l[1].includes('责任免除') ? ['agent', '请您特别嗯那个合同里的部分', { lowConfidence: true }] : l,
    );
    const f = get(run(lines), 'disclose-exclusions');
    expect(f.status).toBe('undetermined');
    expect(f.message).toContain('置信度低');
  });

  it('a disclosure waved away is not a disclosure', () => {
    const f = get(
      run(replace(/责任免除/, ['agent', '责任免除这部分不重要，您回去自己看就行。'])),
      'disclose-exclusions',
    );
    expect(f.status).toBe('fail');
    expect(f.message).toContain('略过');
  });

  it('rushed speech over a disclosure is a conduct.speech-rate failure', () => {
    const lines = COMPLIANT.map((l): Line => (l[1].includes('责任免除') ? [l[0], l[1], { end: 2 }] : l));
    // re-time: the exclusions sentence (~45 characters) said in 2 seconds
    const idx = lines.findIndex((l) => l[1].includes('责任免除'));
    const fs = evaluateRules(
      rs,
      (() => {
        const f = facts(lines);
        const s = f.transcript!.segments[idx];
        s.end = s.start + 2;
        return f;
      })(),
    );
    const r = get(fs, 'disclose-exclusions/rate');
    expect(r.status).toBe('fail');
    expect(r.concepts).toEqual(['conduct.speech-rate']);
    expect(get(run(COMPLIANT), 'disclose-exclusions/rate').status).toBe('pass');
  });

  it('order: a rule that must come before another fails its order part when it comes after', () => {
    // the shipped packs leave order to the regulation (no order is prescribed there); a pack may add one
    const dir = mkdtempSync(join(tmpdir(), 'dualrec-order-'));
    writeFileSync(
      join(dir, 'order.yaml'),
      [
        'rules:',
        '  - { id: consent-first, title: 先征得同意, category: consent, severity: critical, source: 测试, concepts: [consent.recording], match: { any: [全程录音录像] }, order: { before: [coverage-later], severity: major } }',
        '  - { id: coverage-later, title: 再说明保险责任, category: disclosure, severity: critical, source: 测试, concepts: [disclosure.coverage], match: { any: [保险责任] } }',
      ].join('\n'),
    );
    try {
      const pack = loadRuleSet([dir]);
      const consent = COMPLIANT.slice(1, 3);
      const rest = [COMPLIANT[0], ...COMPLIANT.slice(3)];
      const idx = rest.findIndex((l) => l[1].includes('保险责任'));
      const late = [...rest.slice(0, idx + 2), ...consent, ...rest.slice(idx + 2)];
      const f = get(evaluateRules(pack, facts(late)), 'consent-first/order');
      expect(f.status).toBe('fail');
      expect(f.message).toContain('coverage-later');
      expect(get(evaluateRules(pack, facts(COMPLIANT)), 'consent-first/order').status).toBe('pass');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('silence inside the disclosure stage', () => {
    const lines = COMPLIANT.map((l, i): Line => (i === 10 ? [l[0], l[1], { start: 200, end: 210 }] : l));
    const f = facts(lines);
    // shift everything after the gap
    const segs = f.transcript!.segments;
    for (let i = 11; i < segs.length; i++) {
      segs[i].start += 200;
      segs[i].end += 200;
    }
    segs[10].start = segs[9].end + 120;
    segs[10].end = segs[10].start + 10;
    const s = get(evaluateRules(rs, f), 'silence-in-disclosure');
    expect(s.status).toBe('fail');
    expect(s.message).toMatch(/静默/);
  });

  it('evaluation is pure: same facts, same findings', () => {
    expect(run(COMPLIANT)).toEqual(run(COMPLIANT));
  });

  describe('noise: a disclosure partly heard is "can\'t tell", one not there at all fails', () => {
    it('a payment word with a garbled amount is undetermined; no trace at all still fails', () => {
      const garbled = run(
        replace(/保险费是两万元/, ['agent', '您这份保单一年交八抢六百猿，交费期间十年，保险期间为终身。']),
      );
      expect(get(garbled, 'disclose-premium').status).toBe('undetermined');
      expect(get(garbled, 'disclose-premium').evidence[0].note).toContain('部分线索');
      const missing = run(replace(/保险费是两万元/, ['agent', '交费期间十年，保险期间为终身。']));
      expect(get(missing, 'disclose-premium').status).toBe('fail');
    });

    it('the money unit heard by sound still reads an amount', () => {
      const f = get(
        run(replace(/保险费是两万元/, ['agent', '您这份保单每年的保险费是两万辕，交费期间十年，保险期间为终身。'])),
        'disclose-premium',
      );
      expect(f.status).toBe('pass');
    });

    it('a lone 五天 (十 dropped) is undetermined, 十天 and 5天 fail', () => {
      const cooling = (t: string): Finding =>
        get(run(replace(/犹豫期，在这期间/, ['agent', t])), 'disclose-cooling-off');
      expect(cooling('收到合同之后五天内，您改变主意可以解除合同，保费全额退还。').status).toBe('undetermined');
      expect(cooling('犹豫期为十天，犹豫期内可以退保。').status).toBe('fail');
      expect(cooling('犹豫期5天，犹豫期内可以退保。').status).toBe('fail');
    });

    it('a two-character word heard only by sound is no proof the item was said', () => {
      const fs = run(
        without(/责任免除/).map((l): Line => (/保险费/.test(l[1]) ? ['agent', `保费方面遮，${l[1]}`] : l)),
      );
      const f = get(fs, 'disclose-exclusions');
      expect(f.status).toBe('undetermined');
    });

    it('a number-pattern gap never reaches into the next clause or turn', () => {
      // "已交的保费…，手续费二十元" is not the premium
      const fs = run(
        replace(/保险费是两万元/, [
          'agent',
          '已交的保费会退给您，手续费二十元由公司承担。交费期间十年，保险期间为终身。',
        ]),
      );
      expect(get(fs, 'disclose-premium').status).not.toBe('pass');
      // a greedy gap that ran into the next turn is retried inside the first one
      const consent = run(replace(/全程录音录像，您同意吗/, ['agent', '接下来的过程会全程录音录像，您同吗？']));
      expect(get(consent, 'consent-recording').status).toBe('undetermined');
      // …and a cross-turn match does not hide the one inside the next turn
      const twoTurns = COMPLIANT.flatMap((l): Line[] =>
        /全程录音录像，您同意吗/.test(l[1])
          ? [
              ['agent', '按照要求，今天的过程要全程录音像，'],
              ['agent', '这个录音录像是监管的要求，您同鬃意吗？'],
            ]
          : [l],
      );
      expect(get(run(twoTurns), 'consent-recording').status).toBe('undetermined');
    });
  });

  describe('noise: prohibited claims', () => {
    it('a claim right after a character that sounds like 不 is undetermined, not a violation', () => {
      const at = (t: string): Finding => get(run([...COMPLIANT, ['agent', t]]), 'no-guarantee');
      expect(at('这个产品布保本，您要想清楚。').status).toBe('undetermined');
      expect(at('这个产品不保本，您要想清楚。').status).toBe('pass');
      expect(at('这个产品保本，您放心。').status).toBe('fail');
    });

    it('a fuzzy word never swallows a negation it does not have', () => {
      const f = get(run([...COMPLIANT, ['agent', '收益不能保证的，账户价值可能低于您交的保费。']]), 'no-guarantee');
      expect(f.status).toBe('pass');
    });
  });

  describe('confirmations in natural wording', () => {
    it('a no answers a question whose yes is a no (没人逼您吧？—没有)', () => {
      const lines = [
        ...COMPLIANT.filter(([, t]) => !/自愿/.test(t)),
        ['agent', '这个是您自己想买的，没有人逼您吧？'] as Line,
        ['customer', '没有，我自己要买的。'] as Line,
      ];
      expect(get(run(lines), 'confirm-voluntary/confirm').status).toBe('pass');
      const plain = [
        ...COMPLIANT.filter(([, t]) => !/自愿/.test(t)),
        ['agent', '这个保险您是自愿购买的吗？'] as Line,
        ['customer', '没有。'] as Line,
      ];
      expect(get(run(plain), 'confirm-voluntary/confirm').status).not.toBe('pass');
    });

    it('one question after 犹豫期 and the loss after it confirms both; an earlier self-answer is not made up for', () => {
      const base = COMPLIANT.filter(([, t]) => !/犹豫期|现金价值/.test(t));
      const joint: Line[] = [
        ...base.slice(0, -2),
        ['agent', '您有十五天犹豫期，这期间可以全额退保。'],
        ['agent', '过了犹豫期再退，只能退现金价值，会有损失。'],
        ['agent', '这两块您清楚吗？'],
        ['customer', '清楚。'],
        ...base.slice(-2),
      ];
      const fs = run(joint);
      expect(get(fs, 'disclose-cooling-off/confirm').status).toBe('pass');
      expect(get(fs, 'disclose-surrender-loss/confirm').status).toBe('pass');
      const proxied: Line[] = [
        ...base.slice(0, -2),
        ['agent', '您有十五天犹豫期，这期间可以全额退保。您清楚吗？'],
        ['agent', '是的，清楚。'],
        ['agent', '过了犹豫期再退，只能退现金价值，会有损失。您清楚吗？'],
        ['customer', '清楚。'],
        ...base.slice(-2),
      ];
      const fp = run(proxied);
      expect(get(fp, 'disclose-cooling-off/confirm').status).toBe('fail');
      expect(get(fp, 'disclose-cooling-off/proxy').status).toBe('fail');
    });

    it('"this part" after two unasked items leaves the first open, unless a bundling word covers both', () => {
      // the exclusions and the premium explained without a question between, then one question
      const ask = (q: string): Finding[] =>
        run(
          COMPLIANT.flatMap((l, i): Line[] => {
            const prev = COMPLIANT[i - 1]?.[1] ?? '';
            if (/责任免除|保险费是/.test(l[1])) return [['agent', l[1].replace(/您(清楚了|明白)吗？$/, '')]];
            if (/责任免除/.test(prev)) return [];
            if (/保险费是/.test(prev)) return [['agent', q], l];
            return [l];
          }),
        );
      expect(get(ask('这部分您清楚吗？'), 'disclose-exclusions/confirm').status).toBe('undetermined');
      expect(get(ask('以上这部分您都清楚吗？'), 'disclose-exclusions/confirm').status).toBe('pass');
    });

    it('asking what is excluded is no disclosure of it', () => {
      // the exclusions only asked about (the question put in the agent's mouth, as a wrong speaker label
      // would): asking what is excluded states nothing
      const asked = replace(/责任免除/, ['agent', '那什么情况下是不赔的？']);
      expect(get(run(asked), 'disclose-exclusions').status).not.toBe('pass');
    });

    it('a 都 in a question about another item (voluntariness) does not bundle an unasked disclosure into it', () => {
      const base = COMPLIANT.filter(([, t]) => !/现金价值|自愿/.test(t));
      const close = (q: string): Line[] => [
        ...base,
        ['agent', '过了犹豫期再退保只退现金价值，头几年退会亏一些。'],
        ['agent', q],
        ['customer', '是的。'],
      ];
      // the question asks whether the purchase is voluntary: its yes is not the loss's confirmation
      const other = run(close('这些都是您自己愿意投保的吗？'));
      expect(get(other, 'confirm-voluntary/confirm').status).toBe('pass');
      expect(get(other, 'disclose-surrender-loss/confirm').status).toBe('fail');
      // a bundling question that asks about what was said does confirm it
      expect(get(run(close('刚才说的这些您都清楚了吗？')), 'disclose-surrender-loss/confirm').status).toBe('pass');
      // …and so does one that looks back over everything while naming the other item too
      expect(
        get(run(close('刚才说的这些，还有是不是自愿投保，您都清楚了吗？')), 'disclose-surrender-loss/confirm').status,
      ).toBe('pass');
    });

    it('a garbled reply with a negator to 犹豫期 is not made up for by the yes to the loss question', () => {
      const base = COMPLIANT.filter(([, t]) => !/犹豫期|现金价值/.test(t));
      const joint = (reply: string, q: string): Finding[] =>
        run([
          ...base.slice(0, -2),
          ['agent', '签收保单起十五天是犹豫期，这期间退保全额退还保费，您听清楚了吗？'],
          ['customer', reply],
          ['agent', `过了这十五天再退保，就只退现金价值了，会吃亏，${q}`],
          ['customer', '了解。'],
          ...base.slice(-2),
        ]);
      // 没咋听懂 is no known hedge, but its 没 says it may be one: a person must listen
      const hedgy = joint('没咋听懂。', '这个您了解吗？');
      expect(get(hedgy, 'disclose-cooling-off/confirm').status).toBe('undetermined');
      expect(get(hedgy, 'disclose-surrender-loss/confirm').status).toBe('pass');
      // a question that asks about both again covers it
      expect(get(joint('没咋听懂。', '这两点您都了解了吗？'), 'disclose-cooling-off/confirm').status).toBe('pass');
      // a garbled reply without a negator stays open: the one question after both items confirms both
      expect(get(joint('噢。', '这个您了解吗？'), 'disclose-cooling-off/confirm').status).toBe('pass');
    });

    it('"(您)了解了吗？" with 您 lost is the agent asking, not answering', () => {
      const lines = COMPLIANT.flatMap((l): Line[] =>
        /责任免除/.test(l[1])
          ? [
              ['agent', '请您特别留意合同里的责任免除部分，比如故意犯罪、酒后驾驶，保险公司是不赔的。'],
              ['agent', '了解了吗？'],
            ]
          : [l],
      );
      expect(get(run(lines), 'disclose-exclusions/proxy').status).toBe('pass');
    });
  });
});
