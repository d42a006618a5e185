// VAD gating and the window → recording time mapping, on synthetic sample arrays and on real
// generated speech (espeak-ng Mandarin + silence, decoded through the media stage).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeAudioFloat32, detectSignals, probeMedia } from '../../src/media/index.js';
import {
  energyVad,
  mapToRecording,
  planUngatedWindows,
  planWindows,
  prepareVoiced,
  SAMPLE_RATE,
  voicedFromSilence,
  windowAudio,
  windowsSeconds,
  type Window,
} from '../../src/asr/vad.js';
import { makeSpeechClip, PINYIN_LINES, type SpeechClip } from '../fixtures/asr-audio.js';

describe('window planning and time mapping', () => {
  const w: Window = {
    // 2 s of recording at 10 s, a 0.5 s gap, 1 s at 40 s
    pieces: [
      { recStart: 10 * SAMPLE_RATE, recEnd: 12 * SAMPLE_RATE, winStart: 0 },
      { recStart: 40 * SAMPLE_RATE, recEnd: 41 * SAMPLE_RATE, winStart: 2.5 * SAMPLE_RATE },
    ],
    length: 3.5 * SAMPLE_RATE,
  };

  it('maps times inside pieces by exact sample offsets', () => {
    expect(mapToRecording(w, 0, 'start')).toBe(10);
    expect(mapToRecording(w, 1.2345, 'start')).toBe(11.2345);
    expect(mapToRecording(w, 2, 'end')).toBe(12);
    expect(mapToRecording(w, 2.5, 'start')).toBe(40);
    expect(mapToRecording(w, 3.1, 'end')).toBeCloseTo(40.6, 10);
    expect(mapToRecording(w, 3.5, 'end')).toBe(41);
  });

  it('snaps times in a join gap or in the padding to the neighbouring piece', () => {
    expect(mapToRecording(w, 2.2, 'start')).toBe(40); // a segment starting in the gap starts with piece 2
    expect(mapToRecording(w, 2.2, 'end')).toBe(12); // one ending in the gap ends with piece 1
    expect(mapToRecording(w, 2.5, 'end')).toBe(12);
    expect(mapToRecording(w, 29.9, 'end')).toBe(41); // whisper pads every window to 30 s
    expect(mapToRecording(w, 29.9, 'start')).toBe(41);
  });

  it('packs regions into windows of at most 30 s, never splitting a region that fits', () => {
    const voiced = [
      { start: 0, end: 10 },
      { start: 20, end: 35 },
      { start: 50, end: 58 }, // 10 + 0.3 + 15 + 0.3 + 8 > 30: starts a new window
      { start: 70, end: 72 },
    ];
    const ws = planWindows(voiced, 100, undefined, { joinGapS: 0.3 });
    expect(ws.map((x) => x.pieces.map((p) => [p.recStart / SAMPLE_RATE, p.recEnd / SAMPLE_RATE]))).toEqual([
      [
        [0, 10],
        [20, 35],
      ],
      [
        [50, 58],
        [70, 72],
      ],
    ]);
    expect(ws[0].pieces[1].winStart).toBe(10.3 * SAMPLE_RATE);
    for (const x of ws) expect(x.length).toBeLessThanOrEqual(30 * SAMPLE_RATE);
    expect(windowsSeconds(ws)).toBe(35);
  });

  it('fills a window by splitting the next region at its last pause that fits, never mid-speech', () => {
    const pcm = new Float32Array(60 * SAMPLE_RATE);
    for (let i = 0; i < pcm.length; i++) pcm[i] = 0.3 * Math.sin(i / 7);
    for (const p of [24, 31]) pcm.fill(0, p * SAMPLE_RATE, (p + 0.4) * SAMPLE_RATE); // pauses inside region 2
    const ws = planWindows(
      [
        { start: 0, end: 20 },
        { start: 22, end: 50 },
      ],
      60,
      pcm,
      { joinGapS: 0.1 },
    );
    const secs = ws.map((x) => x.pieces.map((p) => [p.recStart / SAMPLE_RATE, p.recEnd / SAMPLE_RATE]));
    expect(secs.length).toBe(2);
    expect(secs[0][0]).toEqual([0, 20]);
    // 9.9 s were left: the pause at 31.0–31.4 s is the last one that fits
    expect(secs[0][1][0]).toBe(22);
    expect(secs[0][1][1]).toBeGreaterThan(31.0);
    expect(secs[0][1][1]).toBeLessThan(31.4);
    expect(secs[1]).toEqual([[secs[0][1][1], 50]]);
    // no pause in region 2: it goes whole into a new window
    const solid = new Float32Array(60 * SAMPLE_RATE).map((_, i) => 0.3 * Math.sin(i / 7));
    const ws2 = planWindows(
      [
        { start: 0, end: 20 },
        { start: 22, end: 50 },
      ],
      60,
      solid,
      { joinGapS: 0.1 },
    );
    expect(ws2.map((x) => x.pieces.map((p) => [p.recStart / SAMPLE_RATE, p.recEnd / SAMPLE_RATE]))).toEqual([
      [[0, 20]],
      [[22, 50]],
    ]);
  });

  it('splits a region longer than a window at its quietest point before the limit', () => {
    const pcm = new Float32Array(70 * SAMPLE_RATE);
    for (let i = 0; i < pcm.length; i++) pcm[i] = 0.3 * Math.sin(i / 7);
    pcm.fill(0, Math.round(26.0 * SAMPLE_RATE), Math.round(26.3 * SAMPLE_RATE)); // a pause at 26 s
    const ws = planWindows([{ start: 0, end: 70 }], 70, pcm);
    expect(ws.length).toBe(3);
    const cut = ws[0].pieces[0].recEnd / SAMPLE_RATE;
    expect(cut).toBeGreaterThanOrEqual(26.0);
    expect(cut).toBeLessThanOrEqual(26.3);
    expect(ws[1].pieces[0].recStart).toBe(ws[0].pieces[0].recEnd);
  });

  it('merges close regions, drops clicks and pads, within the recording', () => {
    expect(
      prepareVoiced(
        [
          { start: 0.1, end: 1 },
          { start: 1.3, end: 2 },
          { start: 5, end: 5.05 },
          { start: 9.9, end: 10 },
        ],
        10,
        { padS: 0.25, mergeGapS: 0.6, minVoicedS: 0.15 },
      ),
    ).toEqual([{ start: 0, end: 2.25 }]);
    expect(
      voicedFromSilence(
        [
          { start: 0, end: 2 },
          { start: 5, end: 6 },
        ],
        8,
      ),
    ).toEqual([
      { start: 2, end: 5 },
      { start: 6, end: 8 },
    ]);
    expect(planUngatedWindows(65 * SAMPLE_RATE).map((x) => x.length / SAMPLE_RATE)).toEqual([30, 30, 5]);
  });
});

