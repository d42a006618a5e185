// The bundled samples: each transcript imports, its times lie inside the recording and on its speech,
// the scripts say what the README says they say, the composed pictures show the documents, the ID and
// the signing where the transcript asks for them (and are never frozen or cut), and the committed files
// are what the script makes.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findTranscriptFor, importTranscript } from '../../src/asr/import/index.js';
import { decodeAudioFloat32, SAMPLE_RATE } from '../../src/media/audio.js';
import { probeMedia } from '../../src/media/probe.js';
import { detectSignals } from '../../src/media/signals.js';
import { planSampling } from '../../src/vision/sampling.js';
import { CONCEPTS, SessionMetaSchema, type Segment } from '../../src/model/index.js';
import { UserError } from '../../src/util/errors.js';
import { makeSamples, SAMPLE_NAMES, sampleVideoPlan, toEspeakPinyin } from '../../scripts/make-samples.js';
import { SAMPLE_VIDEO } from '../../scripts/lib/sample-video.js';
import { ROOT } from '../helpers/cli.js';

const SAMPLES = join(ROOT, 'samples');
const WITH_TRANSCRIPT = [
  { name: 'compliant-participating', recording: 'compliant-participating.mp4', format: 'dualrec-json', video: true },
  { name: 'missing-exclusions', recording: 'missing-exclusions.mp4', format: 'dualrec-json', video: true },
  { name: 'audio-only-health', recording: 'audio-only-health.m4a', format: 'srt', video: false },
] as const;

const CONFIRMATIONS = /^(是的|清楚|明白|同意|好的|了解|没有)/;

function meta(name: string) {
  return SessionMetaSchema.parse(JSON.parse(readFileSync(join(SAMPLES, `${name}.meta.json`), 'utf8')));
}

function dbfs(samples: Float32Array, from: number, to: number): number {
  const a = Math.max(0, Math.floor(from * SAMPLE_RATE));
  const b = Math.min(samples.length, Math.ceil(to * SAMPLE_RATE));
  let sum = 0;
  for (let i = a; i < b; i++) sum += samples[i] * samples[i];
  return 10 * Math.log10(sum / Math.max(1, b - a) + 1e-12);
}

describe.each(WITH_TRANSCRIPT)('sample $name', ({ name, recording, format, video }) => {
  const file = join(SAMPLES, recording);

  it('transcript imports, is labelled agent/customer as the meta maps, and lies inside the recording', async () => {
    const tfile = findTranscriptFor(join(SAMPLES, name));
    expect(tfile).toBeDefined();
    const t = importTranscript(tfile!);
    expect(t.source.kind === 'import' && t.source.format).toBe(format);
    expect(t.segments.length).toBeGreaterThan(8);
    expect(new Set(t.segments.map((s) => s.speaker))).toEqual(new Set(['agent', 'customer']));
    const m = meta(name);
    expect(Object.keys(m.roles?.speakers ?? {}).sort()).toEqual(['agent', 'customer']);

    const probe = await probeMedia(file);
    expect(probe.duration).toBeGreaterThan(30);
    expect(probe.audio).toHaveLength(1);
    expect(probe.audio[0].channels).toBe(1);
    expect(probe.video.length).toBe(video ? 1 : 0);
    if (video)
      expect(probe.video[0]).toMatchObject({
        codec: 'h264',
        width: SAMPLE_VIDEO.width,
        height: SAMPLE_VIDEO.height,
        fps: SAMPLE_VIDEO.fps,
      });
    for (const s of t.segments) {
      expect(s.start).toBeGreaterThanOrEqual(0);
      expect(s.end).toBeGreaterThan(s.start);
      expect(s.end).toBeLessThanOrEqual(probe.duration);
    }
    for (let i = 1; i < t.segments.length; i++)
      expect(t.segments[i].start).toBeGreaterThanOrEqual(t.segments[i - 1].end);
    expect(statSync(file).size).toBeLessThan(2 * 1024 * 1024);
  });

  it('segment times sit on the speech: loud inside every segment, quiet in every gap', async () => {
    const t = importTranscript(findTranscriptFor(join(SAMPLES, name))!);
    const pcm = await decodeAudioFloat32(file);
    for (const s of t.segments) expect(dbfs(pcm, s.start, s.end), `segment ${s.id}`).toBeGreaterThan(-32);
    const gaps: [number, number][] = [[0, t.segments[0].start]];
    for (let i = 1; i < t.segments.length; i++) gaps.push([t.segments[i - 1].end, t.segments[i].start]);
    // 60 ms in from each edge: AAC smears a few ms of speech over a boundary
    for (const [a, b] of gaps) expect(dbfs(pcm, a + 0.06, b - 0.06), `gap ${a}-${b}`).toBeLessThan(-50);
  });
});

