// Rules run over a few lines of text instead of a session: the rule tester (tests.hit / miss /
// cases) and `rules scan` both need facts for a made-up dialogue and a rule stripped to its match.
import type { Segment, SessionFacts } from '../model/index.js';
import type { CompiledRule } from './types.js';

/** Facts for a short dialogue: ~4 characters a second, a short pause between lines. */
export function factsForLines(lines: { role: Segment['role']; text: string }[]): SessionFacts {
  let t = 0;
  const segments: Segment[] = lines.map((l, id) => {
    const dur = Math.max(1, l.text.length / 4);
    const s: Segment = { id, start: t, end: t + dur, text: l.text, role: l.role };
    t += dur + 0.5;
    return s;
  });
  return {
    sessionId: 'rule-test',
    // matching is checked, not applicability: metadata that every rule applies to is not
    // expressible, so rules are evaluated with their applies-when removed (see matchOnly)
    meta: { session_id: 'rule-test', product: { type: 'other' }, channel: 'agent', policyholder: {}, agent: {} },
    metaFromSidecar: true,
    integrity: [],
    transcript: { segments, source: { kind: 'import', format: 'dualrec-json', file: 'rule-test' } },
  };
}

/** The rule without applicability (and, unless `withParts`, without order, confirmation and rate). */
export function matchOnly(rule: CompiledRule, withParts: boolean): CompiledRule {
  const spec = { ...rule.spec, applies: undefined, order: withParts ? rule.spec.order : undefined };
  if (!withParts) {
    spec.confirm = undefined;
    spec.speech_rate = undefined;
  }
  return { ...rule, spec };
}
