// Re-scoring a stored 30-minute transcript with all shipped rule packs: prints the median time
// of evaluateRules (target ≤ 20 ms) and the load time of the packs. Run: npx tsx bench/rules.bench.ts
import { performance } from 'node:perf_hooks';
import type { Segment, SessionFacts } from '../src/model/index.js';
import { decideVerdict, evaluateRules, loadRuleSet } from '../src/rules/index.js';

// A long, realistic session: the usual disclosures with customer answers, separated by the
// small talk, questions and explanations that fill a real 30-minute sale.
const AGENT = [
  '您好，我是明川人寿保险股份有限公司的保险代理人刘明，执业证号02000144010080012345。',
  '为了保护您的权益，接下来的过程会全程录音录像，您同意吗？',
  '此次录音录像过程对于今后您维护权益非常关键，请您认真对待。',
  '请您出示一下身份证，您是投保人本人吗？',
  '今天给您介绍的是明川人寿保险股份有限公司的安享一生年金保险（分红型）。',
  '这款产品的保险责任主要包括生存年金、满期保险金和身故保险金，具体以合同条款为准。',
  '请您特别留意合同里的责任免除部分，比如故意犯罪、酒后驾驶、战争这些情形，保险公司是不赔的。',
  '您这份保单每年的保险费是两万元，交费期间十年，保险期间二十年。',
  '您签收保单后有十五天的犹豫期，在这期间退保，保险公司会退还您交的全部保费。',
  '如果过了犹豫期再退保，只能拿回保单的现金价值，前几年的现金价值明显低于已交保费，会有损失。',
  '这是一款分红型产品，分红是不确定的，要看公司每年的经营情况，有的年份可能没有分红。',
  '根据法律规定，您需要如实告知被保险人的健康状况，如果没有如实告知，保险公司可能不承担责任。',
  '请您在投保单上亲笔签名，再抄录一下风险提示语句。',
  '请问您是自愿购买这份保险的吗？',
];
const FILLER = [
  '这个我再给您解释一下，年金是每年都可以领取的，领到被保险人八十周岁。',
  '您看这个表格，左边是年龄，右边是对应的现金价值，具体数字以合同为准。',
  '您家里还有其他的保障吗？比如医疗险或者意外险。',
  '没关系，我们慢慢来，有不清楚的地方您随时问我。',
  '这一页是投保须知，您可以先看一下，有问题我们再沟通。',
  '您平时工作忙吗？我们这个产品主要是为以后的养老做准备。',
];
const REPLIES = [
  '好的，清楚了。',
  '明白。',
  '是的，我清楚。',
  '嗯，了解。',
  '同意。',
  '是我本人。',
  '那这个钱什么时候能领？',
  '哦，这样啊。',
];

function session(minutes: number): SessionFacts {
  const segments: Segment[] = [];
  let t = 0;
  let k = 0;
  while (t < minutes * 60) {
    const agentText = k % 3 === 0 ? AGENT[(k / 3) % AGENT.length] : FILLER[k % FILLER.length];
    // ~600 segments in 30 minutes, as a real ASR segmentation gives
    const dur = agentText.length / 8;
    segments.push({ id: segments.length, start: t, end: t + dur, text: agentText, role: 'agent' });
    t += dur + 0.3;
    const reply = REPLIES[k % REPLIES.length];
    segments.push({ id: segments.length, start: t, end: t + reply.length / 4, text: reply, role: 'customer' });
    t += reply.length / 4 + 0.4;
    k++;
  }
  return {
    sessionId: 'bench',
    meta: {
      session_id: 'bench',
      product: { type: 'participating', term_years: 20 },
      channel: 'bank',
      policyholder: { age: 66 },
      agent: {},
    },
    metaFromSidecar: true,
    integrity: [],
    transcript: { segments, source: { kind: 'import', format: 'dualrec-json', file: 'bench' } },
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const t0 = performance.now();
const ruleSet = loadRuleSet();
const loadMs = performance.now() - t0;

const facts = session(30);
const segs = facts.transcript!.segments.length;
const chars = facts.transcript!.segments.reduce((n, s) => n + s.text.length, 0);

// first run warms the per-character caches (normalisation, pinyin) shared by all sessions
const first = performance.now();
let findings = evaluateRules(ruleSet, facts);
const firstMs = performance.now() - first;

/** median wall and CPU ms of evaluateRules over fresh copies of the transcript */
function measure(rs: typeof ruleSet, runs = 25): { med: number; cpuMed: number; times: number[] } {
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    // a fresh transcript object each time: nothing per-transcript is reused between runs
    const f = {
      ...facts,
      transcript: { ...facts.transcript!, segments: facts.transcript!.segments.map((s) => ({ ...s })) },
    };
    const c0 = process.cpuUsage();
    const a = performance.now();
    findings = evaluateRules(rs, f);
    times.push(performance.now() - a);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { med: median(times), cpuMed: median(cpu), times };
}
// the suspicion models (suspect: in the rules) scored against the same rules without them, interleaved
const withModels: number[] = [];
const without: number[] = [];
for (let round = 0; round < 5; round++) {
  without.push(measure({ ...ruleSet, models: new Map() }, 5).cpuMed);
  withModels.push(measure(ruleSet, 5).cpuMed);
}
const { med, cpuMed, times } = measure(ruleSet);
const { verdict } = decideVerdict(findings);
console.log(`rules: ${ruleSet.rules.length} in ${ruleSet.packs.length} packs, loaded in ${loadMs.toFixed(0)} ms`);
console.log(
  `transcript: ${segs} segments, ${chars} characters, ${(facts.transcript!.segments.at(-1)!.end / 60).toFixed(1)} min`,
);
console.log(
  `evaluateRules: first run ${firstMs.toFixed(1)} ms (cold caches), median ${med.toFixed(1)} ms over ${times.length} runs, min ${Math.min(...times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms`,
);
// on a shared machine wall time includes waiting for a core; CPU time is what the work costs
console.log(
  `CPU time per run: median ${cpuMed.toFixed(1)} ms (wall/CPU ${(med / cpuMed).toFixed(2)}: above 1 means the machine was busy)`,
);
console.log(
  `target ≤ 20 ms: wall median is ${(med / 20).toFixed(2)}× the target, CPU median ${(cpuMed / 20).toFixed(2)}×`,
);
console.log(
  `suspicion models: CPU median ${median(withModels).toFixed(1)} ms with, ${median(without).toFixed(1)} ms without (${(median(withModels) / median(without)).toFixed(2)}×)`,
);
console.log(`(${findings.length} findings, verdict ${verdict})`);
