import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkIntegrity, decodeIssues, detectSignals, probeMedia } from '../../src/media/index.js';
import { UserError } from '../../src/util/errors.js';
import { corruptCopy, makeMediaSet, tempDir, type MediaSet } from '../fixtures/media-fixtures.js';

let set: MediaSet;
let dir: string;
let cleanup: () => void;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('probe'));
  set = await makeMediaSet(dir);
});
afterAll(() => cleanup());

async function userErrorOf(p: Promise<unknown>): Promise<UserError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  const msg = (err as UserError).message;
  expect(msg.split('\n')).toHaveLength(1);
  return err as UserError;
}

describe('probeMedia', () => {
  it('reads a normal mp4: container, streams, duration, fps, resolution, audio format', async () => {
    const p = await probeMedia(set.normal);
    expect(p.container).toContain('mp4');
    expect(p.duration).toBeCloseTo(6, 0);
    expect(p.sizeBytes).toBeGreaterThan(1000);
    expect(p.video).toHaveLength(1);
    expect(p.video[0]).toMatchObject({ codec: 'h264', width: 160, height: 120 });
    expect(p.video[0]!.fps).toBeCloseTo(10, 1);
    expect(p.audio).toHaveLength(1);
    expect(p.audio[0]).toMatchObject({ codec: 'aac', channels: 1, sampleRate: 48000 });
  });

  it('reads an audio-only and a video-only file', async () => {
    const a = await probeMedia(set.audioOnly);
    expect(a.video).toHaveLength(0);
    expect(a.audio).toHaveLength(1);
    expect(a.duration).toBeCloseTo(6, 0);
    const v = await probeMedia(set.videoOnly);
    expect(v.audio).toHaveLength(0);
    expect(v.video).toHaveLength(1);
  });

  it('reports two channels for the stereo recording', async () => {
    const p = await probeMedia(set.stereo);
    expect(p.audio[0]!.channels).toBe(2);
    expect(p.audio[0]!.channelLayout).toBe('stereo');
  });

  it('gives a one-line UserError naming the file for each kind of bad input', async () => {
    const missing = join(dir, 'nope.mp4');
    expect((await userErrorOf(probeMedia(missing))).message).toBe(`${missing}: no such file`);
    expect((await userErrorOf(probeMedia(dir))).message).toBe(`${dir}: is a directory, not a recording`);
    expect((await userErrorOf(probeMedia(set.zeroByte))).message).toBe(`${set.zeroByte}: empty file (0 bytes)`);
    expect((await userErrorOf(probeMedia(set.textAsMp4))).message).toBe(
      `${set.textAsMp4}: not a media file ffprobe can read`,
    );
    const trunc = await userErrorOf(probeMedia(set.truncatedNoIndex));
    expect(trunc.message).toContain(set.truncatedNoIndex);
    expect(trunc.message).toContain('truncated or not a media file');
  });
});

describe('checkIntegrity', () => {
  it('finds nothing wrong with a clean recording', async () => {
    const p = await probeMedia(set.normal);
    expect(await checkIntegrity(set.normal, p)).toEqual([]);
  });

  it('flags a missing video or audio stream as critical', async () => {
    const a = await checkIntegrity(set.audioOnly, await probeMedia(set.audioOnly));
    expect(a.map((i) => [i.code, i.severity])).toEqual([['no-video', 'critical']]);
    const v = await checkIntegrity(set.videoOnly, await probeMedia(set.videoOnly));
    expect(v.map((i) => [i.code, i.severity])).toEqual([['no-audio', 'critical']]);
  });

  it('finds a truncated mp4 whose index survived: data ends early', async () => {
    const p = await probeMedia(set.truncatedFaststart);
    expect(p.duration).toBeCloseTo(6, 0); // the header still claims the full length
    const issues = await checkIntegrity(set.truncatedFaststart, p);
    const t = issues.find((i) => i.code === 'truncated');
    expect(t?.severity).toBe('critical');
    expect(t!.start!).toBeGreaterThan(1);
    expect(t!.start!).toBeLessThan(5.5);
    expect(t!.end).toBeCloseTo(6, 0);
  });

  it('finds the timestamp gap in both streams, at the right place', async () => {
    const p = await probeMedia(set.gap);
    const issues = await checkIntegrity(set.gap, p);
    for (const code of ['audio-gap', 'video-gap'] as const) {
      const g = issues.filter((i) => i.code === code);
      expect(g, code).toHaveLength(1);
      expect(g[0]!.start!).toBeGreaterThan(4.5);
      expect(g[0]!.start!).toBeLessThan(5.5);
      expect(g[0]!.end!).toBeGreaterThan(7.5);
      expect(g[0]!.end!).toBeLessThan(8.5);
    }
    expect(issues.some((i) => i.code === 'truncated')).toBe(false);
  });

  it('compares the length with the metadata, with a tolerance', async () => {
    const p = await probeMedia(set.normal);
    expect(await checkIntegrity(set.normal, p, { expectedDurationS: 7 })).toEqual([]);
    const issues = await checkIntegrity(set.normal, p, { expectedDurationS: 60 });
    expect(issues.map((i) => i.code)).toEqual(['duration-mismatch']);
    expect(issues[0]!.message).toContain('60.0 s');
  });

  it('reports decoder errors found by the signal pass on a damaged file', async () => {
    const damaged = join(dir, 'damaged', 'damaged.mp4');
    mkdirSync(join(dir, 'damaged'));
    corruptCopy(set.normal, damaged);
    const p = await probeMedia(damaged);
    const signals = await detectSignals(damaged, p);
    expect(signals.decodeErrors?.count ?? 0).toBeGreaterThan(0);
    expect(decodeIssues(signals).map((i) => i.code)).toEqual(['undecodable']);
    // and a clean file has none
    const clean = await detectSignals(set.normal, await probeMedia(set.normal));
    expect(clean.decodeErrors).toBeUndefined();
    expect(decodeIssues(clean)).toEqual([]);
  });
});
