// Evaluates a RuleSet against one session's facts, per rule kind. Pure: same facts + rules → same findings.
import type { Evidence, Finding, Segment, SessionFacts, Severity } from '../model/index.js';
import type { TextView } from '../text/corpus.js';
import { normText } from '../text/normalize.js';
import { canonText } from '../text/pinyin.js';
import { checkConfirmation, effectiveRole, type ConfirmOutcome } from './matchers/confirm.js';
import type { Hit } from './matchers/hit.js';
import { negationOf } from './matchers/negation.js';
import { resetPrefilterCache } from './matchers/prefilter.js';
import { bestPartial } from './matchers/script.js';
import type { CompiledRule, RuleSet } from './types.js';
import { suspectSpans } from './suspect/sentences.js';
import { appliesTo, Context, findPartial, roleCertain, type Speaker } from './context.js';
import {
  hitEvidence,
  hitTimes,
  lowConfidenceIn,
  make,
  missingText,
  NO_TRANSCRIPT,
  round2,
  segEvidence,
  withExample,
} from './findings.js';

export { appliesTo } from './context.js';

/** a lone two-character word matched only by sound: weak evidence that the thing was said */
function weakHit(h: Hit): boolean {
  return !!h.weak;
}

function evalRequired(rule: CompiledRule, ctx: Context): Finding[] {
  const s = rule.spec;
  const speaker = s.speaker as Speaker;
  if (!ctx.hasTranscript) {
    const out = [make(rule, '', 'undetermined', 0.2, [], NO_TRANSCRIPT(ctx))];
    if (s.confirm) out.push(make(rule, 'confirm', 'undetermined', 0.2, [], NO_TRANSCRIPT(ctx), s.confirm.severity));
    return out;
  }
  const view = ctx.view(speaker);
  const { hits: all, dismissed, mentioned } = ctx.hits(rule);

  // numbers said wrong ("犹豫期10天") are a misstatement — unless the right number was said too
  // (then the other number is most likely about something else)
  const rightNumber = all.some(
    (h) => h.by === 'slot' && !h.slotFailures && !h.uncertain && h.slots && Object.keys(h.slots).length,
  );
  const unsure = all.filter((h) => !h.slotFailures && h.uncertain);
  // a wrong number beside one that may be the right one misheard ("犹豫企识五天，…十天内"): can't tell
  const wrong = rightNumber || unsure.length ? [] : all.filter((h) => h.slotFailures);
  const good = all.filter((h) => !h.slotFailures && !h.uncertain);

  // order constraints
  const order = s.order;
  let ordered = good;
  let orderFinding: Finding | undefined;
  if (order && good.length) {
    const refsAfter = (order.after ?? []).map((id) => [id, ctx.firstHit.get(id)] as const);
    const refsBefore = (order.before ?? []).map((id) => [id, ctx.firstHit.get(id)] as const);
    const ok = (h: Hit): boolean => {
      const t = hitTimes(h);
      for (const [, r] of refsAfter) {
        if (!r) continue;
        if (t.start < r.start) return false;
        if (order.within_s !== undefined && t.start - r.end > order.within_s) return false;
      }
      for (const [, r] of refsBefore) if (r && t.start > r.start) return false;
      return true;
    };
    ordered = good.filter(ok);
    const known = [...refsAfter, ...refsBefore].filter(([, r]) => r).map(([id]) => id);
    if (!known.length) {
      orderFinding = make(
        rule,
        'order',
        'not_applicable',
        0.5,
        [],
        `参照的规则（${[...(order.after ?? []), ...(order.before ?? [])].join('、')}）未命中，无法检查顺序`,
        order.severity,
      );
      ordered = good;
    } else if (!ordered.length) {
      const want = [
        order.after?.length
          ? `应在 ${order.after.join('、')} 之后${order.within_s !== undefined ? `${order.within_s}秒内` : ''}`
          : '',
        order.before?.length ? `应在 ${order.before.join('、')} 之前` : '',
      ]
        .filter(Boolean)
        .join('，');
      orderFinding = make(
        rule,
        'order',
        'fail',
        0.8,
        good.slice(0, 2).map((h) => hitEvidence(h)),
        `顺序不符：${want}`,
        order.severity,
      );
      ordered = good;
    } else {
      orderFinding = make(rule, 'order', 'pass', 0.9, [hitEvidence(ordered[0])], '顺序符合要求', order.severity);
    }
  }

  const out: Finding[] = [];
  if (wrong.length) {
    const h = wrong[0];
    out.push(
      make(
        rule,
        '',
        'fail',
        0.85,
        [hitEvidence(h, h.slotFailures!.join('；'))],
        `${s.messages?.fail ?? s.title}：所述数值不符（${h.slotFailures!.join('；')}）`,
      ),
    );
  } else if (unsure.length && !rightNumber) {
    // the number the rule checks may have been misheard, and no other mention says it right
    const h = unsure[0];
    out.push(
      make(
        rule,
        '',
        'undetermined',
        0.4,
        [hitEvidence(h, h.uncertain!.join('；'))],
        `${s.title}：数值可能被误识别（${h.uncertain!.join('；')}），需人工核对`,
      ),
    );
  } else if (!ordered.length) {
    const low = lowConfidenceIn(view);
    const floor = Math.max(0.45, (rule.matches[0]?.minCoverage ?? 0.7) - 0.2);
    const scripts = rule.matches.flatMap((m) => m.script ?? []);
    const near = scripts.length ? bestPartial(view, scripts, floor) : undefined;
    let trace: Hit[] = [];
    if (dismissed.length) {
      out.push(
        make(
          rule,
          '',
          'fail',
          0.75,
          [hitEvidence(dismissed[0], '提及后被略过')],
          `${s.title}：仅提及、未实际说明（被略过）`,
        ),
      );
    } else if (mentioned.length) {
      // named in a recap or a question ("我已经向您说明了…责任免除…，您是否清楚？") but never explained
      // where the words could be found: it may have been said in words the rule doesn't know
      const h = mentioned[0];
      out.push(
        make(
          rule,
          '',
          'undetermined',
          0.4,
          [{ ...hitEvidence(h, '仅在回顾或提问中提及'), missing: missingText(rule) }],
          `${s.title}：只在回顾或提问中提及（“${h.view.original(h.start, h.end)}”），未找到实际说明，需人工确认`,
        ),
      );
    } else if (near) {
      out.push(
        make(
          rule,
          '',
          'undetermined',
          0.4,
          [{ ...hitEvidence(near, '与标准话术部分相似'), missing: near.what }],
          `${s.title}：仅部分相似（${Math.round(near.similarity * 100)}%），需人工确认`,
        ),
      );
    } else if ((trace = findPartial(rule, view, ctx.ruleSet)).length) {
      // part of it is there (a topic word, a number ASR may have garbled): a person should listen
      const h = trace[0];
      out.push(
        make(
          rule,
          '',
          'undetermined',
          0.4,
          [{ ...hitEvidence(h, '仅找到部分线索'), missing: missingText(rule) }],
          `${s.title}：仅找到部分线索（“${h.view.original(h.start, h.end)}”），可能被误识别，需人工确认`,
        ),
      );
    } else if (low.length) {
      out.push(
        make(
          rule,
          '',
          'undetermined',
          0.35,
          low.slice(0, 3).map((x) => segEvidence(x, '转写置信度低')),
          `未找到“${s.title}”，但有 ${low.length} 段转写置信度低，可能被漏识别`,
        ),
      );
    } else {
      out.push(make(rule, '', 'fail', 0.9, [{ missing: missingText(rule) }], s.messages?.fail ?? `未找到：${s.title}`));
    }
  } else if (ordered.every(weakHit)) {
    // only a two-character word heard by sound ("面遮" for 免责): too little to call it said
    const h = ordered[0];
    out.push(
      make(
        rule,
        '',
        'undetermined',
        0.4,
        [hitEvidence(h, '仅有同音词')],
        `${s.title}：仅找到同音词“${h.view.original(h.start, h.end)}”，可能是误识别，需人工确认`,
      ),
    );
  } else {
    const best = [...ordered].sort((a, b) => b.similarity - a.similarity || a.start - b.start)[0];
    const certain = roleCertain(best, speaker);
    const conf = best.similarity * (certain ? 0.95 : 0.75);
    out.push(
      make(
        rule,
        '',
        'pass',
        conf,
        [withExample(rule, ctx, best, hitEvidence(best, certain ? undefined : '说话人角色未确定'))],
        s.messages?.pass ?? `已告知：${s.title}`,
      ),
    );
  }
  if (orderFinding) out.push(orderFinding);
  const useHits = ordered.length ? ordered : [];
  if (useHits.length) {
    const t = hitTimes(useHits[0]);
    ctx.firstHit.set(rule.id, t);
  }

  // confirmation and proxy answer
  if (s.confirm) {
    const c = s.confirm;
    if (!useHits.length) {
      out.push(make(rule, 'confirm', 'not_applicable', 0.5, [], '未找到相应告知，无从确认', c.severity));
    } else {
      const outcomes = useHits.slice(0, 5).map((h) => ({ h, o: confirmAfter(rule, h, ctx, c.within_s) }));
      const rank = (o: ConfirmOutcome): number =>
        o.status === 'confirmed'
          ? 3
          : o.status === 'unknown-role' || o.status === 'low-confidence' || o.status === 'unclear'
            ? 2
            : 1;
      // the disclosure the agent answered for the customer is not confirmed by a yes to a later mention
      const proxiedUnconfirmed = outcomes.find((x) => x.o.proxy === 'yes' && x.o.status !== 'confirmed');
      const { h, o } = proxiedUnconfirmed ?? outcomes.sort((a, b) => rank(b.o) - rank(a.o))[0];
      out.push(confirmFinding(rule, h, o, c.within_s, c.severity));
      if (c.proxy) {
        const proxied = outcomes.find((x) => x.o.proxy === 'yes');
        if (proxied) {
          const byThird = proxied.o.proxySegment?.thirdParty !== undefined;
          const ev = proxied.o.proxySegment
            ? segEvidence(proxied.o.proxySegment, byThird ? '在场第三人代答' : '业务员自问自答')
            : hitEvidence(proxied.h);
          if (proxied.o.proxyText) ev.matched = proxied.o.proxyText;
          out.push(
            make(
              rule,
              'proxy',
              'fail',
              0.8,
              [hitEvidence(proxied.h), ev],
              `疑似代答：${byThird ? '在场的第三人' : '业务员'}替客户回答“${(proxied.o.proxyText ?? proxied.o.proxySegment?.text ?? '').trim()}”`,
              'critical',
            ),
          );
        } else if (o.proxy === 'unknown' || o.status === 'unknown-role') {
          out.push(
            make(
              rule,
              'proxy',
              'undetermined',
              0.3,
              [hitEvidence(h)],
              '说话人角色未确定，无法判断是否代答',
              c.severity,
            ),
          );
        } else {
          // roles inferred from turn-taking can't rule out the agent answering in the same voice: say so
          const byTurns = o.reply?.roleFromTurns;
          out.push(
            make(
              rule,
              'proxy',
              'pass',
              byTurns ? 0.6 : 0.85,
              [],
              byTurns ? '未见代答（说话人由话轮推断，无声纹或标签可排除同一人代答）' : '未见代答',
              c.severity,
            ),
          );
        }
      }
    }
  }

  // speech rate over the disclosure
  if (s.speech_rate && useHits.length) {
    const r = s.speech_rate;
    const h = useHits[0];
    const segs = h.view.segmentsIn(h.start, h.end);
    const chars = segs.reduce((n, x) => n + normText(x.text).length, 0);
    const dur = segs.reduce((d, x) => d + Math.max(0, x.end - x.start), 0);
    if (chars < r.min_chars || dur <= 0) {
      out.push(make(rule, 'rate', 'not_applicable', 0.5, [hitEvidence(h)], '片段太短，不计语速', r.severity));
    } else {
      const cpm = Math.round((chars / dur) * 60);
      const ev = { ...hitEvidence(h), note: `${cpm} 字/分钟（上限 ${r.max_cpm}）` };
      out.push(
        cpm > r.max_cpm
          ? make(rule, 'rate', 'fail', 0.8, [ev], `语速过快：${cpm} 字/分钟，超过 ${r.max_cpm}`, r.severity)
          : make(rule, 'rate', 'pass', 0.85, [ev], `语速 ${cpm} 字/分钟`, r.severity),
      );
    }
  }
  return out;
}

