// Evaluates a RuleSet against one session's facts. Pure: same facts + rules → same findings.
// Per transcript it builds the normalised text + pinyin views once; every rule shares them.
import type { Evidence, Finding, FindingStatus, Segment, SessionFacts, Severity } from '../model/index.js';
import { differentSpeaker, TextView } from '../text/corpus.js';
import type { Normalized } from '../text/normalize.js';
import { normText } from '../text/normalize.js';
import { canonText } from '../text/pinyin.js';
import { checkConfirmation, effectiveRole, type ConfirmOutcome, type SegmentReply } from './matchers/confirm.js';
import type { Hit } from './matchers/hit.js';
import { matchAny, matchAtLeast } from './matchers/keywords.js';
import { dismissalOf, negationOf } from './matchers/negation.js';
import { excluded, matchRegex } from './matchers/regex.js';
import { resetPrefilterCache } from './matchers/prefilter.js';
import { bestPartial, matchScript } from './matchers/script.js';
import { matchSlots } from './matchers/slot.js';
import { matchExamples, nearestExample } from './matchers/examples.js';
import { mentionKind } from './matchers/mention.js';
import type { CompiledRule, RuleSet } from './types.js';
import { suspectSpans } from './suspect/sentences.js';

type Speaker = 'agent' | 'customer' | 'either';

interface TimedHit {
  start: number;
  end: number;
}

class Context {
  readonly segs: Segment[];
  readonly index = new Map<Segment, number>();
  private readonly views = new Map<Speaker, TextView>();
  private readonly normalized = new Map<Segment, Normalized>();
  readonly replies = new Map<Segment, SegmentReply>();
  readonly canonOf = new Map<Segment, string>();
  /** first (order-valid) hit of each evaluated rule, in seconds */
  readonly firstHit = new Map<string, TimedHit>();
  private readonly hitCache = new Map<string, FoundHits>();
  private topics?: Map<number, Set<string>>;

  constructor(
    readonly facts: SessionFacts,
    readonly ruleSet: RuleSet,
  ) {
    this.segs = [...(facts.transcript?.segments ?? [])]
      .filter((s) => s.text.trim() !== '')
      .sort((a, b) => a.start - b.start || a.id - b.id);
    this.segs.forEach((s, i) => this.index.set(s, i));
  }

  get hasTranscript(): boolean {
    return this.facts.transcript !== undefined && this.segs.length > 0;
  }

  hits(rule: CompiledRule): FoundHits {
    let h = this.hitCache.get(rule.id);
    if (!h) {
      h = findHits(rule, this.view(rule.spec.speaker as Speaker), this, true);
      this.hitCache.set(rule.id, h);
    }
    return h;
  }

  /** hits for topic detection only: a rule that doesn't apply is searched without scripts */
  private topicHits(rule: CompiledRule): Hit[] {
    const full = this.hitCache.get(rule.id);
    if (full) return full.hits;
    if (appliesTo(rule, this.facts).state !== 'no') return this.hits(rule).hits;
    return findHits(rule, this.view(rule.spec.speaker as Speaker), this, false).hits;
  }

  /**
   * Segment index → ids of the required rules whose disclosure starts there (whether or not the
   * rule applies to this session): where the agent moves on to a new topic. Only a rule's first
   * mention starts its topic: "…这些情况下不给付身故保险金" inside the exclusions is not a return
   * to the coverage.
   */
  topicStarts(): Map<number, Set<string>> {
    if (!this.topics) {
      const m = new Map<number, Set<string>>();
      for (const r of this.ruleSet.rules) {
        if (r.spec.kind !== 'required' || r.spec.speaker === 'customer') continue;
        const first = this.topicHits(r)[0];
        for (const h of first ? [first] : []) {
          const seg = h.view.segments[h.view.seg[h.start]];
          const k = this.index.get(seg);
          if (k === undefined) continue;
          if (!m.has(k)) m.set(k, new Set());
          m.get(k)!.add(r.id);
        }
      }
      this.topics = m;
    }
    return this.topics;
  }

