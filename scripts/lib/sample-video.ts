// The picture of a bundled sample recording: what a compliant 双录 camera shows, composed from real
// photos that ship in npm packages (the same way as the vision test fixture, tests/fixtures/
// vision-fixtures.ts) and synchronised with the transcript's true line timings:
//
//   - agent (left) and customer (right) side by side for the whole session, head and shoulders, each
//     moving a little (a live camera is never still), with faint sensor noise;
//   - the agent holding up the 执业证 / 投保提示书 / 保险条款 (责任免除) card while the line that
//     mentions it is said, the customer holding up an ID card when asked for it (cards rendered with
//     ffmpeg drawtext in WenQuanYi Micro Hei, src/media/frames.ts renderTextCard);
//   - at the signing request, the 投保单 pushed onto the table, a hand writing over it and ink growing
//     along the 抄录 and 签名 lines, then the hand leaving the signed form in view.
//
// Cards and the form slide into view rather than appearing in one frame: a real document is raised or
// pushed in, and a one-frame jump would read as a scene cut. Deterministic: same inputs, same frames.
import { join } from 'node:path';
import { decodeImage, renderTextCard, type CardItem } from '../../src/media/index.js';
import {
  addNoise,
  blank,
  clone,
  crop,
  drawInk,
  ease,
  faceApiDemoDir,
  flipH,
  gradient,
  humanAssetsDir,
  paste,
  scale,
  type Img,
} from './compose.js';

export const SAMPLE_VIDEO = { width: 320, height: 240, fps: 8 } as const;
const W = SAMPLE_VIDEO.width;
const H = SAMPLE_VIDEO.height;

// ---------------------------------------------------------------------------------------------
// Who is on camera

/** A head-and-shoulders cut from a photo: decoded at `decode` size, then `crop` [x, y, w, h] in that space. */
export interface Portrait {
  photo: 'human-samples' | `face-api-sample${1 | 2 | 3 | 4 | 5 | 6}`;
  decode: { width: number; height: number };
  crop: [number, number, number, number];
  flip?: boolean;
}

/**
 * The people in the bundled photos (chosen so that no hand shows in the tile: a resting hand in the
 * lower half of the picture would compete with the signing hand). The man in a suit at a dinner table
 * is the third photo of @vladmandic/human's assets/samples.jpg strip (about 210×155 px, upscaled).
 */
export const PORTRAITS = {
  manInSuit: { photo: 'human-samples', decode: { width: 1280, height: 1158 }, crop: [388, 2, 100, 92] },
  womanRedDress: { photo: 'face-api-sample6', decode: { width: 960, height: 640 }, crop: [268, 78, 250, 240] },
  womanGreenTop: { photo: 'face-api-sample6', decode: { width: 960, height: 640 }, crop: [706, 60, 240, 230] },
} satisfies Record<string, Portrait>;

async function portrait(p: Portrait, w: number, h: number): Promise<Img> {
  const file =
    p.photo === 'human-samples'
      ? join(humanAssetsDir(), 'samples.jpg')
      : join(faceApiDemoDir(), `${p.photo.replace('face-api-', '')}.jpg`);
  const img = await decodeImage(file, p.decode);
  const [x, y, cw, ch] = p.crop;
  const tile = scale(crop(img, x, y, cw, ch), w, h);
  return p.flip ? flipH(tile) : tile;
}

/**
 * The writing hand: the hand of the woman on the left of face-api's sample2, thumb and fingertips
 * together as if holding a pen (Human reads it as a pinch), mirrored so the fingertips point left,
 * where the ink grows from.
 */
async function writingHand(w: number, h: number): Promise<Img> {
  const img = await decodeImage(join(faceApiDemoDir(), 'sample2.jpg'), { width: 960, height: 640 });
  return flipH(scale(crop(img, 70, 140, 120, 80), w, h));
}

// ---------------------------------------------------------------------------------------------
// What is shown, and when

export type Prop = 'license' | 'id' | 'notice' | 'clauses' | 'form';

