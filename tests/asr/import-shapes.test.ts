// Transcript shapes from other tools, piece by piece: speaker prefixes in subtitle lines, several
// speakers in one cue, Whisper-family variants, the ASR services' envelopes, and the error for a
// shape nobody writes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importTranscript } from '../../src/asr/import/index.js';
import { shareSpan, splitSpeakerPrefix } from '../../src/asr/import/prefix.js';
import type { SessionMeta, Transcript } from '../../src/model/index.js';
import { labelRoles } from '../../src/speakers/index.js';
import { roleOfLabel } from '../../src/speakers/labels.js';
import { UserError } from '../../src/util/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'dualrec-shapes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function write(name: string, content: string | object): string {
  const file = join(dir, `${n++}-${name}`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}
const seg = (t: Transcript) => t.segments.map((s) => [s.start, s.end, s.speaker ?? null, s.text]);

describe('speaker prefixes', () => {
  it.each([
    ['客服：您好，本次通话全程录音。', '客服', '您好，本次通话全程录音。'],
    ['坐席: 您好', '坐席', '您好'],
    ['座席：您好', '座席', '您好'],
    ['销售：这款产品', '销售', '这款产品'],
    ['业务员：请签字', '业务员', '请签字'],
    ['代理人：您好', '代理人', '您好'],
    ['理财经理：您好', '理财经理', '您好'],
    ['客户经理：您好', '客户经理', '您好'],
    ['柜员：请确认', '柜员', '请确认'],
    ['客户：好的', '客户', '好的'],
    ['投保人：同意', '投保人', '同意'],
    ['被保险人：是我本人', '被保险人', '是我本人'],
    ['客服2：您好', '客服2', '您好'],
    ['坐席(小王)：您好', '坐席(小王)', '您好'],
    ['【客服】您好', '客服', '您好'],
    ['[客户]：好的', '客户', '好的'],
    ['（坐席）您好', '坐席', '您好'],
    ['说话人1：您好', '说话人1', '您好'],
    ['说话人 2: 好的', '说话人 2', '好的'],
    ['发言人1：您好', '发言人1', '您好'],
    ['Speaker 1: ok', 'Speaker 1', 'ok'],
    ['Speaker 1：您好', 'Speaker 1', '您好'],
    ['SPEAKER_00: 您好', 'SPEAKER_00', '您好'],
    ['SPEAKER_01：好的', 'SPEAKER_01', '好的'],
    ['[SPEAKER_00]: 您好', 'SPEAKER_00', '您好'],
    ['(speaker 0) 您好', '0', '您好'],
    ['(speaker 1)好的', '1', '好的'],
    ['agent: hello', 'agent', 'hello'],
    ['- 客户：好的', '客户', '好的'],
  ])('%s → %s', (line, speaker, text) => {
    expect(splitSpeakerPrefix(line)).toEqual({ speaker, text, labelled: true });
  });

  it('(speaker ?) is removed but names no one', () => {
    expect(splitSpeakerPrefix('(speaker ?) 嗯')).toEqual({ text: '嗯', labelled: true });
  });

  it.each([
    '提示：本次通话将全程录音',
    '客户说他同意',
    '注意:犹豫期十五天',
    '犹豫期是15天：您清楚吗',
    '10:30 我们开始',
  ])('leaves "%s" whole', (line) => {
    expect(splitSpeakerPrefix(line)).toEqual({ text: line, labelled: false });
  });

  it('role words and numbered or named ones map to roles; anonymous labels do not', () => {
    for (const l of [
      '客服',
      '坐席',
      '座席',
      '销售',
      '业务员',
      '代理人',
      '理财经理',
      '客户经理',
      '柜员',
      '客服2',
      '坐席(小王)',
      'Agent',
    ]) {
      expect([l, roleOfLabel(l)]).toEqual([l, 'agent']);
    }
    for (const l of ['客户', '投保人', '被保险人', '被保人', '客户A', 'customer'])
      expect([l, roleOfLabel(l)]).toEqual([l, 'customer']);
    for (const l of ['说话人1', 'SPEAKER_00', 'Speaker 1', '0', 'speaker 1', 'channel 0'])
      expect([l, roleOfLabel(l)]).toEqual([l, undefined]);
  });

  it('SRT: prefixes split off, several speakers in one cue share its span by text length', () => {
    const text = [
      '1',
      '00:00:01,000 --> 00:00:04,000',
      '客服：您好，请问您同意录音吗？',
      '客户：同意。',
      '',
      '2',
      '00:00:05,000 --> 00:00:07,000',
      '说话人1：请您仔细阅读',
      '责任免除条款。',
      '',
    ].join('\n');
    const t = importTranscript(write('two.srt', text));
    // 您好请问您同意录音吗 = 10 spoken characters, 同意 = 2: 3 s × 10/12 = 2.5 s
    expect(seg(t)).toEqual([
      [1, 3.5, '客服', '您好，请问您同意录音吗？'],
      [3.5, 4, '客户', '同意。'],
      [5, 7, '说话人1', '请您仔细阅读责任免除条款。'],
    ]);
    expect(t.diagnostics?.some((d) => /1 cue\(s\) hold several speakers/.test(d.message))).toBe(true);
  });

  it('SRT dialogue dashes: two turns in one cue share it, without names', () => {
    const t = importTranscript(write('dash.srt', '1\n00:00:01,000 --> 00:00:04,000\n- 您同意吗？\n- 同意。\n'));
    expect(seg(t)).toEqual([
      [1, 3, null, '您同意吗？'],
      [3, 4, null, '同意。'],
    ]);
  });

  it('VTT: prefixes in cue text without <v>, and a label on its own line', () => {
    const text = [
      'WEBVTT',
      '',
      '00:01.000 --> 00:03.000',
      '坐席：您好',
      '',
      '00:03.000 --> 00:04.000',
      '客户：',
      '好的',
      '',
    ].join('\n');
    expect(seg(importTranscript(write('p.vtt', text)))).toEqual([
      [1, 3, '坐席', '您好'],
      [3, 4, '客户', '好的'],
    ]);
  });

  it('shareSpan never gives two runs the same span and ends where the cue ends', () => {
    const parts = shareSpan(10, 13, [{ text: '一二三' }, { text: '四五六七八九' }]);
    expect(parts.map((p) => [p.start, p.end])).toEqual([
      [10, 11],
      [11, 13],
    ]);
    expect(shareSpan(1, 2, [{ text: 'x' }]).map((p) => [p.start, p.end])).toEqual([[1, 2]]);
  });

  it('labels "channel N" map through the sidecar\'s roles.channels; roles.speakers maps anonymous labels', () => {
    const t: Transcript = {
      source: { kind: 'import', format: 'aliyun-json', file: 'x' },
      segments: [
        { id: 0, start: 0, end: 1, text: '您好', speaker: 'channel 0' },
        { id: 1, start: 1, end: 2, text: '好的', speaker: 'channel 1' },
        { id: 2, start: 2, end: 3, text: '嗯', speaker: '说话人3' },
      ],
    };
    const meta = {
      roles: { channels: { left: 'customer', right: 'agent' }, speakers: { 说话人3: 'customer' } },
    } as unknown as SessionMeta;
    labelRoles(t, meta);
    expect(t.segments.map((s) => s.role)).toEqual(['customer', 'agent', 'customer']);
  });
});

describe('Whisper-family variants', () => {
  it('whisper-timestamped: words with "text" and "confidence"', () => {
    const doc = {
      text: '您好。',
      language: 'zh',
      segments: [
        {
          id: 0,
          seek: 0,
          start: 0.5,
          end: 1.5,
          text: '您好。',
          confidence: 0.9,
          words: [{ text: '您好。', start: 0.5, end: 1.5, confidence: 0.8 }],
        },
      ],
    };
    const t = importTranscript(write('wts.transcript.json', doc));
    expect(t.segments[0].words).toEqual([{ start: 0.5, end: 1.5, text: '您好。', probability: 0.8 }]);
  });

  it('OpenAI words-only with English words gets spaces back', () => {
    const words = ['Do', 'you', 'agree?', 'Yes.'].map((word, i) => ({ word, start: i, end: i + 0.5 }));
    const t = importTranscript(
      write('ow.transcript.json', { task: 'transcribe', language: 'english', duration: 4, text: 'x', words }),
    );
    expect(seg(t)).toEqual([
      [0, 2.5, null, 'Do you agree?'],
      [3, 3.5, null, 'Yes.'],
    ]);
  });

  it('a top-level segment list with WhisperX speakers keeps them', () => {
    const t = importTranscript(
      write('fwx.transcript.json', [{ start: 0, end: 1, text: '您好', speaker: 'SPEAKER_00' }]),
    );
    expect(t.source).toMatchObject({ format: 'faster-whisper-json' });
    expect(t.segments[0].speaker).toBe('SPEAKER_00');
  });
});

describe('ASR service envelopes', () => {
  it('FunASR wrapped in a service response, spk missing on some lines', () => {
    const t = importTranscript(
      write('fw.transcript.json', {
        code: 0,
        result: {
          key: 'a',
          text: '您好。好的。',
          sentence_info: [
            { text: '您好。', start: 100, end: 900, spk: 0 },
            { text: '好的。', start: 1000, end: 1500 },
          ],
        },
      }),
    );
    expect(seg(t)).toEqual([
      [0.1, 0.9, null, '您好。'],
      [1, 1.5, null, '好的。'],
    ]);
    expect(t.diagnostics ?? []).toEqual([]);
  });

  it('SenseVoice tags left in raw FunASR text are removed', () => {
    const t = importTranscript(
      write('sv.transcript.json', [
        { key: 'a', sentence_info: [{ text: '<|zh|><|NEUTRAL|><|Speech|><|withitn|>您好。', start: 0, end: 800 }] },
      ]),
    );
    expect(t.segments[0].text).toBe('您好。');
  });

  it('funasr-runtime stamp_sents (spaced characters, punctuation apart)', () => {
    const t = importTranscript(
      write('fr.transcript.json', {
        mode: 'offline',
        wav_name: 'demo',
        is_final: true,
        text: '您好，同意。',
        stamp_sents: [
          {
            text_seg: '您 好',
            punc: '，',
            start: 430,
            end: 1130,
            ts_list: [
              [430, 670],
              [670, 1130],
            ],
          },
          { text_seg: '同 意', punc: '。', start: 1500, end: 2000, ts_list: [] },
        ],
      }),
    );
    expect(seg(t)).toEqual([
      [0.43, 1.13, null, '您好，'],
      [1.5, 2, null, '同意。'],
    ]);
  });

  it('Alibaba 极速版 flash_result and DashScope transcripts', () => {
    const flash = importTranscript(
      write('af.transcript.json', {
        flash_result: {
          duration: 3000,
          sentences: [
            { text: '您好。', begin_time: 0, end_time: 1200, channel_id: 0 },
            { text: '好的。', begin_time: 1300, end_time: 2000, channel_id: 1 },
          ],
        },
      }),
    );
    expect(seg(flash)).toEqual([
      [0, 1.2, 'channel 0', '您好。'],
      [1.3, 2, 'channel 1', '好的。'],
    ]);
    const dash = importTranscript(
      write('ad.transcript.json', {
        file_url: 'x',
        properties: { audio_format: 'wav' },
        transcripts: [
          {
            channel_id: 0,
            text: '您好。',
            sentences: [{ begin_time: 0, end_time: 1200, text: '您好。', sentence_id: 1 }],
          },
          {
            channel_id: 1,
            text: '好的。',
            sentences: [{ begin_time: 1300, end_time: 2000, text: '好的。', sentence_id: 1 }],
          },
        ],
      }),
    );
    expect(dash.source).toMatchObject({ format: 'aliyun-json' });
    expect(seg(dash)).toEqual([
      [0, 1.2, 'channel 0', '您好。'],
      [1.3, 2, 'channel 1', '好的。'],
    ]);
  });

  it('Alibaba NLS with one speaker id on every line gives no labels, and says so', () => {
    const t = importTranscript(
      write('a1.transcript.json', {
        StatusText: 'SUCCESS',
        Result: {
          Sentences: [
            { BeginTime: 0, EndTime: 900, Text: '您好。', ChannelId: 0, SpeakerId: '1' },
            { BeginTime: 1000, EndTime: 1500, Text: '好的。', ChannelId: 0, SpeakerId: '1' },
          ],
        },
      }),
    );
    expect(t.segments.every((s) => s.speaker === undefined)).toBe(true);
    expect(t.diagnostics?.some((d) => /same speaker id/.test(d.message))).toBe(true);
  });

  it('Tencent with only the text Result (minutes:seconds and speaker in brackets)', () => {
    const t = importTranscript(
      write('tr.transcript.json', {
        Response: {
          Data: {
            TaskId: 1,
            Status: 2,
            StatusStr: 'success',
            Result: '[0:1.020,0:3.560,0]  您好。\n[1:2.000,1:3.500,1]  好的。\n',
          },
        },
      }),
    );
    expect(seg(t)).toEqual([
      [1.02, 3.56, 'speaker 0', '您好。'],
      [62, 63.5, 'speaker 1', '好的。'],
    ]);
  });

  it('a home-made list with clock times and role names', () => {
    const t = importTranscript(
      write('clock.transcript.json', {
        lines: [
          { begin: '00:00:01.500', end: '00:00:03,000', role: '坐席', content: '您好。' },
          { begin: '00:00:03.200', end: '00:00:04.000', role: '客户', content: '好的。' },
        ],
      }),
    );
    expect(seg(t)).toEqual([
      [1.5, 3, '坐席', '您好。'],
      [3.2, 4, '客户', '好的。'],
    ]);
  });

  it('integer seconds past 1000 stay seconds; integer milliseconds are milliseconds', () => {
    const secs = importTranscript(
      write('isec.transcript.json', {
        utterances: [
          { start: 1200, end: 1204, text: '您好。' },
          { start: 1205, end: 1207, text: '好的。' },
        ],
      }),
    );
    expect(seg(secs).map((x) => x.slice(0, 2))).toEqual([
      [1200, 1204],
      [1205, 1207],
    ]);
    const ms = importTranscript(
      write('ims.transcript.json', {
        utterances: [
          { start: 200, end: 900, text: '您好。' },
          { start: 1000, end: 1600, text: '好的。' },
        ],
      }),
    );
    expect(seg(ms).map((x) => x.slice(0, 2))).toEqual([
      [0.2, 0.9],
      [1, 1.6],
    ]);
  });

  it('a top-level list in integer milliseconds is not read as Whisper seconds', () => {
    const t = importTranscript(
      write('tlms.transcript.json', [
        { start: 500, end: 4200, text: '您好。', speaker: 'A' },
        { start: 4600, end: 5400, text: '好的。', speaker: 'B' },
      ]),
    );
    expect(t.source).toMatchObject({ format: 'generic-json' });
    expect(seg(t)).toEqual([
      [0.5, 4.2, 'speaker A', '您好。'],
      [4.6, 5.4, 'speaker B', '好的。'],
    ]);
  });

  it('Huawei SIS segments: text and role inside result, times in ms', () => {
    const t = importTranscript(
      write('hw.transcript.json', {
        job_id: 'x',
        status: 'FINISHED',
        segments: [
          { start_time: 100, end_time: 2000, result: { text: '您好。', score: 0.9, analysis_info: { role: 'AGENT' } } },
          { start_time: 2100, end_time: 3000, result: { text: '好的。', score: 0.9, analysis_info: { role: 'USER' } } },
        ],
      }),
    );
    expect(t.source).toMatchObject({ format: 'generic-json' });
    expect(seg(t)).toEqual([
      [0.1, 2, 'AGENT', '您好。'],
      [2.1, 3, 'USER', '好的。'],
    ]);
    expect([roleOfLabel('AGENT'), roleOfLabel('USER')]).toEqual(['agent', 'customer']);
  });

  it('iFlytek lfasr v1 "onebest" list in a JSON string', () => {
    const data = JSON.stringify([
      { bg: '0', ed: '1500', onebest: '您好。', speaker: '1' },
      { bg: '1600', ed: '2100', onebest: '好的。', speaker: '2' },
    ]);
    const t = importTranscript(write('if.transcript.json', { ok: 0, err_no: 0, failed: null, data }));
    expect(t.source).toMatchObject({ format: 'iflytek-json' });
    expect(seg(t)).toEqual([
      [0, 1.5, 'speaker 1', '您好。'],
      [1.6, 2.1, 'speaker 2', '好的。'],
    ]);
  });
});

describe('text with times (.transcript.txt)', () => {
  it('Tencent text result saved as a file', () => {
    const t = importTranscript(write('t.transcript.txt', '[0:1.020,0:3.560,0]  您好。\n[0:4.000,0:5.000,1]  好的。\n'));
    expect(t.source).toMatchObject({ format: 'timed-text' });
    expect(seg(t)).toEqual([
      [1.02, 3.56, 'speaker 0', '您好。'],
      [4, 5, 'speaker 1', '好的。'],
    ]);
  });

  it('start times then text: a line lasts until the next; prefixes split off', () => {
    const t = importTranscript(write('s.transcript.txt', '00:01 客服：您好，请问您同意录音吗？\n00:05 客户：同意。\n'));
    expect(seg(t)).toEqual([
      [1, 5, '客服', '您好，请问您同意录音吗？'],
      [5, 6, '客户', '同意。'],
    ]);
  });

  it('a header with speaker and time, the text over several lines', () => {
    const t = importTranscript(
      write('h.transcript.txt', '00:00:02 坐席：\n请您仔细阅读\n责任免除条款。\n\n发言人2 00:00:09\n好的。\n'),
    );
    expect(seg(t)).toEqual([
      [2, 9, '坐席', '请您仔细阅读责任免除条款。'],
      [9, 10, '发言人2', '好的。'],
    ]);
  });

  it('LRC (whisper.cpp -olrc, with --diarize)', () => {
    const t = importTranscript(
      write(
        'l.transcript.txt',
        '[by:whisper.cpp]\n[00:00.50](speaker 0) 您好，请问您同意录音吗？\n[00:04.60](speaker 1) 同意。\n',
      ),
    );
    expect(seg(t)).toEqual([
      [0.5, 4.6, '0', '您好，请问您同意录音吗？'],
      [4.6, 5.6, '1', '同意。'],
    ]);
  });

  it('SBV (YouTube): time range, then the text lines', () => {
    const t = importTranscript(
      write(
        'y.transcript.txt',
        '0:00:00.500,0:00:04.200\n客服：您好，\n请问您同意录音吗？\n\n0:00:04.600,0:00:05.400\n客户：同意。\n',
      ),
    );
    expect(seg(t)).toEqual([
      [0.5, 4.2, '客服', '您好，请问您同意录音吗？'],
      [4.6, 5.4, '客户', '同意。'],
    ]);
  });

  it('a short text after a time is text, not a speaker', () => {
    const t = importTranscript(write('x.transcript.txt', '00:01 您好\n00:03 好的\n'));
    expect(seg(t)).toEqual([
      [1, 3, null, '您好'],
      [3, 4, null, '好的'],
    ]);
  });
});

describe('shapes nobody writes', () => {
  function errorOf(file: string): string {
    try {
      importTranscript(file);
    } catch (err) {
      expect(err).toBeInstanceOf(UserError);
      return (err as Error).message;
    }
    throw new Error('expected a rejection');
  }

  it('names the file, the keys found and the shapes expected', () => {
    const msg = errorOf(write('odd.transcript.json', { status: 'ok', items: [{ a: 1 }] }));
    expect(msg).toMatch(/odd\.transcript\.json: unknown JSON transcript shape \(keys: status, items\)/);
    expect(msg).toMatch(/FunASR "sentence_info"/);
    expect(msg).toMatch(/Alibaba Cloud "Result\.Sentences"/);
    expect(msg).toMatch(/Tencent Cloud "ResultDetail"/);
  });

  it('text without times', () => {
    expect(errorOf(write('plain.transcript.txt', '客服：您好\n客户：好的\n'))).toMatch(
      /plain\.transcript\.txt: unknown transcript format; .*text with times/,
    );
  });

  it('an array of other objects names their keys', () => {
    expect(errorOf(write('arr.transcript.json', [{ from: 1, to: 2, words: 'x' }]))).toMatch(
      /an array of objects with keys: from, to, words/,
    );
  });

  it('a known service shape with a broken sentence names the place', () => {
    const msg = errorOf(
      write('tb.transcript.json', {
        Response: {
          Data: {
            ResultDetail: [
              { FinalSentence: '您好', StartMs: 0, EndMs: 100 },
              { FinalSentence: '好', StartMs: 'x', EndMs: 200 },
            ],
          },
        },
      }),
    );
    expect(msg).toMatch(/Tencent Cloud ASR result: ResultDetail\[1\] needs numeric StartMs and EndMs/);
  });
});
