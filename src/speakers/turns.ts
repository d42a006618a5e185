// Roles from turn-taking, for a two-person session whose transcript has no speaker labels and whose
// audio could not tell the voices apart (whisper.cpp output without diarisation). The agent carries
// the script, asks and explains; the customer answers, asks back about his own case, says he has not
// understood, or reads his declaration. Segments a sentence was cut across are judged together as one
// utterance. Every role given here is marked `roleFromTurns`: the agent answering himself in the same
// voice reads the same, so a proxy answer can't be ruled out from the words alone.
import type { Role, Segment } from '../model/index.js';
import { speaksForOther, textCues } from './text.js';

/** A line this short (Han characters and letters) right after the agent is taken for an answer. */
const SHORT_TURN_CHARS = 14;
/** An answer comes within this many seconds of the line it answers. */
const ANSWER_GAP_S = 8;
/** Roles from the words never get more confidence than this. */
const MAX_CONFIDENCE = 0.8;

interface Utterance {
  segs: Segment[];
  text: string;
  start: number;
  end: number;
}

function compactLength(text: string): number {
  return [...text].filter((ch) => /[\p{Script=Han}A-Za-z0-9]/u.test(ch)).length;
}

/**
 * Consecutive segments that make one sentence: with punctuation in the transcript, a segment that
 * ends without sentence-final punctuation goes on in the next (ASR cut it); without punctuation
 * anywhere, only a segment that follows at once (no pause) does.
 */
function utterancesOf(segs: Segment[]): Utterance[] {
  const punctuated = segs.filter((x) => /[。！？!?，,；;]\s*$/.test(x.text)).length >= segs.length * 0.3;
  const out: Utterance[] = [];
  for (const s of segs) {
    const last = out[out.length - 1];
    const prev = last?.segs[last.segs.length - 1];
    const gap = prev ? s.start - prev.end : Infinity;
    const cut = prev ? (punctuated ? !/[。！？!?…]\s*$/.test(prev.text) : gap < 0.15) : false;
    if (last && cut && gap <= 1) {
      last.segs.push(s);
      last.text += s.text;
      last.end = s.end;
    } else out.push({ segs: [s], text: s.text, start: s.start, end: s.end });
  }
  return out;
}

function roleOf(u: Utterance, prev: { u: Utterance; role: Role } | undefined): { role: Role; confidence: number } {
  const c = textCues(u.text);
  const len = compactLength(u.text);
  const agentScore = c.agent + (len >= 24 ? 1 : 0) + (len >= 40 ? 1 : 0) + (c.request ? 2 : 0);
  const gap = prev ? u.start - prev.u.end : Infinity;
  const afterAgent = prev?.role === 'agent' && gap <= ANSWER_GAP_S;
  const prevCues = prev ? textCues(prev.u.text) : undefined;
  const agentAsked = afterAgent && !!prevCues && (prevCues.question || prevCues.request);

  // the customer's own statement: a declaration read aloud ("本人已阅读…")
  if (c.customer >= 3 && !c.question) return { role: 'customer', confidence: 0.7 };
  // "听清楚了，就是费用先扣了一部分…": an answer that goes on to restate
  if (c.answerFirst && !c.question && agentAsked) return { role: 'customer', confidence: 0.68 };
  // "哦，这下我明白了，分红不一定有。" after the agent explained: the customer saying he follows now
  if (c.answerFirst && !c.question && !c.addressesYou && !c.request && len <= 30 && afterAgent)
    return { role: 'customer', confidence: 0.64 };
  // "这个现金价值我还是不太懂": the customer has not understood
  if (c.doubt && !c.request && len <= 30 && afterAgent) return { role: 'customer', confidence: 0.66 };
  // "那我要是交了几年不想交了，能退多少钱？": asking back about his own case
  if (c.asks && c.firstPerson && !c.addressesYou && !c.request && len <= 30 && afterAgent)
    return { role: 'customer', confidence: 0.65 };
  // the answer to the customer's question is the agent's
  if (prev?.role === 'customer' && prevCues?.question && !c.shortAnswer && (c.agent >= 1 || len >= 12))
    return { role: 'agent', confidence: 0.65 };
  if (agentScore >= 3 && !c.shortAnswer)
    return { role: 'agent', confidence: Math.min(MAX_CONFIDENCE, 0.6 + 0.04 * agentScore) };
  // a short line right after the agent: the other person answering (or acknowledging); one that
  // speaks to the other as 您 or asks something of him is the agent going on
  const short =
    len <= SHORT_TURN_CHARS &&
    !c.request &&
    !(c.addressesYou && !c.shortAnswer && !c.answerFirst) &&
    (c.agent === 0 || c.shortAnswer);
  if (short && prev && gap <= ANSWER_GAP_S && (prev.role === 'agent' || (prev.role === 'customer' && gap <= 2))) {
    return {
      role: 'customer',
      confidence: agentAsked && c.shortAnswer ? 0.75 : agentAsked || c.shortAnswer ? 0.7 : 0.62,
    };
  }
  if (agentScore >= 2 || (c.addressesYou && !c.shortAnswer)) return { role: 'agent', confidence: 0.62 };
  // "红利不保证 看公司的经营情况": script words with nothing of an answer in them, straight after an agent
  // line that asked nothing (the agent reading on) or after the customer's answer (the agent going on)
  const readsOn =
    (prev?.role === 'agent' && !agentAsked && gap <= 2) || (prev?.role === 'customer' && gap <= ANSWER_GAP_S);
  if (readsOn && c.agent >= 1 && !c.shortAnswer && !c.answerFirst && !c.firstPerson && !c.question && !c.doubt)
    if (c.customer === 0) return { role: 'agent', confidence: 0.6 };
  // "过去一年有没有体检结果异常？" straight after the agent's own question: the agent asking on (a
  // customer asking back speaks of himself, handled above)
  if (c.question && !c.firstPerson && c.agent > 0 && agentAsked && gap <= 2) return { role: 'agent', confidence: 0.6 };
  return { role: 'unknown', confidence: 0 };
}

/**
 * Sets role and roleConfidence on every segment (in place) through `setRole`, which applies the
 * stage's minimum confidence; returns how many segments got a role.
 */
export function rolesFromTurns(
  segments: Segment[],
  setRole: (s: Segment, role: Role, confidence: number) => void,
): number {
  const segs = [...segments].sort((a, b) => a.start - b.start || a.id - b.id);
  let prev: { u: Utterance; role: Role } | undefined;
  let given = 0;
  for (const u of utterancesOf(segs)) {
    // "我妈都懂，你往下走吧": someone speaking for the customer is not the customer
    if (speaksForOther(u.text)) {
      for (const s of u.segs) {
        setRole(s, 'unknown', 0);
        s.thirdParty = 'for-customer';
      }
      prev = { u, role: 'unknown' };
      continue;
    }
    const { role, confidence } = roleOf(u, prev);
    for (const s of u.segs) {
      setRole(s, role, confidence);
      if (s.role !== 'unknown') {
        s.roleFromTurns = true;
        given++;
      }
    }
    prev = { u, role: u.segs[0].role ?? 'unknown' };
  }
  return given;
}
