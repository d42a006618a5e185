// checkIntegrity: can the recording be trusted as a whole? Missing streams, zero length, truncation,
// a length that disagrees with the metadata, and timestamp gaps. It only demuxes (reads packet
// timestamps), never decodes, so it costs a fraction of the signal pass; decode errors are collected
// by detectSignals, which decodes anyway, and turned into issues by decodeIssues().
import type { DecodeErrors, IntegrityIssue, MediaProbe, MediaSignals } from '../model/index.js';
import { UserError } from '../util/errors.js';
import { num } from './probe.js';
import { FfmpegFailed, ffprobeLines, fileArg } from './run.js';

export interface IntegrityOptions {
  /** the recording length the metadata claims, in seconds */
  expectedDurationS?: number;
  /** a jump in packet timestamps longer than this is a gap (default 1 s) */
  maxGapS?: number;
}

interface StreamScan {
  kind: 'audio' | 'video';
  packets: number;
  /** stream time (s, container start subtracted) where the data starts and ends */
  first?: number;
  end: number;
  prevTime?: number;
  /** shortest packet duration seen: the stream's nominal packet length */
  minDur?: number;
  gaps: { start: number; end: number }[];
}

export interface PacketScan {
  streams: StreamScan[];
  errors: string[];
}

const fmt = (s: number) => `${s.toFixed(1)} s`;

/** Reads every packet's timestamps of the first audio and first video stream in one streaming ffprobe run. */
export async function scanPackets(file: string, probe: MediaProbe, maxGapS = 1): Promise<PacketScan> {
  const byIndex = new Map<number, StreamScan>();
  const mk = (kind: 'audio' | 'video'): StreamScan => ({ kind, packets: 0, end: 0, gaps: [] });
  const audio = probe.audio[probe.audioTrack?.position ?? 0];
  if (audio) byIndex.set(audio.index, mk('audio'));
  if (probe.video[0]) byIndex.set(probe.video[0].index, mk('video'));
  const t0 = probe.startTime ?? 0;
  const onLine = (line: string) => {
    // compact format, keys kept: stream_index=0|pts_time=1.0|dts_time=0.9|duration_time=0.04
    let idx: number | undefined;
    let pts: number | undefined;
    let dts: number | undefined;
    let dur: number | undefined;
    for (const part of line.split('|')) {
      const eq = part.indexOf('=');
      const key = part.slice(0, eq);
      const value = part.slice(eq + 1);
      if (key === 'stream_index') idx = Number(value);
      else if (key === 'pts_time') pts = num(value);
      else if (key === 'dts_time') dts = num(value);
      else if (key === 'duration_time') dur = num(value);
    }
    const s = idx === undefined ? undefined : byIndex.get(idx);
    if (!s) return;
    // dts is monotonic even with B-frames; pts is the fallback when a muxer leaves dts out
    const t = dts ?? pts;
    if (t === undefined) return;
    const rel = t - t0;
    s.packets++;
    if (s.first === undefined || rel < s.first) s.first = rel;
    const shown = (pts ?? t) - t0 + (dur ?? 0);
    if (shown > s.end) s.end = shown;
    // mp4 stores each packet's duration as the distance to the next one, so the packet before a hole
    // "lasts" the whole hole; measure from the nominal packet length instead of the stated one.
    if (s.prevTime !== undefined) {
      const expected = s.prevTime + (s.minDur ?? 0);
      if (rel - expected > maxGapS) s.gaps.push({ start: expected, end: rel });
    }
    s.prevTime = rel;
    if (dur !== undefined && dur > 0 && (s.minDur === undefined || dur < s.minDur)) s.minDur = dur;
  };
  // With one stream of interest, let ffprobe skip printing the others (a plain stream index is a valid specifier).
  const wanted = [...byIndex.keys()];
  const select = wanted.length === 1 ? ['-select_streams', String(wanted[0])] : [];
  let stderr: string[];
  try {
    stderr = await ffprobeLines(
      [
        '-v',
        'error',
        ...select,
        '-show_entries',
        'packet=stream_index,pts_time,dts_time,duration_time',
        '-of',
        'compact=p=0',
        fileArg(file),
      ],
      onLine,
    );
  } catch (err) {
    if (err instanceof FfmpegFailed) {
      throw new UserError(`${file}: cannot read its packets (${err.stderrTail.at(-1)?.trim() || err.message})`, file);
    }
    throw err;
  }
  return {
    streams: [...byIndex.values()],
    errors: stderr.map((l) => l.replace(/^\[[^\]]*@ 0x[0-9a-f]+\] /, '').trim()).filter(Boolean),
  };
}