/** transcript indices of the segments where the rule has a hit */
const segCache = new WeakMap<Context, Map<string, Set<number>>>();
function ruleSegments(ctx: Context, rule: CompiledRule): Set<number> {
  let m = segCache.get(ctx);
  if (!m) segCache.set(ctx, (m = new Map()));
  let set = m.get(rule.id);
  if (!set) {
    set = new Set();
    for (const h of ctx.hits(rule).hits) {
      for (const s of h.view.segmentsIn(h.start, h.end)) {
        const k = ctx.index.get(s);
        if (k !== undefined) set.add(k);
      }
    }
    m.set(rule.id, set);
  }
  return set;
}

/** the rule's topic words (sound-class forms): its `any` words and the first item of each `all`,
 *  3+ characters only (犹豫期, 责任免除 — not 签收, which names nothing on its own) */
const topicCache = new WeakMap<CompiledRule, string[]>();
function topicWords(rule: CompiledRule): string[] {
  let t = topicCache.get(rule);
  if (!t) {
    const kws = rule.matches.flatMap((m) => [...(m.any ?? []), ...(m.all?.length ? [m.all[0]] : [])]);
    t = [...new Set(kws.flatMap((k) => k.alts.filter((a) => a.text.length >= 3).map((a) => a.canon)))];
    // the names the rule gives its item ("免责", "犹豫期"): a question using one asks about it
    for (const n of rule.spec.confirm?.names ?? []) t.push(canonText(normText(n)));
    topicCache.set(rule, t);
  }
  return t;
}

