import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  detectTranscriptFormat,
  findTranscriptFor,
  importTranscript,
  LOW_CONFIDENCE,
  serializeTranscript,
  TRANSCRIPT_SUFFIXES,
} from '../../src/asr/import/index.js';
import { UserError } from '../../src/util/errors.js';
import {
  DIALOGUE,
  dualrecJson,
  openAiJson,
  srt,
  tokenP,
  tokenize,
  vtt,
  whisperCppJson,
  whisperXJson,
} from '../fixtures/transcripts.js';

const dir = mkdtempSync(join(tmpdir(), 'dualrec-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function write(name: string, content: string | Buffer): string {
  const file = join(dir, `${n++}-${name}`);
  writeFileSync(file, content);
  return file;
}

/** The UserError message importTranscript throws for `file` (fails the test when it does not throw). */
function errorOf(file: string): string {
  try {
    importTranscript(file);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error(`expected ${file} to be rejected`);
}

function expectDialogueTimesAndText(file: string) {
  const t = importTranscript(file);
  expect(t.segments.map((s) => s.text)).toEqual(DIALOGUE.map((l) => l.text));
  t.segments.forEach((s, i) => {
    expect(s.id).toBe(i);
    expect(s.start).toBeCloseTo(DIALOGUE[i].start, 3);
    expect(s.end).toBeCloseTo(DIALOGUE[i].end, 3);
  });
  return t;
}

const geoMean = (ps: number[]) => Math.exp(ps.reduce((a, p) => a + Math.log(p), 0) / ps.length);

describe('whisper.cpp JSON', () => {
  it('reads -oj: times from offsets (ms), text trimmed, language from result', () => {
    const file = write('a.transcript.json', whisperCppJson(DIALOGUE, { full: false }));
    const t = expectDialogueTimesAndText(file);
    expect(t.source).toEqual({ kind: 'import', format: 'whisper.cpp-json', file });
    expect(t.language).toBe('zh');
    expect(t.segments[0].confidence).toBeUndefined();
    expect(t.segments[0].words).toBeUndefined();
  });

  it('reads -ojf: confidence is the geometric mean of non-special token p; words carry times and p', () => {
    const file = write('b.transcript.json', whisperCppJson(DIALOGUE, { full: true }));
    const t = expectDialogueTimesAndText(file);
    expect(t.source.kind === 'import' && t.source.format).toBe('whisper.cpp-json-full');
    DIALOGUE.forEach((l, li) => {
      const toks = tokenize(l.text);
      const expected = geoMean(toks.map((_, ti) => tokenP(li, ti)));
      expect(t.segments[li].confidence).toBeCloseTo(expected, 3);
      const words = t.segments[li].words!;
      expect(words.map((w) => w.text).join('')).toBe(l.text);
      expect(words.some((w) => w.text.includes('[_'))).toBe(false);
      expect(words[0].start).toBeCloseTo(l.start, 3);
      expect(words[words.length - 1].end).toBeCloseTo(l.end, 3);
      for (const w of words) expect(w.start).toBeLessThanOrEqual(w.end);
    });
    // the fixture line "犹豫期是15天" keeps its digits as one token
    expect(t.segments[4].words!.some((w) => w.text === '15')).toBe(true);
  });

  it('rebuilds CJK characters split across tokens (file not valid UTF-8)', () => {
    const bytes = whisperCppJson(DIALOGUE, { full: true, splitCjk: true });
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const file = write('split.transcript.json', bytes);
    const t = expectDialogueTimesAndText(file);
    for (const [i, s] of t.segments.entries()) {
      const first = s.words![0];
      const firstTok = tokenize(DIALOGUE[i].text)[0];
      expect(first.text).toBe(firstTok);
      // the merged word spans both halves and its probability is the product of theirs
      expect(first.probability).toBeCloseTo(tokenP(i, 0) * 0.99, 3);
      expect(s.words!.map((w) => w.text).join('')).toBe(DIALOGUE[i].text);
    }
    expect(t.diagnostics?.some((d) => /not valid UTF-8/.test(d.message))).toBe(true);
  });

  it('without token timestamps gives confidence but no words', () => {
    const file = write('nots.transcript.json', whisperCppJson(DIALOGUE, { full: true, tokenTimes: false }));
    const t = importTranscript(file);
    expect(t.segments[0].confidence).toBeGreaterThan(0);
    expect(t.segments[0].words).toBeUndefined();
  });

  it('marks segments below the confidence threshold', () => {
    const doc = JSON.parse(whisperCppJson(DIALOGUE.slice(0, 2), { full: true }).toString('latin1'));
    for (const tok of doc.transcription[1].tokens) tok.p = 0.2;
    const file = write('low.transcript.json', Buffer.from(JSON.stringify(doc), 'latin1'));
    const t = importTranscript(file);
    expect(t.segments[1].confidence).toBeLessThan(LOW_CONFIDENCE);
    expect(t.segments[1].lowConfidence).toBe(true);
    expect(t.segments[0].lowConfidence).toBeUndefined();
    expect(t.diagnostics?.filter((d) => d.kind === 'low-confidence')).toHaveLength(1);
  });
});

describe('OpenAI verbose_json', () => {
  it('derives confidence from avg_logprob, maps language name to code, flags repetition', () => {
    const file = write('o.transcript.json', openAiJson(DIALOGUE, 'segment'));
    const t = expectDialogueTimesAndText(file);
    expect(t.source.kind === 'import' && t.source.format).toBe('openai-verbose-json');
    expect(t.language).toBe('zh');
    DIALOGUE.forEach((_, i) => expect(t.segments[i].confidence).toBeCloseTo(Math.exp(-0.1 - 0.3 * i), 3));
    expect(t.segments[0].words!.every((w) => w.probability === 0.9)).toBe(true);
    expect(t.segments[4].lowConfidence).toBe(true); // compression ratio 2.9
    expect(t.diagnostics?.some((d) => d.kind === 'repetition-loop' && d.start === 15)).toBe(true);
  });

  it('gives top-level words (timestamp_granularities=word) to the segments they fall in', () => {
    const file = write('ow.transcript.json', openAiJson(DIALOGUE, 'top'));
    const t = importTranscript(file);
    for (const s of t.segments) {
      expect(s.words!.length).toBeGreaterThan(0);
      for (const w of s.words!) {
        expect(w.start).toBeGreaterThanOrEqual(s.start - 1e-6);
        expect(w.end).toBeLessThanOrEqual(s.end + 1e-6);
      }
    }
  });
});

describe('WhisperX JSON', () => {
  it('keeps speaker labels and fills times of unaligned words', () => {
    const file = write('x.transcript.json', whisperXJson());
    const t = expectDialogueTimesAndText(file);
    expect(t.source.kind === 'import' && t.source.format).toBe('whisperx-json');
    expect(t.segments.map((s) => s.speaker)).toEqual(
      DIALOGUE.map((l) => (l.speaker === 'agent' ? 'SPEAKER_01' : 'SPEAKER_00')),
    );
    // alignment scores are not ASR probabilities: no confidence is made up from them
    expect(t.segments[0].confidence).toBeUndefined();
    const words = t.segments[4].words!;
    const one = words.findIndex((w) => w.text === '1');
    expect(one).toBeGreaterThan(0);
    expect(words[one].start).toBeCloseTo(words[one - 1].end, 3);
    expect(words[one + 1].end).toBeCloseTo(words[one + 2].start, 3); // "5" ends where "天" starts
  });

  it('takes the majority word speaker when the segment has none', () => {
    const doc = JSON.parse(whisperXJson());
    delete doc.segments[1].speaker;
    const file = write('x2.transcript.json', JSON.stringify(doc));
    expect(importTranscript(file).segments[1].speaker).toBe('SPEAKER_00');
  });
});

describe('SRT', () => {
  it('reads CRLF + BOM files with [speaker]: prefixes', () => {
    const file = write('s.transcript.srt', srt(DIALOGUE, { crlf: true, bom: true, speakers: true }));
    const t = expectDialogueTimesAndText(file);
    expect(t.source.kind === 'import' && t.source.format).toBe('srt');
    expect(t.segments.map((s) => s.speaker)).toEqual(DIALOGUE.map((l) => l.speaker));
  });

  it('strips markup, joins lines, tolerates a missing blank line and a Chinese role prefix', () => {
    const text = [
      '1',
      '00:00:01,000 --> 00:00:02,500',
      '<i>客户：</i>是的，',
      '<font color="#fff">我同意</font>',
      '2',
      '00:00:03,000 --> 00:00:04,000 X1:10 X2:20 Y1:1 Y2:2',
      'Speaker 1: ok fine',
      '',
    ].join('\n');
    const t = importTranscript(write('m.srt', text));
    expect(t.segments).toHaveLength(2);
    expect(t.segments[0]).toMatchObject({ start: 1, end: 2.5, text: '是的，我同意', speaker: '客户' });
    expect(t.segments[1]).toMatchObject({ start: 3, end: 4, text: 'ok fine', speaker: 'Speaker 1' });
  });

  it('reads GB18030-encoded files (common from Chinese Windows tools)', () => {
    const gbk = Buffer.from([
      0x31,
      0x0a,
      ...Buffer.from('00:00:01,000 --> 00:00:02,000\n'),
      0xc4,
      0xe3,
      0xba,
      0xc3,
      0x0a,
    ]);
    const t = importTranscript(write('gbk.srt', gbk));
    expect(t.segments[0].text).toBe('你好');
    expect(t.diagnostics?.some((d) => d.message === 'decoded as gb18030')).toBe(true);
  });

  it('reads UTF-16LE with BOM', () => {
    const t = importTranscript(
      write('u16.transcript.srt', Buffer.from(`\uFEFF${srt(DIALOGUE.slice(0, 1))}`, 'utf16le')),
    );
    expect(t.segments[0].text).toBe(DIALOGUE[0].text);
  });
});

describe('WebVTT', () => {
  it('reads voice tags, identifiers, cue settings, NOTE/STYLE blocks, CRLF and BOM', () => {
    const file = write('v.transcript.vtt', vtt(DIALOGUE, { crlf: true, bom: true }));
    const t = expectDialogueTimesAndText(file);
    expect(t.source.kind === 'import' && t.source.format).toBe('vtt');
    expect(t.segments.map((s) => s.speaker)).toEqual(
      DIALOGUE.map((l) => (l.speaker === 'agent' ? 'Agent Wang' : 'Customer')),
    );
  });

  it('handles hour-less times, entities, classes and several voices in one cue', () => {
    const text = [
      'WEBVTT',
      '',
      '01:02.500 --> 01:04.000',
      '<v.loud Agent>费用&amp;<c.hl>说明</c></v>',
      '',
      '01:05.000 --> 01:07.000',
      '<v Agent>您同意吗？</v>',
      '<v Customer>同意</v>',
      '',
    ].join('\n');
    const t = importTranscript(write('h.vtt', text));
    expect(t.segments[0]).toMatchObject({ start: 62.5, end: 64, text: '费用&说明', speaker: 'Agent' });
    // the cue's 2 s are shared by spoken length (4 : 2 characters), not given whole to both
    expect(t.segments.slice(1).map((s) => [s.speaker, s.text, s.start, s.end])).toEqual([
      ['Agent', '您同意吗？', 65, 66.333],
      ['Customer', '同意', 66.333, 67],
    ]);
    expect(t.diagnostics?.some((d) => /several speakers/.test(d.message))).toBe(true);
  });

  it('uses the content over the extension (a .srt that is really WebVTT)', () => {
    const file = write('really-vtt.transcript.srt', vtt(DIALOGUE, { speakers: false }));
    expect(detectTranscriptFormat(file)).toBe('vtt');
  });
});

describe('dualrec-json', () => {
  it('round-trips through serializeTranscript', () => {
    const file = write('d.transcript.json', dualrecJson());
    const t = expectDialogueTimesAndText(file);
    expect(t.segments.map((s) => s.speaker)).toEqual(DIALOGUE.map((l) => l.speaker));
    const again = importTranscript(write('d2.transcript.json', serializeTranscript(t)));
    expect(again.segments).toEqual(t.segments);
    expect(again.language).toBe('zh');
  });

  it("keeps an ASR transcript's diagnostics and names its engine when re-imported", () => {
    const asr = {
      segments: [{ id: 0, start: 1, end: 2.5, text: '是的，我同意。', confidence: 0.2 }],
      language: 'zh',
      source: { kind: 'asr' as const, engine: 'whisper.cpp', model: 'ggml-small' },
      diagnostics: [{ kind: 'repetition-loop' as const, start: 3, end: 9, message: 'dropped a repeated window' }],
    };
    const t = importTranscript(write('asr.transcript.json', serializeTranscript(asr)));
    expect(t.source).toMatchObject({ kind: 'import', format: 'dualrec-json' });
    expect(t.segments[0]).toMatchObject({ start: 1, end: 2.5, lowConfidence: true });
    expect(t.diagnostics?.map((d) => d.kind)).toEqual(['repetition-loop', 'note', 'low-confidence']);
    expect(t.diagnostics?.[1].message).toMatch(/whisper\.cpp \(ggml-small\)/);
  });

  it('rejects unknown fields (typos) naming the path', () => {
    const doc = JSON.parse(dualrecJson());
    doc.segments[2].speeker = 'agent';
    expect(errorOf(write('typo.transcript.json', JSON.stringify(doc)))).toMatch(/segments\[2\]/);
  });
});

describe('broken files', () => {
  it('empty file', () => {
    expect(errorOf(write('empty.transcript.json', ''))).toMatch(/empty\.transcript\.json: file is empty/);
    expect(errorOf(write('blank.transcript.srt', '\n \r\n'))).toMatch(/file is empty/);
  });

  it('broken JSON names line and column', () => {
    const text = dualrecJson().replace('"segments":[', '"segments":[\n{"start": 1,,}\n');
    const msg = errorOf(write('broken.transcript.json', text));
    expect(msg).toMatch(/broken\.transcript\.json: is not valid JSON at line 2, column \d+/);
  });

  it('SRT with a bad timestamp names the line', () => {
    const lines = srt(DIALOGUE.slice(0, 3)).split('\n');
    lines[5] = '00:00:06,800 --> 00:00:7.6OO'; // second cue's timing line (line 6)
    const msg = errorOf(write('bad.transcript.srt', lines.join('\n')));
    expect(msg).toMatch(/bad\.transcript\.srt: line 6: bad cue timestamp "00:00:06,800 --> 00:00:7\.6OO"/);
  });

  it('SRT cue that ends before it starts', () => {
    const text = '1\n00:00:05,000 --> 00:00:04,000\n是的\n';
    expect(errorOf(write('rev.srt', text))).toMatch(/line 2: cue ends .* before it starts/);
  });

  it('SRT with seconds out of range and a cue number without timing', () => {
    expect(errorOf(write('s61.srt', '1\n00:00:61,000 --> 00:01:02,000\n好\n'))).toMatch(/line 2: bad cue timestamp/);
    expect(errorOf(write('notiming.srt', '1\n好的\n'))).toMatch(/line 2: expected a timing line/);
  });

  it('VTT without header, and with a bad timing line', () => {
    expect(errorOf(write('nohead.vtt', '00:01.000 --> 00:02.000\n好\n'))).toMatch(
      /line 1: a WebVTT file must start with "WEBVTT"/,
    );
    expect(errorOf(write('badt.vtt', 'WEBVTT\n\nNOTE x\n\nid\n00:01.000 --> 00:02:000\n好\n'))).toMatch(
      /line 6: bad cue timestamp/,
    );
  });

  it('unknown JSON shape lists what was found and what is expected', () => {
    const msg = errorOf(
      write('gcp.transcript.json', JSON.stringify({ results: [{ alternatives: [{ transcript: '你好' }] }] })),
    );
    expect(msg).toMatch(/unknown JSON transcript shape \(keys: results\)/);
    expect(errorOf(write('arr.transcript.json', '[1,2]'))).toMatch(/unknown JSON transcript shape \(an array\)/);
  });

  it('known shape with a wrong field type names the path', () => {
    const doc = JSON.parse(whisperCppJson(DIALOGUE).toString('latin1'));
    doc.transcription[1].offsets.from = '6800';
    const msg = errorOf(write('wt.transcript.json', Buffer.from(JSON.stringify(doc), 'latin1')));
    expect(msg).toMatch(/not a valid whisper\.cpp JSON transcript: transcription\[1\]\.offsets\.from: /);
  });

  it('segment that ends before it starts', () => {
    const doc = JSON.parse(openAiJson());
    doc.segments[3].end = 1;
    expect(errorOf(write('neg.transcript.json', JSON.stringify(doc)))).toMatch(
      /segments\[3\]: end 1s is before start 13\.5s/,
    );
  });

  it('missing file and unknown extension', () => {
    expect(errorOf(join(dir, 'nope.transcript.json'))).toMatch(/nope\.transcript\.json: file not found/);
    expect(errorOf(write('notes.txt', 'hello there'))).toMatch(/unknown transcript format/);
  });
});

describe('findTranscriptFor', () => {
  it('finds name.transcript.{json,srt,vtt} beside the recording, JSON first', () => {
    const base = join(dir, 'rec1');
    expect(findTranscriptFor(base)).toBeUndefined();
    writeFileSync(`${base}.transcript.vtt`, vtt());
    expect(findTranscriptFor(base)).toBe(`${base}.transcript.vtt`);
    writeFileSync(`${base}.transcript.srt`, srt());
    expect(findTranscriptFor(base)).toBe(`${base}.transcript.srt`);
    writeFileSync(`${base}.transcript.json`, dualrecJson());
    expect(findTranscriptFor(base)).toBe(`${base}.transcript.json`);
    expect(TRANSCRIPT_SUFFIXES).toEqual(['.transcript.json', '.transcript.srt', '.transcript.vtt', '.transcript.txt']);
  });
});
