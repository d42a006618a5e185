// Recording-quality findings (quality/video, quality/audio): media's measured series judged against the
// operator's thresholds file (config/quality.yaml, or DUALREC_QUALITY). Scoring-time, so a threshold
// change applies to stored facts on rescore.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Finding, SessionFacts } from '../model/index.js';
import { assessQuality, type QualityProblem, type QualityThresholds } from '../media/quality.js';
import { parseYaml, validate } from '../rules/yamlfile.js';
import { UserError } from '../util/errors.js';
import { PROJECT_ROOT } from '../util/version.js';

export const DEFAULT_QUALITY_FILE = join(PROJECT_ROOT, 'config', 'quality.yaml');

const db = z.number().min(-120).max(0);
const share = z.number().min(0).max(1);
const ThresholdsSchema = z
  .object({
    video: z
      .object({
        min_short_side: z.number().int().min(0).max(10000),
        min_fps: z.number().min(0).max(240),
        dark_yavg: z.number().min(0).max(255),
        bright_yavg: z.number().min(0).max(255),
        blur_max: z.number().positive(),
      })
      .strict(),
    audio: z
      .object({
        quiet_dbfs: db,
        clip_peak_dbfs: db,
        clip_share: share,
        min_snr_db: z.number().min(0).max(120),
        dropout_dbfs: db,
      })
      .strict(),
    min_stretch_s: z.number().min(0),
    too_poor_share: share,
  })
  .strict()
  .refine((t) => t.video.dark_yavg < t.video.bright_yavg, {
    message: 'video.dark_yavg must be below video.bright_yavg',
    path: ['video', 'dark_yavg'],
  });

const cache = new Map<string, QualityThresholds>();

/** The thresholds file's values; a missing, unparsable or out-of-range file is a UserError naming it. */
export function loadQualityThresholds(file = process.env.DUALREC_QUALITY || DEFAULT_QUALITY_FILE): QualityThresholds {
  const hit = cache.get(file);
  if (hit) return hit;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(
      `${file}: cannot read the quality thresholds file (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      file,
    );
  }
  const docs = parseYaml(file, text);
  if (docs.length !== 1)
    throw new UserError(`${file}: expected one YAML document of quality thresholds, found ${docs.length}`, file);
  const y = docs[0]!;
  const th = validate(y, ThresholdsSchema, y.doc.toJS()) as QualityThresholds;
  cache.set(file, th);
  return th;
}

function finding(kind: 'video' | 'audio', problems: QualityProblem[], summary: string | undefined): Finding {
  const ruleId = `quality/${kind}`;
  const title = kind === 'video' ? '画面质量' : '声音质量';
  // No concept tag: quality is about how well the sale can be seen and heard, not whether the file is
  // intact (integrity.recording) — a noisy but whole recording still answers for its integrity.
  const base = { ruleId, title, category: 'quality', concepts: [] as string[], confidence: 1 };
  if (problems.length === 0) {
    return { ...base, status: 'pass', severity: 'major', evidence: [], message: `${title}可供审核：${summary ?? ''}` };
  }
  const severe = problems.some((p) => p.severe);
  return {
    ...base,
    status: 'fail',
    // too poor to audit: major, which the verdict policy makes REVIEW (the sale may be fine; a person
    // must judge what can be seen and heard); a poor passage only: minor, shown but not blocking
    severity: severe ? 'major' : 'minor',
    evidence: problems.flatMap((p) =>
      p.stretches.slice(0, 20).map((s) => ({ start: s.start, end: s.end, note: `${p.kind}: ${p.message}` })),
    ),
    message: `${severe ? `${title}过差，无法可靠审核` : `${title}部分片段较差`}：${problems.map((p) => p.message).join('；')}`,
  };
}

export function qualityFindings(facts: SessionFacts): Finding[] {
  const q = facts.signals?.quality;
  if (!q) return [];
  const a = assessQuality(q, loadQualityThresholds(), facts.signals?.black ?? []);
  const out: Finding[] = [];
  if (q.video) out.push(finding('video', a.video, a.videoSummary));
  if (q.audio) out.push(finding('audio', a.audio, a.audioSummary));
  return out;
}