/** "犹豫期和退保会有损失这个事，您清楚了吧？": a question (the turn's last sentence) that names the
 *  item asks about it too */
function namesTopic(rule: CompiledRule, seg: Segment | undefined, ctx: Context): boolean {
  if (!seg) return false;
  let canon = ctx.canonOf.get(seg);
  if (canon === undefined) {
    // the question is the turn's last sentence: "犹豫期后退保会有损失。您能理解吗？" asks about the loss;
    // a sentence ASR cut across segments ("对的。保障、免责、" | "分红不确定…，这些您都清楚了吗？") starts
    // in an earlier segment of the same speaker
    let text = seg.text;
    for (let k = (ctx.index.get(seg) ?? 0) - 1, n = 0; k >= 0 && n < 3; k--, n++) {
      const p = ctx.segs[k];
      if (effectiveRole(p) !== effectiveRole(seg) || /[。！!？?…]\s*$/.test(p.text)) break;
      text = p.text + text;
    }
    const sentences = text
      .split(/[。！!？?]/)
      .map((x) => x.trim())
      .filter(Boolean);
    canon = canonText(normText(sentences[sentences.length - 1] ?? ''));
    ctx.canonOf.set(seg, canon);
  }
  return topicWords(rule).some((w) => canon!.includes(w));
}

