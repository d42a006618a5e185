// Visual checks over SessionFacts → Findings for visual.copresence, visual.document-shown,
// visual.signature, and camera faults (integrity.recording). Pure: re-scoring stored facts calls it.
// "Not seen" is only a fail where vision looked properly and the absence is itself evidence; where the
// detectors may simply have missed it, the status is undetermined (REVIEW), never a silent pass.
import type { Evidence, Finding, SessionFacts, VisualEvent, VisualTimeline } from '../model/index.js';

const KEY_POINT =
  /责任免除|免责|除外责任|犹豫期|退保|现金价值|保费|缴费|保险期间|保障|条款|提示书|签字|签名|风险|收益|不保证/;

const fmt = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
const range = (e: { start: number; end: number }) => `${fmt(e.start)}–${fmt(e.end)}`;

export interface CopresenceOptions {
  /** share of key-point samples with ≥ 2 faces for a pass; default 0.8 */
  passRatio: number;
  /** below this share, with one face steadily seen (so the camera and detector work), a fail; default 0.3 */
  failRatio: number;
}
export const COPRESENCE_DEFAULTS: CopresenceOptions = { passRatio: 0.8, failRatio: 0.3 };

function base(
  ruleId: string,
  title: string,
  concept: string,
  severity: Finding['severity'],
): Omit<Finding, 'status' | 'confidence' | 'evidence' | 'message'> {
  return { ruleId, title, category: 'visual', concepts: [concept], severity };
}

function evidenceOf(e: VisualEvent): Evidence {
  return {
    start: e.start,
    end: e.end,
    frames: e.frames,
    note: [e.label, ...(e.notes ?? [])].filter(Boolean).join('；'),
  };
}

/** Intervals where the key points are explained: transcript segments that mention them (else: everything). */
function keyPointSpans(facts: SessionFacts, duration: number): { start: number; end: number }[] {
  const spans = (facts.transcript?.segments ?? [])
    .filter((s) => KEY_POINT.test(s.text))
    .map((s) => ({ start: s.start, end: s.end + 1 }));
  return spans.length ? spans : [{ start: 0, end: duration }];
}

function copresence(facts: SessionFacts, v: VisualTimeline, o: CopresenceOptions): Finding {
  const b = base('visual/copresence', '销售人员与投保人同框', 'visual.copresence', 'critical');
  const duration = facts.probe?.duration ?? Math.max(0, ...v.faces.map((f) => f.time));
  const covered = v.events.filter((e) => e.kind === 'covered');
  const spans = keyPointSpans(facts, duration);
  const usable = v.faces.filter(
    (f) =>
      spans.some((s) => f.time >= s.start && f.time < s.end) &&
      !covered.some((c) => f.time >= c.start && f.time < c.end),
  );
  const scope = facts.transcript?.segments.some((s) => KEY_POINT.test(s.text)) ? '讲解要点期间' : '全程';
  const copEvents = v.events.filter((e) => e.kind === 'copresence');
  const evidence: Evidence[] = copEvents.slice(0, 3).map(evidenceOf);
  for (const e of v.events.filter((x) => x.kind === 'customer-left' || x.kind === 'third-face').slice(0, 3))
    evidence.push(evidenceOf(e));
  if (usable.length === 0) {
    return {
      ...b,
      status: 'undetermined',
      confidence: 0.5,
      evidence,
      message: `${scope}没有可用的画面采样（画面被遮挡或未采样），无法判断双方是否同框`,
    };
  }
  const two = usable.filter((f) => f.count >= 2).length / usable.length;
  const one = usable.filter((f) => f.count === 1).length / usable.length;
  const pct = `${Math.round(two * 100)}%`;
  // per key point: the explanations during which fewer than two faces were seen most of the time
  const alone = (facts.transcript?.segments ?? [])
    .filter((seg) => KEY_POINT.test(seg.text))
    .map((seg) => {
      const inSeg = usable.filter((f) => f.time >= seg.start && f.time < seg.end + 1);
      return { seg, n: inSeg.length, two: inSeg.filter((f) => f.count >= 2).length };
    })
    .filter((x) => x.n > 0 && x.two / x.n < 0.5);
  evidence.unshift(
    { note: `${scope} ${usable.length} 个采样帧中 ${pct} 见到两张及以上人脸，${Math.round(one * 100)}% 只见到一张` },
    ...alone.slice(0, 5).map((x) => ({
      start: x.seg.start,
      end: x.seg.end,
      segmentIds: [x.seg.id],
      excerpt: x.seg.text,
      note: `讲解此要点时 ${x.n} 个采样帧中仅 ${x.two} 个见到两张人脸`,
    })),
  );
  if (two >= o.passRatio) {
    return {
      ...b,
      status: 'pass',
      confidence: Math.min(0.95, two),
      evidence,
      message: `${scope}双方同框（${pct} 的采样帧见到两张及以上人脸）`,
    };
  }
  // a fail needs evidence of absence: one face steadily seen means the camera and detector work
  if (two < o.failRatio && one >= 0.5) {
    return {
      ...b,
      status: 'fail',
      confidence: Math.min(0.9, 0.5 + one / 2),
      evidence,
      message: `${scope}多数时间只见到一人（仅 ${pct} 的采样帧见到两张人脸），未做到双方同框`,
    };
  }
  return {
    ...b,
    status: 'undetermined',
    confidence: 0.5,
    evidence,
    message: `${scope}仅 ${pct} 的采样帧见到两张人脸；可能是侧脸、低头或光线导致漏检，需人工确认是否同框`,
  };
}

