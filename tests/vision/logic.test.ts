// The pure parts of vision: document/ID text rules, sampling windows, event building, signature
// evidence, and the findings — on hand-built observations, no models.
import { describe, expect, it } from 'vitest';
import type { SessionFacts, VisualTimeline } from '../../src/model/index.js';
import {
  classifyDocumentText,
  findIdCard,
  idCheckCharacter,
  maskIdNumber,
  maskIdsInText,
  validIdNumber,
} from '../../src/vision/documents.js';
import { coveredEvents, documentEvents, faceEvents, smoothCounts, type FaceSample } from '../../src/vision/events.js';
import { visualFindings } from '../../src/vision/findings.js';
import type { Gray, Rect } from '../../src/vision/pixels.js';
import { findCues, mergeWindows, planSampling, subtractWindows, windowTimes } from '../../src/vision/sampling.js';
import { NO_INK_CAP, penGrip, signatureEvents, withSignText, type DenseFrame } from '../../src/vision/signature.js';

const ID = (() => {
  const first = '44030419880808123';
  return first + idCheckCharacter(first);
})();

describe('documents and ID numbers', () => {
  it('recognises the sales documents, tolerating one misread character', () => {
    expect(classifyDocumentText('人身保险投保提示书')).toContain('投保提示书');
    expect(classifyDocumentText('投保x提示')).toContain('投保提示书');
    expect(classifyDocumentText('特别是责任免除条款')).toEqual(expect.arrayContaining(['责任免除', '保险条款']));
    expect(classifyDocumentText('产品说明书')).toEqual(['产品说明书']);
    expect(classifyDocumentText('今天天气不错')).toEqual([]);
  });

  it('checks the GB 11643 check character and the birth date', () => {
    expect(validIdNumber(ID)).toBe(true);
    const wrong = ID.slice(0, 17) + (ID[17] === '0' ? '1' : '0');
    expect(validIdNumber(wrong)).toBe(false);
    // right check character, impossible month
    const badMonth = '44030419881308123';
    expect(validIdNumber(badMonth + idCheckCharacter(badMonth))).toBe(false);
    expect(validIdNumber('12345')).toBe(false);
  });

  it('finds an ID card in OCR text, undoing O/l misreads, and only ever returns it masked', () => {
    const ocrText = `公民身份号码\n${ID.slice(0, 5).replace('0', 'O')}${ID.slice(5)}`;
    const m = findIdCard(ocrText)!;
    expect(m.checksumOk).toBe(true);
    expect(m.caption).toBe(true);
    expect(m.masked).toBe(maskIdNumber(ID));
    expect(m.masked).not.toContain(ID.slice(6, 14));
    expect(m.masked).toMatch(/^4403\*{10}/);
    // caption alone: an ID card, number unread
    expect(findIdCard('公民身份号码 4403041988')).toMatchObject({ caption: true, checksumOk: false });
    // a random 18-digit number without caption or valid check: nothing
    expect(findIdCard('订单号 123456789012345678')).toBeUndefined();
    expect(maskIdsInText(`号码 ${ID} 完`)).not.toContain(ID);
  });
});

describe('sampling', () => {
  const transcript = {
    source: { kind: 'import' as const, format: 'srt' as const, file: 'x.srt' },
    segments: [
      { id: 0, start: 5, end: 7, text: '请您出示身份证' },
      { id: 1, start: 40, end: 42, text: '请在这里签名' },
      { id: 2, start: 50, end: 51, text: '好的' },
    ],
  };

  it('finds transcript cues and opens windows after them', () => {
    expect(
      findCues(transcript)
        .map((c) => c.kind)
        .sort(),
    ).toEqual(['document', 'id', 'signature']);
    const plan = planSampling(100, transcript, {
      silence: [],
      black: [],
      frozen: [],
      cuts: [
        { time: 60, score: 30 },
        { time: 45, score: 20 },
      ],
    });
    expect(plan.signatureWindows).toEqual([{ start: 38, end: 67, reasons: ['signature'] }]);
    expect(plan.ocrWindows[0]).toMatchObject({ start: 3, end: 19 });
    // cut windows never overlap signing windows (those already look at faces)
    expect(plan.cutWindows).toEqual([]);
  });

  it('merges, subtracts and steps windows', () => {
    expect(
      mergeWindows(
        [
          { start: 5, end: 8, reasons: ['a'] },
          { start: -1, end: 2, reasons: ['b'] },
          { start: 7, end: 12, reasons: ['c'] },
        ],
        10,
      ),
    ).toEqual([
      { start: 0, end: 2, reasons: ['b'] },
      { start: 5, end: 10, reasons: ['a', 'c'] },
    ]);
    expect(subtractWindows([{ start: 0, end: 10, reasons: [] }], [{ start: 3, end: 4 }])).toEqual([
      { start: 0, end: 3, reasons: [] },
      { start: 4, end: 10, reasons: [] },
    ]);
    expect(windowTimes({ start: 1, end: 3 }, 2)).toEqual([1, 1.5, 2, 2.5]);
  });
});