// Containers whose header states the real length; for others (raw AAC/MP3, MPEG-TS) the duration is an
// estimate and a shortfall is not evidence of truncation.
const INDEXED_CONTAINER = /(^|,)(mov|mp4|matroska|webm|wav|avi|flv|asf)(,|$)/;

export async function checkIntegrity(
  file: string,
  probe: MediaProbe,
  opts: IntegrityOptions = {},
): Promise<IntegrityIssue[]> {
  const issues: IntegrityIssue[] = [];
  if (probe.audio.length === 0) {
    issues.push({ code: 'no-audio', severity: 'critical', message: 'no audio stream: nothing said can be checked' });
  }
  if (probe.video.length === 0) {
    issues.push({
      code: 'no-video',
      severity: 'critical',
      message: 'no video stream: a dual recording needs a picture',
    });
  }

  const scan = await scanPackets(file, probe, opts.maxGapS ?? 1);
  const dataEnd = Math.max(0, ...scan.streams.map((s) => s.end));
  const declared = probe.duration;

  if (scan.streams.every((s) => s.packets === 0) || Math.max(declared, dataEnd) < 0.1) {
    issues.push({
      code: 'zero-length',
      severity: 'critical',
      message: 'the recording has no media data (zero length)',
    });
    return issues;
  }

  // Truncation: the demuxer saying so, or the data ending well before the length in the header.
  const partial = scan.errors.some((e) => /partial file|truncat|end of file/i.test(e));
  const tol = Math.max(1, 0.02 * declared);
  const indexed = INDEXED_CONTAINER.test(probe.container);
  let truncated = false;
  if (partial || (indexed && declared - dataEnd > tol)) {
    truncated = true;
    issues.push({
      code: 'truncated',
      severity: 'critical',
      message: `the data stops at ${fmt(dataEnd)} of the ${fmt(declared)} the file declares (truncated: cut off while being written or copied?)`,
      start: dataEnd,
      end: declared,
    });
  } else {
    // One stream ending long before the other: e.g. the microphone dropped out half-way.
    for (const s of scan.streams) {
      if (s.packets === 0) {
        issues.push({ code: 'undecodable', severity: 'critical', message: `the ${s.kind} stream has no data` });
      } else if (dataEnd - s.end > Math.max(2, 0.05 * dataEnd)) {
        issues.push({
          code: 'truncated',
          severity: 'major',
          message: `the ${s.kind} stops at ${fmt(s.end)}, ${fmt(dataEnd - s.end)} before the end of the recording`,
          start: s.end,
          end: dataEnd,
        });
      }
    }
  }

  // Other demuxer errors (corrupt packets) are only evidence on their own when the file isn't truncated:
  // a cut-off file always ends in a half packet.
  if (!truncated) {
    const other = scan.errors.filter((e) => !/partial file/i.test(e));
    if (other.length) {
      issues.push({
        code: 'undecodable',
        severity: 'major',
        message: `${other.length} demuxer error(s), first: ${other[0]}`,
      });
    }
  }

  for (const s of scan.streams) {
    for (const g of s.gaps) {
      issues.push({
        code: s.kind === 'audio' ? 'audio-gap' : 'video-gap',
        severity: 'major',
        message: `${s.kind} timestamps jump ${fmt(g.end - g.start)} at ${fmt(g.start)}: that stretch was not recorded`,
        start: g.start,
        end: g.end,
      });
    }
  }

  if (opts.expectedDurationS !== undefined && opts.expectedDurationS > 0) {
    const actual = truncated ? dataEnd : declared;
    const diff = actual - opts.expectedDurationS;
    if (Math.abs(diff) > Math.max(2, 0.02 * opts.expectedDurationS)) {
      issues.push({
        code: 'duration-mismatch',
        severity: 'major',
        message: `the recording is ${fmt(actual)} long but the metadata says ${fmt(opts.expectedDurationS)} (${diff < 0 ? 'shorter' : 'longer'} by ${fmt(Math.abs(diff))})`,
      });
    }
  }
  return issues;
}

/** Turns the decoder errors detectSignals saw into an integrity issue (none for a clean decode). */
export function decodeIssues(signals: Pick<MediaSignals, 'decodeErrors'>): IntegrityIssue[] {
  const d: DecodeErrors | undefined = signals.decodeErrors;
  if (!d || d.count === 0) return [];
  return [
    {
      code: 'undecodable',
      severity: 'major',
      message: `${d.count} decoder error(s) while analyzing; parts of the picture or sound may be damaged (first: ${d.samples[0] ?? '?'})`,
    },
  ];
}
