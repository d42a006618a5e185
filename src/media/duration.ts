// Duration by decoding, for containers whose header states none: WebM/Matroska written by browser
// MediaRecorder or a live muxer (`-live 1`), streamed (fragmented) MP4, MPEG-TS. ffprobe says "N/A"
// there, so nothing downstream (signals, integrity, the transcript check) would have a timeline.
import type { MediaProbe } from '../model/index.js';
import { assertReadableFile, fileArg, mediaFailure, runFfmpeg } from './run.js';

const OUT_TIME = /^out_time_us=(\d+)\s*$/;

/**
 * Decodes the file to the null muxer and returns how far the decoded output got, in seconds (the
 * audio track `audioPosition` when the file has audio — cheap, and what the transcript is measured
 * against — else the first video stream). 0 when nothing decoded.
 */
export async function decodedDurationS(
  file: string,
  probe: MediaProbe,
  audioPosition = 0,
  timeoutS?: number,
): Promise<number> {
  assertReadableFile(file);
  const map = probe.audio.length > 0 ? `0:a:${audioPosition}` : '0:v:0';
  let last = 0;
  try {
    await runFfmpeg({
      inputs: [{ source: fileArg(file) }],
      // -progress prints key=value blocks (out_time_us=…) to stderr, the last one at the end of input
      outputOptions: ['-map', map, '-sn', '-dn', '-f', 'null', '-progress', 'pipe:2'],
      output: '-',
      onStderrLine: (l) => {
        const m = OUT_TIME.exec(l.trim());
        if (m) last = Math.max(last, Number(m[1]) / 1e6);
      },
      timeoutS,
    });
  } catch (err) {
    throw mediaFailure(file, err, 'decode the file to measure its length', probe.audio.length ? 'audio' : 'video');
  }
  return last;
}

/**
 * The probe with a measured duration: the container's when it states one, else by decoding
 * (durationFrom says which). A file whose length can't be measured either way keeps duration 0.
 */
export async function withMeasuredDuration(file: string, probe: MediaProbe, audioPosition = 0): Promise<MediaProbe> {
  if (probe.duration > 0) return { ...probe, durationFrom: 'container' };
  const d = await decodedDurationS(file, probe, audioPosition);
  return d > 0 ? { ...probe, duration: d, durationFrom: 'decoding' } : probe;
}
