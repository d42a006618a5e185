// Only real media containers are opened: a playlist or reference list (HLS, concat, ffconcat) dressed
// up as a recording must never make ffmpeg read the files it names — here another session's recording.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeAudioFloat32,
  detectSignals,
  frameStreamArgs,
  probeMedia,
  synthesizeClip,
} from '../../src/media/index.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../fixtures/media-fixtures.js';

let dir: string;
let cleanup: () => void;
let inbox: string;
const OTHER_S = 7; // the other session's recording: 7 s, a duration nothing else here has

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('references'));
  const other = join(dir, 'other-session');
  inbox = join(dir, 'inbox');
  mkdirSync(other);
  mkdirSync(inbox);
  // MPEG-TS: the segment format HLS takes without complaint
  await synthesizeClip(join(other, 'secret.ts'), {
    segments: [{ durationS: OTHER_S, video: 'moving', audio: 'tone' }],
  });
  const secret = join(other, 'secret.ts');
  writeFileSync(
    join(inbox, 'hls.mp4'),
    `#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:${OTHER_S},\n../other-session/secret.ts\n#EXT-X-ENDLIST\n`,
  );
  writeFileSync(join(inbox, 'ffconcat.mp4'), `ffconcat version 1.0\nfile '${secret}'\n`);
  writeFileSync(join(inbox, 'concat.mov'), `# list\nfile '${secret}'\n`);
  // blank lines before #EXTM3U: still a playlist
  writeFileSync(
    join(inbox, 'hls-indented.mp4'),
    `\n\n#EXTM3U\n#EXTINF:${OTHER_S},\n../other-session/secret.ts\n#EXT-X-ENDLIST\n`,
  );
});
afterAll(() => cleanup());

describe('playlists and reference lists are refused', () => {
  it.each([
    ['hls.mp4', /hls\.mp4: an HLS playlist, not a recording/],
    ['ffconcat.mp4', /ffconcat\.mp4: an ffconcat list, not a recording/],
    ['concat.mov', /concat\.mov: a concat list, not a recording/],
  ])('probing %s names what it is', async (name, message) => {
    await expect(probeMedia(join(inbox, name))).rejects.toThrow(message);
  });

  it('ffmpeg itself refuses them, even where nothing probed first (the whitelist travels with every run)', async () => {
    // decodeAudioFloat32 on a mix does not probe: this is ffmpeg's -format_whitelist at work
    await expect(decodeAudioFloat32(join(inbox, 'hls.mp4'))).rejects.toThrow(/hls\.mp4/);
    const fake = {
      file: join(inbox, 'hls.mp4'),
      container: 'mov',
      sizeBytes: 1,
      duration: OTHER_S,
      audio: [{ index: 0, codec: 'aac', channels: 1, sampleRate: 16000 }],
      video: [],
    };
    await expect(detectSignals(join(inbox, 'hls.mp4'), fake)).rejects.toThrow(/hls\.mp4/);
    const args = frameStreamArgs(join(inbox, 'hls.mp4'), { fps: 1, width: 32, height: 32 });
    expect(args.slice(0, args.indexOf('-i')).join(' ')).toMatch(
      /-protocol_whitelist file -format_whitelist mov,matroska,/,
    );
  });

  it('a real recording still opens (mp4, mpegts, wav, m4a)', async () => {
    expect((await probeMedia(join(dir, 'other-session', 'secret.ts'))).duration).toBeCloseTo(OTHER_S, 0);
    for (const ext of ['mp4', 'wav', 'm4a', 'mkv']) {
      const f = join(dir, `ok.${ext}`);
      await synthesizeClip(f, { segments: [{ durationS: 1, audio: 'tone' }], video: ext === 'mp4' || ext === 'mkv' });
      const p = await probeMedia(f);
      expect(p.audio.length, ext).toBe(1);
    }
  });

  it('analyze: the session is REVIEW with the reason, and the other recording never shows up in it', () => {
    const out = join(dir, 'out');
    const res = runCli(['analyze', inbox, '--out', out, '--no-vision']);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/hls\.mp4: an HLS playlist, not a recording/);
    for (const stem of ['hls', 'ffconcat', 'concat', 'hls-indented']) {
      const json = readFileSync(join(out, stem, 'report.json'), 'utf8');
      const report = JSON.parse(json);
      expect(report.verdict, stem).toBe('REVIEW');
      expect(report.error, stem).toMatch(/not a recording|not a media file/);
      expect(report.media, stem).toBeUndefined();
      expect(json).not.toContain('secret.ts');
    }
    expect(JSON.parse(readFileSync(join(out, 'hls-indented', 'report.json'), 'utf8')).error).toMatch(
      /HLS playlist, not a recording/,
    );
  });
});
