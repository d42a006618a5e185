// Customer confirmation after a disclosure: an affirmative answer by the customer within N
// seconds. A hedge or negative ("不太清楚", "没听懂", "再说一遍") is not a confirmation; the
// agent answering his own question (代答) is flagged; with unknown roles nothing is guessed.
import type { Segment } from '../../model/index.js';
import {
  answersInvertedQuestion,
  answersByEcho,
  classifyReply,
  findWord,
  firstWord,
  isBareAffirmative,
  type Lexicon,
  type ReplyClass,
  type ReplyKind,
} from '../../text/lexicon.js';
import { normalize, normText } from '../../text/normalize.js';
import { canonText } from '../../text/pinyin.js';

export type EffectiveRole = 'agent' | 'customer' | 'unknown';

export function effectiveRole(s: Segment): EffectiveRole {
  if (s.role !== 'agent' && s.role !== 'customer') return 'unknown';
  // a role the speaker module is unsure of is not a role to decide on
  if (s.roleConfidence !== undefined && s.roleConfidence < 0.5) return 'unknown';
  return s.role;
}

export interface ConfirmOutcome {
  status: 'confirmed' | 'refused' | 'none' | 'unclear' | 'unknown-role' | 'low-confidence';
  /** the reply that decided it */
  reply?: Segment;
  replyKind?: ReplyKind;
  replyWord?: string;
  /** confirmed only after a hedge and a re-explanation */
  afterHedge?: Segment;
  proxy: 'yes' | 'no' | 'unknown';
  proxySegment?: Segment;
  /** same-segment proxy: the agent's own question and answer */
  proxyText?: string;
  /** confirmed by one answer to a question that covered several items */
  bundled?: boolean;
  confidence: number;
}

// "…您清楚吗？清楚的。" / "…您了解了吗？明白的明白的，下一项。": a question and its answer in one
// turn. Matched by sound (ASR writes 吗 as 马), on the text with punctuation kept.
const QUESTION_WORDS = [
  '吗',
  '么',
  '呢',
  '是否',
  '对吧',
  '对不对',
  '好吧',
  '行吧',
  '可以吧',
  '是吧',
  '清楚不',
  '明白不',
];
let questionTail: RegExp | undefined;
function questionTailRe(): RegExp {
  questionTail ??= new RegExp(
    `(${QUESTION_WORDS.map(canonText).join('|')})[？?，,。.!！\\s]*([^？?，,。.!！\\s]{1,10})[^？?]*$`,
  );
  return questionTail;
}

export interface ConfirmInput {
  segs: Segment[];
  /** index in segs of the segment where the disclosure ends */
  lastIdx: number;
  /** original-text offset in that segment where the disclosure ends */
  tailFrom: number;
  /** time the disclosure ends */
  endTime: number;
  withinS: number;
  lex: Lexicon;
  /** true when segment k starts another disclosure (the agent moved on to a new topic) */
  movesOn: (k: number) => boolean;
  /** true when segment k starts a disclosure that forms one item with this one (confirm.joint_with) */
  joinsOn?: (k: number) => boolean;
  /** true when segment k mentions this same item again (a question about it) */
  mentions?: (k: number) => boolean;
  /** true when segment k's question names another item and not this one ("…是自己愿意投保的吗？"):
   *  a bundling word in it (都, possibly ASR's) does not make it a question about this item */
  asksOther?: (k: number) => boolean;
  /** how many other items segment k's question names */
  othersNamed?: (k: number) => number;
  /** rule-specific answers that count as a confirmation (sound-class forms) */
  accept?: string[];
  /** per-transcript cache of what each segment says as a reply */
  replies?: Map<Segment, SegmentReply>;
}

export interface SegmentReply {
  norm: string;
  canon: string;
  cls: ReplyClass;
  bare: boolean;
}

function replyOf(s: Segment, lex: Lexicon, cache?: Map<Segment, SegmentReply>): SegmentReply {
  let r = cache?.get(s);
  if (!r) {
    const nz = normalize(s.text);
    const norm = nz.text;
    r = { norm, canon: canonText(norm), cls: classifyReply(norm, lex, nz.brk), bare: isBareAffirmative(norm, lex, 1) };
    cache?.set(s, r);
  }
  return r;
}