  view(speaker: Speaker): TextView {
    let v = this.views.get(speaker);
    if (!v) {
      // a segment left out of this view (another speaker's) between two segments ends a turn
      const adjacent = (a: Segment, b: Segment): boolean => this.index.get(b) === (this.index.get(a) ?? -2) + 1;
      v = new TextView(
        this.segs.filter((s) => eligible(s, speaker)),
        this.normalized,
        (a, b) => !adjacent(a, b) || differentSpeaker(a, b),
      );
      this.views.set(speaker, v);
    }
    return v;
  }
}

function eligible(s: Segment, speaker: Speaker): boolean {
  if (speaker === 'either') return true;
  const r = effectiveRole(s);
  return r === speaker || r === 'unknown';
}

/** true when every segment of the hit was said by the rule's speaker for certain */
function roleCertain(hit: Hit, speaker: Speaker): boolean {
  if (speaker === 'either') return true;
  return hit.view.segmentsIn(hit.start, hit.end).every((s) => effectiveRole(s) === speaker);
}

// ---------------------------------------------------------------- applicability

type Applies = { state: 'yes' } | { state: 'no'; why: string } | { state: 'unknown'; why: string };

const PRODUCT_ZH: Record<string, string> = {
  traditional: '传统型',
  participating: '分红型',
  universal: '万能型',
  'investment-linked': '投连型',
  health: '健康险',
  accident: '意外险',
  other: '其他',
};

export function appliesTo(rule: CompiledRule, facts: SessionFacts): Applies {
  const a = rule.spec.applies;
  if (!a) return { state: 'yes' };
  const meta = facts.meta;
  const unknown: string[] = [];
  if (a.product_type) {
    if (!facts.metaFromSidecar) unknown.push('产品类型未知');
    else if (!a.product_type.includes(meta.product.type))
      return { state: 'no', why: `产品类型为${PRODUCT_ZH[meta.product.type] ?? meta.product.type}` };
  }
  if (a.channel) {
    if (!facts.metaFromSidecar) unknown.push('销售渠道未知');
    else if (!a.channel.includes(meta.channel)) return { state: 'no', why: `销售渠道为${meta.channel}` };
  }
  if (a.min_age !== undefined || a.max_age !== undefined) {
    const age = meta.policyholder.age;
    if (age === undefined) unknown.push('投保人年龄未知');
    else if ((a.min_age !== undefined && age < a.min_age) || (a.max_age !== undefined && age > a.max_age)) {
      return { state: 'no', why: `投保人年龄${age}岁` };
    }
  }
  if (a.term_over_years !== undefined) {
    // no term given: taken as a long-term product — 双录 itself is required for products over one
    // year (保监发〔2017〕54号 第六条), so a recording without a term is most likely one of those
    const t = meta.product.term_years;
    if (t !== undefined && !(t > a.term_over_years)) return { state: 'no', why: `保险期间${t}年` };
  }
  if (a.region) {
    if (!meta.region) unknown.push('地区未知');
    else if (!a.region.includes(meta.region)) return { state: 'no', why: `地区为${meta.region}` };
  }
  const day = meta.recorded_at?.slice(0, 10);
  if (day) {
    if (a.effective_from && day < a.effective_from) return { state: 'no', why: `录制日期早于${a.effective_from}生效` };
    if (a.effective_to && day > a.effective_to) return { state: 'no', why: `录制日期晚于${a.effective_to}失效` };
  }
  return unknown.length ? { state: 'unknown', why: unknown.join('，') } : { state: 'yes' };
}

// ---------------------------------------------------------------- matching

interface FoundHits {
  hits: Hit[];
  negated: Hit[];
  dismissed: Hit[];
  /** statement rules: the item only named in a recap, an announcement or a question */
  mentioned: Hit[];
}

