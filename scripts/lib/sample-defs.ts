// The bundled samples' definitions (voices, scripted lines, meta, expected verdicts); scripts/make-samples.ts renders them.
import type { SessionMeta } from '../../src/model/index.js';
import { idCheckCharacter } from '../../src/vision/documents.js';
import { PORTRAITS, type CardTexts, type Portrait, type Prop } from './sample-video.js';

// ---------------------------------------------------------------------------------------------
// Voices

export interface Voice {
  /** espeak-ng voice, optionally with a +variant */
  name: string;
  /** pitch 0..99 */
  pitch: number;
  /** words (here: syllables) per minute */
  speed: number;
}

// Speeds keep the agent near 200 characters a minute: a rushed-disclosure rule must not fire on the
// compliant sample. The customer is higher, slower and a female variant: two voices a diariser can split.
const VOICES = {
  agentA: { name: 'cmn-latn-pinyin', pitch: 35, speed: 162 },
  agentB: { name: 'cmn-latn-pinyin+m3', pitch: 45, speed: 166 },
  agentC: { name: 'cmn-latn-pinyin+f2', pitch: 40, speed: 164 },
  customer: { name: 'cmn-latn-pinyin+f3', pitch: 72, speed: 155 },
  customerM: { name: 'cmn-latn-pinyin+m1', pitch: 60, speed: 150 },
} satisfies Record<string, Voice>;

// ---------------------------------------------------------------------------------------------
// Scripts

type Who = 'agent' | 'customer';

export interface Line {
  who: Who;
  text: string;
  /** sales stage shown in the picture from this line on (plain-picture samples) */
  stage?: string;
  /** what the camera shows while this line is said (composed-picture samples, see scripts/lib/sample-video.ts) */
  show?: Prop;
}

export interface Sample {
  name: string;
  /** what a compliance reviewer would decide, and why (README + expected.json) */
  verdict: 'PASS' | 'FAIL' | 'REVIEW';
  why: string;
  /** concept labels for `<name>.expected.json` (the eval format) */
  concepts: Record<string, 'pass' | 'fail' | 'undetermined' | 'not_applicable'>;
  notes?: string[];
  meta: SessionMeta;
  voices: Record<Who, Voice>;
  lines: Line[];
  container: 'mp4' | 'm4a';
  transcript: 'json' | 'srt' | 'none';
  /** keep only this fraction of the encoded file's bytes (cuts off the moov atom at the end) */
  truncateTo?: number;
  /** a composed picture (people, documents, signing) instead of the plain stage captions */
  video?: { agent: Portrait; customer: Portrait; cards: CardTexts };
}

const a = (text: string, stage?: string, show?: Prop): Line => ({
  who: 'agent',
  text,
  ...(stage ? { stage } : {}),
  ...(show ? { show } : {}),
});
const c = (text: string): Line => ({ who: 'customer', text });

