// Transcript ↔ recording consistency, audio track choice, duration by decoding and the no-sidecar
// verdict, through `dualrec analyze` on recordings made here with ffmpeg (and espeak-ng speech).
// Nothing binary is committed: every file is derived from the committed samples or generated.
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConsistency, probeMedia } from '../../src/media/index.js';
import { measureRecording } from '../../src/pipeline/media-facts.js';
import type { Finding, Report, Transcript } from '../../src/model/index.js';
import { tempDir } from '../fixtures/media-fixtures.js';
import { makeSpeechClip, PINYIN_LINES } from '../fixtures/asr-audio.js';
import { ROOT, runCli } from '../helpers/cli.js';

const SAMPLES = join(ROOT, 'samples');
const SAMPLE = 'compliant-participating';
const sampleTranscript = JSON.parse(readFileSync(join(SAMPLES, `${SAMPLE}.transcript.json`), 'utf8')) as {
  segments: { start: number; end: number }[];
};
const sampleMeta = JSON.parse(readFileSync(join(SAMPLES, `${SAMPLE}.meta.json`), 'utf8')) as Record<string, unknown>;

let tmp: ReturnType<typeof tempDir>;
let dir: string;

function ffmpeg(args: string[]): Buffer {
  const r = spawnSync('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...args], {
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${r.stderr.toString()}`);
  return r.stdout;
}

/** A session folder: the recording plus (optionally) the sample's transcript and meta under the same name. */
function session(
  name: string,
  recording: string,
  ext: string,
  opts: { transcript?: string | object; meta?: Record<string, unknown> | false } = {},
): string {
  const sdir = join(dir, name);
  spawnSync('mkdir', ['-p', sdir]);
  copyFileSync(recording, join(sdir, `${name}${ext}`));
  const t = opts.transcript ?? join(SAMPLES, `${SAMPLE}.transcript.json`);
  if (typeof t === 'string') copyFileSync(t, join(sdir, `${name}.transcript.json`));
  else writeFileSync(join(sdir, `${name}.transcript.json`), JSON.stringify(t));
  if (opts.meta !== false)
    writeFileSync(
      join(sdir, `${name}.meta.json`),
      JSON.stringify({ ...sampleMeta, session_id: name, ...(opts.meta ?? {}) }),
    );
  return join(sdir, `${name}${ext}`);
}

let lastExit = -1;

function analyze(recording: string, name: string): Report {
  const out = join(dir, `out-${name}`);
  const res = runCli(['analyze', recording, '--out', out, '--no-vision'], { timeoutMs: 180_000 });
  expect(res.code, res.stderr).not.toBe(2);
  lastExit = res.code;
  return JSON.parse(readFileSync(join(out, name, 'report.json'), 'utf8')) as Report;
}

const byRule = (r: Report, id: string): Finding | undefined => r.findings.find((f) => f.ruleId === id);
const transcriptFindings = (r: Report) => r.findings.filter((f) => f.ruleId.startsWith('integrity/transcript-'));

/** A dualrec transcript whose lines lie exactly on the clip's speech. */
function transcriptOn(speech: { start: number; end: number }[]): object {
  return {
    format: 'dualrec-transcript',
    version: 1,
    language: 'zh',
    segments: speech.map((s, i) => ({
      id: i,
      start: s.start,
      end: s.end,
      text: i % 2 ? '明白了。' : '请您特别注意保险合同中的责任免除条款。',
      speaker: i % 2 ? 'customer' : 'agent',
    })),
  };
}

let speechWav: string;
let speech: { start: number; end: number }[];
let speechS: number;

beforeAll(() => {
  tmp = tempDir('consistency');
  dir = tmp.dir;
  const clip = makeSpeechClip(dir, 'speech', [
    { silenceS: 0.5 },
    { say: PINYIN_LINES[0]! },
    { silenceS: 0.8 },
    { say: PINYIN_LINES[3]! },
    { silenceS: 0.8 },
    { say: PINYIN_LINES[4]! },
    { silenceS: 0.5 },
  ]);
  speechWav = clip.path;
  speech = clip.speech;
  speechS = clip.durationS;
});

afterAll(() => tmp?.cleanup());

describe('transcript ↔ recording consistency', () => {
  it('a silent audio track under the 30-line sample transcript FAILs, with the numbers', () => {
    // the sample's own picture, its audio replaced by digital silence of the same length
    const silent = join(dir, 'silent-src.mp4');
    ffmpeg([
      '-i',
      join(SAMPLES, `${SAMPLE}.mp4`),
      '-f',
      'lavfi',
      '-i',
      'anullsrc=r=16000:cl=mono',
      '-map',
      '0:v',
      '-map',
      '1:a',
      '-c:v',
      'copy',
      '-c:a',
      'aac',
      '-shortest',
      silent,
    ]);
    const report = analyze(session('silent', silent, '.mp4'), 'silent');
    expect(report.verdict).toBe('FAIL');
    const f = byRule(report, 'integrity/transcript-unbacked');
    expect(f?.status).toBe('fail');
    expect(f?.severity).toBe('critical');
    expect(f?.message).toMatch(/^转写文本 30 段共 \d+\.\d 秒有声，录音中仅 0\.0 秒有语音/);
    expect(report.verdictReasons.join('\n')).toContain('integrity/transcript-unbacked');
    expect(report.media?.consistency?.segments).toBe(30);
    expect(report.media?.consistency?.backedS).toBe(0);
    expect(byRule(report, 'integrity/recording')).toBeUndefined(); // no "recording intact" pass beside it
    expect(lastExit).toBe(0); // analyzed in full: the finding is about the session, not an unreadable file
  });

  it('a 5 s recording under the 193 s transcript is not PASS, with the numbers', () => {
    const short = join(dir, 'short-src.mp4');
    ffmpeg(['-i', join(SAMPLES, `${SAMPLE}.mp4`), '-t', '5', '-c', 'copy', short]);
    const report = analyze(session('short', short, '.mp4'), 'short');
    expect(report.verdict).not.toBe('PASS');
    const beyond = byRule(report, 'integrity/transcript-beyond-end');
    expect(beyond?.status).toBe('fail');
    const lastEnd = sampleTranscript.segments.at(-1)!.end;
    expect(beyond?.message).toContain(`转写文本到 3:11（${lastEnd.toFixed(1)} 秒）才结束，录音只有 5.`);
    const unbacked = byRule(report, 'integrity/transcript-unbacked');
    expect(unbacked?.severity).toBe('major'); // the recording has sound: partial, REVIEW at least
    expect(unbacked?.message).toMatch(/录音中仅 \d\.\d 秒有语音（\d%）/);
  });

  it('the clean sample with its own transcript is not flagged', () => {
    const report = analyze(session('clean', join(SAMPLES, `${SAMPLE}.mp4`), '.mp4'), 'clean');
    expect(transcriptFindings(report)).toEqual([]);
    expect(byRule(report, 'integrity/recording')?.status).toBe('pass');
    const c = report.media!.consistency!;
    expect(c.segments).toBe(30);
    expect(c.backedS / c.transcriptS).toBeGreaterThan(0.9);
    expect(c.unbackedSegments).toBe(0);
    expect(c.beyondEndS).toBe(0);
  });

  it('the audio-only sample (SRT transcript) is not flagged either', () => {
    const sdir = join(dir, 'health');
    spawnSync('mkdir', ['-p', sdir]);
    for (const ext of ['.m4a', '.transcript.srt', '.meta.json'])
      copyFileSync(join(SAMPLES, `audio-only-health${ext}`), join(sdir, `health${ext}`));
    const report = analyze(join(sdir, 'health.m4a'), 'health');
    expect(transcriptFindings(report)).toEqual([]);
    expect(report.media!.consistency!.backedS / report.media!.consistency!.transcriptS).toBeGreaterThan(0.9);
  });

  it('checkConsistency: the thresholds in numbers (pure)', () => {
    const t = (segs: [number, number][]): Transcript =>
      ({
        segments: segs.map(([start, end], id) => ({ id, start, end, text: '好的', role: 'unknown' })),
        language: 'zh',
        source: { kind: 'import', file: 'x.json', format: 'dualrec-json' },
      }) as Transcript;
    const lines: [number, number][] = Array.from({ length: 30 }, (_, i) => [i * 3, i * 3 + 2.5]);
    // sound everywhere: clean
    expect(checkConsistency(t(lines), { silence: [] }, 90).issues).toEqual([]);
    // digital silence under a full transcript: critical
    const silent = checkConsistency(
      t(lines),
      { silence: [{ start: 0, end: 90 }], loudness: { integratedLufs: -70, lraLu: 0 } },
      90,
    );
    expect(silent.issues.map((i) => [i.code, i.severity])).toEqual([['transcript-unbacked', 'critical']]);
    expect(silent.issues[0]!.message).toContain('转写文本 30 段共 75.0 秒有声，录音中仅 0.0 秒有语音');
    // a quiet voice under the silence threshold (loudness says there is sound): major, not a FAIL
    const quiet = checkConsistency(
      t(lines),
      { silence: [{ start: 0, end: 90 }], loudness: { integratedLufs: -42, lraLu: 3 } },
      90,
    );
    expect(quiet.issues.map((i) => [i.code, i.severity])).toEqual([['transcript-unbacked', 'major']]);
    // the second half silent: 50 % unbacked → major
    const half = checkConsistency(
      t(lines),
      { silence: [{ start: 45, end: 90 }], loudness: { integratedLufs: -20, lraLu: 3 } },
      90,
    );
    expect(half.issues.map((i) => [i.code, i.severity])).toEqual([['transcript-unbacked', 'major']]);
    expect(half.facts.unbackedSegments).toBe(15);
    // a tenth silent: within tolerance
    expect(checkConsistency(t(lines), { silence: [{ start: 81, end: 90 }] }, 90).issues).toEqual([]);
    // last line 1.5 s past the end: tolerated; 5 s past: flagged
    expect(checkConsistency(t(lines), { silence: [] }, 88).issues).toEqual([]);
    expect(checkConsistency(t(lines), { silence: [] }, 84).issues.map((i) => i.code)).toEqual([
      'transcript-beyond-end',
    ]);
  });
});

describe('audio track choice', () => {
  it('an mkv with a silent first (default) track and speech on track 2: track 2 is used and named', () => {
    const mkv = join(dir, 'tracks-src.mkv');
    ffmpeg([
      '-f',
      'lavfi',
      '-i',
      `testsrc2=s=160x120:r=10:d=${speechS}`,
      '-f',
      'lavfi',
      '-i',
      `anullsrc=r=16000:cl=mono,atrim=duration=${speechS}`,
      '-i',
      speechWav,
      '-map',
      '0:v',
      '-map',
      '1:a',
      '-map',
      '2:a',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-c:a',
      'libopus',
      '-disposition:a:0',
      'default',
      '-disposition:a:1',
      '0',
      mkv,
    ]);
    const report = analyze(session('tracks', mkv, '.mkv', { transcript: transcriptOn(speech) }), 'tracks');
    const track = report.media?.probe.audioTrack;
    expect(track?.position).toBe(1);
    expect(track?.stream).toBe(2);
    expect(track?.reason).toMatch(
      /^audio track 2 \(stream #2\): \d+\.\d s with sound.*used: it has the most sound, the first audio track is silent/,
    );
    expect(track?.tracks.map((t) => t.soundS > 1)).toEqual([false, true]);
    // measured on track 2, the transcript is backed by its speech
    expect(transcriptFindings(report)).toEqual([]);
    expect(report.media!.consistency!.backedS / report.media!.consistency!.transcriptS).toBeGreaterThan(0.9);
    expect(report.media!.signals!.loudness!.integratedLufs).toBeGreaterThan(-40);
  });

  it('one track: no choice is recorded (nothing to choose)', () => {
    const report = analyze(session('one-track', join(SAMPLES, `${SAMPLE}.mp4`), '.mp4'), 'one-track');
    expect(report.media?.probe.audioTrack).toBeUndefined();
  });
});

describe('duration by decoding', () => {
  it('a MediaRecorder-style WebM (-f webm -live 1 through a pipe) gets its length by decoding', async () => {
    const bytes = ffmpeg([
      '-f',
      'lavfi',
      '-i',
      `testsrc2=s=160x120:r=10:d=${speechS}`,
      '-i',
      speechWav,
      '-map',
      '0:v',
      '-map',
      '1:a',
      '-c:v',
      'libvpx',
      '-deadline',
      'realtime',
      '-c:a',
      'libopus',
      '-f',
      'webm',
      '-live',
      '1',
      'pipe:1',
    ]);
    const webm = join(dir, 'live-src.webm');
    writeFileSync(webm, bytes);
    const probed = await probeMedia(webm);
    expect(probed.duration).toBe(0); // the header states no length: the case this is about

    const report = analyze(session('live', webm, '.webm', { transcript: transcriptOn(speech) }), 'live');
    expect(report.media?.probe.durationFrom).toBe('decoding');
    expect(report.media!.probe.duration).toBeGreaterThan(speechS - 0.3);
    expect(report.media!.probe.duration).toBeLessThan(speechS + 0.3);
    // measured: sound found, loudness measured, transcript backed
    expect(report.media!.signals!.loudness).toBeDefined();
    expect(report.media!.consistency!.backedS).toBeGreaterThan(0);
    expect(transcriptFindings(report)).toEqual([]);
  });

  it('a live WebM with a silent first track and speech on track 2: length decoded, then track 2 chosen', () => {
    const bytes = ffmpeg([
      '-f',
      'lavfi',
      '-i',
      `anullsrc=r=48000:cl=mono,atrim=duration=${speechS}`,
      '-i',
      speechWav,
      '-map',
      '0:a',
      '-map',
      '1:a',
      '-c:a',
      'libopus',
      '-f',
      'webm',
      '-live',
      '1',
      'pipe:1',
    ]);
    const webm = join(dir, 'live-tracks-src.webm');
    writeFileSync(webm, bytes);
    const report = analyze(
      session('live-tracks', webm, '.webm', { transcript: transcriptOn(speech), meta: { channel: 'telesales' } }),
      'live-tracks',
    );
    expect(report.media?.probe.durationFrom).toBe('decoding');
    expect(report.media?.probe.audioTrack?.position).toBe(1);
    expect(transcriptFindings(report)).toEqual([]);
  });

  it('a live WebM much shorter than its transcript is caught once measured', () => {
    const bytes = ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'sine=f=300:d=4',
      '-c:a',
      'libopus',
      '-f',
      'webm',
      '-live',
      '1',
      'pipe:1',
    ]);
    const webm = join(dir, 'live-short-src.webm');
    writeFileSync(webm, bytes);
    const report = analyze(session('live-short', webm, '.webm', { meta: { channel: 'telesales' } }), 'live-short');
    expect(report.verdict).not.toBe('PASS');
    expect(byRule(report, 'integrity/transcript-beyond-end')?.message).toMatch(/录音只有 4\.\d 秒/);
  });

  it('a file whose length cannot be measured is an integrity issue, never a pass', async () => {
    const probed = await probeMedia(speechWav);
    // what a container without a length and without decodable media looks like to measureRecording
    const { probe, issues } = await measureRecording(speechWav, {
      ...probed,
      duration: 0,
      audio: [],
      video: [{ index: 0, codec: 'none', width: 0, height: 0, fps: 0 }],
    });
    expect(probe.duration).toBe(0);
    expect(issues.map((i) => [i.code, i.severity])).toEqual([['duration-unmeasured', 'major']]);
    expect(issues[0]!.message).toMatch(/states no length/);
  });
});

describe('no sidecar', () => {
  // the compliant sample's own sound (its picture dropped) with its own transcript: nothing in the
  // words or the sound fails, so the verdict shows what the missing sidecar and picture alone make of it
  const audioOnly = () => {
    const m4a = join(dir, 'audio-only-src.m4a');
    ffmpeg(['-i', join(SAMPLES, `${SAMPLE}.mp4`), '-vn', '-c:a', 'copy', m4a]);
    return m4a;
  };

  it('an audio-only recording without a sidecar is REVIEW, with the reason', () => {
    const report = analyze(session('nosidecar', audioOnly(), '.m4a', { meta: false }), 'nosidecar');
    expect(report.verdict).toBe('REVIEW');
    const noVideo = byRule(report, 'integrity/no-video');
    expect(noVideo?.status).toBe('undetermined');
    expect(noVideo?.message).toMatch(/缺少会话元数据.*无法确定渠道/);
    expect(byRule(report, 'metadata/sidecar')?.status).toBe('undetermined');
    expect(report.verdictReasons.join('\n')).toMatch(/integrity\/no-video \[critical\] undetermined/);
    expect(transcriptFindings(report)).toEqual([]);
  });

  it('with a sidecar saying the agent channel, the same file still FAILs for the missing picture', () => {
    const report = analyze(session('withsidecar', audioOnly(), '.m4a'), 'withsidecar');
    expect(byRule(report, 'integrity/no-video')?.status).toBe('fail');
    expect(report.verdict).toBe('FAIL');
  });
});