function findHits(rule: CompiledRule, view: TextView, ctx: Context, withScripts: boolean): FoundHits {
  const lex = ctx.ruleSet.lexicon;
  const negated: Hit[] = [];
  const dismissed: Hit[] = [];
  const mentioned: Hit[] = [];
  const kept: Hit[] = [];
  const keep = (m: CompiledRule['matches'][number], found: Hit[]): void => {
    for (const h of found) {
      if (m.none?.length && noneWordIn(m, h, view)) continue;
      if (excluded(h, m.exclude, m.onCanon, m.scope)) continue;
      const neg = rule.negation ? negationOf(h, lex) : undefined;
      if (neg?.negated) negated.push(h);
      else if (neg?.damaged) kept.push({ ...h, damagedNegation: neg.damaged });
      else if (rule.spec.kind === 'required' && dismissalOf(h, lex)) dismissed.push(h);
      else if (rule.spec.statement && mentionKind(h, lex) !== 'statement') mentioned.push(h);
      else kept.push(h);
    }
  };
  for (const m of rule.matches) keep(m, blockHits(m, view, ctx.ruleSet, rule.spec.kind === 'prohibited'));
  // fuzzy script alignment is the costly matcher: a required disclosure already found by words,
  // patterns or slots doesn't need it (a prohibited rule always runs everything)
  if (withScripts && (rule.spec.kind !== 'required' || !kept.some((h) => !h.slotFailures && !h.uncertain))) {
    for (const m of rule.matches) if (m.script) keep(m, matchScript(view, m.script, m.minCoverage));
  }
  return { hits: dedupe(kept), negated, dismissed, mentioned };
}

/** A `none` word in the hit's clause — or its sentence, for a block with `scope: sentence`. */
function noneWordIn(m: CompiledRule['matches'][number], h: Hit, view: TextView): boolean {
  const last = Math.max(h.start, h.end - 1);
  const a = m.scope === 'sentence' ? view.sentenceStart(h.start) : view.clauseStart(h.start);
  const b = m.scope === 'sentence' ? view.sentenceEnd(last) : view.clauseEnd(last);
  const ctxText = view.canon.slice(a, b);
  return m.none!.some((w) => ctxText.includes(w));
}

/** `dst.push(...src)` without spreading: a huge segment can give more hits than a call may take
 *  arguments ("Maximum call stack size exceeded"). */
function append<T>(dst: T[], src: readonly T[]): void {
  for (const x of src) dst.push(x);
}

/** What one match block finds (all matchers but the costly script alignment). */
function blockHits(m: CompiledRule['matches'][number], view: TextView, ruleSet: RuleSet, prohibited: boolean): Hit[] {
  const found: Hit[] = [];
  if (m.any) append(found, matchAny(view, m.any));
  if (m.all) append(found, matchAtLeast(view, m.all, m.all.length, m.withinChars, 'all', m.scope));
  if (m.atLeast) append(found, matchAtLeast(view, m.atLeast.of, m.atLeast.n, m.withinChars, 'at_least', m.scope));
  if (m.regex) append(found, matchRegex(view, m.regex, m.onCanon, m.scope));
  if (m.slots) append(found, matchSlots(view, m));
  if (m.examples)
    append(found, matchExamples(view, m.examples, ruleSet.idf, { checkPolarity: prohibited, lex: ruleSet.lexicon }));
  return found;
}

/** Traces of a required disclosure (`partial`): looser matches, kept only for "can't tell". */
function findPartial(rule: CompiledRule, view: TextView, ruleSet: RuleSet): Hit[] {
  const out: Hit[] = [];
  for (const m of rule.partials) {
    const found = blockHits(m, view, ruleSet, rule.spec.kind === 'prohibited');
    if (m.script) append(found, matchScript(view, m.script, m.minCoverage));
    for (const h of found) {
      if (m.none?.length && noneWordIn(m, h, view)) continue;
      if (!excluded(h, m.exclude, m.onCanon, m.scope)) out.push(h);
    }
    if (out.length) break;
  }
  return out;
}

/** Overlapping hits → one (slot hits win: they carry the checked numbers; then similarity). */
function dedupe(hits: Hit[]): Hit[] {
  const sorted = [...hits].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Hit[] = [];
  for (const h of sorted) {
    const prev = out[out.length - 1];
    if (prev && h.start < prev.end) {
      const better = (h.by === 'slot') !== (prev.by === 'slot') ? h.by === 'slot' : h.similarity > prev.similarity;
      if (better) out[out.length - 1] = h;
      continue;
    }
    out.push(h);
  }
  return out;
}

/** a lone two-character word matched only by sound: weak evidence that the thing was said */
function weakHit(h: Hit): boolean {
  return !!h.weak;
}

