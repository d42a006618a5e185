// Signature events: inside a signing window, a hand in the lower part of the picture that stays for a
// while with small continuous motion (writing, not reaching), ideally in a pen grip, and new ink where
// it was. Pure: frames (luma + hand detections) in, events with the evidence for and against out.
import { clampRect, darkPixels, grow, meanAbsDiff, type Gray, type Rect } from './pixels.js';

export interface HandSeen {
  /** box in frame pixels */
  box: Rect;
  score: number;
  /** Human's hand pose class: hand, fist, pinch, point, tip, pinchtip, face */
  label: string;
  /** thumb tip and index tip close together (relative to the hand's size): a pen grip */
  grip: boolean;
}

export interface DenseFrame {
  time: number;
  gray: Gray;
  hands: HandSeen[];
}

export interface SignatureOptions {
  /** a hand must stay this long (seconds); default 2 */
  minHandS: number;
  /** hand box centre below this fraction of the height counts as "lower part"; default 0.45 */
  lowerFrom: number;
  /** minimum detector score; default 0.4 (hands holding a pen over paper score low) */
  minScore: number;
  /** a gap of up to this many seconds without the hand does not end a run; default 1.1 */
  maxGapS: number;
  /** new ink: added dark fraction of the writing area; default 0.004 */
  minInkFraction: number;
}

export const SIGNATURE_DEFAULTS: SignatureOptions = {
  minHandS: 2,
  lowerFrom: 0.45,
  minScore: 0.4,
  maxGapS: 1.1,
  minInkFraction: 0.004,
};

/** Without new ink, the other signs (hand, motion, grip, a 签名 field) never add up to more than this. */
export const NO_INK_CAP = 0.55;

export interface SignatureEvidence {
  start: number;
  end: number;
  confidence: number;
  /** what was seen / not seen, in words (Chinese, for the auditor) */
  seen: string[];
  notSeen: string[];
  /** times of the before / during / after evidence frames, and the boxes to draw */
  frames: { time: number; boxes: Rect[]; role: 'before' | 'during' | 'after' }[];
  inkFraction: number;
  /** new ink was seen (inkFraction over the threshold) */
  ink: boolean;
  gripFraction: number;
  /** median hand-centre step between samples, as a fraction of the frame width */
  medianStep: number;
  /** mean luma change inside the hand area between samples */
  handMotion: number;
}

function lowerHand(f: DenseFrame, o: SignatureOptions): HandSeen | undefined {
  let best: HandSeen | undefined;
  for (const h of f.hands) {
    const cy = (h.box.y + h.box.h / 2) / f.gray.height;
    if (h.score >= o.minScore && cy >= o.lowerFrom && (!best || h.score > best.score)) best = h;
  }
  return best;
}

