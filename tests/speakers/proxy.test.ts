// The confirmation rules on roles from real audio: the agent answering his own exclusions question
// (代答) must be flagged as proxy-answer; the customer answering it must confirm. Roles come from
// clustering a generated recording, and the rule engine is the real one with the shipped rule pack.
import { afterAll, describe, expect, it } from 'vitest';
import { assignRoles } from '../../src/speakers/index.js';
import { evaluateRules, loadRuleSet } from '../../src/rules/index.js';
import type { Finding, SessionFacts } from '../../src/model/index.js';
import { makeDialogue } from '../fixtures/speakers-dialogue.js';
import { CLEAR_VOICES, proxyTurns } from '../fixtures/speakers-scripts.js';
import { meta, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const ruleSet = loadRuleSet();

async function exclusionFindings(
  answeredBy: 'A' | 'C',
  merged: boolean,
): Promise<{ proxy?: Finding; confirm?: Finding; facts: SessionFacts }> {
  const d = makeDialogue({
    dir: tmp.dir,
    name: `proxy-${answeredBy}-${merged}`,
    voices: CLEAR_VOICES,
    turns: proxyTurns(answeredBy, merged),
    layout: 'mono',
    jitterS: 0.1,
  });
  const m = meta();
  const speakers = await assignRoles({ transcript: d.transcript, meta: m, recording: d.wav });
  const facts: SessionFacts = {
    sessionId: 'proxy',
    recording: d.wav,
    meta: m,
    metaFromSidecar: true,
    integrity: [],
    transcript: d.transcript,
    speakers,
  };
  const findings = evaluateRules(ruleSet, facts);
  return {
    proxy: findings.find((f) => f.ruleId === 'disclose-exclusions/proxy'),
    confirm: findings.find((f) => f.ruleId === 'disclose-exclusions/confirm'),
    facts,
  };
}

describe('proxy answer (代答) with roles from the recording', () => {
  it('flags the agent saying 是的 to his own question', async () => {
    const { proxy, confirm, facts } = await exclusionFindings('A', false);
    const answer = facts.transcript!.segments.find((s) => s.text.startsWith('是的'));
    expect(answer?.role).toBe('agent');
    expect(proxy?.status).toBe('fail');
    expect(confirm?.status).toBe('fail');
  });

  it('flags it when question and self-answer are one ASR line', async () => {
    const { proxy, facts } = await exclusionFindings('A', true);
    // one voice throughout the line: nothing to split
    expect(facts.transcript!.segments.some((s) => s.text.endsWith('您清楚了吗？是的，清楚。'))).toBe(true);
    expect(proxy?.status).toBe('fail');
  });

  it('passes when the customer answers, also when ASR merged the answer into the question line', async () => {
    for (const merged of [false, true]) {
      const { proxy, confirm, facts } = await exclusionFindings('C', merged);
      const answer = facts.transcript!.segments.find((s) => s.text.startsWith('是的'));
      expect(answer?.role).toBe('customer');
      expect(confirm?.status).toBe('pass');
      expect(proxy?.status).toBe('pass');
    }
  });
});
