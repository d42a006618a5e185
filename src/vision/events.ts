// From per-frame observations to timeline events: 同框 (two or more faces), a third face, the customer
// leaving, the lens covered, documents and ID cards read by OCR. Pure over observations, so the
// thresholds are testable without models. Detectors miss single frames: counts are smoothed first.
import type { Interval, VisualEvent } from '../model/index.js';
import { classifyDocumentText, findIdCard, maskIdsInText, type DocumentLabel } from './documents.js';
import type { OcrLine } from './ocr.js';
import type { Rect } from './pixels.js';

export interface FaceSample {
  time: number;
  /** faces that passed the size/score filter */
  boxes: Rect[];
  scores: number[];
  /** frame luma, to tell a covered lens from an empty room */
  meanLuma: number;
  stdLuma: number;
}

export interface OcrSample {
  time: number;
  lines: OcrLine[];
}

export interface EventOptions {
  /** shortest 同框 stretch reported (s); default 1.5 */
  minCopresenceS: number;
  /** shortest third-face stretch (s); default 2 */
  minThirdFaceS: number;
  /** one face left after two were seen, for at least this long (s); default 3 */
  minLeftS: number;
  /** a frame this dark (mean luma) or this flat (luma std) is covered; defaults 20 / 6 */
  coveredLuma: number;
  coveredStd: number;
  /** samples of one document further apart than this start a new event (s); default 6 */
  documentGapS: number;
}

export const EVENT_DEFAULTS: EventOptions = {
  minCopresenceS: 1.5,
  minThirdFaceS: 2,
  minLeftS: 3,
  coveredLuma: 20,
  coveredStd: 6,
  documentGapS: 6,
};

export function isCovered(s: Pick<FaceSample, 'meanLuma' | 'stdLuma'>, o: EventOptions = EVENT_DEFAULTS): boolean {
  return s.meanLuma < o.coveredLuma || s.stdLuma < o.coveredStd;
}

/** Median of each count with its neighbours: one missed (or phantom) face in one frame is not an event. */
export function smoothCounts(counts: number[]): number[] {
  return counts.map((c, i) => {
    if (i === 0 || i === counts.length - 1) return c;
    const w = [counts[i - 1]!, c, counts[i + 1]!].sort((a, b) => a - b);
    return w[1]!;
  });
}

interface Run {
  from: number;
  to: number;
}

function runs(flags: boolean[]): Run[] {
  const out: Run[] = [];
  let start = -1;
  flags.forEach((f, i) => {
    if (f && start < 0) start = i;
    if (!f && start >= 0) {
      out.push({ from: start, to: i - 1 });
      start = -1;
    }
  });
  if (start >= 0) out.push({ from: start, to: flags.length - 1 });
  return out;
}