function median(xs: number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function union(rects: Rect[]): Rect {
  const x0 = Math.min(...rects.map((r) => r.x));
  const y0 = Math.min(...rects.map((r) => r.y));
  const x1 = Math.max(...rects.map((r) => r.x + r.w));
  const y1 = Math.max(...rects.map((r) => r.y + r.h));
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/**
 * Finds signing in the frames of one window (sorted by time). `signText` says whether OCR read
 * 签名/签字 in this window (undefined: OCR did not look).
 */
export function signatureEvents(
  frames: DenseFrame[],
  signText: boolean | undefined,
  opts: Partial<SignatureOptions> = {},
): SignatureEvidence[] {
  const o = { ...SIGNATURE_DEFAULTS, ...opts };
  const out: SignatureEvidence[] = [];
  // runs of frames with a lower hand, tolerating short misses
  const runs: { from: number; to: number }[] = [];
  let cur: { from: number; to: number } | undefined;
  frames.forEach((f, i) => {
    if (!lowerHand(f, o)) return;
    if (cur && f.time - frames[cur.to]!.time <= o.maxGapS) cur.to = i;
    else {
      if (cur) runs.push(cur);
      cur = { from: i, to: i };
    }
  });
  if (cur) runs.push(cur);

  for (const run of runs) {
    const inRun = frames.slice(run.from, run.to + 1);
    const withHand = inRun.filter((f) => lowerHand(f, o));
    const start = inRun[0]!.time;
    const step = inRun.length > 1 ? (inRun[inRun.length - 1]!.time - start) / (inRun.length - 1) : 0.5;
    const end = inRun[inRun.length - 1]!.time + step;
    if (end - start < o.minHandS) continue;
    const { width, height } = inRun[0]!.gray;

    const hands = withHand.map((f) => lowerHand(f, o)!);
    const gripFraction = hands.filter((h) => h.grip || /pinch/.test(h.label)).length / hands.length;
    const steps: number[] = [];
    const motion: number[] = [];
    for (let i = 1; i < withHand.length; i++) {
      const a = lowerHand(withHand[i - 1]!, o)!;
      const b = lowerHand(withHand[i]!, o)!;
      steps.push(
        Math.hypot(a.box.x + a.box.w / 2 - (b.box.x + b.box.w / 2), a.box.y + a.box.h / 2 - (b.box.y + b.box.h / 2)) /
          width,
      );
      motion.push(
        meanAbsDiff(
          withHand[i - 1]!.gray,
          withHand[i]!.gray,
          clampRect(grow(union([a.box, b.box]), 0.2), width, height),
        ),
      );
    }
    const medianStep = median(steps);
    const handMotion = median(motion);
    // writing: the hand moves, but a little (a reach across the table moves a lot, a resting hand not at all)
    const writingMotion = steps.length > 0 && medianStep >= 0.002 && medianStep <= 0.12 && handMotion >= 1.5;

    // ink: dark pixels in the area the hand worked over, before the hand came vs after it left,
    // not counting where a hand is in either frame
    const before = frames[run.from - 1] ?? inRun[0]!;
    const after = frames[run.to + 1] ?? inRun[inRun.length - 1]!;
    const area = clampRect(grow(union(hands.map((h) => h.box)), 0.6), width, height);
    const exclude = [...before.hands, ...after.hands].map((h) => clampRect(grow(h.box, 0.05), width, height));
    const b = darkPixels(before.gray, area, exclude);
    const a = darkPixels(after.gray, area, exclude);
    const inkFraction = a.total ? (a.dark - b.dark) / a.total : 0;
    const ink = inkFraction >= o.minInkFraction && a.dark - b.dark >= 20;
    const handsOnlyBefore = before === inRun[0];
    const handsStillAfter = after === inRun[inRun.length - 1];

    const seen: string[] = [`手在画面下部停留 ${(end - start).toFixed(1)} 秒（签字时段内）`];
    const notSeen: string[] = [];
    let confidence = 0.35;
    if (writingMotion) {
      seen.push('手部有小幅连续移动（书写样动作）');
      confidence += 0.15;
    } else notSeen.push(steps.length ? '未见书写样的小幅连续移动' : '采样帧太少，无法判断手部动作');
    if (gripFraction >= 0.3) {
      seen.push(`握笔手势（${Math.round(gripFraction * 100)}% 的帧）`);
      confidence += 0.15;
    } else notSeen.push('未识别到握笔手势（拇指与食指指尖未靠拢）');
    if (ink) {
      seen.push(`手经过的区域出现新的笔迹（深色像素增加 ${(inkFraction * 100).toFixed(1)}%）`);
      confidence += 0.25;
    } else
      notSeen.push(
        handsOnlyBefore || handsStillAfter ? '手一直在画面中，无法比较签字前后的纸面' : '签字前后纸面未见新增笔迹',
      );
    notSeen.push('笔本身无法识别；人靠得近时无法确定是谁的手');

    const mid = withHand[withHand.length >> 1]!;
    out.push({
      start,
      end,
      confidence: Math.min(ink ? 0.95 : NO_INK_CAP, confidence),
      seen,
      notSeen,
      frames: [
        { time: before.time, boxes: before.hands.map((h) => h.box), role: 'before' },
        { time: mid.time, boxes: [lowerHand(mid, o)!.box], role: 'during' },
        { time: after.time, boxes: [area], role: 'after' },
      ],
      inkFraction,
      ink,
      gripFraction,
      medianStep,
      handMotion,
    });
  }
  return out.map((e) => withSignText(e, signText));
}

const SIGN_TEXT_SEEN = '附近文字识别到“签名/签字”栏';

/** Adds what OCR read next to the hand (true: a 签名/签字 field; false: none; undefined: not looked). */
export function withSignText(e: SignatureEvidence, signText: boolean | undefined): SignatureEvidence {
  if (signText === true)
    return {
      ...e,
      seen: [...e.seen, SIGN_TEXT_SEEN],
      confidence: Math.min(e.ink ? 0.95 : NO_INK_CAP, e.confidence + 0.1),
    };
  return {
    ...e,
    notSeen: [...e.notSeen, signText === false ? '文字识别未在附近读到“签名/签字”字样' : '未对该时段做文字识别'],
  };
}

/** Thumb tip (keypoint 4) and index tip (8) closer than 35 % of the hand box diagonal. */
export function penGrip(keypoints: [number, number, number?][], box: Rect): boolean {
  const thumb = keypoints[4];
  const index = keypoints[8];
  if (!thumb || !index) return false;
  const d = Math.hypot(thumb[0] - index[0], thumb[1] - index[1]);
  return d < 0.35 * Math.hypot(box.w, box.h);
}
