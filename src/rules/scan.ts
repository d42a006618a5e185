// `rules scan`: every rule over every sentence of a text, to see where rules fire — a prohibited
// rule firing on an official caution, a required rule blind to formal policy wording. Sentences
// come from plain text (published documents saved while working), transcripts, or the labelled
// real-wording corpus (tests/corpus/*.yaml), whose labels turn the scan into a score per concept.
import type { Finding, Segment } from '../model/index.js';
import { classifyReply } from '../text/lexicon.js';
import { normalize } from '../text/normalize.js';
import { evaluateRules } from './evaluator.js';
import { factsForLines, matchOnly } from './single-text.js';
import type { CompiledRule, RuleSet } from './types.js';
import type { CorpusLabel, CorpusSentence } from './corpus-file.js';

/** What a rule did with one sentence. */
export interface ScanFire {
  ruleId: string;
  kind: 'required' | 'prohibited';
  /** required: found (pass), found with a wrong figure (fail: "十天的犹豫期"), or only a trace
   *  (undetermined); prohibited: violation (fail) or can't tell */
  status: 'found' | 'misstated' | 'trace' | 'violation' | 'suspect';
  matched?: string;
  /** the rule's example nearest to the sentence, when the example matcher decided */
  example?: string;
}

export interface ScannedSentence extends CorpusSentence {
  fires: ScanFire[];
  /** customer lines: what the reply classifier makes of them */
  reply?: 'affirmative' | 'hedge' | 'negative' | 'none';
}

function fireOf(rule: CompiledRule, f: Finding): ScanFire | undefined {
  const ev = f.evidence[0];
  if (rule.spec.kind === 'prohibited') {
    if (f.status !== 'fail' && f.status !== 'undetermined') return undefined;
    return {
      ruleId: rule.id,
      kind: 'prohibited',
      status: f.status === 'fail' ? 'violation' : 'suspect',
      matched: ev?.matched,
      example: ev?.example,
    };
  }
  if (rule.spec.kind !== 'required') return undefined;
  if (f.status === 'pass')
    return { ruleId: rule.id, kind: 'required', status: 'found', matched: ev?.matched, example: ev?.example };
  // said with a wrong figure ("十天的犹豫期"): found, and flagged for the figure
  if (f.status === 'fail' && ev?.matched)
    return { ruleId: rule.id, kind: 'required', status: 'misstated', matched: ev.matched };
  // a trace (partial match) marks the sentence as "can't tell"; a missing one is silence, not a fire
  if (f.status === 'undetermined' && ev?.matched)
    return { ruleId: rule.id, kind: 'required', status: 'trace', matched: ev.matched, example: ev?.example };
  return undefined;
}

/** Runs every rule of the set over each sentence, said by its speaker (agent by default). */
export function scanSentences(ruleSet: RuleSet, sentences: readonly CorpusSentence[]): ScannedSentence[] {
  const rules = ruleSet.rules
    .filter((r) => r.spec.kind === 'required' || r.spec.kind === 'prohibited')
    .map((r) => matchOnly(r, false));
  const set: RuleSet = { ...ruleSet, rules };
  return sentences.map((s) => {
    const role: Segment['role'] = s.speaker === 'customer' ? 'customer' : 'agent';
    const facts = factsForLines([{ role, text: s.text }]);
    const findings = evaluateRules(set, facts);
    const fires: ScanFire[] = [];
    for (const rule of rules) {
      // a rule searches its own speaker's lines only: the customer's question is not the agent's disclosure
      const speaker = rule.spec.speaker ?? 'agent';
      if (speaker !== 'either' && speaker !== role) continue;
      const f = findings.find((x) => x.ruleId === rule.id);
      const fire = f && fireOf(rule, f);
      if (fire) fires.push(fire);
    }
    const out: ScannedSentence = { ...s, fires };
    if (role === 'customer') {
      const n = normalize(s.text);
      out.reply = classifyReply(n.text, ruleSet.lexicon, n.brk).kind;
    }
    return out;
  });
}

// ---------------------------------------------------------------- scoring against labels

