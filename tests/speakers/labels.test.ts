// Roles without audio: the sidecar's speaker map, role-named labels, diarized labels (WhisperX
// SPEAKER_xx) mapped by what each voice says, and the words alone.
import { describe, expect, it } from 'vitest';
import { assignRoles, applyLabelRoles } from '../../src/speakers/index.js';
import { mapVoicesToRoles, textCues, voiceEvidence } from '../../src/speakers/text.js';
import type { Segment, Transcript } from '../../src/model/index.js';
import { meta } from './helpers.js';

const LINES: [string, string][] = [
  ['A', '您好，我是保险公司的代理人，本次销售过程将全程录音录像，您同意吗？'],
  ['C', '同意。'],
  ['A', '这款产品年交保费一万元，交费期十年，保险期间二十年，您清楚吗？'],
  ['C', '清楚。'],
  ['A', '请您特别注意保险合同中的责任免除条款，请您仔细阅读。您清楚了吗？'],
  ['C', '那如果我中途退保的话，能拿回多少钱呢？'],
  ['A', '是的，退保会有损失，只能拿回现金价值。'],
  ['A', '犹豫期十五天，您明白吗？'],
  ['C', '明白了。'],
];

function transcript(labels: (who: string) => string | undefined, lines = LINES): Transcript {
  let t = 0;
  const segments: Segment[] = lines.map(([who, text], id) => {
    const dur = Math.max(0.6, text.length * 0.2);
    const s: Segment = { id, start: t, end: t + dur, text };
    const label = labels(who);
    if (label !== undefined) s.speaker = label;
    t += dur + 0.5;
    return s;
  });
  return { segments, language: 'zh', source: { kind: 'import', format: 'whisperx-json', file: 'x.json' } };
}

const truthRole = (who: string) => (who === 'A' ? 'agent' : who === 'C' ? 'customer' : 'unknown');

describe('text cues', () => {
  it('tells script lines, confirmation questions and short answers apart', () => {
    const q = textCues('请您特别注意保险合同中的责任免除条款，您清楚吗？');
    expect(q.question).toBe(true);
    expect(q.agent).toBeGreaterThanOrEqual(3);
    const a = textCues('清楚了。');
    expect(a.shortAnswer).toBe(true);
    expect(a.agent).toBe(0);
    // the customer copying the risk statement reads like the script but is the customer's
    const copied = textCues('本人已阅读保险条款、产品说明书和投保提示书，了解本产品的特点和保单利益的不确定性。');
    expect(copied.customer).toBeGreaterThan(copied.agent);
  });

  it('maps the voice that reads the script to the agent and the one that answers to the customer', () => {
    const t = transcript((w) => (w === 'A' ? 'S1' : 'S0'));
    for (const s of t.segments) s.voice = s.speaker;
    const m = mapVoicesToRoles(voiceEvidence(t.segments));
    expect(m.agent).toBe('S1');
    expect(m.customer).toBe('S0');
    expect(m.agentConfidence).toBeGreaterThan(0.9);
    expect(m.customerConfidence).toBeGreaterThan(0.9);
  });

  it('is a coin toss without cues', () => {
    const segs: Segment[] = [
      { id: 0, start: 0, end: 1, text: '今天天气不错。', voice: 'x' },
      { id: 1, start: 2, end: 3, text: '是啊，挺暖和。', voice: 'y' },
    ];
    const m = mapVoicesToRoles(voiceEvidence(segs));
    expect(Math.max(m.agentConfidence, m.customerConfidence)).toBeLessThan(0.6);
  });
});

