// Soak (issue 13): a 200-session inbox where one entry in ten is hostile or broken — empty, text or an
// image posing as a recording, a playlist that points at /etc/passwd, a truncated file, links, a FIFO,
// unreadable files, transcripts with absurd times, too many segments, cut-off or deeply nested JSON,
// a sidecar that is not JSON — finishes: every good session gets its ordinary report, every bad one a
// REVIEW report whose reason names its file, and the batch exits 3. Run as an unprivileged user
// (root reads any file), with real ffmpeg and SQLite, vision off to keep it short.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { BatchSummary } from '../../src/batch/run.js';
import type { Report } from '../../src/model/index.js';
import { ROOT } from '../helpers/cli.js';
import { addRecording, addTranscriptOnly, SAMPLES } from './inbox.js';
import { writeTestPacks } from './rules.js';

const work = mkdtempSync(join(tmpdir(), 'dualrec-soak-'));
chmodSync(work, 0o755); // the unprivileged child must reach the inbox
afterAll(() => {
  spawnSync('chmod', ['-R', 'u+rwX', work]);
  rmSync(work, { recursive: true, force: true });
});

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;
const keys = join(work, 'keys');
mkdirSync(keys, { mode: 0o700 });
if (asRoot) chownSync(keys, NOBODY, NOBODY);

