// Per-session context: text views built once per transcript, rule applicability, and each rule's hits.
import type { Segment, SessionFacts } from '../model/index.js';
import { differentSpeaker, TextView } from '../text/corpus.js';
import type { Normalized } from '../text/normalize.js';
import { effectiveRole, type SegmentReply } from './matchers/confirm.js';
import type { Hit } from './matchers/hit.js';
import { matchAny, matchAtLeast } from './matchers/keywords.js';
import { dismissalOf, negationOf } from './matchers/negation.js';
import { excluded, matchRegex } from './matchers/regex.js';
import { matchScript } from './matchers/script.js';
import { matchSlots } from './matchers/slot.js';
import { matchExamples } from './matchers/examples.js';
import { mentionKind } from './matchers/mention.js';
import type { CompiledRule, RuleSet } from './types.js';

export type Speaker = 'agent' | 'customer' | 'either';

export interface TimedHit {
  start: number;
  end: number;
}

export class Context {
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
export function roleCertain(hit: Hit, speaker: Speaker): boolean {
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

export interface FoundHits {
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
export function findPartial(rule: CompiledRule, view: TextView, ruleSet: RuleSet): Hit[] {
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