/** The texts on the cards (all fictional). */
export interface CardTexts {
  insurer: string;
  product: string;
  agentName: string;
  licenseNo: string;
  customerName: string;
  customerSex: '男' | '女';
  /** e.g. 1979年3月12日 */
  birth: string;
  /** 18 characters with a valid GB 11643 check character */
  idNumber: string;
}

/** A transcript line as the video planner needs it. */
export interface TimedLine {
  who: 'agent' | 'customer';
  start: number;
  end: number;
  /** what this line shows on camera */
  show?: Prop;
}

export interface Showing {
  prop: Exclude<Prop, 'form'>;
  holder: 'agent' | 'customer';
  /** starts to come up at `from`, fully up 0.8 s later; starts to go at `to`, gone 0.8 s later */
  from: number;
  to: number;
}

export interface SigningScene {
  /** form pushed in (1 s), hand comes in (0.5 s) and writes, hand leaves (0.5 s), form taken away (1 s) */
  formFrom: number;
  handFrom: number;
  handTo: number;
  formTo: number;
}

export interface VideoPlan {
  duration: number;
  showings: Showing[];
  signing?: SigningScene;
}

const SLIDE_S = 0.8;

/**
 * Places the props on the transcript's timeline. A card comes up while its line is said (the ID card
 * 2 s before the end of the request, as the customer reacts; the licence over the last 6 s of a long
 * introduction) and goes down after the customer's answer; the next card waits for it. The signing
 * form arrives a second into the signing request; the hand writes from 2.5 s later until just after
 * the customer says they have signed (at least 4.5 s), then leaves the signed form in view for 2.5 s.
 */
export function planVideo(lines: TimedLine[], duration: number): VideoPlan {
  const showings: Showing[] = [];
  let signing: SigningScene | undefined;
  lines.forEach((l, i) => {
    if (!l.show) return;
    const reply = lines[i + 1]?.who === 'customer' ? lines[i + 1] : undefined;
    const until = (reply ?? l).end;
    if (l.show === 'form') {
      const formFrom = l.start + 1;
      const handFrom = formFrom + 2.5;
      const handTo = Math.max(until + 0.3, handFrom + 4.5);
      signing = { formFrom, handFrom, handTo, formTo: Math.min(duration - 1, handTo + 2.5) };
      return;
    }
    const from =
      l.show === 'id' ? l.end - 2 : l.show === 'license' ? Math.max(l.start + 0.5, l.end - 6) : l.start + 0.5;
    showings.push({ prop: l.show, holder: l.show === 'id' ? 'customer' : 'agent', from, to: until + 0.8 });
  });
  // one card at a time: the next comes up once the last is down
  for (let i = 1; i < showings.length; i++)
    showings[i]!.from = Math.max(showings[i]!.from, showings[i - 1]!.to + SLIDE_S + 0.1);
  for (const s of showings)
    if (s.to < s.from + SLIDE_S + 3)
      throw new Error(
        `sample video: the ${s.prop} card would be up for less than 3 s (${s.from.toFixed(1)}–${s.to.toFixed(1)} s)`,
      );
  return { duration, showings, signing };
}

// ---------------------------------------------------------------------------------------------
// Pieces

const t = (text: string, x: number, y: number, size: number, color?: string): CardItem => ({
  text,
  x,
  y,
  size,
  ...(color ? { color } : {}),
});