describe('labels', () => {
  it('takes roles from the sidecar map (method metadata) and treats an unmapped label as a third party', async () => {
    const lines: [string, string][] = [...LINES.slice(0, 4), ['B', '我是他儿子，我帮他签吧。'], ...LINES.slice(4)];
    const t = transcript((w) => w, lines);
    const facts = await assignRoles({
      transcript: t,
      meta: meta({ roles: { speakers: { A: 'agent', C: 'customer' } } }),
    });
    expect(facts.method).toBe('metadata');
    t.segments.forEach((s, i) => expect(s.role).toBe(truthRole(lines[i][0])));
    expect(t.segments.filter((s) => s.role !== 'unknown').every((s) => s.roleConfidence === 1)).toBe(true);
    const b = t.segments[4];
    expect(facts.thirdPartyVoices).toHaveLength(1);
    expect(facts.thirdPartyVoices[0].start).toBeCloseTo(b.start, 3);
    expect(facts.thirdPartyVoices[0].end).toBeCloseTo(b.end, 3);
    expect(facts.speakerCount).toBe(3);
    expect(facts.notes.join(' ')).toContain('B');
  });

  it('takes role-named labels as they are (method labels)', async () => {
    const t = transcript((w) => (w === 'A' ? 'agent' : '客户'));
    const facts = await assignRoles({ transcript: t, meta: meta() });
    expect(facts.method).toBe('labels');
    t.segments.forEach((s, i) => expect(s.role).toBe(truthRole(LINES[i][0])));
  });

  it('maps diarized labels (SPEAKER_00 …) to roles by what each voice says', async () => {
    const t = transcript((w) => (w === 'A' ? 'SPEAKER_01' : 'SPEAKER_00'));
    const facts = await assignRoles({ transcript: t, meta: meta() });
    expect(facts.method).toBe('labels');
    expect(facts.speakerCount).toBe(2);
    t.segments.forEach((s, i) => expect(s.role).toBe(truthRole(LINES[i][0])));
    // the agent's short "是的" and the customer's long question follow the voice, not the words
    expect(t.segments[5].role).toBe('customer');
    expect(t.segments[6].role).toBe('agent');
    // the customer's next line after a question, whatever it says (a counter-question counts too)
    expect(facts.answerLatencies.map((l) => [l.questionSegmentId, l.answerSegmentId])).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
      [7, 8],
    ]);
    for (const l of facts.answerLatencies) expect(l.latencyS).toBeCloseTo(0.5, 5);
    const agentS = [0, 2, 4, 6, 7].reduce((s, i) => s + t.segments[i].end - t.segments[i].start, 0);
    const customerS = [1, 3, 5, 8].reduce((s, i) => s + t.segments[i].end - t.segments[i].start, 0);
    expect(facts.customerShareOfSpeech).toBeCloseTo(customerS / (agentS + customerS), 2);
  });

  it('keeps the exported applyLabelRoles working for the pipeline', () => {
    const t = transcript((w) => w);
    expect(applyLabelRoles(t, meta({ roles: { speakers: { A: 'agent' } } }))).toBe(5);
    expect(t.segments[0].role).toBe('agent');
    expect(t.segments[1].role).toBeUndefined();
  });

  it('reports overlapping lines of two labels as overlaps', async () => {
    const t = transcript((w) => w);
    t.segments[5].start = t.segments[4].end - 1; // the customer cuts in a second early
    const facts = await assignRoles({
      transcript: t,
      meta: meta({ roles: { speakers: { A: 'agent', C: 'customer' } } }),
    });
    expect(facts.overlaps).toHaveLength(1);
    expect(facts.overlaps[0].start).toBeCloseTo(t.segments[5].start, 3);
    expect(facts.overlaps[0].end).toBeCloseTo(t.segments[4].end, 3);
  });
});

