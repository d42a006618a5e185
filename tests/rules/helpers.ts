// Builds small SessionFacts from dialogue lines, for evaluator tests.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role, Segment, SessionFacts, SessionMeta } from '../../src/model/index.js';

export type Line = [Role | 'agent' | 'customer' | 'unknown', string, Partial<Segment>?];

/** Lines become segments ~4 characters a second apart by half a second (or as given). */
export function facts(lines: Line[], meta: Partial<SessionMeta> = {}, extra: Partial<SessionFacts> = {}): SessionFacts {
  let t = 0;
  const segments: Segment[] = lines.map(([role, text, more], id) => {
    const dur = Math.max(0.8, text.length / 4);
    const s: Segment = { id, start: t, end: t + dur, text, role: role as Role, ...more };
    t = s.end + 0.5;
    return s;
  });
  return {
    sessionId: 'test',
    meta: {
      session_id: 'test',
      product: { type: 'traditional' },
      channel: 'agent',
      policyholder: { age: 40 },
      agent: {},
      ...meta,
    } as SessionMeta,
    metaFromSidecar: true,
    integrity: [],
    transcript: { segments, source: { kind: 'import', format: 'dualrec-json', file: 'test' } },
    ...extra,
  };
}

/** A temporary rule folder with the given files (name → YAML text). */
export function rulesDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dualrec-rules-'));
  for (const [name, text] of Object.entries(files)) {
    const p = join(dir, name);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, text);
  }
  return dir;
}

/** A complete, compliant dialogue (agent channel, traditional product). */
export const COMPLIANT: Line[] = [
  ['agent', '您好，我是明川人寿保险股份有限公司的保险代理人刘明，执业证号02000144。'],
  ['agent', '为了保护您的权益，接下来的过程会全程录音录像，您同意吗？'],
  ['customer', '同意。'],
  ['agent', '此次录音录像过程对于今后您维护权益非常关键，请您认真对待。'],
  ['agent', '请您出示一下身份证，您是投保人本人吗？'],
  ['customer', '是我本人。'],
  ['agent', '今天给您介绍的是明川人寿保险股份有限公司的长青福终身寿险。'],
  ['customer', '好的。'],
  ['agent', '这款产品的保险责任主要包括身故保险金和全残保险金，具体以合同条款为准。您清楚了吗？'],
  ['customer', '清楚。'],
  ['agent', '请您特别留意合同里的责任免除部分，比如故意犯罪、酒后驾驶，保险公司是不赔的。您清楚了吗？'],
  ['customer', '清楚了。'],
  ['agent', '您这份保单每年的保险费是两万元，交费期间十年，保险期间为终身。'],
  ['customer', '明白。'],
  ['agent', '您签收保单后有十五天的犹豫期，在这期间退保，保险公司会退还您交的全部保费。您明白吗？'],
  ['customer', '明白。'],
  ['agent', '如果过了犹豫期再退保，只能拿回保单的现金价值，会有损失。您清楚吗？'],
  ['customer', '清楚。'],
  ['agent', '根据法律规定，您需要如实告知被保险人的健康状况。您了解了吗？'],
  ['customer', '了解。'],
  ['agent', '请您在投保单上亲笔签名。'],
  ['customer', '好。'],
  ['agent', '请问您是自愿购买这份保险的吗？'],
  ['customer', '是的，自愿的。'],
];