async function cards(c: CardTexts, fontFile: string): Promise<Record<Exclude<Prop, 'form'>, Img> & { form: Img }> {
  const card = (width: number, height: number, background: string, items: CardItem[]) =>
    renderTextCard({ width, height, background, fontFile, items });
  const [license, id, notice, clauses, form] = await Promise.all([
    card(150, 96, '#e4f1e4', [
      t('执业证', 52, 8, 16, '#1d5a2c'),
      t(`姓名  ${c.agentName}`, 10, 36, 12, '#222222'),
      t(`执业证号 ${c.licenseNo}`, 10, 56, 11, '#222222'),
      t(c.insurer, 10, 76, 10, '#222222'),
    ]),
    card(172, 108, '#dceefa', [
      t(`姓名  ${c.customerName}`, 10, 8, 12, '#333333'),
      t(`性别  ${c.customerSex}    民族  汉`, 10, 26, 11, '#333333'),
      t(`出生  ${c.birth}`, 10, 44, 11, '#333333'),
      t('公民身份号码', 10, 66, 12, '#333333'),
      t(c.idNumber, 10, 84, 13, '#333333'),
    ]),
    card(180, 120, 'white', [
      t('人身保险投保提示书', 18, 8, 16),
      t('一、请仔细阅读保险条款，', 10, 36, 12),
      t('特别是责任免除条款。', 10, 54, 12),
      t('二、犹豫期内可退还保费。', 10, 72, 12),
      t('三、保险不是存款。', 10, 90, 12),
    ]),
    card(180, 120, '#fbfaf3', [
      t(`${c.product.replace(/（.*）/, '')}条款`, 10, 8, 14),
      t('第七条  责任免除', 10, 34, 13),
      t('因下列情形之一导致被保险', 10, 56, 11),
      t('人身故的，本公司不承担给', 10, 73, 11),
      t('付保险金的责任：……', 10, 90, 11),
    ]),
    card(220, 72, 'white', [
      t('投保单  投保人声明', 8, 4, 12),
      t('风险提示语句抄录：', 8, 26, 10),
      { box: { x: 100, y: 38, w: 112, h: 1 }, color: '#888888' },
      t('投保人签名：', 8, 50, 10),
      { box: { x: 70, y: 64, w: 142, h: 1 }, color: '#888888' },
    ]),
  ]);
  return { license, id, notice, clauses, form };
}

export interface Pieces {
  bg: Img;
  agent: Img;
  customer: Img;
  hand: Img;
  cards: Record<Exclude<Prop, 'form'>, Img>;
  form: Img;
}

export const TILE = { w: 150, h: 150, y: 4, agentX: 8, customerX: 162 };
/** the form lies on the table; the ink goes along its two lines (frame pixels) */
export const FORM_AT = { x: 30, y: 162 };
interface InkLine {
  x0: number;
  x1: number;
  y: number;
}
const INK_LINES: InkLine[] = [
  { x0: FORM_AT.x + 102, x1: FORM_AT.x + 196, y: FORM_AT.y + 32 },
  { x0: FORM_AT.x + 74, x1: FORM_AT.x + 170, y: FORM_AT.y + 58 },
];
const HAND = { w: 90, h: 60 };
/** where the fingertips are in the hand tile (fractions of its size) */
const PEN_TIP = { x: 0.06, y: 0.5 };

/** The photos cut and scaled, the cards rendered (`fontFile`: a font with the Chinese glyphs, e.g. WenQuanYi Micro Hei). */
export async function loadPieces(
  agent: Portrait,
  customer: Portrait,
  texts: CardTexts,
  fontFile: string,
): Promise<Pieces> {
  const bg = blank(W, H);
  gradient(bg, 0, 150, [214, 208, 196], [190, 184, 172]); // office wall
  gradient(bg, 150, H, [150, 112, 78], [122, 88, 58]); // desk
  const [a, c, hand, k] = await Promise.all([
    portrait(agent, TILE.w, TILE.h),
    portrait(customer, TILE.w, TILE.h),
    writingHand(HAND.w, HAND.h),
    cards(texts, fontFile),
  ]);
  const { form, ...held } = k;
  return { bg, agent: a, customer: c, hand, cards: held, form };
}

// ---------------------------------------------------------------------------------------------
// One frame

/** A slow, smooth wobble (px) with its own period and phase per thing that moves. */
const wobble = (time: number, amp: number, period: number, phase: number) =>
  amp * Math.sin((2 * Math.PI * time) / period + phase);

const clamp01 = (x: number) => Math.max(0, Math.min(1, x));
/** the pen takes this long from the end of the first line to the start of the second */
const LINE_MOVE_S = 0.5;