const agentText = (segs: Segment[]) => segs.filter((s) => s.speaker === 'agent').map((s) => s.text);

describe('sample contents', () => {
  it('compliant-participating says every required disclosure, in order, with the fixed consent notice', () => {
    const t = importTranscript(join(SAMPLES, 'compliant-participating.transcript.json'));
    const said = agentText(t.segments).join('\n');
    const required = [
      '此次录音录像过程对于今后您维护权益非常关键，请问您是否同意对销售过程进行录音录像？',
      '执业证号',
      '这是我的执业证',
      '投保人本人',
      '出示身份证件',
      '瑞和人寿保险股份有限公司的瑞和福满两全保险',
      '身故保险金',
      '满期保险金',
      '请您特别注意保险合同中的责任免除条款',
      '请您仔细阅读',
      '每年交保费一万元，交费期间十年，保险期间二十年',
      '初始费用',
      '自您签收保单之日起十五日内为犹豫期，犹豫期内解除合同，退还全部保费',
      '犹豫期后退保会有损失，只能领取现金价值，可能低于已交保费',
      '分红是不确定的，红利水平可能为零',
      '如实告知',
      '亲笔签名',
      '抄录风险提示语句',
      '本次录音录像到此结束',
    ];
    let at = -1;
    for (const phrase of required) {
      const i = said.indexOf(phrase, at + 1);
      expect(i, phrase).toBeGreaterThan(at);
      at = i;
    }
    // every question the agent asks is answered by the customer with a plain confirmation
    t.segments.forEach((s, i) => {
      if (s.speaker === 'agent' && /[？?]$/.test(s.text)) {
        expect(t.segments[i + 1]?.speaker).toBe('customer');
        expect(t.segments[i + 1].text).toMatch(CONFIRMATIONS);
      }
    });
    expect(meta('compliant-participating')).toMatchObject({
      product: { type: 'participating' },
      channel: 'agent',
      policyholder: { age: 45 },
    });
  });

  it('missing-exclusions never mentions exclusions but keeps the other disclosures', () => {
    const t = importTranscript(join(SAMPLES, 'missing-exclusions.transcript.json'));
    const all = t.segments.map((s) => s.text).join('');
    expect(all).not.toMatch(/责任免除|免责|除外责任|不承担/);
    for (const phrase of ['录音录像', '执业证', '犹豫期', '现金价值', '分红是不确定的', '如实告知', '亲笔签名'])
      expect(all).toContain(phrase);
  });

  it('audio-only-health holds the guarantee promise, said by the agent', () => {
    const t = importTranscript(join(SAMPLES, 'audio-only-health.transcript.srt'));
    expect(agentText(t.segments).some((x) => x.includes('这个产品保本，收益稳赚不赔'))).toBe(true);
    expect(meta('audio-only-health').product.type).toBe('health');
  });

  it('broken-truncated cannot be probed, has a meta sidecar and no transcript', async () => {
    const file = join(SAMPLES, 'broken-truncated.mp4');
    await expect(probeMedia(file)).rejects.toBeInstanceOf(UserError);
    // the cut is in the data: the file starts as a real MP4 (ftyp) and just stops
    expect(readFileSync(file).toString('latin1', 4, 8)).toBe('ftyp');
    expect(meta('broken-truncated').session_id).toBe('SAMPLE-2024-0003');
    expect(findTranscriptFor(join(SAMPLES, 'broken-truncated'))).toBeUndefined();
  });

  it('every sample has an expected.json in the eval shape', () => {
    const want = {
      'compliant-participating': 'PASS',
      'missing-exclusions': 'FAIL',
      'broken-truncated': 'REVIEW',
      'audio-only-health': 'FAIL',
    };
    expect(SAMPLE_NAMES).toEqual(Object.keys(want));
    for (const [name, verdict] of Object.entries(want)) {
      const e = JSON.parse(readFileSync(join(SAMPLES, `${name}.expected.json`), 'utf8'));
      expect(e.verdict).toBe(verdict);
      for (const k of Object.keys(e.concepts)) expect(CONCEPTS as readonly string[]).toContain(k);
    }
  });
});