/** the rules whose topic is another item than this one's: they start topics, and are neither this
 *  rule, nor joint with it, nor for the same concept */
function otherTopicRules(ctx: Context, rule: CompiledRule): CompiledRule[] {
  const ids = new Set<string>();
  for (const set of ctx.topicStarts().values()) for (const id of set) ids.add(id);
  return ctx.ruleSet.rules.filter(
    (r) =>
      ids.has(r.id) &&
      r.id !== rule.id &&
      !rule.spec.confirm?.joint_with?.includes(r.id) &&
      !sameConcept(ctx, rule, r.id),
  );
}

/** another rule for the same concept ("演示利率只是演示" after "分红不保证") is the same item, not the next */
function sameConcept(ctx: Context, rule: CompiledRule, otherId: string): boolean {
  const other = ctx.ruleSet.rules.find((r) => r.id === otherId);
  return !!other && other.spec.concepts.some((c) => rule.spec.concepts.includes(c));
}

function confirmAfter(rule: CompiledRule, h: Hit, ctx: Context, withinS: number): ConfirmOutcome {
  const v = h.view;
  const lastSeg = v.segments[v.seg[h.end - 1]];
  const lastIdx = ctx.index.get(lastSeg) ?? 0;
  const o = v.orig[h.end - 1];
  return checkConfirmation({
    segs: ctx.segs,
    lastIdx,
    tailFrom: o + 1,
    endTime: hitTimes(h).end,
    withinS,
    lex: ctx.ruleSet.lexicon,
    movesOn: (k) =>
      [...(ctx.topicStarts().get(k) ?? [])].some(
        (id) => id !== rule.id && !rule.spec.confirm?.joint_with?.includes(id) && !sameConcept(ctx, rule, id),
      ),
    joinsOn: (k) => [...(ctx.topicStarts().get(k) ?? [])].some((id) => !!rule.spec.confirm?.joint_with?.includes(id)),
    mentions: (k) => ruleSegments(ctx, rule).has(k) || namesTopic(rule, ctx.segs[k], ctx),
    asksOther: (k) => otherTopicRules(ctx, rule).some((r) => namesTopic(r, ctx.segs[k], ctx)),
    othersNamed: (k) => otherTopicRules(ctx, rule).filter((r) => namesTopic(r, ctx.segs[k], ctx)).length,
    accept: rule.confirmAccept,
    replies: ctx.replies,
  });
}