const COMPLIANT: Line[] = [
  a(
    '您好，现在开始录音录像。此次录音录像过程对于今后您维护权益非常关键，请问您是否同意对销售过程进行录音录像？',
    '录音录像告知',
  ),
  c('是的，我同意。'),
  a(
    '我是瑞和人寿保险股份有限公司的保险代理人王明，我的执业证号是零二零零一二三四五六七，这是我的执业证，请您查看。',
    '代理人身份',
    'license',
  ),
  c('好的，看到了。'),
  a('请问您是投保人本人吗？请您出示身份证件。', '投保人身份', 'id'),
  c('是的，我是投保人本人，这是我的身份证。'),
  a('您投保的产品是瑞和人寿保险股份有限公司的瑞和福满两全保险，分红型。', '产品与保险公司', 'notice'),
  a(
    '本产品的保险责任包括身故保险金和满期保险金：保险期间内身故，给付身故保险金；期满生存，给付满期保险金。您清楚了吗？',
    '保险责任',
  ),
  c('清楚了。'),
  a('请您特别注意保险合同中的责任免除条款，请您仔细阅读。您明白了吗？', '责任免除', 'clauses'),
  c('明白。'),
  a('本产品每年交保费一万元，交费期间十年，保险期间二十年。请问您是否清楚？', '保费与交费期间'),
  c('清楚了。'),
  a('本产品不收取初始费用，退保时按合同约定的现金价值计算。您清楚了吗？', '费用说明'),
  c('清楚了。'),
  a('自您签收保单之日起十五日内为犹豫期，犹豫期内解除合同，退还全部保费。您清楚了吗？', '犹豫期'),
  c('清楚了。'),
  a('犹豫期后退保会有损失，只能领取现金价值，可能低于已交保费。请问您是否明白？', '退保损失'),
  c('明白。'),
  a('本产品是分红型保险，分红是不确定的，红利水平可能为零。请问您是否明白？', '分红不确定'),
  c('明白。'),
  a('下面进行健康告知，请您如实告知。请问被保险人是否患有高血压、糖尿病或心脏病？', '健康告知'),
  c('没有。'),
  a('过去两年内是否住院或者做过手术？'),
  c('没有。'),
  a('请您在投保单上亲笔签名，并抄录风险提示语句。', '亲笔签名与抄录', 'form'),
  c('好的，我已经签好名并抄录完了。'),
  a('请问您对以上内容是否清楚，是否同意投保？', '确认投保'),
  c('同意。'),
  a('感谢您的配合，本次录音录像到此结束。', '结束'),
];

// Another agent, other wording, and no word about 责任免除 / 免责 at all.
const MISSING_EXCLUSIONS: Line[] = [
  a(
    '您好，我们现在开始录音录像。此次录音录像过程对于今后您维护权益非常关键，请问您是否同意对销售过程进行录音录像？',
    '录音录像告知',
  ),
  c('好的，同意。'),
  a(
    '我是安盈人寿保险股份有限公司的代理人张丽，执业证号零三零零七六五四三二一，请您看一下我的执业证。',
    '代理人身份',
    'license',
  ),
  c('好的。'),
  a('请您确认您是投保人本人，并出示您的身份证。', '投保人身份', 'id'),
  c('是的，是我本人。'),
  a('今天为您介绍的是安盈人寿保险股份有限公司的安盈金福两全保险，分红型。', '产品与保险公司', 'notice'),
  a('这款产品的保障包括身故保险金和满期保险金，保险期满时被保险人生存，可以领取满期保险金。您了解了吗？', '保险责任'),
  c('了解了。'),
  a('保费是每年一万二千元，一共交十年，保障二十年。您清楚吗？', '保费与交费期间'),
  c('清楚了。'),
  a('这款产品没有额外的初始费用。', '费用说明'),
  a('签收保单后十五天内是犹豫期，这期间解除合同可以退还全部保费。您清楚了吗？', '犹豫期'),
  c('清楚了。'),
  a('过了犹豫期再退保会有损失，只退现金价值，可能比交的保费少。您明白吗？', '退保损失'),
  c('明白。'),
  a('分红是不确定的，有的年份红利可能为零。您清楚吗？', '分红不确定'),
  c('清楚。'),
  a('请您如实告知健康情况，被保险人最近两年有没有住院或者手术？', '健康告知'),
  c('没有。'),
  a('请您亲笔签名，再抄录一下风险提示语句。', '亲笔签名与抄录', 'form'),
  c('好的，签好了。'),
  a('您是否同意投保？', '确认投保'),
  c('同意。'),
  a('好的，谢谢您，录音录像到此结束。', '结束'),
];

const TRUNCATED: Line[] = [
  a(
    '您好，现在开始录音录像。此次录音录像过程对于今后您维护权益非常关键，请问您是否同意对销售过程进行录音录像？',
    '录音录像告知',
  ),
  c('是的，我同意。'),
  a('我是瑞和人寿保险股份有限公司的保险代理人李强，这是我的执业证，请您查看。', '代理人身份'),
  c('好的。'),
  a('请问您是投保人本人吗？请您出示身份证件。', '投保人身份'),
  c('是的，这是我的身份证。'),
];