function hitTimes(h: Hit): TimedHit {
  return { start: h.view.timeAt(h.start, 'start'), end: h.view.timeAt(h.end - 1, 'end') };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

function hitEvidence(h: Hit, note?: string): Evidence {
  const t = hitTimes(h);
  const segs = h.view.segmentsIn(h.start, h.end);
  const ev: Evidence = {
    start: round2(t.start),
    end: round2(t.end),
    segmentIds: segs.map((s) => s.id),
    excerpt: segs.map((s) => s.text).join(' '),
    matched: h.view.original(h.start, h.end),
  };
  if (h.by === 'script' || h.by === 'example') ev.similarity = h.similarity;
  if (h.by === 'example') ev.example = h.what;
  const notes = [
    note,
    h.unreadable ? `数值未能识别（${h.unreadable.join('、')}），未核对` : undefined,
    h.slots && Object.keys(h.slots).length
      ? Object.entries(h.slots)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')
      : undefined,
  ].filter(Boolean);
  if (notes.length) ev.note = notes.join('；');
  return ev;
}

/** The rule's example nearest to the hit's sentence, so a reviewer sees what it was taken for
 *  (a hit by the example matcher already names its example). */
function withExample(rule: CompiledRule, ctx: Context, h: Hit, ev: Evidence): Evidence {
  if (ev.example) return ev;
  const near = nearestExample(rule, h, ctx.ruleSet.idf);
  return near ? { ...ev, example: near } : ev;
}

function segEvidence(s: Segment, note?: string): Evidence {
  return { start: round2(s.start), end: round2(s.end), segmentIds: [s.id], excerpt: s.text, matched: s.text, note };
}

function missingText(rule: CompiledRule): string {
  const m = rule.matches[0];
  const parts: string[] = [];
  if (m.script?.length) parts.push(m.script[0].source);
  if (m.slots?.length) parts.push(m.slots[0].template);
  const words = [...(m.any ?? []), ...(m.all ?? []), ...(m.atLeast?.of ?? [])].map((k) => k.word);
  if (words.length) parts.push(words.slice(0, 6).join(' / '));
  return parts.join('；') || rule.spec.title;
}

// ---------------------------------------------------------------- findings

function make(
  rule: CompiledRule,
  part: '' | 'confirm' | 'proxy' | 'rate' | 'order',
  status: FindingStatus,
  confidence: number,
  evidence: Evidence[],
  message: string,
  severity?: Severity,
): Finding {
  const s = rule.spec;
  const meta = {
    '': { title: s.title, category: s.category, concepts: s.concepts as string[] },
    confirm: {
      title: `${s.title}：客户确认`,
      category: 'confirmation',
      concepts: (s.confirm?.concepts as string[] | undefined) ?? ['confirmation.customer'],
    },
    proxy: { title: `${s.title}：代答检查`, category: 'conduct', concepts: ['conduct.proxy-answer'] },
    rate: { title: `${s.title}：语速`, category: 'conduct', concepts: ['conduct.speech-rate'] },
    order: { title: `${s.title}：顺序`, category: s.category, concepts: s.concepts as string[] },
  }[part];
  return {
    ruleId: part ? `${rule.id}/${part}` : rule.id,
    title: meta.title,
    category: meta.category,
    concepts: meta.concepts,
    status,
    severity: severity ?? s.severity,
    confidence: round2(Math.max(0, Math.min(1, confidence))),
    evidence,
    message,
    source: s.source,
  };
}

const NO_TRANSCRIPT = (ctx: Context): string =>
  ctx.facts.transcript === undefined
    ? `无转写文本${ctx.facts.transcriptMissingReason ? `（${ctx.facts.transcriptMissingReason}）` : ''}，无法判断`
    : '转写文本为空，无法判断';

function lowConfidenceIn(view: TextView): Segment[] {
  return view.segments.filter((s) => s.lowConfidence);
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
          const ev = proxied.o.proxySegment
            ? segEvidence(proxied.o.proxySegment, '业务员自问自答')
            : hitEvidence(proxied.h);
          if (proxied.o.proxyText) ev.matched = proxied.o.proxyText;
          out.push(
            make(
              rule,
              'proxy',
              'fail',
              0.8,
              [hitEvidence(proxied.h), ev],
              `疑似代答：业务员替客户回答“${(proxied.o.proxyText ?? proxied.o.proxySegment?.text ?? '').trim()}”`,
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