describe('words alone', () => {
  it('turn-taking: script lines to the agent, short answers right after them to the customer, all marked and with modest confidence', async () => {
    const t = transcript(() => undefined);
    const facts = await assignRoles({ transcript: t, meta: meta() });
    expect(facts.method).toBe('text');
    expect(facts.speakerCount).toBeNull();
    expect(facts.notes.join(' ')).toMatch(/turn-taking/);
    // every line here is the agent's or the customer's: the words and the turns tell them apart
    const truth = LINES.map(([who]) => truthRole(who));
    const right = t.segments.filter((s, i) => s.role === truth[i]).length;
    expect(right / t.segments.length).toBeGreaterThanOrEqual(0.9);
    for (const s of t.segments) {
      if (s.role === 'unknown') continue;
      // inferred, never certain: the agent answering himself in the same voice reads the same
      expect(s.roleFromTurns).toBe(true);
      expect(s.roleConfidence).toBeLessThanOrEqual(0.8);
    }
  });

  it('turn-taking: a sentence cut across segments stays with its speaker; asking back and not understanding are the customer', async () => {
    const lines: [string, string][] = [
      ['A', '下面说一下责任免除，'],
      ['A', '故意犯罪、吸毒、酒驾导致身故的，我们不承担保险责任，您清楚吗？'],
      ['C', '清楚。'],
      ['A', '犹豫期后退保只退现金价值，前几年会低于您交的保费。'],
      ['C', '这个现金价值我还是不太懂，'],
      ['C', '是什么意思？'],
      ['A', '就是您中途不要了，公司按合同退给您的钱，前几年比交的少。'],
      ['C', '那我要是交了三年不想交了，能拿回多少？'],
      ['A', '大概是已交保费的一半左右，具体看现金价值表。'],
      ['A', '好，请说一下您的名字。'],
      ['C', '张明。'],
    ];
    const t = transcript(() => undefined, lines);
    await assignRoles({ transcript: t, meta: meta() });
    expect(t.segments.map((s) => s.role)).toEqual(lines.map(([who]) => truthRole(who)));
  });

  it('turn-taking: the agent asking on; the customer saying he follows now', async () => {
    // shapes from telesales health questions and bank scripts (tests/eval-real, holdout part 1)
    const lines: [string, string][] = [
      ['A', '接下来是健康告知，请您如实回答：过去两年内有没有住院？'],
      ['A', '过去一年有没有体检结果异常？'],
      ['C', '都没有。'],
      ['A', '分红是不确定的，要看公司的经营情况。'],
      ['C', '这个红利我没听懂，到底是怎么回事？'],
      ['A', '公司每年把盈余拿出一部分分给客户，盈余少就分得少，没有盈余那年就可能不分。'],
      ['C', '哦，这下我明白了，分红不一定有。'],
    ];
    const t = transcript(() => undefined, lines);
    await assignRoles({ transcript: t, meta: meta() });
    expect(t.segments.map((s) => s.role)).toEqual(lines.map(([who]) => truthRole(who)));
  });

  it('turn-taking without punctuation, in traditional characters: a request, the agent reading on', async () => {
    // whisper.cpp output of a bank session, converted to traditional characters
    const lines: [string, string][] = [
      ['A', '需要給您錄音錄像 您同意嗎'],
      ['C', '同意'],
      ['A', '錄音錄像對您以後維權很關鍵 籤的文件請認真看 如實回答'],
      ['A', '請說一下名字'],
      ['C', '杜金山'],
      ['A', '這是保險產品 不是存款 由福瑞人壽承擔保險責任 保險期間五年'],
      ['A', '紅利不保證 看公司的經營情況 有的年份可能沒有'],
      ['A', '以上內容您都清楚了嗎'],
      ['C', '清楚了'],
    ];
    const t = transcript(() => undefined, lines);
    await assignRoles({ transcript: t, meta: meta() });
    expect(t.segments.map((s) => s.role)).toEqual(lines.map(([who]) => truthRole(who)));
  });

  it('re-derives roles it set itself on an earlier run', async () => {
    const t = transcript((w) => (w === 'A' ? 'SPEAKER_01' : 'SPEAKER_00'));
    await assignRoles({ transcript: t, meta: meta() });
    const first = t.segments.map((s) => [s.role, s.roleConfidence]);
    const facts = await assignRoles({ transcript: t, meta: meta() });
    expect(facts.method).toBe('labels');
    expect(t.segments.map((s) => [s.role, s.roleConfidence])).toEqual(first);
  });
});