function confirmFinding(rule: CompiledRule, h: Hit, o: ConfirmOutcome, withinS: number, severity?: Severity): Finding {
  const ev = [hitEvidence(h, '告知内容')];
  if (o.reply) ev.push(segEvidence(o.reply, o.replyWord ? `回答：${o.replyWord}` : undefined));
  switch (o.status) {
    case 'confirmed':
      return make(
        rule,
        'confirm',
        'pass',
        o.confidence,
        ev,
        o.afterHedge
          ? `客户先表示“${o.afterHedge.text.trim()}”，复述后确认`
          : `客户已确认（“${o.reply!.text.trim()}”）${o.bundled ? '（与后续事项合并确认）' : ''}`,
        severity,
      );
    case 'refused':
      return make(
        rule,
        'confirm',
        'fail',
        o.confidence,
        ev,
        `客户未确认：回答“${o.reply!.text.trim()}”（${o.replyKind === 'hedge' ? '含糊/未听懂' : '否定'}）`,
        severity,
      );
    case 'unknown-role':
      return make(
        rule,
        'confirm',
        'undetermined',
        o.confidence,
        ev,
        '有答复，但说话人角色未确定，无法确认是否为客户本人',
        severity,
      );
    case 'unclear':
      return make(
        rule,
        'confirm',
        'undetermined',
        o.confidence,
        ev,
        `客户有回答（“${o.reply!.text.trim()}”），但无法判断是否为确认`,
        severity,
      );
    case 'low-confidence':
      return make(
        rule,
        'confirm',
        'undetermined',
        o.confidence,
        ev,
        `告知后 ${withinS} 秒内的转写置信度低，无法判断客户是否确认`,
        severity,
      );
    default:
      return make(rule, 'confirm', 'fail', o.confidence, ev, `告知后 ${withinS} 秒内未见客户确认`, severity);
  }
}

