// Sessions recorded in parts: a recording interrupted (device or network fault) and resumed into a new
// file. The parts are joined into one file so every later stage — signals, the transcript check,
// speakers, vision, the report's player — sees one session on one timeline. Each part is probed on
// its own first (so the demuxer allow-list and the error naming a bad file apply to each part), then
// the concat filter re-encodes them: parts that differ in size, frame rate or codec still line up.
// How long the recording stood still between parts comes from the files' creation_time, when the
// device wrote one.
import { renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { IntegrityIssue, MediaProbe, RecordingPart } from '../model/index.js';
import { UserError } from '../util/errors.js';
import { mkdirPrivate } from '../util/atomic.js';
import { checkIntegrity } from './integrity.js';
import { probeMedia } from './probe.js';
import { withMeasuredDuration } from './duration.js';
import { ffprobeData, FfmpegFailed, fileArg, runFfmpeg } from './run.js';

export interface JoinedParts {
  parts: RecordingPart[];
  /** each part's own integrity problems (a cut-off part, a gap inside one), on the joined timeline */
  issues: IntegrityIssue[];
}

interface ProbedPart {
  file: string;
  probe: MediaProbe;
  createdAt?: string;
}

async function probePart(file: string): Promise<ProbedPart> {
  const probe = await withMeasuredDuration(file, await probeMedia(file));
  if (!(probe.duration > 0)) throw new UserError(`${file}: the length of this part cannot be measured`, file);
  let createdAt: string | undefined;
  try {
    const tags = (await ffprobeData(file)).format.tags as Record<string, unknown> | undefined;
    const t = tags?.creation_time;
    if (typeof t === 'string' && Number.isFinite(Date.parse(t))) createdAt = new Date(t).toISOString();
  } catch {
    // no tags: the gap is then unknown
  }
  return { file, probe, createdAt };
}

/** Where each part sits on the joined timeline, and the pause before it when the clocks say. */
export function partTimeline(probed: { file: string; durationS: number; createdAt?: string }[]): RecordingPart[] {
  let at = 0;
  return probed.map((p, i) => {
    const part: RecordingPart = { file: p.file, startS: round3(at), durationS: round3(p.durationS) };
    if (p.createdAt) part.createdAt = p.createdAt;
    const prev = probed[i - 1];
    if (prev?.createdAt && p.createdAt) {
      const gap = (Date.parse(p.createdAt) - Date.parse(prev.createdAt)) / 1000 - prev.durationS;
      // clocks to the second: a "gap" under a second, or one that runs backwards, is no measurement
      if (gap >= 1) part.gapBeforeS = Math.round(gap);
    }
    at += p.durationS;
    return part;
  });
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/**
 * Joins `files` (in order) into `out` (mp4: H.264 + AAC, playable in the report) and returns where each
 * part sits. Every part must have the same kinds of stream: all with a picture, or all sound only.
 */
export async function joinParts(files: string[], out: string): Promise<JoinedParts> {
  const probed: ProbedPart[] = [];
  for (const f of files) probed.push(await probePart(f));
  const withVideo = probed.filter((p) => p.probe.video.length > 0).length;
  const withAudio = probed.filter((p) => p.probe.audio.length > 0).length;
  if (withVideo !== 0 && withVideo !== probed.length) {
    const odd = probed.find((p) => p.probe.video.length === 0)!;
    throw new UserError(
      `${odd.file}: this part has no picture while the others do; parts of one session must match`,
      odd.file,
    );
  }
  if (withAudio !== probed.length) {
    const odd = probed.find((p) => p.probe.audio.length === 0)!;
    throw new UserError(`${odd.file}: this part has no sound; every part of a session needs its audio`, odd.file);
  }
  const video = withVideo > 0;
  const first = probed[0]!.probe;
  const w = even(first.video[0]?.width || 640);
  const h = even(first.video[0]?.height || 360);
  const fps = Math.min(60, Math.max(1, Math.round(first.video[0]?.fps || 25)));
  const stereo = (first.audio[first.audioTrack?.position ?? 0]?.channels ?? 1) >= 2;

  // Each part normalised to the first part's picture size, rate and channel layout, then concatenated.
  const chains: string[] = [];
  const labels: string[] = [];
  probed.forEach((p, i) => {
    const a = p.probe.audioTrack?.position ?? 0;
    if (video) {
      chains.push(
        `[${i}:v:0]scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=${fps},format=yuv420p[v${i}]`,
      );
      labels.push(`[v${i}]`);
    }
    chains.push(
      `[${i}:a:${a}]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=${stereo ? 'stereo' : 'mono'}[a${i}]`,
    );
    labels.push(`[a${i}]`);
  });
  const graph = `${chains.join(';')};${labels.join('')}concat=n=${probed.length}:v=${video ? 1 : 0}:a=1${video ? '[v]' : ''}[a]`;

  mkdirPrivate(dirname(out));
  const tmp = join(dirname(out), `.${basename(out)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp.mp4`);
  try {
    await runFfmpeg({
      inputs: probed.map((p) => ({ source: fileArg(p.file) })),
      complexFilter: graph,
      outputOptions: [
        ...(video ? ['-map', '[v]', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20'] : []),
        '-map',
        '[a]',
        '-c:a',
        'aac',
        '-b:a',
        '128k',
        '-movflags',
        '+faststart',
        '-map_metadata',
        '-1',
        '-f',
        'mp4',
      ],
      output: fileArg(tmp),
    });
    renameSync(tmp, out);
  } catch (err) {
    if (err instanceof FfmpegFailed) {
      throw new UserError(
        `${files[0]} (+${files.length - 1} parts): the parts could not be joined (${err.stderrTail.at(-1) ?? err.message})`,
        files[0],
      );
    }
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }

  const parts = partTimeline(
    probed.map((p) => ({ file: p.file, durationS: p.probe.duration, createdAt: p.createdAt })),
  );
  // A part cut off or with a hole in it is a problem of that part: found on the part itself (the join
  // re-encodes, which would smooth it over) and placed on the joined timeline.
  const issues: IntegrityIssue[] = [];
  for (const [i, p] of probed.entries()) {
    const own = await checkIntegrity(p.file, p.probe);
    const offset = parts[i]!.startS;
    for (const issue of own) {
      if (issue.code === 'no-video' && !video) continue; // all sound-only: the session decides (telesales)
      issues.push({
        ...issue,
        message: `part ${i + 1} (${basename(p.file)}): ${issue.message}`,
        ...(issue.start !== undefined ? { start: round3(issue.start + offset) } : {}),
        ...(issue.end !== undefined ? { end: round3(issue.end + offset) } : {}),
      });
    }
  }
  return { parts, issues };
}

/** Each resumption as an integrity issue: where on the timeline, and how long the recording stood still. */
export function interruptionIssues(parts: RecordingPart[]): IntegrityIssue[] {
  return parts.slice(1).map((p, i) => ({
    code: 'interrupted' as const,
    severity: 'major' as const,
    message:
      `recording interrupted after part ${i + 1} and resumed in part ${i + 2} (${basename(p.file)})` +
      (p.gapBeforeS !== undefined
        ? `, ${p.gapBeforeS} s later by the files' clocks`
        : ', after a pause of unknown length') +
      ': check that nothing required was said or shown off camera',
    start: p.startS,
    end: p.startS,
  }));
}
