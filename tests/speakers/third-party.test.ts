// A relative in the room answering the agent's questions for the customer ("我妈清楚的"): the labels map
// that voice to no role, so its yes is an answer given for her — a proxy answer — and never her own
// confirmation. When the insured is not the policyholder, a third voice may be the insured consenting
// for himself, and is left alone. Shapes follow bank sales to seniors reported by regulators
// (tests/eval-real/sources.yaml: cbirc-2014-3-bank-suitability).
import { describe, expect, it } from 'vitest';
import { assignRoles } from '../../src/speakers/index.js';
import { evaluateRules, loadRuleSet } from '../../src/rules/index.js';
import type { Finding, SessionFacts, Transcript } from '../../src/model/index.js';
import { meta } from './helpers.js';

const ruleSet = loadRuleSet();
const ROLES = { speakers: { S1: 'agent', S2: 'customer' } };

function transcript(lines: [string, string][]): Transcript {
  let t = 0;
  const segments = lines.map(([speaker, text], id) => {
    const dur = Math.max(0.8, text.length * 0.22);
    const s = { id, start: t, end: t + dur, text, speaker };
    t += dur + 0.6;
    return s;
  });
  return { segments, language: 'zh', source: { kind: 'import', format: 'whisperx-json', file: 'x.json' } };
}

async function findings(lines: [string, string][], extra: Record<string, unknown> = {}): Promise<Finding[]> {
  const m = meta({ roles: ROLES, policyholder: { age: 72 }, ...extra });
  const t = transcript(lines);
  const speakers = await assignRoles({ transcript: t, meta: m });
  const facts: SessionFacts = {
    sessionId: 'third-party',
    meta: m,
    metaFromSidecar: true,
    integrity: [],
    transcript: t,
    speakers,
  };
  return evaluateRules(ruleSet, facts);
}

const status = (fs: Finding[], id: string) => fs.find((f) => f.ruleId === id)?.status;

const DISCLOSURE: [string, string] = [
  'S1',
  '条款第六条是责任免除：故意犯罪、两年内自杀、吸毒、酒驾、战争核辐射导致身故的，我们不承担给付责任。',
];

describe('a third person answering for the customer', () => {
  it('a daughter saying "我妈清楚的" is a proxy answer and no confirmation', async () => {
    const fs = await findings([
      DISCLOSURE,
      ['S1', '奶奶，以上不赔的情况您都清楚了吗？'],
      ['S3', '我妈清楚的，这些我在家都跟她讲过了。'],
      ['S1', '好，那请奶奶在投保人这里签名。'],
      ['S2', '签这儿是吧，好了。'],
    ]);
    expect(status(fs, 'disclose-exclusions/confirm')).toBe('fail');
    expect(status(fs, 'disclose-exclusions/proxy')).toBe('fail');
    const proxy = fs.find((f) => f.ruleId === 'disclose-exclusions/proxy')!;
    expect(proxy.message).toContain('第三人');
  });

  it('the customer answering herself after the relative still confirms', async () => {
    const fs = await findings([
      DISCLOSURE,
      ['S1', '奶奶，以上不赔的情况您都清楚了吗？'],
      ['S2', '清楚了，我自己看过条款。'],
      ['S3', '对，她清楚。'],
      ['S1', '好，那请您在投保人这里签名。'],
    ]);
    expect(status(fs, 'disclose-exclusions/confirm')).toBe('pass');
  });

  it('with an insured who is not the policyholder, a third voice saying yes is not taken for a proxy', async () => {
    const fs = await findings(
      [
        DISCLOSURE,
        ['S1', '刘姐、王哥，以上不赔的情况两位都清楚了吗？'],
        ['S2', '清楚了。'],
        ['S3', '我也清楚。'],
        ['S1', '好的，我们继续。'],
      ],
      { insured_is_policyholder: false },
    );
    expect(status(fs, 'disclose-exclusions/confirm')).toBe('pass');
    expect(status(fs, 'disclose-exclusions/proxy')).not.toBe('fail');
  });
});