function evalProhibited(rule: CompiledRule, ctx: Context): Finding[] {
  const s = rule.spec;
  if (!ctx.hasTranscript) return [make(rule, '', 'undetermined', 0.2, [], NO_TRANSCRIPT(ctx))];
  const speaker = s.speaker as Speaker;
  const view = ctx.view(speaker);
  const { hits, negated } = ctx.hits(rule);
  if (hits.length) {
    const certain = hits.some((h) => roleCertain(h, speaker));
    // an unattributed question ("这个保本吗？") may be the customer asking: let a person decide
    const questionOnly =
      !certain &&
      hits.every((h) =>
        /[吗么呢？?]\s*$/.test(
          h.view
            .segmentsIn(h.start, h.end)
            .map((x) => x.text)
            .join(''),
        ),
      );
    const ev = hits
      .slice(0, 3)
      .map((h) => withExample(rule, ctx, h, hitEvidence(h, roleCertain(h, speaker) ? undefined : '说话人角色未确定')));
    if (questionOnly)
      return [
        make(rule, '', 'undetermined', 0.5, ev, `${s.title}：出现“${ev[0].matched}”，但可能是客户提问，需人工确认`),
      ];
    // every claim follows a character that sounds like 不/没 ("布保本"): the negation may be misheard
    if (hits.every((h) => h.damagedNegation)) {
      return [
        make(
          rule,
          '',
          'undetermined',
          0.45,
          ev,
          `${s.title}：出现“${ev[0].matched}”，但前面的“${hits[0].damagedNegation}”可能是被误识别的否定词，需人工确认`,
        ),
      ];
    }
    return [
      make(rule, '', 'fail', certain ? 0.9 : 0.7, ev, s.messages?.fail ?? `违规表述：“${ev[0].matched}”（${s.title}）`),
    ];
  }
  // a garbled trace of the claim ("其实这个根款一样"): a person should listen to it
  const trace = findPartial(rule, view, ctx.ruleSet).filter(
    (h) => !(rule.negation && negationOf(h, ctx.ruleSet.lexicon).negated),
  );
  if (trace.length) {
    const ev = trace.slice(0, 2).map((h) => hitEvidence(h, '疑似违规表述（部分）'));
    return [
      make(rule, '', 'undetermined', 0.4, ev, `${s.title}：出现疑似表述“${ev[0].matched}”，可能被误识别，需人工确认`),
    ];
  }
  // no pattern fired: a suspicion model may still recognise a paraphrase of a known violation
  const suspect = suspicionOf(rule, ctx, view, negated);
  if (suspect) return [suspect];
  // nothing said — but a garbled stretch could hide it
  const low = lowConfidenceIn(view);
  const lowDur = low.reduce((d, x) => d + (x.end - x.start), 0);
  const spoken = view.segments.reduce((d, x) => d + (x.end - x.start), 0) || 1;
  const ev: Evidence[] = negated.slice(0, 2).map((h) => hitEvidence(h, '否定表述，属正确提示'));
  if (lowDur / spoken > 0.25) {
    return [
      make(
        rule,
        '',
        'undetermined',
        0.4,
        low.slice(0, 3).map((x) => segEvidence(x, '转写置信度低')),
        `未发现${s.title}，但 ${Math.round((lowDur / spoken) * 100)}% 的转写置信度低`,
      ),
    ];
  }
  const conf = 0.9 * (1 - lowDur / spoken);
  return [
    make(
      rule,
      '',
      'pass',
      conf,
      ev,
      s.messages?.pass ??
        (negated.length ? `未发现违规；出现否定表述“${ev[0].matched}”，属正确提示` : `未发现：${s.title}`),
    ),
  ];
}

/** The rule's suspicion model over the sentences its patterns left alone: undetermined, never fail. */
function suspicionOf(rule: CompiledRule, ctx: Context, view: TextView, negated: Hit[]): Finding | undefined {
  const cfg = rule.spec.suspect;
  const model = cfg && ctx.ruleSet.models.get(cfg.model);
  if (!cfg || !model) return undefined;
  // a sentence holding a caution the rule recognised ("不保本") is that caution, not a claim
  const spans = suspectSpans(view, model, cfg.threshold, (a, b) =>
    negated.some((h) => h.view === view && h.start < b && h.end > a),
  );
  if (!spans.length) return undefined;
  const ev = spans.slice(0, 3).map((sp) => {
    const h: Hit = { view, start: sp.start, end: sp.end, by: 'model', what: model.name, similarity: sp.score };
    const e = hitEvidence(h, `与已知违规说法相似（模型 ${model.name}，${Math.round(sp.score * 100)}%）`);
    e.similarity = Math.round(sp.score * 100) / 100;
    const near = model.nearest(view.text.slice(sp.start, sp.end), view.canon.slice(sp.start, sp.end));
    if (near) e.example = near;
    return e;
  });
  return make(
    rule,
    '',
    'undetermined',
    0.4,
    ev,
    `${rule.spec.title}：未匹配到规则用语，但“${ev[0].matched}”与已知违规说法相似，需人工确认`,
  );
}

