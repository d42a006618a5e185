// Audio track choice: a recording with several audio streams (an mkv or mp4 from a recording terminal,
// a screen recorder with a system-sound track and a microphone track) may carry the conversation on
// any of them, and the first (or "default") one may be silent. Each is measured (sound time and
// loudness, by the same detectors as the signal pass) and the one with the most sound is analyzed.
import type { AudioTrackChoice, MediaProbe } from '../model/index.js';
import { soundIntervals } from './consistency.js';
import { detectSignals } from './signals.js';

/** The first track is kept unless another has this much more sound (seconds), so near-equal tracks
 *  (a stereo pair split into two mono streams, say) don't flip on noise. */
const KEEP_FIRST_MARGIN_S = 1;

const s1 = (x: number) => x.toFixed(1);

/** Which audio stream to analyze; undefined when there are fewer than two. */
export async function chooseAudioTrack(file: string, probe: MediaProbe): Promise<AudioTrackChoice | undefined> {
  if (probe.audio.length < 2) return undefined;
  const audioOnly: MediaProbe = { ...probe, video: [] };
  const tracks: AudioTrackChoice['tracks'] = [];
  for (let position = 0; position < probe.audio.length; position++) {
    const a = probe.audio[position]!;
    const sig = await detectSignals(file, audioOnly, { audioPosition: position });
    const duration = a.duration ?? probe.duration;
    const soundS = soundIntervals(sig.silence, duration).reduce((s, i) => s + i.end - i.start, 0);
    const t: AudioTrackChoice['tracks'][number] = { stream: a.index, position, soundS: Math.round(soundS * 10) / 10 };
    if (sig.loudness) t.integratedLufs = sig.loudness.integratedLufs;
    tracks.push(t);
  }
  let best = tracks[0]!;
  for (const t of tracks.slice(1)) if (t.soundS > best.soundS + KEEP_FIRST_MARGIN_S) best = t;
  const describe = (t: (typeof tracks)[number]) =>
    `audio track ${t.position + 1} (stream #${t.stream}): ${s1(t.soundS)} s with sound${t.integratedLufs !== undefined ? `, ${s1(t.integratedLufs)} LUFS` : ''}`;
  const others = tracks
    .filter((t) => t !== best)
    .map(describe)
    .join('; ');
  const reason =
    best === tracks[0]
      ? `${describe(best)} used: the first audio track, no other has more sound (${others})`
      : `${describe(best)} used: it has the most sound, the first audio track is ${tracks[0]!.soundS < 0.5 ? 'silent' : 'quieter'} (${others})`;
  return { stream: best.stream, position: best.position, reason, tracks };
}