function samples(counts: number[], opts: { dark?: number[] } = {}): FaceSample[] {
  return counts.map((c, i) => ({
    time: i,
    boxes: Array.from({ length: c }, (_, k) => ({ x: 10 + k * 50, y: 10, w: 30, h: 30 })),
    scores: Array.from({ length: c }, () => 0.9),
    meanLuma: opts.dark?.includes(i) ? 5 : 120,
    stdLuma: opts.dark?.includes(i) ? 1 : 40,
  }));
}

describe('face events', () => {
  it('smooths single-frame misses', () => {
    expect(smoothCounts([2, 2, 1, 2, 2])).toEqual([2, 2, 2, 2, 2]);
    expect(smoothCounts([1, 1, 3, 1])).toEqual([1, 1, 1, 1]);
  });

  it('reports 同框, a third face and the customer leaving', () => {
    const { events } = faceEvents(samples([2, 2, 2, 1, 2, 2, 3, 3, 3, 1, 1, 1, 1, 0]), 14);
    const kinds = events.map((e) => `${e.kind}@${e.start}-${e.end}`);
    expect(kinds).toContain('copresence@0-9');
    expect(kinds).toContain('third-face@6-9');
    expect(kinds).toContain('customer-left@9-13');
  });

  it('does not call one face from the start "customer left", nor count a covered frame', () => {
    const { events } = faceEvents(samples([1, 1, 1, 1, 1, 1]), 6);
    expect(events).toEqual([]);
    const covered = faceEvents(samples([2, 2, 2, 2, 2, 2], { dark: [2, 3, 4, 5] }), 6);
    expect(covered.events.find((e) => e.kind === 'copresence')).toMatchObject({ start: 0, end: 2 });
  });

  it('merges black intervals with dark sampled frames into covered events', () => {
    const { events } = coveredEvents(
      samples([2, 2, 0, 0, 0, 2, 2, 2], { dark: [2, 3, 4] }),
      [{ start: 2.2, end: 4.6 }],
      8,
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'covered', start: 2, end: 5, label: '黑屏' });
  });
});

describe('document events', () => {
  it('groups OCR samples into showings and masks ID numbers', () => {
    const box = [
      [0, 0],
      [10, 0],
      [10, 5],
      [0, 5],
    ];
    const { events, evidence } = documentEvents(
      [
        { time: 10, lines: [{ text: '人身保险投保提示书', confidence: 0.98, box }] },
        { time: 12, lines: [{ text: '人身保险投保提示书', confidence: 0.97, box }] },
        { time: 30, lines: [{ text: '投保提示书', confidence: 0.9, box }] },
        {
          time: 40,
          lines: [
            { text: '公民身份号码', confidence: 0.9, box },
            { text: ID, confidence: 0.95, box },
          ],
        },
      ],
      60,
    );
    const docs = events.filter((e) => e.kind === 'document');
    expect(docs.map((d) => [d.start, d.end])).toEqual([
      [10, 13],
      [30, 31],
    ]);
    const id = events.find((e) => e.kind === 'id-card')!;
    expect(id.confidence).toBeGreaterThan(0.8);
    expect(JSON.stringify(events)).not.toContain(ID);
    expect(JSON.stringify(events)).toContain(maskIdNumber(ID));
    // the number's line is blacked out in the thumbnail
    expect(evidence[events.indexOf(id)]!.redact).toHaveLength(1);
  });
});

// ---- signature: synthetic 100x60 luma frames, paper (220) with a hand box and ink ----
const FW = 100;
const FH = 60;
function paper(inkTo = 0): Gray {
  const data = new Uint8Array(FW * FH).fill(220);
  for (let x = 20; x < inkTo; x++) for (let y = 44; y < 47; y++) data[y * FW + x] = 30;
  return { data, width: FW, height: FH };
}
function hand(x: number, label = 'pinch'): { box: Rect; score: number; label: string; grip: boolean } {
  return { box: { x, y: 35, w: 14, h: 16 }, score: 0.8, label, grip: label === 'pinch' };
}
function withHandPixels(g: Gray, r: Rect, shade: number): Gray {
  const data = g.data.slice();
  for (let y = r.y; y < r.y + r.h; y++)
    for (let x = r.x; x < r.x + r.w; x++) data[y * FW + x] = (shade + x * 7 + y * 3) % 200;
  return { ...g, data };
}