function documents(facts: SessionFacts, v: VisualTimeline): Finding[] {
  const out: Finding[] = [];
  const a = v.analysis;
  const ocrOk = a?.ocr.available ?? false;
  const cues = a?.cues ?? [];
  const docs = v.events.filter((e) => e.kind === 'document');
  const ids = v.events.filter((e) => e.kind === 'id-card');
  const notLooked = ocrOk ? '' : `（文字识别未运行：${a?.ocr.reason ?? '原因未知'}）`;

  const bd = base('visual/document-shown', '出示投保提示书、条款及免除责任说明', 'visual.document-shown', 'major');
  const main = docs.filter(
    (d) => d.label === '投保提示书' || d.label === '保险条款' || d.label === '责任免除' || d.label === '产品说明书',
  );
  if (main.length) {
    const labels = [...new Set(main.map((d) => d.label))].join('、');
    out.push({
      ...bd,
      status: 'pass',
      confidence: Math.max(...main.map((d) => d.confidence)),
      evidence: main.slice(0, 4).map(evidenceOf),
      message: `画面中识别到出示的文件：${labels}`,
    });
  } else {
    const docCues = cues.filter((c) => c.kind === 'document');
    out.push({
      ...bd,
      status: 'undetermined',
      confidence: 0.5,
      evidence: docCues
        .slice(0, 3)
        .map((c) => ({ start: c.start, end: c.end, missing: '画面中可读的投保提示书/条款', note: '话术提到出示文件' })),
      message: ocrOk
        ? `未在画面中读到投保提示书、条款或免除责任说明${docCues.length ? '（话术提到了出示文件）' : ''}；文件可能未正对镜头或字太小，需人工确认`
        : `无法检查出示的文件${notLooked}`,
    });
  }

  const bi = base('visual/id-shown', '出示身份证件', 'visual.document-shown', 'major');
  if (ids.length) {
    out.push({
      ...bi,
      status: 'pass',
      confidence: Math.max(...ids.map((d) => d.confidence)),
      evidence: ids.slice(0, 2).map(evidenceOf),
      message: `画面中识别到身份证件（${ids[0]!.label ?? ''}，号码已遮蔽）`,
    });
  } else {
    const idCues = cues.filter((c) => c.kind === 'id');
    if (idCues.length || !ocrOk) {
      out.push({
        ...bi,
        status: 'undetermined',
        confidence: 0.5,
        evidence: idCues
          .slice(0, 2)
          .map((c) => ({ start: c.start, end: c.end, missing: '画面中可读的身份证件', note: '话术提到出示证件' })),
        message: ocrOk
          ? '话术提到出示证件，但画面中未读到身份证件（证件可能未正对镜头），需人工确认'
          : `无法检查出示的证件${notLooked}`,
      });
    }
  }
  return out;
}

function signature(facts: SessionFacts, v: VisualTimeline): Finding {
  const b = base('visual/signature', '投保人当面签字', 'visual.signature', 'critical');
  const sigs = v.events.filter((e) => e.kind === 'signature').sort((x, y) => y.confidence - x.confidence);
  const windows = v.analysis?.signatureWindows ?? [];
  const best = sigs[0];
  if (best && best.confidence >= 0.6) {
    return {
      ...b,
      status: 'pass',
      confidence: best.confidence,
      evidence: sigs.slice(0, 2).map(evidenceOf),
      message: `${range(best)} 见到画面下部的手在书写（置信度 ${Math.round(best.confidence * 100)}%）`,
    };
  }
  if (best) {
    return {
      ...b,
      status: 'undetermined',
      confidence: 0.5,
      evidence: sigs.slice(0, 2).map(evidenceOf),
      message: `${range(best)} 见到手在画面下部，但书写证据不足（置信度 ${Math.round(best.confidence * 100)}%），需人工确认是否当面签字`,
    };
  }
  if (!windows.length) {
    return {
      ...b,
      status: 'undetermined',
      confidence: 0.5,
      evidence: [{ missing: '话术中的签字提示（签字/签名/抄录），或画面下部的纸张' }],
      message: '转写文本中没有签字提示，画面下部也未见纸张，未能定位签字时段，需人工确认是否当面签字',
    };
  }
  const covered = v.events.filter(
    (e) => e.kind === 'covered' && windows.some((w) => e.start < w.end && e.end > w.start),
  );
  return {
    ...b,
    status: 'undetermined',
    confidence: 0.5,
    evidence: windows.slice(0, 3).map((w) => ({
      start: w.start,
      end: w.end,
      missing: '画面下部书写的手',
      note: covered.length ? '该时段画面有遮挡' : undefined,
    })),
    message: `在可能签字的时段（${windows.slice(0, 4).map(range).join('，')}）未见到画面下部书写的手${covered.length ? '，且画面有遮挡' : ''}；签字可能在镜头外进行，需人工确认`,
  };
}

