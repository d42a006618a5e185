import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkIntegrity,
  decodeAudioFloat32,
  detectSignals,
  extractAudioWav,
  extractFrame,
  probeMedia,
  SAMPLE_RATE,
  synthesizeClip,
} from '../../src/media/index.js';
import { tempDir } from '../fixtures/media-fixtures.js';

// Everything a shell would act on. If any of it reached a shell, a `pwned*` file would appear.
const HOSTILE_DIR = `we ird 'sq' "dq" ; $(touch pwned) \`touch pwned2\` & | > 中文 100%d`;
const HOSTILE_FILE = `-录音 $(touch pwned3); 'x'.mp4`;
const PWNED = ['pwned', 'pwned2', 'pwned3'];

let dir: string;
let cleanup: () => void;
let weirdDir: string;
let file: string;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('paths'));
  weirdDir = join(dir, HOSTILE_DIR);
  mkdirSync(weirdDir);
  const plain = join(dir, 'plain.mp4');
  await synthesizeClip(plain, {
    segments: [
      { durationS: 2, audio: 'tone' },
      { durationS: 1, video: 'black', audio: 'silence' },
    ],
  });
  file = join(weirdDir, HOSTILE_FILE);
  copyFileSync(plain, file);
});
afterAll(() => cleanup());

function noPwned(): void {
  for (const where of [process.cwd(), dir, weirdDir, tmpdir()]) {
    for (const name of PWNED) expect(existsSync(join(where, name)), `${name} in ${where}`).toBe(false);
  }
}

describe('paths with spaces, quotes, ;, $(...), backticks, Chinese, %', () => {
  it('probes, checks and analyzes the file without running anything', async () => {
    const p = await probeMedia(file);
    expect(p.file).toBe(file);
    expect(p.duration).toBeCloseTo(3, 0);
    expect(await checkIntegrity(file, p)).toEqual([]);
    const s = await detectSignals(file, p, { silenceMinS: 0.5, blackMinS: 0.5 });
    expect(s.black).toHaveLength(1);
    expect(s.silence).toHaveLength(1);
    noPwned();
  });

  it('decodes and writes audio and frames to hostile output paths', async () => {
    const x = await decodeAudioFloat32(file);
    expect(Math.abs(x.length - 3 * SAMPLE_RATE)).toBeLessThanOrEqual(400);
    const wav = join(weirdDir, `输出 $(touch pwned) 'a'.wav`);
    await extractAudioWav(file, wav);
    expect(readFileSync(wav).toString('latin1', 0, 4)).toBe('RIFF');
    // `%d` would be an image2 sequence pattern if the path ever reached ffmpeg as an output name
    const jpg = join(weirdDir, `frame %d %03d \`touch pwned2\`.jpg`);
    await extractFrame(file, 1, jpg, { width: 80 });
    const bytes = readFileSync(jpg);
    expect(bytes[0]).toBe(0xff);
    expect(bytes[1]).toBe(0xd8);
    // (probeMedia opens recordings only; a JPEG is measured with ffprobe itself)
    const width = spawnSync(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'stream=width', '-of', 'csv=p=0', `file:${jpg}`],
      { encoding: 'utf8' },
    ).stdout.trim();
    expect(width).toBe('80');
    // exactly the files we asked for, no temp leftovers
    expect(readdirSync(weirdDir).sort()).toEqual(
      [HOSTILE_FILE, `frame %d %03d \`touch pwned2\`.jpg`, `输出 $(touch pwned) 'a'.wav`].sort(),
    );
    noPwned();
  });
});