export interface ConceptScore {
  concept: string;
  /** `states` sentences (agent): found by a required rule of the concept */
  states: number;
  statesFound: number;
  /** `omits` sentences: a required rule of the concept fired anyway */
  omits: number;
  omitsFired: number;
  /** `violates`: a prohibited rule of the concept fired (violation or suspect) */
  violates: number;
  violatesCaught: number;
  /** `violates` flagged by any prohibited rule, whatever its concept: the session fails either way */
  violatesFlagged: number;
  /** `cautions` + `neutral`: any prohibited rule fired (violation only; suspect counted apart) */
  cautions: number;
  cautionsFired: number;
  cautionsSuspect: number;
}

export interface ScanScore {
  concepts: ConceptScore[];
  /** customer replies: label → classifier kind counts */
  replies: Record<string, Record<string, number>>;
  /** sentences the rules got wrong, for the report */
  misses: { sentence: ScannedSentence; why: string }[];
}

const REPLY_WANT: Partial<Record<CorpusLabel, string>> = {
  affirms: 'affirmative',
  hedges: 'hedge',
  refuses: 'negative',
};

export function scoreScan(ruleSet: RuleSet, scanned: readonly ScannedSentence[]): ScanScore {
  const conceptsOf = new Map(ruleSet.rules.map((r) => [r.id, r.spec.concepts as string[]]));
  const byConcept = new Map<string, ConceptScore>();
  const score = (c: string): ConceptScore => {
    let s = byConcept.get(c);
    if (!s) {
      s = {
        concept: c,
        states: 0,
        statesFound: 0,
        omits: 0,
        omitsFired: 0,
        violates: 0,
        violatesCaught: 0,
        violatesFlagged: 0,
        cautions: 0,
        cautionsFired: 0,
        cautionsSuspect: 0,
      };
      byConcept.set(c, s);
    }
    return s;
  };
  const replies: ScanScore['replies'] = {};
  const misses: ScanScore['misses'] = [];
  const firedFor = (
    x: ScannedSentence,
    concept: string,
    kind: ScanFire['kind'],
    statuses: ScanFire['status'][],
  ): ScanFire | undefined =>
    x.fires.find(
      (f) => f.kind === kind && statuses.includes(f.status) && (conceptsOf.get(f.ruleId) ?? []).includes(concept),
    );
  for (const x of scanned) {
    if (!x.label) continue;
    if (x.speaker === 'customer' && x.concepts.includes('confirmation.customer') && x.reply) {
      (replies[x.label] ??= {})[x.reply] = (replies[x.label]?.[x.reply] ?? 0) + 1;
      const want = REPLY_WANT[x.label];
      if (want && x.reply !== want) misses.push({ sentence: x, why: `reply read as ${x.reply}, labelled ${x.label}` });
    }
    if (x.speaker === 'customer') continue;
    for (const c of x.concepts) {
      const s = score(c);
      if (x.label === 'states') {
        s.states++;
        if (firedFor(x, c, 'required', ['found', 'misstated'])) s.statesFound++;
        else misses.push({ sentence: x, why: `${c}: stated, not found` });
      } else if (x.label === 'omits') {
        s.omits++;
        const f = firedFor(x, c, 'required', ['found']);
        if (f) {
          s.omitsFired++;
          misses.push({ sentence: x, why: `${c}: not a disclosure, but ${f.ruleId} found “${f.matched ?? ''}”` });
        }
      } else if (x.label === 'violates') {
        s.violates++;
        if (firedFor(x, c, 'prohibited', ['violation', 'suspect'])) s.violatesCaught++;
        else misses.push({ sentence: x, why: `${c}: violation not caught` });
        if (x.fires.some((f) => f.kind === 'prohibited' && (f.status === 'violation' || f.status === 'suspect')))
          s.violatesFlagged++;
      }
    }
    if (x.label === 'cautions' || x.label === 'neutral') {
      for (const c of x.concepts.length ? x.concepts : ['(none)']) {
        const s = score(c);
        s.cautions++;
        const fired = x.fires.find((f) => f.kind === 'prohibited' && f.status === 'violation');
        const suspect = x.fires.find((f) => f.kind === 'prohibited' && f.status === 'suspect');
        if (fired) {
          s.cautionsFired++;
          misses.push({ sentence: x, why: `${x.label}, but ${fired.ruleId} fired on “${fired.matched ?? ''}”` });
        } else if (suspect) s.cautionsSuspect++;
      }
    }
  }
  return { concepts: [...byConcept.values()].sort((a, b) => a.concept.localeCompare(b.concept)), replies, misses };
}