describe('signature evidence', () => {
  it('sees writing: a hand low in the frame, moving a little, with new ink where it went', () => {
    const frames: DenseFrame[] = [{ time: 0, gray: paper(), hands: [] }];
    for (let i = 1; i <= 8; i++) {
      const h = hand(20 + i * 6);
      frames.push({ time: i * 0.5, gray: withHandPixels(paper(20 + i * 6), h.box, i * 13), hands: [h] });
    }
    frames.push({ time: 4.5, gray: paper(70), hands: [] });
    const [ev] = signatureEvents(frames, true);
    expect(ev).toBeDefined();
    expect(ev!.start).toBe(0.5);
    expect(ev!.end).toBe(4.5);
    expect(ev!.ink).toBe(true);
    expect(ev!.confidence).toBeGreaterThanOrEqual(0.9);
    expect(ev!.frames.map((f) => f.role)).toEqual(['before', 'during', 'after']);
    expect(ev!.seen.join()).toMatch(/笔迹/);
  });

  it('without new ink it is never confident, and says what it did not see', () => {
    const frames: DenseFrame[] = [{ time: 0, gray: paper(), hands: [] }];
    for (let i = 1; i <= 8; i++) {
      const h = hand(20 + i * 6);
      frames.push({ time: i * 0.5, gray: withHandPixels(paper(), h.box, i * 13), hands: [h] });
    }
    frames.push({ time: 4.5, gray: paper(), hands: [] });
    const [ev] = signatureEvents(frames, true);
    expect(ev!.ink).toBe(false);
    expect(ev!.confidence).toBeLessThanOrEqual(NO_INK_CAP);
    expect(ev!.notSeen.join()).toMatch(/未见新增笔迹/);
    expect(withSignText({ ...ev!, notSeen: [] }, undefined).notSeen).toContain('未对该时段做文字识别');
  });

  it('ignores hands that are high in the frame or too brief', () => {
    const high = [0, 0.5, 1, 1.5, 2, 2.5].map((t) => ({
      time: t,
      gray: paper(),
      hands: [{ ...hand(30), box: { x: 30, y: 2, w: 14, h: 16 } }],
    }));
    expect(signatureEvents(high, undefined)).toEqual([]);
    const brief = [0, 0.5, 1].map((t) => ({ time: t, gray: paper(), hands: [hand(30)] }));
    expect(signatureEvents(brief, undefined)).toEqual([]);
  });

  it('reads a pen grip from thumb and index tips', () => {
    const kp = (tx: number, ix: number) =>
      Array.from({ length: 21 }, (_, i) => [i === 4 ? tx : i === 8 ? ix : 0, 0] as [number, number]);
    const box = { x: 0, y: 0, w: 40, h: 40 };
    expect(penGrip(kp(10, 14), box)).toBe(true);
    expect(penGrip(kp(0, 40), box)).toBe(false);
  });
});

// ---- findings ----
function facts(visual: VisualTimeline | undefined, extra: Partial<SessionFacts> = {}): SessionFacts {
  return {
    sessionId: 's',
    recording: 'r.mp4',
    meta: { session_id: 's', product: { type: 'other' }, channel: 'agent', policyholder: {}, agent: {} },
    metaFromSidecar: true,
    integrity: [],
    probe: {
      file: 'r.mp4',
      container: 'mp4',
      sizeBytes: 1,
      duration: 20,
      audio: [],
      video: [{ index: 0, codec: 'h264', width: 320, height: 180, fps: 10 }],
    },
    visual,
    ...extra,
  };
}
const analysis = (over: Partial<NonNullable<VisualTimeline['analysis']>> = {}) => ({
  runtime: 'test',
  ocr: { available: true },
  frames: { baseline: 20, dense: 0, ocr: 0 },
  cues: [],
  signatureWindows: [],
  ocrWindows: [],
  seconds: 1,
  ...over,
});
const faceRun = (counts: number[]) => counts.map((count, time) => ({ time, count }));
const byRule = (fs: ReturnType<typeof visualFindings>, id: string) => fs.find((f) => f.ruleId === id);