/** How far along each ink line the pen is: the copied risk statement first (60 % of the time), then the signature. */
function inkProgress(s: SigningScene, time: number): [number, number] {
  const a = s.handFrom + 0.6;
  const b = s.handTo - 0.6;
  const split = a + 0.6 * (b - a);
  return [
    clamp01((time - a) / (split - LINE_MOVE_S / 2 - a)),
    clamp01((time - split - LINE_MOVE_S / 2) / (b - split - LINE_MOVE_S / 2)),
  ];
}

/** Where the pen tip is (frame pixels): on a line while writing, gliding between the lines. */
function penTip(s: SigningScene, time: number): { x: number; y: number } {
  const [p1, p2] = inkProgress(s, time);
  const [l1, l2] = INK_LINES as [InkLine, InkLine];
  const on = (l: InkLine, p: number) => ({ x: l.x0 + p * (l.x1 - l.x0), y: l.y });
  if (p2 > 0 || p1 < 1) return p2 > 0 ? on(l2, p2) : on(l1, p1);
  const a = s.handFrom + 0.6;
  const split = a + 0.6 * (s.handTo - 0.6 - a);
  const k = ease(time, split - LINE_MOVE_S / 2, split + LINE_MOVE_S / 2);
  const from = on(l1, 1);
  const to = on(l2, 0);
  return { x: from.x + k * (to.x - from.x), y: from.y + k * (to.y - from.y) };
}

export function composeFrame(p: Pieces, plan: VideoPlan, index: number): Uint8Array {
  const time = index / SAMPLE_VIDEO.fps;
  const f = clone(p.bg);

  // the form lies still on the desk (pushed in from below), under everything held up
  const s = plan.signing;
  if (s && time >= s.formFrom && time < s.formTo + 1) {
    const k = ease(time, s.formFrom, s.formFrom + 1) - ease(time, s.formTo, s.formTo + 1);
    const y = Math.round(H - k * (H - FORM_AT.y));
    const form = clone(p.form);
    const prog = inkProgress(s, time);
    INK_LINES.forEach((l, i) => {
      const to = Math.round(l.x0 + prog[i]! * (l.x1 - l.x0));
      if (to > l.x0)
        drawInk(form, l.x0 - FORM_AT.x, to - FORM_AT.x, l.y - FORM_AT.y - 4, {
          amp1: 3,
          div1: 5,
          amp2: 1.5,
          div2: 1.7,
          thickness: 3,
        });
    });
    paste(f, form, FORM_AT.x, y);
  }

  // the people: each sways a little on their own
  paste(f, p.agent, TILE.agentX + wobble(time, 1.6, 4.3, 0), TILE.y + wobble(time, 1.2, 3.1, 1));
  paste(f, p.customer, TILE.customerX + wobble(time, 1.6, 5.1, 2), TILE.y + wobble(time, 1.2, 3.7, 0.5));

  // a card held up in front of the holder's chest, with a slight hand tremor
  for (const sh of plan.showings) {
    if (time < sh.from || time >= sh.to + SLIDE_S) continue;
    const card = p.cards[sh.prop];
    const k = ease(time, sh.from, sh.from + SLIDE_S) - ease(time, sh.to, sh.to + SLIDE_S);
    const x = sh.holder === 'agent' ? 6 : W - card.width - 6;
    const top = H - card.height - 6;
    paste(f, card, x + wobble(time, 1, 1.9, 0.3), Math.round(H - k * (H - top)) + wobble(time, 1, 2.3, 1.1));
  }

  // the writing hand follows the pen along the current line, with a small writing wobble
  if (s && time >= s.handFrom && time < s.handTo + 0.5) {
    const tip = penTip(s, time);
    const enter = 1 - ease(time, s.handFrom, s.handFrom + 0.5) + ease(time, s.handTo, s.handTo + 0.5);
    const x = tip.x - PEN_TIP.x * HAND.w + enter * 110 + wobble(time, 2.5, 0.7, 0);
    const y = tip.y - PEN_TIP.y * HAND.h + enter * 40 + wobble(time, 1.5, 0.9, 1);
    paste(f, p.hand, x, y);
  }

  addNoise(f.rgb, index + 1, 2);
  return f.rgb;
}
