// probeMedia: what a recording file contains (container, streams, duration), or a one-line UserError
// saying why it can't be read at all.
import type { AudioStreamInfo, MediaProbe, VideoStreamInfo } from '../model/index.js';
import { UserError } from '../util/errors.js';
import {
  allowedDemuxer,
  assertReadableFile,
  describeDemuxer,
  FfmpegFailed,
  ffprobeData,
  looksLikeIsoBmff,
  referenceFormat,
  type FfprobeStream,
} from './run.js';

/** ffprobe prints "N/A" for unknown numbers; anything non-finite becomes undefined. */
export function num(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '' || v === 'N/A') return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** "30000/1001" → 29.97; "0/0" or garbage → undefined */
export function parseRate(rate: unknown): number | undefined {
  if (typeof rate !== 'string') return num(rate);
  const m = /^(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(rate.trim());
  if (!m) return num(rate);
  const d = Number(m[2]);
  if (!d) return undefined;
  const r = Number(m[1]) / d;
  return r > 0 && Number.isFinite(r) ? r : undefined;
}

function audioInfo(s: FfprobeStream): AudioStreamInfo {
  const info: AudioStreamInfo = {
    index: s.index,
    codec: s.codec_name ?? 'unknown',
    channels: num(s.channels) ?? 0,
    sampleRate: num(s.sample_rate) ?? 0,
  };
  const duration = num(s.duration);
  if (duration !== undefined) info.duration = duration;
  if (s.channel_layout && s.channel_layout !== 'unknown') info.channelLayout = s.channel_layout;
  return info;
}

function videoInfo(s: FfprobeStream): VideoStreamInfo {
  const info: VideoStreamInfo = {
    index: s.index,
    codec: s.codec_name ?? 'unknown',
    width: num(s.width) ?? 0,
    height: num(s.height) ?? 0,
    // avg_frame_rate is the real rate for variable-rate phone recordings; r_frame_rate is a fallback
    fps: parseRate(s.avg_frame_rate) ?? parseRate(s.r_frame_rate) ?? 0,
  };
  const duration = num(s.duration);
  if (duration !== undefined) info.duration = duration;
  return info;
}

/** Explains an ffprobe failure in one line naming the file. */
function probeError(file: string, err: FfmpegFailed): UserError {
  const text = [err.message, ...err.stderrTail].join('\n');
  // ffmpeg detected a demuxer outside RECORDING_DEMUXERS and refused to open it: "[hls @ 0x…] Format not on whitelist"
  const refused = /\[(\w+) @ 0x[0-9a-f]+\][^\n]*Format not on whitelist/i.exec(text);
  if (refused || /Format not on whitelist/i.test(text)) {
    return notARecording(file, refused ? describeDemuxer(refused[1]!) : 'not a media container');
  }
  if (/moov atom not found/i.test(text)) {
    // The mov demuxer is chosen by extension too, so check the bytes before blaming truncation.
    return looksLikeIsoBmff(file)
      ? new UserError(
          `${file}: truncated or not a media file (the mp4 index, moov atom, is missing: recording cut off while being written?)`,
          file,
        )
      : new UserError(`${file}: not a media file ffprobe can read`, file);
  }
  if (/Permission denied/i.test(text)) return new UserError(`${file}: cannot read (permission denied)`, file);
  if (/Invalid data found|could not find codec parameters|End of file|unknown format/i.test(text)) {
    return new UserError(`${file}: not a media file ffprobe can read`, file);
  }
  const last = err.stderrTail
    .at(-1)
    ?.replace(/^\[[^\]]*@ 0x[0-9a-f]+\] /, '')
    .trim();
  return new UserError(`${file}: ffprobe cannot read it${last ? ` (${last})` : ''}`, file);
}

function notARecording(file: string, what: string): UserError {
  return new UserError(
    `${file}: ${what}, not a recording (only media containers are opened, never files they refer to)`,
    file,
  );
}

export async function probeMedia(file: string): Promise<MediaProbe> {
  const { sizeBytes } = assertReadableFile(file);
  // A playlist or reference list is named as such before ffprobe sees it (ffprobe would refuse it too).
  const reference = referenceFormat(file);
  if (reference) throw notARecording(file, reference);
  let data;
  try {
    data = await ffprobeData(file);
  } catch (err) {
    if (err instanceof FfmpegFailed) throw probeError(file, err);
    throw err;
  }
  // The whitelist already held ffprobe to these; checked again in case an ffprobe ignored the option.
  if (!allowedDemuxer(data.format?.format_name))
    throw notARecording(file, describeDemuxer(String(data.format?.format_name ?? 'unknown')));
  const streams = Array.isArray(data.streams) ? data.streams : [];
  // Cover art in an m4a is a one-frame "video" stream; it is not a picture of the sale.
  const audio = streams.filter((s) => s.codec_type === 'audio').map(audioInfo);
  const video = streams
    .filter((s) => s.codec_type === 'video' && !(s.disposition as Record<string, number> | undefined)?.attached_pic)
    .map(videoInfo);
  if (audio.length === 0 && video.length === 0) {
    throw new UserError(`${file}: not a media file ffprobe can read (no audio or video stream)`, file);
  }
  const streamDurations = [...audio, ...video].map((s) => s.duration ?? 0);
  const probe: MediaProbe = {
    file,
    container: data.format?.format_name ?? 'unknown',
    sizeBytes,
    duration: num(data.format?.duration) ?? Math.max(0, ...streamDurations),
    audio,
    video,
  };
  const bitRate = num(data.format?.bit_rate);
  if (bitRate !== undefined) probe.bitRate = bitRate;
  const start = num(data.format?.start_time);
  if (start !== undefined && start !== 0) probe.startTime = start;
  return probe;
}