function camera(facts: SessionFacts, v: VisualTimeline): Finding[] {
  const out: Finding[] = [];
  const b = base('visual/camera', '画面连续、未遮挡', 'integrity.recording', 'major');
  const covered = v.events.filter((e) => e.kind === 'covered');
  const frozen = facts.signals?.frozen ?? [];
  // cuts into or out of black/frozen stretches are explained by them; the rest are splices or camera switches
  const explained = (t: number) =>
    [...covered, ...frozen].some((i) => Math.abs(t - i.start) < 0.6 || Math.abs(t - i.end) < 0.6);
  const cuts = (facts.signals?.cuts ?? []).filter((c) => !explained(c.time));
  if (covered.length) {
    const total = covered.reduce((s, e) => s + (e.end - e.start), 0);
    out.push({
      ...b,
      ruleId: 'visual/camera-covered',
      status: 'fail',
      confidence: Math.max(...covered.map((e) => e.confidence)),
      evidence: covered.slice(0, 4).map(evidenceOf),
      message: `画面黑屏或被遮挡 ${covered.length} 处，共 ${total.toFixed(1)} 秒（${covered.slice(0, 3).map(range).join('，')}）`,
    });
  }
  if (frozen.length) {
    out.push({
      ...b,
      ruleId: 'visual/camera-frozen',
      status: 'fail',
      confidence: 0.8,
      evidence: frozen.slice(0, 4).map((f) => ({ start: f.start, end: f.end, note: '画面静止不动' })),
      message: `画面定格 ${frozen.length} 处（${frozen.slice(0, 3).map(range).join('，')}），期间录像没有记录现场`,
    });
  }
  if (cuts.length) {
    out.push({
      ...b,
      ruleId: 'visual/camera-cut',
      status: 'undetermined',
      confidence: 0.6,
      evidence: cuts
        .slice(0, 4)
        .map((c) => ({ start: c.time, end: c.time, note: `画面突变（场景切换评分 ${c.score.toFixed(0)}）` })),
      message: `画面突变 ${cuts.length} 处（${cuts
        .slice(0, 3)
        .map((c) => fmt(c.time))
        .join('，')}），可能是剪辑拼接或切换镜头，需人工确认是否一镜到底`,
    });
  }
  if (!out.length && v.faces.length) {
    out.push({ ...b, status: 'pass', confidence: 0.8, evidence: [], message: '未发现黑屏、遮挡、定格或画面突变' });
  }
  return out;
}

/**
 * Findings for the visual checks. No recording or no video: not_applicable. Video but vision did
 * not run (facts.visual absent): not_applicable findings that say so (the pipeline decides whether
 * vision runs).
 */
export function visualFindings(facts: SessionFacts, opts: Partial<CopresenceOptions> = {}): Finding[] {
  const v = facts.visual;
  const hasVideo = (facts.probe?.video.length ?? 0) > 0;
  if (facts.recording && hasVideo && facts.visionError) {
    // There was a picture to check and vision could not look: a person must.
    const why = `画面分析失败（${facts.visionError}）`;
    return [
      {
        ...base('visual/copresence', '销售人员与投保人同框', 'visual.copresence', 'critical'),
        status: 'undetermined',
        confidence: 1,
        evidence: [],
        message: `${why}，无法判断同框`,
      },
      {
        ...base('visual/document-shown', '出示投保提示书、条款及免除责任说明', 'visual.document-shown', 'major'),
        status: 'undetermined',
        confidence: 1,
        evidence: [],
        message: `${why}，无法判断出示文件`,
      },
      {
        ...base('visual/signature', '投保人当面签字', 'visual.signature', 'critical'),
        status: 'undetermined',
        confidence: 1,
        evidence: [],
        message: `${why}，无法判断当面签字`,
      },
    ];
  }
  if (!facts.recording || !hasVideo || !v) {
    const why = !facts.recording ? '没有录像文件' : !hasVideo ? '录像文件没有视频轨' : '未做画面分析';
    return [
      {
        ...base('visual/copresence', '销售人员与投保人同框', 'visual.copresence', 'critical'),
        status: 'not_applicable',
        confidence: 1,
        evidence: [],
        message: `${why}，未检查同框`,
      },
      {
        ...base('visual/document-shown', '出示投保提示书、条款及免除责任说明', 'visual.document-shown', 'major'),
        status: 'not_applicable',
        confidence: 1,
        evidence: [],
        message: `${why}，未检查出示文件`,
      },
      {
        ...base('visual/signature', '投保人当面签字', 'visual.signature', 'critical'),
        status: 'not_applicable',
        confidence: 1,
        evidence: [],
        message: `${why}，未检查当面签字`,
      },
    ];
  }
  return [
    copresence(facts, v, { ...COPRESENCE_DEFAULTS, ...opts }),
    ...documents(facts, v),
    signature(facts, v),
    ...camera(facts, v),
  ];
}