function runUnprivileged(args: string[]) {
  const node = [
    process.execPath,
    '--import',
    pathToFileURL(`${ROOT}node_modules/tsx/dist/loader.mjs`).href,
    `${ROOT}src/cli/main.ts`,
    ...args,
  ];
  const cmd = asRoot ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', ...node] : node;
  const r = spawnSync(cmd[0]!, cmd.slice(1), {
    cwd: work,
    env: { ...process.env, DUALREC_LOG_LEVEL: 'warn', HOME: work, DUALREC_KEY_FILE: join(keys, 'signing-keys.json') },
    encoding: 'utf8',
    timeout: 540_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const sampleTranscript = () => readFileSync(join(SAMPLES, 'compliant-participating.transcript.json'), 'utf8');
const sampleMeta = () => readFileSync(join(SAMPLES, 'compliant-participating.meta.json'), 'utf8');

/** One hostile entry: the files it consists of, and the file its REVIEW reason must name. */
interface Hostile {
  name: string;
  names: string;
  make(dir: string): void;
}

/** A transcript-only session whose transcript is `body` (with an ordinary sidecar). */
function transcriptOf(name: string, body: string | Buffer): Hostile {
  return {
    name,
    names: `${name}.transcript.json`,
    make: (dir) => {
      writeFileSync(join(dir, `${name}.transcript.json`), body);
      writeFileSync(join(dir, `${name}.meta.json`), sampleMeta());
    },
  };
}

/** A "recording" whose bytes are `body` (with the sample's transcript and sidecar beside it). */
function recordingOf(name: string, ext: string, body: string | Buffer): Hostile {
  return {
    name,
    names: `${name}${ext}`,
    make: (dir) => {
      writeFileSync(join(dir, `${name}${ext}`), body);
      writeFileSync(join(dir, `${name}.transcript.json`), sampleTranscript());
      writeFileSync(join(dir, `${name}.meta.json`), sampleMeta());
    },
  };
}

const segments = (n: number, start = 0, text = '您好') =>
  JSON.stringify({
    segments: Array.from({ length: n }, (_, i) => ({ start: start + i, end: start + i + 1, speaker: 'agent', text })),
  });

const HOSTILE: Hostile[] = [
  recordingOf('empty', '.mp4', ''),
  recordingOf('text-as-video', '.mp4', '这不是视频，是一段文字。\n'.repeat(50)),
  recordingOf('random-bytes', '.mkv', Buffer.from(Array.from({ length: 65536 }, (_, i) => (i * 7919 + 13) % 256))),
  recordingOf(
    'playlist',
    '.mp4',
    '#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n',
  ),
  recordingOf('concat-list', '.mp4', 'ffconcat version 1.0\nfile /etc/passwd\n'),
  {
    name: 'truncated',
    names: 'truncated.mp4',
    make: (dir) => {
      const full = readFileSync(join(SAMPLES, 'compliant-participating.mp4'));
      writeFileSync(join(dir, 'truncated.mp4'), full.subarray(0, Math.floor(full.length / 3)));
      writeFileSync(join(dir, 'truncated.meta.json'), sampleMeta());
    },
  },
  {
    name: 'image-as-video',
    names: 'image-as-video.mp4',
    make: (dir) => {
      const png = spawnSync('ffmpeg', [
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        'color=c=red:s=64x64',
        '-frames:v',
        '1',
        '-f',
        'image2pipe',
        '-vcodec',
        'png',
        '-',
      ]);
      writeFileSync(join(dir, 'image-as-video.mp4'), png.stdout);
      writeFileSync(join(dir, 'image-as-video.meta.json'), sampleMeta());
    },
  },
  {
    name: 'link-to-passwd',
    names: 'link-to-passwd.mp4',
    make: (dir) => symlinkSync('/etc/passwd', join(dir, 'link-to-passwd.mp4')),
  },
  {
    name: 'dangling',
    names: 'dangling.mp4',
    make: (dir) => symlinkSync(join(work, 'nowhere.mp4'), join(dir, 'dangling.mp4')),
  },
  {
    name: 'fifo',
    names: 'fifo.mp4',
    make: (dir) => expect(spawnSync('mkfifo', [join(dir, 'fifo.mp4')]).status).toBe(0),
  },
  transcriptOf('cut-off-json', sampleTranscript().slice(0, 200)),
  transcriptOf('not-json', '\u0000\u0001binary\u00ff'.repeat(100)),
  transcriptOf('nested-json', '['.repeat(200_000) + ']'.repeat(200_000)),
  transcriptOf(
    'absurd-time',
    JSON.stringify({ segments: [{ start: 1e300, end: 1e301, speaker: 'agent', text: '您好' }] }),
  ),
  transcriptOf(
    'negative-time',
    JSON.stringify({ segments: [{ start: -50, end: -10, speaker: 'agent', text: '您好' }] }),
  ),
  transcriptOf('too-many-segments', segments(300_000)),
  transcriptOf(
    'huge-segment',
    JSON.stringify({ segments: [{ start: 0, end: 5, speaker: 'agent', text: '保'.repeat(2_000_000) }] }),
  ),
  {
    name: 'bad-sidecar',
    names: 'bad-sidecar.meta.json',
    make: (dir) => {
      writeFileSync(join(dir, 'bad-sidecar.transcript.json'), sampleTranscript());
      writeFileSync(join(dir, 'bad-sidecar.meta.json'), '{"channel": "agent", "product": ');
    },
  },
  {
    name: 'locked-transcript',
    names: 'locked-transcript.transcript.json',
    make: (dir) => {
      writeFileSync(join(dir, 'locked-transcript.transcript.json'), sampleTranscript());
      writeFileSync(join(dir, 'locked-transcript.meta.json'), sampleMeta());
      chmodSync(join(dir, 'locked-transcript.transcript.json'), 0o000);
    },
  },
  {
    name: 'locked-recording',
    names: 'locked-recording.mp4',
    make: (dir) => {
      copyFileSync(join(SAMPLES, 'compliant-participating.mp4'), join(dir, 'locked-recording.mp4'));
      writeFileSync(join(dir, 'locked-recording.meta.json'), sampleMeta());
      chmodSync(join(dir, 'locked-recording.mp4'), 0o000);
    },
  },
];

describe('a 200-session inbox with one hostile entry in ten', () => {
  it('finishes: 180 good sessions reported as usual, 20 bad ones REVIEW naming their file, exit 3', () => {
    expect(HOSTILE).toHaveLength(20);
    const inbox = join(work, 'inbox');
    const good: Array<{ rel: string; sample: 'compliant-participating' | 'missing-exclusions' }> = [];
    // 180 good sessions over 6 date folders: 4 real recordings, the rest transcripts alone
    for (let i = 0; i < 180; i++) {
      const day = join(inbox, `2024-06-0${(i % 6) + 1}`);
      const sample = i % 3 === 0 ? 'missing-exclusions' : 'compliant-participating';
      const name = `good-${String(i).padStart(3, '0')}`;
      if (i < 4) addRecording(day, name, sample);
      else addTranscriptOnly(day, name, sample);
      good.push({ rel: `2024-06-0${(i % 6) + 1}/${name}`, sample });
    }
    // the hostile entries sit among them, in the same date folders
    const bad = HOSTILE.map((h, i) => {
      const day = `2024-06-0${(i % 6) + 1}`;
      mkdirSync(join(inbox, day), { recursive: true });
      return { ...h, rel: `${day}/${h.name}`, dir: join(inbox, day) };
    });
    spawnSync('chmod', ['-R', 'a+rX', inbox]);
    for (const b of bad) b.make(b.dir);
    const out = join(work, 'out');
    mkdirSync(out);
    if (asRoot) chownSync(out, NOBODY, NOBODY);
    const packs = writeTestPacks(join(work, 'rules'));

    const r = runUnprivileged([
      'batch',
      inbox,
      '--out',
      out,
      '--rules',
      packs.a,
      '--no-vision',
      '--json',
      '--concurrency',
      '2',
    ]);
    expect(r.stderr).not.toMatch(/internal error|RangeError|heap/i);
    expect(r.code, r.stderr.slice(-2000)).toBe(3);
    const summary = JSON.parse(r.stdout) as BatchSummary;
    expect(summary.inScope).toBe(200);
    const report = (rel: string) => JSON.parse(readFileSync(join(out, rel, 'report.json'), 'utf8')) as Report;

    // every good session: its ordinary verdict, no error
    const verdicts = { PASS: 0, FAIL: 0, REVIEW: 0 };
    for (const g of good) {
      const rep = report(g.rel);
      expect(rep.error, g.rel).toBeUndefined();
      verdicts[rep.verdict]++;
      const exclusions = rep.findings.find((f) => f.ruleId === 't-exclusions');
      expect([g.rel, exclusions?.status]).toEqual([g.rel, g.sample === 'missing-exclusions' ? 'fail' : 'pass']);
    }
    expect(verdicts.FAIL).toBe(60);

    // every hostile one: a REVIEW report whose reason names the offending file
    const failures = new Map(summary.failures.map((f) => [f.name, f.reason ?? '']));
    for (const b of bad) {
      const rep = report(b.rel);
      expect([b.name, rep.verdict]).toEqual([b.name, 'REVIEW']);
      const reason = failures.get(b.rel) ?? failures.get(b.name) ?? rep.error ?? '';
      expect([b.name, reason]).toEqual([b.name, expect.stringContaining(b.names)]);
    }
  }, 600_000);
});
