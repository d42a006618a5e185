// Sessions in parts (issue 12, item 7): a recording interrupted and resumed into a second file is one
// session on one timeline — one report, the interruption reported with the pause the files' clocks
// show, the transcript (whole, or one per part) read on the joined timeline, the rules judging the
// same words as in the uninterrupted recording. Real ffmpeg cuts the committed sample in two.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/index.js';
import { resolveSessionInputs, sessionsInFolder } from '../../src/pipeline/session.js';
import { runCli } from '../helpers/cli.js';
import { SAMPLES } from '../batch/inbox.js';

// The first 77.2 s of the sample (its first eleven lines) keeps the test short; the cut falls between two lines.
const SESSION_S = 77.2;
const CUT_S = 36.6;
const PAUSE_S = 30; // how long the recorder stood still, by the parts' creation_time
const work = mkdtempSync(join(tmpdir(), 'dualrec-parts-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const sample = (ext: string) => join(SAMPLES, `compliant-participating${ext}`);
const meta = () => JSON.parse(readFileSync(sample('.meta.json'), 'utf8')) as Record<string, unknown>;
const report = (dir: string) => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;

interface Seg {
  start: number;
  end: number;
  text: string;
  [k: string]: unknown;
}
const full = JSON.parse(readFileSync(sample('.transcript.json'), 'utf8')) as { segments: Seg[] } & Record<
  string,
  unknown
>;
const transcript = { ...full, segments: full.segments.filter((s) => s.end <= SESSION_S) };
const sessionTranscript = join(work, 'session.transcript.json');

/** Cuts [from, to) out of the sample, re-encoded, stamped with the device's start time. */
function cut(out: string, from: number, to: number | undefined, createdAt: string) {
  const args = [
    '-v',
    'error',
    '-y',
    '-ss',
    String(from),
    '-i',
    sample('.mp4'),
    ...(to ? ['-t', String(to - from)] : []),
  ];
  args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-metadata', `creation_time=${createdAt}`, out);
  const r = spawnSync('ffmpeg', args, { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}

let part1: string;
let part2: string;
let whole: Report;
beforeAll(() => {
  part1 = join(work, 'src-part1.mp4');
  part2 = join(work, 'src-part2.mp4');
  writeFileSync(sessionTranscript, JSON.stringify(transcript));
  cut(part1, 0, CUT_S, '2024-06-01T10:00:00.000Z');
  cut(
    part2,
    CUT_S,
    SESSION_S,
    // an MP4's creation_time keeps whole seconds: start the second part on one
    new Date(Date.parse('2024-06-01T10:00:00.000Z') + Math.round(CUT_S + PAUSE_S) * 1000).toISOString(),
  );
  // the same session recorded without interruption, for comparison
  const uncut = join(work, 'uncut');
  mkdirSync(uncut);
  cut(join(uncut, 'whole.mp4'), 0, SESSION_S, '2024-06-01T10:00:00.000Z');
  copyFileSync(sessionTranscript, join(uncut, 'whole.transcript.json'));
  writeFileSync(join(uncut, 'whole.meta.json'), JSON.stringify(meta()));
  const r = runCli(['analyze', uncut, '--out', join(work, 'out-whole'), '--no-vision'], {
    timeoutMs: 240_000,
  });
  expect(r.code, r.stderr).toBe(0);
  whole = report(join(work, 'out-whole', 'whole'));
}, 300_000);

/** Rule findings (what was said), by rule: must not change because the recording was interrupted. */
const ruleStatuses = (r: Report) =>
  Object.fromEntries(
    r.findings
      .filter((f) => !f.ruleId.startsWith('integrity/') && !f.ruleId.startsWith('quality/'))
      .map((f) => [f.ruleId, f.status]),
  );

describe('a session recorded in two parts', () => {
  it('<name>.part1/.part2 with one transcript: one report, the parts on one timeline, the interruption and its pause reported', () => {
    const dir = join(work, 'inbox-a');
    mkdirSync(dir);
    copyFileSync(part1, join(dir, 'rec.part1.mp4'));
    copyFileSync(part2, join(dir, 'rec.part2.mp4'));
    copyFileSync(sessionTranscript, join(dir, 'rec.transcript.json'));
    writeFileSync(join(dir, 'rec.meta.json'), JSON.stringify(meta()));
    const found = sessionsInFolder(dir);
    expect(found.map((s) => s.name)).toEqual(['rec']);

    const out = join(work, 'out-a');
    const r = runCli(['analyze', dir, '--out', out, '--no-vision'], { timeoutMs: 240_000 });
    expect(r.code, r.stderr).toBe(0);
    const rep = report(join(out, 'rec'));
    expect(rep.session.parts?.map((p) => p.file)).toEqual(['rec.part1.mp4', 'rec.part2.mp4']);
    expect(rep.session.parts![1]!.startS).toBeCloseTo(CUT_S, 0);
    expect(rep.session.parts![1]!.gapBeforeS).toBe(PAUSE_S);
    expect(rep.media!.probe.duration).toBeCloseTo(SESSION_S, 0);
    const interrupted = rep.findings.filter((f) => f.ruleId === 'integrity/interrupted');
    expect(interrupted).toHaveLength(1);
    expect(interrupted[0]).toMatchObject({ status: 'fail', severity: 'major' });
    expect(interrupted[0]!.message).toContain(`${PAUSE_S} s later`);
    expect(interrupted[0]!.evidence[0]!.start).toBeCloseTo(CUT_S, 0);
    expect(rep.verdict).not.toBe('PASS');
    // the joined recording backs the whole transcript, and the rules judge the same words
    expect(rep.findings.some((f) => f.ruleId.startsWith('integrity/transcript-'))).toBe(false);
    expect(ruleStatuses(rep)).toEqual(ruleStatuses(whole));
    expect(existsSync(join(out, 'rec', 'recording-joined.mp4'))).toBe(true);
    // naming one part analyzes the whole session
    const named = resolveSessionInputs(join(dir, 'rec.part2.mp4'));
    expect(named.map((s) => [s.name, s.parts?.length])).toEqual([['rec', 2]]);
  }, 300_000);

  it('a transcript per part (each on its own clock) is put on the joined timeline', () => {
    const dir = join(work, 'inbox-b');
    mkdirSync(dir);
    copyFileSync(part1, join(dir, 'visit_part1.mp4'));
    copyFileSync(part2, join(dir, 'visit_part2.mp4'));
    const first = transcript.segments.filter((s) => s.end <= CUT_S);
    const second = transcript.segments
      .filter((s) => s.start >= CUT_S)
      .map((s) => ({ ...s, start: s.start - CUT_S, end: s.end - CUT_S }));
    expect(first.length + second.length).toBe(transcript.segments.length);
    writeFileSync(join(dir, 'visit_part1.transcript.json'), JSON.stringify({ ...transcript, segments: first }));
    writeFileSync(join(dir, 'visit_part2.transcript.json'), JSON.stringify({ ...transcript, segments: second }));
    writeFileSync(join(dir, 'visit.meta.json'), JSON.stringify(meta()));

    const out = join(work, 'out-b');
    const r = runCli(['analyze', dir, '--out', out, '--no-vision'], { timeoutMs: 240_000 });
    expect(r.code, r.stderr).toBe(0);
    const rep = report(join(out, 'visit'));
    const segs = rep.transcript!.segments;
    expect(segs).toHaveLength(transcript.segments.length);
    // the second part starts where the first part's audio really ended (AAC frames: within 0.05 s of the cut)
    segs.forEach((s, i) => expect(s.start).toBeCloseTo(transcript.segments[i]!.start, 1));
    expect(ruleStatuses(rep)).toEqual(ruleStatuses(whole));
    // no creation times in the parts' transcripts matter: the pause comes from the recordings
    expect(rep.findings.find((f) => f.ruleId === 'integrity/interrupted')!.message).toContain(`${PAUSE_S} s later`);
  }, 300_000);

  it('batch: parts listed in the sidecar are one session; a part without its transcript is REVIEW naming it', () => {
    const inbox = join(work, 'inbox-c');
    mkdirSync(inbox);
    // parts named by the sidecar, whatever their names
    copyFileSync(part1, join(inbox, 'cam-0931.mp4'));
    copyFileSync(part2, join(inbox, 'cam-0958.mp4'));
    copyFileSync(sessionTranscript, join(inbox, 'listed.transcript.json'));
    writeFileSync(
      join(inbox, 'listed.meta.json'),
      JSON.stringify({ ...meta(), session_id: 'S-listed', parts: ['cam-0931.mp4', 'cam-0958.mp4'] }),
    );
    // per-part transcripts, one missing
    copyFileSync(part1, join(inbox, 'gap.part1.mp4'));
    copyFileSync(part2, join(inbox, 'gap.part2.mp4'));
    writeFileSync(
      join(inbox, 'gap.part1.transcript.json'),
      JSON.stringify({ ...transcript, segments: transcript.segments.filter((s) => s.end <= CUT_S) }),
    );
    writeFileSync(join(inbox, 'gap.meta.json'), JSON.stringify({ ...meta(), session_id: 'S-gap' }));

    const out = join(work, 'out-c');
    const r = runCli(['batch', inbox, '--out', out, '--no-vision', '--json', '--concurrency', '1'], {
      timeoutMs: 400_000,
    });
    expect([0, 3], r.stderr).toContain(r.code);
    const summary = JSON.parse(r.stdout) as { inScope: number };
    expect(summary.inScope).toBe(2);
    const listed = report(join(out, 'listed'));
    expect(listed.session.parts?.map((p) => p.file)).toEqual(['cam-0931.mp4', 'cam-0958.mp4']);
    expect(ruleStatuses(listed)).toEqual(ruleStatuses(whole));
    const gap = report(join(out, 'gap'));
    expect(gap.verdict).toBe('REVIEW');
    expect(gap.error).toMatch(/gap\.part2\.mp4: part 2 has no transcript/);
  }, 420_000);
});
