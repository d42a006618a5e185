// Generates the bundled sample recordings in samples/ (see samples/README.md).
//
//   npx tsx scripts/make-samples.ts                 # all samples into samples/
//   npx tsx scripts/make-samples.ts --out DIR       # somewhere else (tests use this)
//   npx tsx scripts/make-samples.ts --only NAME,... # a subset
//
// Speech is espeak-ng's Mandarin voice `cmn-latn-pinyin` fed numbered pinyin (pinyin-pro), one WAV
// per scripted line; lines are joined with fixed gaps and the transcript gets each line's TRUE start
// and end (measured from the samples), so importers and rules see exactly what is in the audio.
// The picture of the two sales samples is what a compliant 双录 camera shows, composed from the photos
// that ship in npm packages and placed on the transcript's true timings (scripts/lib/sample-video.ts):
// agent and customer side by side throughout, the licence / 投保提示书 / 条款 / ID card held up when
// their lines are said, and the customer signing the 投保单 on camera. The truncated sample keeps a
// plain background with the current sales stage drawn in WenQuanYi Micro Hei.
//
// Deterministic: the same script gives byte-identical transcripts, meta and WAVs, and the same video
// frames; the MP4s are identical for the same ffmpeg/x264 build (bitexact flags, single-threaded x264,
// SEI removed, no metadata), but may differ across ffmpeg versions.
//
// This is tooling, not product: it runs ffmpeg and espeak-ng itself (argv arrays, no shell).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { customPinyin, pinyin } from 'pinyin-pro';
import { importTranscript, serializeTranscript } from '../src/asr/import/index.js';
import { SessionMetaSchema, type Segment, type SessionMeta } from '../src/model/index.js';
import { idCheckCharacter } from '../src/vision/documents.js';
import { AUDIO_ENC, BITEXACT, encodeFramesWithAudio } from './lib/encode.js';
import {
  composeFrame,
  loadPieces,
  planVideo,
  PORTRAITS,
  SAMPLE_VIDEO,
  type CardTexts,
  type Portrait,
  type Prop,
  type VideoPlan,
} from './lib/sample-video.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

// ---------------------------------------------------------------------------------------------
// Voices and timing