describe('VAD on generated speech', () => {
  let clip: SpeechClip;
  let pcm: Float32Array;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dualrec-asr-vad-'));
    clip = makeSpeechClip(dir, 'vad', [
      { silenceS: 4 },
      { say: PINYIN_LINES[0] },
      { silenceS: 12 },
      { say: PINYIN_LINES[1] },
      { silenceS: 25 },
      { say: PINYIN_LINES[3] },
      { silenceS: 3 },
    ]);
    pcm = await decodeAudioFloat32(clip.path);
  });

  it('finds the spoken parts with the energy VAD', () => {
    const found = prepareVoiced(energyVad(pcm), pcm.length / SAMPLE_RATE, { padS: 0 });
    expect(found.length).toBe(clip.speech.length);
    found.forEach((f, i) => {
      expect(Math.abs(f.start - clip.speech[i].start)).toBeLessThan(0.1);
      expect(Math.abs(f.end - clip.speech[i].end)).toBeLessThan(0.1);
    });
  });

  it("agrees with the media stage's silence detection", async () => {
    const signals = await detectSignals(clip.path, await probeMedia(clip.path));
    const voiced = prepareVoiced(voicedFromSilence(signals.silence, clip.durationS), clip.durationS, { padS: 0 });
    expect(voiced.length).toBe(clip.speech.length);
    voiced.forEach((v, i) => expect(Math.abs(v.start - clip.speech[i].start)).toBeLessThan(0.6));
  });

  it('packs 48 s of mostly silence into one window whose audio maps back sample-exactly', () => {
    const durationS = pcm.length / SAMPLE_RATE;
    const ws = planWindows(prepareVoiced(energyVad(pcm), durationS), durationS, pcm);
    expect(ws.length).toBe(1);
    const w = ws[0];
    expect(w.pieces.length).toBe(3);
    const audio = windowAudio(pcm, w);
    // every window sample inside a piece is the recording's sample at the mapped time
    for (const p of w.pieces) {
      for (const off of [0, 1, 1234, p.recEnd - p.recStart - 1]) {
        const tWin = (p.winStart + off) / SAMPLE_RATE;
        const tRec = mapToRecording(w, tWin, 'start');
        expect(Math.round(tRec * SAMPLE_RATE)).toBe(p.recStart + off);
        expect(audio[p.winStart + off]).toBe(pcm[p.recStart + off]);
      }
    }
    // the third utterance's onset, found in the window audio, maps onto its onset in the recording
    const onsetIn = (x: Float32Array, from: number) => {
      for (let i = from; i < x.length; i++) if (Math.abs(x[i]) > 0.02) return i;
      return -1;
    };
    const winOnset = onsetIn(audio, w.pieces[2].winStart);
    const recOnset = onsetIn(pcm, w.pieces[2].recStart);
    expect(mapToRecording(w, winOnset / SAMPLE_RATE, 'start')).toBe(recOnset / SAMPLE_RATE);
    expect(Math.abs(recOnset / SAMPLE_RATE - clip.speech[2].start)).toBeLessThan(0.1);
  });
});