function evalSilence(rule: CompiledRule, ctx: Context): Finding[] {
  const s = rule.spec;
  const cfg = s.silence!;
  if (!ctx.hasTranscript && !ctx.facts.signals) return [make(rule, '', 'undetermined', 0.2, [], NO_TRANSCRIPT(ctx))];
  let t0 = ctx.segs[0]?.start ?? 0;
  let t1 = ctx.segs.length
    ? ctx.segs.reduce((m, x) => Math.max(m, x.end), -Infinity)
    : (ctx.facts.probe?.duration ?? 0);
  let stage = '全程';
  if (cfg.between) {
    const a = ctx.firstHit.get(cfg.between[0]);
    const b = ctx.firstHit.get(cfg.between[1]);
    if (!a || !b)
      return [make(rule, '', 'not_applicable', 0.5, [], `阶段边界（${cfg.between.join(' → ')}）未找到，不检查静默`)];
    t0 = a.end;
    t1 = b.start;
    stage = `${cfg.between[0]} → ${cfg.between[1]}`;
  }
  const gaps: { start: number; end: number }[] = [];
  let cursor = t0;
  for (const x of ctx.segs) {
    if (x.end <= t0) continue;
    if (x.start >= t1) break;
    if (x.start - cursor > cfg.max_s) gaps.push({ start: cursor, end: x.start });
    cursor = Math.max(cursor, x.end);
  }
  if (t1 - cursor > cfg.max_s && ctx.segs.length) gaps.push({ start: cursor, end: t1 });
  for (const g of ctx.facts.signals?.silence ?? []) {
    const a = Math.max(g.start, t0);
    const b = Math.min(g.end, t1);
    if (b - a > cfg.max_s && !gaps.some((x) => x.start <= a && x.end >= b)) gaps.push({ start: a, end: b });
  }
  if (!gaps.length) return [make(rule, '', 'pass', 0.85, [], `${stage} 无超过 ${cfg.max_s} 秒的静默`)];
  gaps.sort((a, b) => b.end - b.start - (a.end - a.start));
  const ev = gaps
    .slice(0, 3)
    .map((g) => ({ start: round2(g.start), end: round2(g.end), note: `静默 ${Math.round(g.end - g.start)} 秒` }));
  return [
    make(
      rule,
      '',
      'fail',
      0.8,
      ev,
      `${stage} 出现 ${Math.round(gaps[0].end - gaps[0].start)} 秒静默，超过 ${cfg.max_s} 秒`,
    ),
  ];
}

function notApplicable(rule: CompiledRule, why: string): Finding {
  return make(rule, '', 'not_applicable', 1, [], `不适用：${why}`);
}

/** Evaluate every rule of the set against one session. Never throws on odd facts. */
export function evaluateRules(ruleSet: RuleSet, facts: SessionFacts): Finding[] {
  resetPrefilterCache();
  const ctx = new Context(facts, ruleSet);
  const byRule: { index: number; fs: Finding[] }[] = [];
  for (const rule of ruleSet.rules) {
    const app = appliesTo(rule, facts);
    if (app.state === 'no') {
      byRule.push({ index: rule.index, fs: [notApplicable(rule, app.why)] });
      continue;
    }
    const fs =
      rule.spec.kind === 'prohibited'
        ? evalProhibited(rule, ctx)
        : rule.spec.kind === 'silence'
          ? evalSilence(rule, ctx)
          : evalRequired(rule, ctx);
    if (app.state === 'unknown') {
      // can't tell whether the rule applies: a missing item is "can't tell", not a failure
      for (const f of fs) {
        if (f.status === 'fail' && rule.spec.kind !== 'prohibited') {
          f.status = 'undetermined';
          f.confidence = Math.min(f.confidence, 0.3);
          f.message = `${f.message}（${app.why}，无法确定本规则是否适用）`;
        }
      }
    }
    byRule.push({ index: rule.index, fs });
  }
  // rules are evaluated dependencies-first; report them in the order the packs list them
  return byRule.sort((a, b) => a.index - b.index).flatMap((x) => x.fs);
}