/** Span of a run of samples: from the first sample to where the next one would be. */
function span(samples: { time: number }[], r: Run, duration: number): Interval {
  const next = samples[r.to + 1]?.time;
  const prevStep = r.to > 0 ? samples[r.to]!.time - samples[r.to - 1]!.time : 1;
  return { start: samples[r.from]!.time, end: Math.min(duration, next ?? samples[r.to]!.time + prevStep) };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

export interface FaceEvents {
  events: VisualEvent[];
  /** the sample time to show for each event (same order), for evidence frames */
  evidenceTimes: number[];
}

export function faceEvents(samples: FaceSample[], duration: number, o: EventOptions = EVENT_DEFAULTS): FaceEvents {
  const s = [...samples].sort((a, b) => a.time - b.time);
  const covered = s.map((x) => isCovered(x, o));
  const counts = smoothCounts(s.map((x, i) => (covered[i] ? 0 : x.boxes.length)));
  const events: VisualEvent[] = [];
  const evidenceTimes: number[] = [];
  const push = (e: VisualEvent, t: number) => {
    events.push(e);
    evidenceTimes.push(t);
  };
  const scoreOf = (r: Run) => mean(s.slice(r.from, r.to + 1).flatMap((x) => x.scores));

  for (const r of runs(counts.map((c) => c >= 2))) {
    const iv = span(s, r, duration);
    if (iv.end - iv.start < o.minCopresenceS) continue;
    push(
      {
        kind: 'copresence',
        ...iv,
        confidence: round(scoreOf(r)),
        label: '两人及以上同框',
        notes: [`${r.to - r.from + 1} 个采样帧中均见到至少两张人脸`],
      },
      s[(r.from + r.to) >> 1]!.time,
    );
  }
  for (const r of runs(counts.map((c) => c >= 3))) {
    const iv = span(s, r, duration);
    if (iv.end - iv.start < o.minThirdFaceS) continue;
    const most = Math.max(...counts.slice(r.from, r.to + 1));
    push(
      {
        kind: 'third-face',
        ...iv,
        confidence: round(scoreOf(r)),
        label: `${most} 张人脸`,
        notes: ['画面中出现第三人（可能是陪同人员或旁人），需人工确认身份'],
      },
      s[(r.from + r.to) >> 1]!.time,
    );
  }
  // one face left after two or more: someone walked out (which of them can't be told from faces alone)
  let seenTwo = false;
  const oneRuns = runs(counts.map((c) => c === 1));
  for (const r of oneRuns) {
    seenTwo = seenTwo || counts.slice(0, r.from).some((c) => c >= 2);
    if (!seenTwo) continue;
    const iv = span(s, r, duration);
    if (iv.end - iv.start < o.minLeftS) continue;
    push(
      {
        kind: 'customer-left',
        ...iv,
        confidence: round(0.6 * scoreOf(r)),
        label: '仅一人在画面中',
        notes: ['此前两人同框，此段只见到一张人脸', '仅凭人脸无法确定离开的是客户还是销售人员'],
      },
      s[(r.from + r.to) >> 1]!.time,
    );
  }
  return { events, evidenceTimes };
}

/** Covered/black stretches: the media stage's black intervals plus sampled frames that are dark or flat. */
export function coveredEvents(
  samples: FaceSample[],
  black: Interval[],
  duration: number,
  o: EventOptions = EVENT_DEFAULTS,
): FaceEvents {
  const s = [...samples].sort((a, b) => a.time - b.time);
  const ivs: (Interval & { why: string })[] = black.map((b) => ({ ...b, why: 'black' }));
  for (const r of runs(s.map((x) => isCovered(x, o)))) {
    const iv = span(s, r, duration);
    if (iv.end - iv.start >= 1) ivs.push({ ...iv, why: 'flat' });
  }
  ivs.sort((a, b) => a.start - b.start);
  const merged: (Interval & { why: Set<string> })[] = [];
  for (const iv of ivs) {
    const last = merged[merged.length - 1];
    if (last && iv.start <= last.end + 0.5) {
      last.end = Math.max(last.end, iv.end);
      last.why.add(iv.why);
    } else merged.push({ start: iv.start, end: iv.end, why: new Set([iv.why]) });
  }
  return {
    events: merged.map((m) => ({
      kind: 'covered' as const,
      start: Math.round(m.start * 1000) / 1000,
      end: Math.round(m.end * 1000) / 1000,
      confidence: m.why.has('black') ? 0.95 : 0.7,
      label: m.why.has('black') ? '黑屏' : '画面被遮挡或无内容',
      notes: [
        m.why.has('black') ? '整帧几乎全黑（镜头被遮挡或摄像头故障）' : '画面亮度均匀、无细节（镜头可能被遮挡）',
        '无法判断遮挡原因（手、物品或设备故障）',
      ],
    })),
    evidenceTimes: merged.map((m) => (m.start + m.end) / 2),
  };
}

export interface DocumentEvents {
  events: VisualEvent[];
  /** per event: the OCR sample to show, the text boxes to draw, and the boxes to black out (ID numbers) */
  evidence: { time: number; boxes: number[][][]; redact: number[][][] }[];
}

/** Documents and ID cards from OCR samples. ID numbers never leave this function unmasked. */
export function documentEvents(ocr: OcrSample[], duration: number, o: EventOptions = EVENT_DEFAULTS): DocumentEvents {
  const s = [...ocr].sort((a, b) => a.time - b.time);
  type Hit = {
    time: number;
    conf: number;
    text: string;
    boxes: number[][][];
    redact: number[][][];
    masked?: string;
    caption?: boolean;
    checksum?: boolean;
  };
  const byLabel = new Map<string, { kind: 'document' | 'id-card'; hits: Hit[] }>();
  for (const sample of s) {
    const text = sample.lines.map((l) => l.text).join('\n');
    const conf = mean(sample.lines.map((l) => l.confidence));
    const boxes = sample.lines.flatMap((l) => (l.box ? [l.box] : []));
    // a line with a long digit run may be an ID number: never shown in a thumbnail
    const redact = sample.lines
      .filter((l) => l.box && /[\dXxOolI|]{12,}/.test(l.text.replace(/\s+/g, '')))
      .map((l) => l.box!);
    for (const label of classifyDocumentText(text)) {
      const lines = sample.lines.filter((l) => classifyDocumentText(l.text).includes(label));
      const entry = byLabel.get(label) ?? { kind: 'document' as const, hits: [] };
      entry.hits.push({
        time: sample.time,
        conf: mean(lines.map((l) => l.confidence)) || conf,
        text: maskIdsInText(lines.map((l) => l.text).join(' ')),
        boxes: lines.flatMap((l) => (l.box ? [l.box] : [])),
        redact,
      });
      byLabel.set(label, entry);
    }
    const id = findIdCard(text);
    if (id) {
      const entry = byLabel.get('身份证件') ?? { kind: 'id-card' as const, hits: [] };
      entry.hits.push({
        time: sample.time,
        conf,
        text: '',
        boxes,
        redact,
        masked: id.masked,
        caption: id.caption,
        checksum: id.checksumOk,
      });
      byLabel.set('身份证件', entry);
    }
  }
  const events: VisualEvent[] = [];
  const evidence: DocumentEvents['evidence'] = [];
  for (const [label, { kind, hits }] of byLabel) {
    // split into separate showings where samples are far apart
    let group: Hit[] = [];
    const flush = () => {
      if (!group.length) return;
      const best = group.reduce((a, b) => (b.conf > a.conf ? b : a));
      const start = group[0]!.time;
      const end = Math.min(duration, group[group.length - 1]!.time + 1);
      if (kind === 'id-card') {
        const numbered = group.find((g) => g.checksum);
        const caption = group.some((g) => g.caption);
        events.push({
          kind,
          start,
          end,
          // a valid check digit plus the caption is near-certain; either alone less so
          confidence: round((numbered ? 0.6 : 0.3) + (caption ? 0.3 : 0) * best.conf),
          label: numbered ? `身份证件 ${numbered.masked}` : '身份证件（号码未能读清）',
          notes: [
            caption ? '识别到“公民身份号码”字样' : '未识别到“公民身份号码”字样',
            numbered ? '识别到 18 位号码且校验位正确（报告中已遮蔽）' : '未读到校验位正确的 18 位号码',
          ],
        });
      } else {
        events.push({
          kind,
          start,
          end,
          confidence: round(best.conf),
          label: label as DocumentLabel,
          notes: [`文字识别：${best.text.slice(0, 80)}`, `${group.length} 个采样帧中读到`],
        });
      }
      evidence.push({ time: best.time, boxes: best.boxes, redact: best.redact });
      group = [];
    };
    for (const h of hits) {
      if (group.length && h.time - group[group.length - 1]!.time > o.documentGapS) flush();
      group.push(h);
    }
    flush();
  }
  return { events, evidence };
}

/** a 0..1 score to 3 decimals */
function round(x: number): number {
  return Math.round(Math.max(0, Math.min(1, x)) * 1000) / 1000;
}