const AUDIO_ONLY_HEALTH: Line[] = [
  a('您好，本次通话将全程录音。此次录音录像过程对于今后您维护权益非常关键，请问您是否同意录音？'),
  c('同意。'),
  a('我是康宁健康保险股份有限公司的销售人员赵敏，工号八六二零一。请问您是投保人本人吗？'),
  c('是的，是我。'),
  a('为您介绍的是康宁安心医疗保险，保险期间一年，年交保费三百六十元。'),
  a('本产品的保险责任是住院医疗保险金，住院期间的合理医疗费用按合同约定报销。您清楚了吗？'),
  c('清楚了。'),
  a('请您特别注意保险合同中的责任免除条款，请您仔细阅读。您明白吗？'),
  c('明白。'),
  a('这个产品保本，收益稳赚不赔，您放心买就行。'),
  c('好的。'),
  a(
    '自您签收保单之日起十五日内为犹豫期，犹豫期内解除合同，退还全部保费；犹豫期后退保会有损失，只退还现金价值。您清楚了吗？',
  ),
  c('清楚了。'),
  a('请您如实告知健康状况，并在电子投保单上亲笔签名。您清楚了吗？'),
  c('清楚了。'),
  a('感谢您的配合，本次录音到此结束。'),
];

/** A made-up resident ID number: 17 digits (region, birth date, sequence) and its GB 11643 check character. */
function fictionalId(first17: string): string {
  return first17 + idCheckCharacter(first17);
}