describe('visual findings', () => {
  it('is not_applicable when there is no video or vision did not run', () => {
    expect(visualFindings(facts(undefined)).every((f) => f.status === 'not_applicable')).toBe(true);
    expect(visualFindings(facts(undefined, { recording: undefined })).map((f) => f.concepts[0])).toEqual([
      'visual.copresence',
      'visual.document-shown',
      'visual.signature',
    ]);
  });

  it('同框: pass when two faces are seen most of the time, fail when one face is steadily alone, else undetermined', () => {
    expect(
      byRule(
        visualFindings(facts({ faces: faceRun(Array(20).fill(2)), events: [], analysis: analysis() })),
        'visual/copresence',
      )!.status,
    ).toBe('pass');
    expect(
      byRule(
        visualFindings(facts({ faces: faceRun(Array(20).fill(1)), events: [], analysis: analysis() })),
        'visual/copresence',
      )!.status,
    ).toBe('fail');
    // nobody visible: the detector may be blind here, not a fail
    expect(
      byRule(
        visualFindings(facts({ faces: faceRun(Array(20).fill(0)), events: [], analysis: analysis() })),
        'visual/copresence',
      )!.status,
    ).toBe('undetermined');
    expect(
      byRule(
        visualFindings(
          facts({ faces: faceRun([...Array(10).fill(2), ...Array(10).fill(0)]), events: [], analysis: analysis() }),
        ),
        'visual/copresence',
      )!.status,
    ).toBe('undetermined');
  });

  it('同框 is judged while the key points are explained, and names the ones explained alone', () => {
    const transcript = {
      source: { kind: 'import' as const, format: 'srt' as const, file: 't.srt' },
      segments: [
        { id: 0, start: 0, end: 4, text: '您好' },
        { id: 1, start: 5, end: 8, text: '请注意责任免除条款' },
        { id: 2, start: 12, end: 15, text: '犹豫期是十五天' },
      ],
    };
    // two faces during 0-10, one face from 10 on: the 犹豫期 explanation was given to nobody in frame
    const visual = { faces: faceRun([...Array(10).fill(2), ...Array(10).fill(1)]), events: [], analysis: analysis() };
    const f = byRule(visualFindings(facts(visual, { transcript })), 'visual/copresence')!;
    expect(f.status).toBe('undetermined');
    const perPoint = f.evidence.filter((e) => e.segmentIds);
    expect(perPoint.map((e) => e.segmentIds)).toEqual([[2]]);
    expect(perPoint[0]!.excerpt).toMatch(/犹豫期/);
  });

  it('signature: pass only on a confident event; no event after a cue is undetermined, never pass', () => {
    const sig = (confidence: number) => ({
      kind: 'signature' as const,
      start: 5,
      end: 9,
      confidence,
      frames: ['frames/a.jpg'],
    });
    const f1 = byRule(
      visualFindings(facts({ faces: faceRun(Array(20).fill(2)), events: [sig(0.85)], analysis: analysis() })),
      'visual/signature',
    )!;
    expect(f1.status).toBe('pass');
    expect(f1.evidence[0]!.frames).toEqual(['frames/a.jpg']);
    expect(
      byRule(
        visualFindings(facts({ faces: faceRun(Array(20).fill(2)), events: [sig(0.5)], analysis: analysis() })),
        'visual/signature',
      )!.status,
    ).toBe('undetermined');
    const none = byRule(
      visualFindings(
        facts({ faces: [], events: [], analysis: analysis({ signatureWindows: [{ start: 3, end: 20 }] }) }),
      ),
      'visual/signature',
    )!;
    expect(none.status).toBe('undetermined');
    expect(none.severity).toBe('critical');
  });

  it('documents: pass when read; undetermined (not fail) when OCR could not run', () => {
    const doc = { kind: 'document' as const, start: 1, end: 3, confidence: 0.9, label: '投保提示书' };
    expect(
      byRule(visualFindings(facts({ faces: [], events: [doc], analysis: analysis() })), 'visual/document-shown')!
        .status,
    ).toBe('pass');
    const off = byRule(
      visualFindings(
        facts({ faces: [], events: [], analysis: analysis({ ocr: { available: false, reason: 'no runtime' } }) }),
      ),
      'visual/document-shown',
    )!;
    expect(off.status).toBe('undetermined');
    expect(off.message).toMatch(/no runtime/);
  });

  it('camera faults: covered and frozen fail, unexplained cuts need review', () => {
    const fs = visualFindings(
      facts(
        {
          faces: faceRun(Array(20).fill(2)),
          events: [{ kind: 'covered', start: 4, end: 6, confidence: 0.95 }],
          analysis: analysis(),
        },
        {
          signals: {
            silence: [],
            black: [{ start: 4, end: 6 }],
            frozen: [{ start: 8, end: 11 }],
            cuts: [
              { time: 4, score: 60 },
              { time: 15, score: 30 },
            ],
          },
        },
      ),
    );
    expect(byRule(fs, 'visual/camera-covered')!.status).toBe('fail');
    expect(byRule(fs, 'visual/camera-frozen')!.status).toBe('fail');
    const cut = byRule(fs, 'visual/camera-cut')!;
    expect(cut.status).toBe('undetermined');
    // the cut into the black stretch is explained by it; only 0:15 is left
    expect(cut.evidence).toHaveLength(1);
    expect(cut.concepts).toEqual(['integrity.recording']);
  });
});