const QUESTION_END = /(吗|吧|呢|么|？|\?)[\s。！!]*$/;

/** "您是投保人本人是吧？" then, from the agent, "对，是本人，我们认识好多年了" */
function answersOwnQuestion(segs: Segment[], k: number, lex: Lexicon): boolean {
  const prev = segs[k - 1];
  if (!prev || effectiveRole(prev) === 'customer' || !QUESTION_END.test(prev.text.trim())) return false;
  const firstClause = segs[k].text.trim().split(/[，,。.！!？?\s]/)[0];
  return isBareAffirmative(normText(firstClause), lex);
}

/** "您看一下，清楚吗？清楚的哈，好，那咱们往下说。": question and answer in one agent turn */
function inlineAnswer(text: string, lex: Lexicon): boolean {
  const qm = questionTailRe().exec(canonText(text));
  if (!qm) return false;
  const at = qm.index + qm[0].indexOf(qm[2], qm[1].length);
  return isBareAffirmative(normText(text.slice(at, at + qm[2].length)), lex, 1);
}

/** "王先生表示清楚，那咱们接着": the agent reporting an answer the customer never gave */
function narratesAnswer(info: SegmentReply, lex: Lexicon): boolean {
  return firstWord(info.norm, info.canon, lex.proxy_phrases, lex) !== undefined;
}

/** a reply that is neither yes nor no but has a negator in it (不/没 …): a hedge ASR may have garbled */
function hedgeLike(r: SegmentReply, lex: Lexicon): boolean {
  return r.cls.kind === 'none' && lex.negators.some((w) => findWord(r.norm, r.canon, w, lex) >= 0);
}

/** how far after a disclosure a recap question naming it can still confirm it */
const MAX_RECAP_S = 120;

/** a reply that is only an acknowledgement (好的, 嗯, 哦) */
function isAcknowledgement(info: SegmentReply, lex: Lexicon): boolean {
  if (info.norm.length > 6) return false;
  let rest = info.canon;
  for (const w of lex.acknowledgements) rest = rest.split(w).join('');
  return rest.replace(/[\ue000-\uf8ff]/g, (c) => (FILLER_SET.has(c) ? '' : c)).length === 0;
}
const FILLER_SET = new Set([...'啊呀哦噢吧嘛呢了的'].map((c) => canonText(c)));

/** a line that asks something: a question mark or particle at its end, or a question word in it */
function isQuestion(text: string, info: SegmentReply, lex: Lexicon): boolean {
  if (QUESTION_END.test(text.trim())) return true;
  return firstWord(info.norm, info.canon, lex.question_markers, lex) !== undefined;
}

/** "以上", "刚才说的", "上面这些": the question looks back over all that was said. */
function looksBack(r: SegmentReply, lex: Lexicon): boolean {
  return firstWord(r.norm, r.canon, lex.look_backs, lex) !== undefined;
}

/** the last sentence of a turn (where its question is), normalised */
function lastSentence(text: string): string {
  const parts = text
    .split(/[。！!？?]/)
    .map((x) => x.trim())
    .filter(Boolean);
  return normText(parts[parts.length - 1] ?? '');
}