export const SAMPLES: Sample[] = [
  {
    name: 'compliant-participating',
    verdict: 'PASS',
    why: 'every required disclosure is said in order and confirmed; no prohibited promise; on camera: both in frame, documents and ID shown, the customer signs',
    concepts: {
      'integrity.recording': 'pass',
      'consent.recording': 'pass',
      'identity.agent': 'pass',
      'identity.customer': 'pass',
      'disclosure.insurer-product': 'pass',
      'disclosure.coverage': 'pass',
      'disclosure.exclusions': 'pass',
      'disclosure.premium': 'pass',
      'disclosure.term': 'pass',
      'disclosure.cooling-off': 'pass',
      'disclosure.surrender-loss': 'pass',
      'disclosure.benefit-uncertainty': 'pass',
      'disclosure.health-notice': 'pass',
      'prohibited.guarantee': 'pass',
      'visual.copresence': 'pass',
      'visual.document-shown': 'pass',
      'visual.signature': 'pass',
    },
    meta: {
      session_id: 'SAMPLE-2024-0001',
      recorded_at: '2024-05-20T10:15:00+08:00',
      product: { name: '瑞和福满两全保险（分红型）', type: 'participating', term_years: 20 },
      channel: 'agent',
      policyholder: { age: 45, name: '李秀兰' },
      insured_is_policyholder: true,
      agent: { id: 'AG-100001', name: '王明' },
      region: '上海',
      roles: { speakers: { agent: 'agent', customer: 'customer' } },
    },
    voices: { agent: VOICES.agentA, customer: VOICES.customer },
    lines: COMPLIANT,
    video: {
      agent: PORTRAITS.manInSuit,
      customer: PORTRAITS.womanRedDress,
      cards: {
        insurer: '瑞和人寿保险股份有限公司',
        product: '瑞和福满两全保险（分红型）',
        agentName: '王明',
        licenseNo: '02001234567',
        customerName: '李秀兰',
        customerSex: '女',
        birth: '1979年3月12日',
        idNumber: fictionalId('31010419790312042'),
      },
    },
    container: 'mp4',
    transcript: 'json',
  },
  {
    name: 'missing-exclusions',
    verdict: 'FAIL',
    why: 'the agent never mentions 责任免除 / 免责条款 (disclosure.exclusions missing); everything else is said and confirmed',
    concepts: {
      'consent.recording': 'pass',
      'disclosure.exclusions': 'fail',
      'disclosure.cooling-off': 'pass',
      'disclosure.surrender-loss': 'pass',
      'disclosure.benefit-uncertainty': 'pass',
      'prohibited.guarantee': 'pass',
      // the picture is compliant: the one fault is what was not said
      'integrity.recording': 'pass',
      'visual.copresence': 'pass',
      'visual.document-shown': 'pass',
      'visual.signature': 'pass',
    },
    meta: {
      session_id: 'SAMPLE-2024-0002',
      recorded_at: '2024-05-21T14:40:00+08:00',
      product: { name: '安盈金福两全保险（分红型）', type: 'participating', term_years: 20 },
      channel: 'agent',
      policyholder: { age: 52, name: '陈建国' },
      insured_is_policyholder: true,
      agent: { id: 'AG-200417', name: '张丽' },
      region: '江苏',
      roles: { speakers: { agent: 'agent', customer: 'customer' } },
    },
    voices: { agent: VOICES.agentB, customer: VOICES.customer },
    lines: MISSING_EXCLUSIONS,
    // the picture is compliant: people in frame, licence, ID and 投保提示书 shown, signing on camera
    video: {
      agent: PORTRAITS.womanGreenTop,
      customer: { ...PORTRAITS.manInSuit, flip: true },
      cards: {
        insurer: '安盈人寿保险股份有限公司',
        product: '安盈金福两全保险（分红型）',
        agentName: '张丽',
        licenseNo: '03007654321',
        customerName: '陈建国',
        customerSex: '男',
        birth: '1971年8月9日',
        idNumber: fictionalId('32010219710809053'),
      },
    },
    container: 'mp4',
    transcript: 'json',
  },
  {
    name: 'broken-truncated',
    verdict: 'REVIEW',
    why: 'the file was cut off mid-upload: the MP4 index (moov atom) is missing, so it cannot be decoded or analyzed',
    concepts: { 'integrity.recording': 'fail' },
    meta: {
      session_id: 'SAMPLE-2024-0003',
      recorded_at: '2024-05-22T09:05:00+08:00',
      product: { name: '瑞和福满两全保险（分红型）', type: 'participating', term_years: 20 },
      channel: 'agent',
      policyholder: { age: 38 },
      insured_is_policyholder: true,
      agent: { id: 'AG-100233' },
      region: '上海',
      roles: { speakers: { agent: 'agent', customer: 'customer' } },
    },
    voices: { agent: VOICES.agentA, customer: VOICES.customerM },
    lines: TRUNCATED,
    container: 'mp4',
    transcript: 'none',
    truncateTo: 0.55,
  },
  {
    name: 'audio-only-health',
    verdict: 'FAIL',
    why: 'the agent promises "这个产品保本，收益稳赚不赔" (prohibited.guarantee); a telesales call, audio only',
    concepts: {
      // telesales is recorded as audio by rule: no picture is not an integrity fault here, and no
      // consent question belongs to it (54号 第五条); a one-year product has no cooling-off period or
      // surrender loss to explain
      'integrity.recording': 'pass',
      'disclosure.coverage': 'pass',
      'disclosure.exclusions': 'pass',
      'disclosure.health-notice': 'pass',
      'prohibited.guarantee': 'fail',
    },
    notes: ['telesales (电话销售) is recorded as audio only; the missing video track is expected for this channel'],
    meta: {
      session_id: 'SAMPLE-2024-0004',
      recorded_at: '2024-05-23T16:30:00+08:00',
      product: { name: '康宁安心医疗保险', type: 'health', term_years: 1 },
      channel: 'telesales',
      policyholder: { age: 33 },
      insured_is_policyholder: true,
      agent: { id: 'TS-86201', name: '赵敏' },
      region: '广东',
      roles: { speakers: { agent: 'agent', customer: 'customer' } },
    },
    voices: { agent: VOICES.agentC, customer: VOICES.customerM },
    lines: AUDIO_ONLY_HEALTH,
    container: 'm4a',
    transcript: 'srt',
  },
];