const COMPOSED = ['compliant-participating', 'missing-exclusions'] as const;

describe.each(COMPOSED)('composed picture of %s', (name) => {
  const t = importTranscript(join(SAMPLES, `${name}.transcript.json`));
  const file = join(SAMPLES, `${name}.mp4`);

  it('shows the ID, the documents and the signing while the transcript asks for them, where vision looks', async () => {
    const probe = await probeMedia(file);
    const plan = sampleVideoPlan(name, t.segments, probe.duration)!;
    expect(plan).toBeDefined();
    const vision = planSampling(probe.duration, t, undefined);
    const up = (s: { from: number; to: number }) => ({ start: s.from + 0.8, end: s.to });
    const overlap = (a: { start: number; end: number }, b: { start: number; end: number }) =>
      Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
    const seg = (re: RegExp) => t.segments.find((s) => re.test(s.text))!;

    // the customer holds the ID card up while answering the request for it
    const id = plan.showings.find((s) => s.prop === 'id')!;
    const idReply = t.segments[t.segments.indexOf(seg(/出示.*身份证/)) + 1]!;
    expect(idReply.speaker).toBe('customer');
    expect(up(id).start).toBeLessThanOrEqual(idReply.start);
    expect(up(id).end).toBeGreaterThanOrEqual(idReply.end);
    // the 投保提示书 while the product is introduced
    const notice = plan.showings.find((s) => s.prop === 'notice')!;
    expect(overlap(up(notice), seg(/为您介绍的是|您投保的产品是/))).toBeGreaterThan(6);
    // the cards vision must read are up for at least two OCR samples (every 2 s) inside its windows
    for (const s of plan.showings.filter((x) => x.prop !== 'license')) {
      expect(Math.max(...vision.ocrWindows.map((w) => overlap(up(s), w))), s.prop).toBeGreaterThanOrEqual(4);
    }
    if (name === 'compliant-participating') {
      expect(overlap(up(plan.showings.find((s) => s.prop === 'clauses')!), seg(/责任免除/))).toBeGreaterThan(5);
    } else {
      expect(plan.showings.some((s) => s.prop === 'clauses')).toBe(false);
    }

    // signing: the form in view before the hand comes and after it leaves, the hand writing ≥ 4 s
    // after the request, inside the window vision searches for hands
    const sg = plan.signing!;
    const request = seg(/亲笔签名/);
    expect(sg.handFrom).toBeGreaterThan(request.start);
    expect(sg.handTo - sg.handFrom).toBeGreaterThanOrEqual(4);
    expect(sg.handFrom - (sg.formFrom + 1)).toBeGreaterThanOrEqual(1);
    expect(sg.formTo - (sg.handTo + 0.5)).toBeGreaterThanOrEqual(1);
    expect(vision.signatureWindows.some((w) => w.start <= sg.formFrom + 1 && w.end >= sg.formTo)).toBe(true);
  });

  it('is a live picture: never black, frozen or cut', async () => {
    const signals = await detectSignals(file, await probeMedia(file), { loudness: false });
    expect(signals.black).toEqual([]);
    expect(signals.frozen).toEqual([]);
    expect(signals.cuts).toEqual([]);
  });
});

describe('make-samples script', () => {
  const out = mkdtempSync(join(tmpdir(), 'dualrec-samples-test-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('turns Chinese into numbered pinyin with pauses, and refuses what espeak would misread', () => {
    expect(toEspeakPinyin('是的，我同意。')).toBe('shi4 de5, wo3 tong2 yi4.');
    expect(toEspeakPinyin('红利水平可能为零')).toContain('wei2 ling2');
    expect(() => toEspeakPinyin('15天')).toThrow(/write numbers/);
  });

  it('regenerates the committed sidecars byte for byte (the samples come from the script)', async () => {
    await makeSamples(out, ['audio-only-health']);
    for (const f of [
      'audio-only-health.transcript.srt',
      'audio-only-health.meta.json',
      'audio-only-health.expected.json',
    ]) {
      expect(readFileSync(join(out, f), 'utf8'), f).toBe(readFileSync(join(SAMPLES, f), 'utf8'));
    }
  }, 120_000);
});
