import { CONCEPT_SEVERITY } from '../../src/eval/concept-severity.js';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CASES, generateEvalSet, LABELLED_CONCEPTS, writeEvalSet } from '../../scripts/lib/eval-sets/generated.js';
import { ExpectedSchema } from '../../src/eval/metrics.js';
import { SessionMetaSchema } from '../../src/model/index.js';
import { ROOT } from '../helpers/cli.js';

const SET_DIR = join(ROOT, 'tests/eval-set');
const sessions = generateEvalSet();
const tmp = mkdtempSync(join(tmpdir(), 'dualrec-evalset-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const hanPerSecond = (text: string, start: number, end: number) =>
  [...text].filter((c) => /[\p{Script=Han}\p{L}\p{N}]/u.test(c)).length / (end - start);

describe('eval set generator', () => {
  it('makes at least 40 sessions with valid sidecars and labels', () => {
    expect(sessions.length).toBeGreaterThanOrEqual(40);
    expect(new Set(sessions.map((s) => s.name)).size).toBe(sessions.length);
    for (const s of sessions) {
      expect(SessionMetaSchema.safeParse(s.meta).success).toBe(true);
      expect(ExpectedSchema.safeParse(s.expected).success).toBe(true);
      expect(s.meta).toMatchObject({ roles: { speakers: { A: 'agent', C: 'customer' } } });
      expect(s.transcript.segments.length).toBeGreaterThan(10);
      // the verdict follows from the concepts
      // a fail makes the session FAIL unless it is minor (insurers' practice: src/eval/concept-severity.ts)
      const anyFail = Object.entries(s.expected.concepts).some(
        ([c, v]) => v === 'fail' && (CONCEPT_SEVERITY as Record<string, string>)[c] !== 'minor',
      );
      expect(s.expected.verdict).toBe(anyFail ? 'FAIL' : 'PASS');
    }
  });

  it('is deterministic, and the committed tests/eval-set is what it generates', () => {
    expect(generateEvalSet()).toEqual(sessions);
    const written = writeEvalSet(tmp);
    const committed = readdirSync(SET_DIR)
      .filter((f) => f.endsWith('.json') || f === 'INDEX.md')
      .sort();
    expect(committed).toEqual([...written].sort());
    for (const f of written) {
      expect(readFileSync(join(SET_DIR, f), 'utf8'), `${f} is stale: run npx tsx scripts/make-eval-set.ts`).toBe(
        readFileSync(join(tmp, f), 'utf8'),
      );
    }
  });

  it('covers every variation the issue asks for', () => {
    const violated = (c: string) =>
      sessions.filter((s) => s.expected.concepts[c as keyof typeof s.expected.concepts] === 'fail').length;
    expect(sessions.filter((s) => s.expected.verdict === 'PASS').length).toBeGreaterThanOrEqual(10);
    for (const c of LABELLED_CONCEPTS) expect(violated(c), c).toBeGreaterThanOrEqual(1);
    expect(violated('confirmation.customer')).toBeGreaterThanOrEqual(8);
    expect(violated('prohibited.guarantee')).toBeGreaterThanOrEqual(4);
    expect(
      sessions.filter((s) => (s.meta as { policyholder: { age: number } }).policyholder.age >= 60).length,
    ).toBeGreaterThanOrEqual(5);
    expect(sessions.filter((s) => (s.meta as { channel: string }).channel === 'bank').length).toBeGreaterThanOrEqual(8);
  });

  it('varies the wording: agents do not share one script', () => {
    const compliant = sessions.filter((s) => s.expected.verdict === 'PASS');
    const agentLines = compliant.flatMap((s) =>
      s.transcript.segments.filter((x) => x.speaker === 'A').map((x) => x.text),
    );
    expect(new Set(agentLines).size / agentLines.length).toBeGreaterThan(0.6);
    // the exclusions disclosure alone comes in several phrasings
    const exclusionWords = /责任免除|免责|除外责任|不承担|不赔/;
    const exclusionLines = new Set(agentLines.filter((l) => exclusionWords.test(l)));
    expect(exclusionLines.size).toBeGreaterThanOrEqual(4);
  });

  it('times speech honestly: rushed sessions are fast, the rest are not', () => {
    for (const s of sessions) {
      const rates = s.transcript.segments
        .filter((x) => x.speaker === 'A')
        .map((x) => hanPerSecond(x.text, x.start, x.end));
      const fast = rates.filter((r) => r > 6).length;
      if (s.expected.concepts['conduct.speech-rate'] === 'fail') expect(fast, s.name).toBeGreaterThanOrEqual(5);
      else expect(Math.max(...rates), s.name).toBeLessThan(4.5);
      // segments in order, not overlapping
      for (let i = 1; i < s.transcript.segments.length; i++) {
        expect(s.transcript.segments[i]!.start).toBeGreaterThanOrEqual(s.transcript.segments[i - 1]!.end);
      }
    }
  });

  it('puts real promises only where the label says so, and negated ones only in compliant sessions', () => {
    const realPromise = /保本|稳赚|保证您每年收益|零风险|只会多不会少|本金利息一起拿回来/;
    const negation = /不保本|不是稳赚不赔|也不是零风险|不能向您保证/;
    for (const s of sessions) {
      const agent = s.transcript.segments.filter((x) => x.speaker === 'A').map((x) => x.text);
      const promises = agent.filter((l) => realPromise.test(l) && !negation.test(l));
      expect(promises.length > 0, s.name).toBe(s.expected.concepts['prohibited.guarantee'] === 'fail');
    }
    expect(CASES.some((c) => (c.negated?.length ?? 0) > 0)).toBe(true);
  });

  it('leaves the customer silent where the agent answers for them', () => {
    for (const s of sessions.filter((x) => x.expected.concepts['conduct.proxy-answer'] === 'fail')) {
      const segs = s.transcript.segments;
      const proxied = segs.some(
        (x, i) =>
          x.speaker === 'A' &&
          (/[？?][^？?]*(清楚|明白|了解)[^？?]*$/.test(x.text) ||
            (/[？?]$/.test(segs[i - 1]?.text ?? '') && segs[i - 1]?.speaker === 'A')) &&
          segs[i + 1]?.speaker !== 'C',
      );
      expect(proxied, s.name).toBe(true);
    }
  });
});