export function checkConfirmation(inp: ConfirmInput): ConfirmOutcome {
  const { segs, lastIdx, lex } = inp;
  const last = segs[lastIdx];
  const lastRole = effectiveRole(last);
  let proxy: ConfirmOutcome['proxy'] = 'no';
  let proxySegment: Segment | undefined;
  let proxyText: string | undefined;
  // a yes inside a line whose role came from turn-taking: the customer's or the agent's own, can't tell
  let inlineUnknown: Segment | undefined;

  // "…您清楚吗？清楚的。" inside the agent's own segment
  const tail = last.text.slice(inp.tailFrom);
  const qm = questionTailRe().exec(canonText(tail));
  // canonText keeps offsets, so the answer's place in the canonical tail is its place in `tail`
  const at = qm ? qm.index + qm[0].indexOf(qm[2], qm[1].length) : 0;
  const answerText = qm ? tail.slice(at, at + qm[2].length) : '';
  if (qm && isBareAffirmative(normText(answerText), lex, 1)) {
    // roles from the words alone: the customer's short answer may have been merged into the agent's line
    if (lastRole === 'agent' && last.roleFromTurns) {
      proxy = 'unknown';
      inlineUnknown = last;
    } else if (lastRole === 'agent') {
      proxy = 'yes';
      proxySegment = last;
      proxyText = tail.slice(qm.index, qm.index + qm[0].length);
    } else if (lastRole === 'unknown') proxy = 'unknown';
  }

  let customerSpoke = false;
  // the customer answered a later item's question meanwhile: from then on only a question that names
  // this item again ("以上责任免除、犹豫期和退保的内容，您是否都清楚了？") can confirm it
  let answeredOther = false;
  let unclear: Segment | undefined;
  let movedOn = false;
  let joined = false;
  let lastAgent: SegmentReply | undefined;
  let lastAgentIdx = -1;
  let lastAgentText: string | undefined;
  // Real scripts explain several points and ask once ("以上内容我都向您说明清楚了吗？"): the agent's last
  // line before the answer covers every point since the customer last spoke unless it asks about
  // another item only ("犹豫期您清楚吗？" after the exclusions)
  // (the line must ask: "请您在风险提示栏抄一下这句" then "抄好了" answers the request, not the block)
  // (a question with no bundling word and naming nothing — "您清楚吗？" after several items — may be about
  // the last item only: see `generic`)
  const bundled = (): boolean =>
    !!lastAgent &&
    (!!inp.mentions?.(lastAgentIdx) ||
      (!answeredOther &&
        isQuestion(lastAgentText ?? '', lastAgent, lex) &&
        firstWord(lastAgent!.norm, lastAgent!.canon, lex.bundles, lex) !== undefined &&
        // "是自己愿意投保的都吗？" names one other item: its 都 does not make it a block question — but
        // "刚才说的…, 您都清楚了吗？" looks back over everything said (以上, 刚才, 上面 … beside 都)
        ((inp.othersNamed?.(lastAgentIdx) ?? 0) !== 1 || looksBack(lastAgent!, lex))));
  const generic = (): boolean =>
    !!lastAgent && !answeredOther && isQuestion(lastAgentText ?? '', lastAgent, lex) && !inp.asksOther?.(lastAgentIdx);
  // "关于这部分，您是否清楚？" after several items points at the last one: whether it covers the earlier
  // ones can't be told (a bundling word — 以上, 都, 这些 — or naming the item settles it)
  const onlyLast = (): boolean =>
    !!lastAgent &&
    !inp.mentions?.(lastAgentIdx) &&
    lex.singular_refs.some((w) => findWord(lastAgent!.norm, lastAgent!.canon, w, lex) >= 0) &&
    firstWord(lastAgent!.norm, lastAgent!.canon, lex.bundles, lex) === undefined;
  let refusal: { seg: Segment; kind: ReplyKind; word?: string } | undefined;
  let agentAfterRefusal = false;
  let unknownAff: Segment | undefined;
  let unknownRefusal: { seg: Segment; kind: ReplyKind; word?: string } | undefined;
  let lowConf = false;
  // the answer may come after a long list the agent reads on: the window runs from the end of the
  // agent's speech, not from the first words of the disclosure
  let limit = Math.max(inp.endTime, last.end) + inp.withinS;
  for (let k = lastIdx + 1; k < segs.length && segs[k].start <= limit; k++) {
    const s = segs[k];
    const role = effectiveRole(s);
    if (role === 'agent' && !customerSpoke) limit = Math.max(limit, s.end + inp.withinS);
    const info = replyOf(s, lex, inp.replies);
    const n = info.norm;
    const nc = info.canon;
    // the question this segment may answer: the agent's latest turn (or the disclosure itself)
    const questionText = lastAgentText ?? last.text;
    // the agent went on to the next disclosure before the customer answered: a later answer
    // confirms this item only if the agent's question bundles them ("犹豫期和退保您都了解了吗")
    if (role !== 'customer' && inp.movesOn(k)) {
      if (customerSpoke) break;
      movedOn = true;
    }
    if (role !== 'customer') {
      lastAgent = info;
      lastAgentIdx = k;
      lastAgentText = s.text;
    }
    // after a hedge, "不要紧，您回去再看" / "那我们先往下讲" closes the topic unanswered
    if (refusal && role !== 'customer' && firstWord(n, nc, lex.dismissals, lex) !== undefined) break;
    let cls = info.cls;
    if (cls.kind === 'none' && inp.accept?.some((a) => nc.includes(a)))
      cls = { kind: 'affirmative', word: s.text.trim() };
    // "没人逼您吧？" — "没有，我自己要买的": the no is the yes
    if (role !== 'agent' && cls.kind !== 'affirmative' && cls.kind !== 'hedge') {
      if (
        answersInvertedQuestion(lastSentence(questionText), n, lex) ||
        answersByEcho(lastSentence(questionText), n, lex)
      )
        cls = { kind: 'affirmative', word: s.text.trim() };
    }
    if (s.lowConfidence) lowConf = true;
    if (role !== 'customer' && inp.joinsOn?.(k)) joined = true;
    // the customer asking back ("那要是过了这十五天，能拿回多少？") answers nothing yet: the yes may come
    // a few turns later, after the agent explains; and "哦，好吧" to a line that asked nothing is only
    // listening
    const asks = role === 'customer' && cls.kind !== 'affirmative' && isQuestion(s.text, info, lex);
    const questionBefore = isQuestion(questionText, lastAgent ?? replyOf(last, lex, inp.replies), lex);
    if (role === 'customer' && cls.kind === 'affirmative' && !questionBefore && isAcknowledgement(info, lex)) continue;
    // the agent already answered for the customer ("这块我就不再一条条问您了"): only an answer to a real
    // question makes up for it, not "好，我抄好了" to the next request
    if (role === 'customer' && proxy === 'yes' && !questionBefore) continue;
    if (asks) {
      // after the agent went on, the customer's question is about the later item
      if (!movedOn) {
        if (cls.kind === 'hedge' && !refusal) refusal = { seg: s, kind: cls.kind, word: cls.word };
        else unclear ??= s;
      }
      continue;
    }
    if (movedOn && role === 'customer' && !bundled() && !(generic() && cls.kind === 'affirmative')) {
      // that answer is the later item's; a question naming this item may still come, not too far on
      // (a remark that is no reply, to a line that asked nothing — "那就投吧" — answers no other item)
      if (questionBefore || cls.kind !== 'none') answeredOther = true;
      if (s.start - Math.max(inp.endTime, last.end) > MAX_RECAP_S) break;
      continue;
    }
    // the agent already answered this item himself and went on: a later yes is to the later item
    if (movedOn && proxy === 'yes' && role === 'customer') break;
    // the agent already answered this item for the customer: the answer to the joint item's question
    // does not make up for it
    if (joined && proxy === 'yes' && role === 'customer') break;
    // nor does it clear a hedge or a no the customer gave to this item
    if (joined && refusal && role === 'customer') break;
    // nor a reply ASR garbled that still carries a negator ("没听变懂"): it may be a hedge, and the
    // later yes answers the joint item's question — unless that question asks about both again
    if (joined && unclear && role === 'customer' && hedgeLike(replyOf(unclear, lex, inp.replies), lex) && !bundled())
      break;
    if (role === 'customer') {
      if (cls.kind === 'affirmative' && movedOn && !refusal && (onlyLast() || !bundled())) {
        return {
          status: 'unclear',
          reply: s,
          replyKind: cls.kind,
          replyWord: cls.word,
          proxy,
          proxySegment,
          proxyText,
          confidence: 0.45,
          bundled: true,
        };
      }
      if (cls.kind === 'affirmative') {
        return {
          status: 'confirmed',
          reply: s,
          replyKind: cls.kind,
          replyWord: cls.word,
          afterHedge: refusal?.seg,
          proxy,
          proxySegment,
          proxyText,
          confidence: s.lowConfidence ? 0.7 : (refusal && !agentAfterRefusal) || movedOn ? 0.8 : 0.95,
          bundled: movedOn || undefined,
        };
      }
      if ((cls.kind === 'hedge' || cls.kind === 'negative') && !refusal)
        refusal = { seg: s, kind: cls.kind, word: cls.word };
      // an answer that is neither yes nor no (or one ASR garbled): a person should listen to it
      if (cls.kind === 'none') unclear ??= s;
      customerSpoke = true;
    } else if (role === 'agent') {
      // "(您)了解了吗？" with 您 lost is still the agent's question, not his answer
      const bare = info.bare && !/[？?]\s*$/.test(s.text.trim()) && !/[吗么]\s*[。.！!]?\s*$/.test(s.text.trim());
      const narrated = narratesAnswer(info, lex);
      // "对。" right after the customer's own line ("哦，就是头九十天不赔？") answers the customer, not the
      // agent's question
      const answersCustomer = k > 0 && effectiveRole(segs[k - 1]) === 'customer' && !narrated;
      if (
        !customerSpoke &&
        !answersCustomer &&
        (bare || answersOwnQuestion(segs, k, lex) || narrated || inlineAnswer(s.text, lex))
      ) {
        // with roles from turn-taking only a narrated answer ("客户表示清楚") is surely the agent's
        if (s.roleFromTurns && !narrated) {
          if (proxy === 'no') proxy = 'unknown';
          inlineUnknown ??= s;
        } else {
          proxy = 'yes';
          proxySegment ??= s;
        }
      }
      if (refusal) agentAfterRefusal = true;
    } else if (s.thirdParty) {
      // a relative answering for the customer ("我妈清楚的"): his yes is an answer given for her, never
      // hers; the customer may still answer herself before the agent goes on. The insured answering for
      // himself ('own') neither confirms nor answers for her.
      if (cls.kind === 'affirmative' && s.thirdParty === 'for-customer' && proxy !== 'yes') {
        proxy = 'yes';
        proxySegment = s;
      }
    } else {
      // unknown role: a different diarisation label than the disclosure's speaker is another person
      const otherSpeaker = s.speaker !== undefined && last.speaker !== undefined && s.speaker !== last.speaker;
      if (cls.kind === 'affirmative') {
        if (otherSpeaker && !refusal) {
          return {
            status: 'confirmed',
            reply: s,
            replyKind: cls.kind,
            replyWord: cls.word,
            proxy,
            proxySegment,
            proxyText,
            confidence: 0.7,
          };
        }
        unknownAff ??= s;
        if (!customerSpoke && !otherSpeaker && proxy === 'no') proxy = 'unknown';
      } else if (cls.kind === 'hedge' || cls.kind === 'negative') {
        if (otherSpeaker && !refusal) refusal = { seg: s, kind: cls.kind, word: cls.word };
        else unknownRefusal ??= { seg: s, kind: cls.kind, word: cls.word };
      }
    }
  }
  if (refusal) {
    return {
      status: 'refused',
      reply: refusal.seg,
      replyKind: refusal.kind,
      replyWord: refusal.word,
      proxy,
      proxySegment,
      proxyText,
      confidence: 0.85,
    };
  }
  unknownAff ??= inlineUnknown;
  if (unknownAff || unknownRefusal) {
    const s = unknownAff ?? unknownRefusal!.seg;
    return {
      status: 'unknown-role',
      reply: s,
      replyKind: unknownAff ? 'affirmative' : unknownRefusal!.kind,
      proxy: proxy === 'yes' ? 'yes' : 'unknown',
      proxySegment,
      proxyText,
      confidence: 0.4,
    };
  }
  if (unclear) return { status: 'unclear', reply: unclear, proxy, proxySegment, proxyText, confidence: 0.4 };
  if (lowConf || last.lowConfidence)
    return { status: 'low-confidence', proxy, proxySegment, proxyText, confidence: 0.4 };
  if (lastRole === 'unknown' && proxy === 'no' && !customerSpoke) proxy = 'unknown';
  return { status: 'none', proxy, proxySegment, proxyText, confidence: 0.85 };
}
