// Builds findings and their evidence (times, excerpts, notes) from hits; shared by every rule kind.
import type { Evidence, Finding, FindingStatus, Segment, Severity } from '../model/index.js';
import type { TextView } from '../text/corpus.js';
import type { Hit } from './matchers/hit.js';
import { nearestExample } from './matchers/examples.js';
import type { CompiledRule } from './types.js';
import type { Context, TimedHit } from './context.js';

export function hitTimes(h: Hit): TimedHit {
  return { start: h.view.timeAt(h.start, 'start'), end: h.view.timeAt(h.end - 1, 'end') };
}

export const round2 = (x: number): number => Math.round(x * 100) / 100;

export function hitEvidence(h: Hit, note?: string): Evidence {
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
export function withExample(rule: CompiledRule, ctx: Context, h: Hit, ev: Evidence): Evidence {
  if (ev.example) return ev;
  const near = nearestExample(rule, h, ctx.ruleSet.idf);
  return near ? { ...ev, example: near } : ev;
}

export function segEvidence(s: Segment, note?: string): Evidence {
  return { start: round2(s.start), end: round2(s.end), segmentIds: [s.id], excerpt: s.text, matched: s.text, note };
}

export function missingText(rule: CompiledRule): string {
  const m = rule.matches[0];
  const parts: string[] = [];
  if (m.script?.length) parts.push(m.script[0].source);
  if (m.slots?.length) parts.push(m.slots[0].template);
  const words = [...(m.any ?? []), ...(m.all ?? []), ...(m.atLeast?.of ?? [])].map((k) => k.word);
  if (words.length) parts.push(words.slice(0, 6).join(' / '));
  return parts.join('；') || rule.spec.title;
}

// ---------------------------------------------------------------- findings

export function make(
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

export const NO_TRANSCRIPT = (ctx: Context): string =>
  ctx.facts.transcript === undefined
    ? `无转写文本${ctx.facts.transcriptMissingReason ? `（${ctx.facts.transcriptMissingReason}）` : ''}，无法判断`
    : '转写文本为空，无法判断';

export function lowConfidenceIn(view: TextView): Segment[] {
  return view.segments.filter((s) => s.lowConfidence);
}