interface Voice {
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

const LEAD_IN_S = 0.8;
const TAIL_S = 1.0;
/** pause between two lines of the same speaker */
const GAP_SAME_S = 0.45;
/** pause when the other party takes the turn */
const GAP_TURN_S = 0.7;
/** espeak pads each utterance with silence: trimmed below this amplitude (about -42 dBFS) */
const TRIM_THRESHOLD = 260;
/** kept around trimmed speech so word onsets are not clipped */
const TRIM_PAD_S = 0.02;

// ---------------------------------------------------------------------------------------------
// Scripts

type Who = 'agent' | 'customer';

interface Line {
  who: Who;
  text: string;
  /** sales stage shown in the picture from this line on (plain-picture samples) */
  stage?: string;
  /** what the camera shows while this line is said (composed-picture samples, see scripts/lib/sample-video.ts) */
  show?: Prop;
}

interface Sample {
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

const SAMPLES: Sample[] = [
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

// ---------------------------------------------------------------------------------------------
// Text → numbered pinyin

// Readings pinyin-pro gets wrong in these scripts (为 "be" is wéi, 给付 is jǐfù, 只 "only" is zhǐ, 脏 "organ" is zàng).
customPinyin({ 为零: 'wéi líng', 内为: 'nèi wéi', 给付: 'jǐ fù', 只能: 'zhǐ néng', 只退: 'zhǐ tuì', 心脏: 'xīn zàng' });

const PUNCT: Record<string, string> = {
  '，': ', ',
  '、': ', ',
  '。': '. ',
  '？': '? ',
  '！': '! ',
  '；': '; ',
  '：': ': ',
};

/** Chinese text → "ni3 hao3, ..." for cmn-latn-pinyin; neutral tone is 5; punctuation stays as pauses. */
export function toEspeakPinyin(text: string): string {
  const parts = pinyin(text, { toneType: 'num', type: 'array', v: true, nonZh: 'consecutive' });
  let out = '';
  for (const p of parts) {
    if (/^[a-zü]+[0-5]$/i.test(p)) {
      out += `${p.replace(/0$/, '5')} `;
      continue;
    }
    for (const ch of p) {
      if (PUNCT[ch]) out = `${out.trimEnd()}${PUNCT[ch]}`;
      else if (/\s/.test(ch)) continue;
      else throw new Error(`make-samples: cannot speak "${ch}" in "${text}" (write numbers and symbols in Chinese)`);
    }
  }
  return out.trim();
}

// ---------------------------------------------------------------------------------------------
// WAV handling (16-bit mono PCM, as espeak-ng writes it)

interface Pcm {
  rate: number;
  samples: Int16Array;
}

function readWav(buf: Buffer, what: string): Pcm {
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE')
    throw new Error(`${what}: not a WAV file`);
  let off = 12;
  let rate = 0;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      const format = buf.readUInt16LE(body);
      const channels = buf.readUInt16LE(body + 2);
      rate = buf.readUInt32LE(body + 4);
      const bits = buf.readUInt16LE(body + 14);
      if (format !== 1 || channels !== 1 || bits !== 16) throw new Error(`${what}: expected 16-bit mono PCM`);
    } else if (id === 'data') {
      // espeak-ng streaming to a file may leave a placeholder size: never read past the end.
      const end = Math.min(buf.length, body + size);
      const samples = new Int16Array(Math.floor((end - body) / 2));
      for (let i = 0; i < samples.length; i++) samples[i] = buf.readInt16LE(body + i * 2);
      if (!rate) throw new Error(`${what}: data before fmt chunk`);
      return { rate, samples };
    }
    off = body + size + (size % 2);
  }
  throw new Error(`${what}: no data chunk`);
}

function wavBytes(pcm: Pcm): Buffer {
  const data = pcm.samples.length * 2;
  const buf = Buffer.alloc(44 + data);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + data, 4);
  buf.write('WAVEfmt ', 8, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(pcm.rate, 24);
  buf.writeUInt32LE(pcm.rate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(data, 40);
  for (let i = 0; i < pcm.samples.length; i++) buf.writeInt16LE(pcm.samples[i], 44 + i * 2);
  return buf;
}

function trimSilence(pcm: Pcm): Int16Array {
  const s = pcm.samples;
  let first = 0;
  while (first < s.length && Math.abs(s[first]) < TRIM_THRESHOLD) first++;
  let last = s.length - 1;
  while (last > first && Math.abs(s[last]) < TRIM_THRESHOLD) last--;
  if (first >= s.length) throw new Error('make-samples: espeak-ng produced silence');
  const pad = Math.round(TRIM_PAD_S * pcm.rate);
  return s.slice(Math.max(0, first - pad), Math.min(s.length, last + 1 + pad));
}

// ---------------------------------------------------------------------------------------------
// Running tools

function run(cmd: string, args: string[]): { stdout: string; stderr: string; status: number } {
  const res = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (res.error) throw new Error(`make-samples: ${cmd} could not run (${res.error.message}); is it installed?`);
  return { stdout: res.stdout, stderr: res.stderr, status: res.status ?? -1 };
}

function mustRun(cmd: string, args: string[], what: string): void {
  const r = run(cmd, args);
  if (r.status !== 0)
    throw new Error(
      `make-samples: ${what} failed (${cmd} exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`,
    );
}

function synth(text: string, voice: Voice, out: string): Pcm {
  mustRun(
    'espeak-ng',
    ['-v', voice.name, '-p', String(voice.pitch), '-s', String(voice.speed), '-w', out, toEspeakPinyin(text)],
    `espeak-ng "${text.slice(0, 12)}…"`,
  );
  const pcm = readWav(readFileSync(out), out);
  return { rate: pcm.rate, samples: trimSilence(pcm) };
}

function fontFile(): string {
  const known = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';
  if (existsSync(known)) return known;
  const r = run('fc-match', ['-f', '%{file}', 'WenQuanYi Micro Hei']);
  if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  throw new Error('make-samples: font WenQuanYi Micro Hei not found (apt-get install fonts-wqy-microhei)');
}

/** Filter-graph text must not carry quotes, colons, commas or backslashes into drawtext. */
function safeDrawText(s: string): string {
  if (/['\\:,;%[\]]/.test(s))
    throw new Error(`make-samples: stage text "${s}" has characters drawtext would need escaped`);
  return s;
}

/** x264 quality for the composed pictures: small files (< 2 MB with the audio) with text still legible */
const VIDEO_CRF = 30;
/** keyframe every 10 s */
const VIDEO_GOP_S = 10;

interface Placed {
  line: Line;
  start: number;
  end: number;
}

function encodeVideo(
  wav: string,
  out: string,
  durationS: number,
  title: string,
  stages: { text: string; start: number; end: number }[],
): void {
  const font = fontFile();
  const common = `fontfile=${font}:fontcolor=white`;
  const filters = [
    `drawtext=${common}:fontsize=14:x=10:y=10:text='${safeDrawText(title)}'`,
    `drawtext=${common}:fontsize=14:x=w-tw-10:y=h-th-10:text='%{pts\\:hms}'`,
    ...stages.map(
      (s) =>
        `drawtext=${common}:fontsize=30:x=(w-text_w)/2:y=(h-text_h)/2:text='${safeDrawText(s.text)}':enable='between(t,${s.start.toFixed(3)},${s.end.toFixed(3)})'`,
    ),
  ];
  mustRun(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `color=c=0x1f3b57:s=320x240:r=10:d=${durationS.toFixed(3)}`,
      '-i',
      wav,
      '-filter_complex',
      `[0:v]${filters.join(',')}[v]`,
      '-map',
      '[v]',
      '-map',
      '1:a',
      '-c:v',
      'libx264',
      '-preset',
      'medium',
      '-tune',
      'stillimage',
      '-crf',
      '30',
      '-g',
      '100',
      '-pix_fmt',
      'yuv420p',
      '-threads',
      '1',
      '-x264-params',
      'threads=1',
      // x264 writes its version and options into an SEI message: drop SEI so the build does not show.
      '-bsf:v',
      'filter_units=remove_types=6',
      ...AUDIO_ENC,
      ...BITEXACT,
      out,
    ],
    `encoding ${out}`,
  );
}

/** What the camera shows when, from the scripted lines' `show` marks and their times (one per line). */
function videoPlanOf(s: Sample, times: { start: number; end: number }[], durationS: number): VideoPlan {
  return planVideo(
    s.lines.map((l, i) => ({
      who: l.who,
      start: times[i]!.start,
      end: times[i]!.end,
      ...(l.show ? { show: l.show } : {}),
    })),
    durationS,
  );
}

/** The composed picture (scripts/lib/sample-video.ts) on the lines' true timings, with the speech. */
async function encodeComposed(s: Sample, placed: Placed[], wav: string, out: string, durationS: number): Promise<void> {
  const v = s.video!;
  const plan = videoPlanOf(s, placed, durationS);
  const pieces = await loadPieces(v.agent, v.customer, v.cards, fontFile());
  const n = Math.ceil(durationS * SAMPLE_VIDEO.fps);
  const frames = function* () {
    for (let i = 0; i < n; i++) yield composeFrame(pieces, plan, i);
  };
  // the recorder's clock, burnt in (top left, clear of the cards) as 双录 systems do
  const clock = `drawtext=fontfile=${fontFile()}:fontcolor=white:fontsize=10:x=6:y=4:box=1:boxcolor=black@0.4:boxborderw=2:text='%{pts\\:hms}'`;
  await encodeFramesWithAudio(
    out,
    { ...SAMPLE_VIDEO, crf: VIDEO_CRF, gop: VIDEO_GOP_S * SAMPLE_VIDEO.fps, filter: clock },
    frames(),
    wav,
  );
}

function encodeAudioOnly(wav: string, out: string): void {
  mustRun(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-y', '-i', wav, '-vn', ...AUDIO_ENC, ...BITEXACT, out],
    `encoding ${out}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Writing one sample

function srtTime(sec: number): string {
  const ms = Math.round(sec * 1000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(Math.floor(ms / 3_600_000))}:${p(Math.floor((ms % 3_600_000) / 60_000))}:${p(Math.floor((ms % 60_000) / 1000))},${p(ms % 1000, 3)}`;
}

function srtText(segments: Segment[]): string {
  return segments
    .map((s, i) => `${i + 1}\n${srtTime(s.start)} --> ${srtTime(s.end)}\n[${s.speaker}]: ${s.text}\n`)
    .join('\n');
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

export interface MadeSample {
  name: string;
  files: string[];
  durationS: number;
  segments: number;
  /** agent characters per minute (Chinese characters only), over the agent's lines */
  agentCpm: number;
}

async function makeSample(s: Sample, outDir: string, tmp: string): Promise<MadeSample> {
  // 1. speech, one WAV per line
  const pcms = s.lines.map((l, i) => synth(l.text, s.voices[l.who], join(tmp, `${s.name}-${i}.wav`)));
  const rate = pcms[0].rate;
  if (pcms.some((p) => p.rate !== rate)) throw new Error('make-samples: voices gave different sample rates');

  // 2. timeline: sample-exact placement so transcript times are the audio's own
  const gap = (i: number) => Math.round((s.lines[i].who === s.lines[i - 1].who ? GAP_SAME_S : GAP_TURN_S) * rate);
  let cursor = Math.round(LEAD_IN_S * rate);
  const placed: Placed[] = [];
  const offsets: number[] = [];
  pcms.forEach((p, i) => {
    if (i > 0) cursor += gap(i);
    offsets.push(cursor);
    placed.push({ line: s.lines[i], start: r3(cursor / rate), end: r3((cursor + p.samples.length) / rate) });
    cursor += p.samples.length;
  });
  const total = cursor + Math.round(TAIL_S * rate);
  const mix = new Int16Array(total);
  pcms.forEach((p, i) => mix.set(p.samples, offsets[i]));
  const durationS = total / rate;
  const wav = join(tmp, `${s.name}.wav`);
  writeFileSync(wav, wavBytes({ rate, samples: mix }));

  // 3. picture + encode
  const media = join(outDir, `${s.name}.${s.container}`);
  if (s.container === 'mp4' && s.video) {
    await encodeComposed(s, placed, wav, media, durationS);
  } else if (s.container === 'mp4') {
    const stages: { text: string; start: number; end: number }[] = [];
    for (const p of placed) {
      if (!p.line.stage) continue;
      if (stages.length) stages[stages.length - 1].end = p.start;
      stages.push({ text: p.line.stage, start: p.start, end: durationS });
    }
    encodeVideo(wav, media, durationS, `双录样例 ${s.meta.session_id}`, stages);
  } else {
    encodeAudioOnly(wav, media);
  }
  if (s.truncateTo !== undefined) {
    const bytes = readFileSync(media);
    writeFileSync(media, bytes.subarray(0, Math.floor(bytes.length * s.truncateTo)));
    const probe = run('ffprobe', ['-v', 'error', media]);
    if (probe.status === 0) throw new Error(`make-samples: ${media} still probes after truncation`);
  }

  // 4. sidecars
  const files = [media];
  const meta = SessionMetaSchema.parse(s.meta);
  files.push(writeJson(join(outDir, `${s.name}.meta.json`), meta));
  files.push(
    writeJson(join(outDir, `${s.name}.expected.json`), {
      verdict: s.verdict,
      concepts: s.concepts,
      case: `${s.name}: ${s.why}`.slice(0, 200),
      ...(s.notes ? { notes: s.notes } : {}),
    }),
  );
  const segments: Segment[] = placed.map((p, id) => ({
    id,
    start: p.start,
    end: p.end,
    text: p.line.text,
    speaker: p.line.who,
  }));
  if (s.transcript !== 'none') {
    const file = join(outDir, `${s.name}.transcript.${s.transcript}`);
    writeFileSync(
      file,
      s.transcript === 'json' ? serializeTranscript({ segments, language: 'zh' }) : srtText(segments),
    );
    // read it back through the importer: a sample that does not import is a bug here, not later
    const back = importTranscript(file);
    if (back.segments.length !== segments.length)
      throw new Error(`make-samples: ${file} reads back with ${back.segments.length} segments`);
    files.push(file);
  }

  const agent = placed.filter((p) => p.line.who === 'agent');
  const chars = agent.reduce((n, p) => n + (p.line.text.match(/[\u4e00-\u9fff]/g)?.length ?? 0), 0);
  const secs = agent.reduce((n, p) => n + (p.end - p.start), 0);
  return {
    name: s.name,
    files,
    durationS: r3(durationS),
    segments: segments.length,
    agentCpm: Math.round((chars / secs) * 60),
  };
}

function writeJson(file: string, value: unknown): string {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
  return file;
}

// ---------------------------------------------------------------------------------------------

export const SAMPLE_NAMES = SAMPLES.map((s) => s.name);

/**
 * The picture plan of a composed-picture sample on the given timeline (the committed transcript's
 * segments, one per scripted line); undefined for the samples with a plain or no picture.
 */
export function sampleVideoPlan(
  name: string,
  segments: Pick<Segment, 'start' | 'end' | 'text'>[],
  durationS: number,
): VideoPlan | undefined {
  const s = SAMPLES.find((x) => x.name === name);
  if (!s?.video) return undefined;
  if (segments.length !== s.lines.length || segments.some((seg, i) => seg.text !== s.lines[i]!.text))
    throw new Error(`make-samples: the segments given are not ${name}'s lines`);
  return videoPlanOf(s, segments, durationS);
}

export async function makeSamples(outDir: string, only?: string[]): Promise<MadeSample[]> {
  const unknown = (only ?? []).filter((n) => !SAMPLE_NAMES.includes(n));
  if (unknown.length)
    throw new Error(`make-samples: unknown sample(s) ${unknown.join(', ')}; known: ${SAMPLE_NAMES.join(', ')}`);
  mkdirSync(outDir, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'dualrec-samples-'));
  try {
    const made: MadeSample[] = [];
    for (const s of SAMPLES.filter((x) => !only || only.includes(x.name))) made.push(await makeSample(s, outDir, tmp));
    return made;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<void> {
  let out = join(ROOT, 'samples');
  let only: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') out = resolve(argv[++i] ?? '');
    else if (argv[i] === '--only') only = (argv[++i] ?? '').split(',').filter(Boolean);
    else throw new Error(`make-samples: unknown argument ${argv[i]} (use --out DIR, --only NAME,...)`);
  }
  for (const m of await makeSamples(out, only)) {
    const sizes = m.files.map((f) => `${f.slice(out.length + 1)} ${readFileSync(f).length}B`).join(', ');
    console.log(`${m.name}: ${m.durationS}s, ${m.segments} segments, agent ${m.agentCpm} chars/min — ${sizes}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
