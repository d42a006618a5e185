// What a line's words say about who speaks: the agent carries the scripted disclosures and asks
// the confirmation questions; the customer gives short answers to them, or reads out his own statement.
// These cues only decide which voice is which; the voices themselves come from labels, channels or sound.
import { toSimplified } from '../text/normalize.js';

/** Words of the sales script; a line carrying several of them is the agent's, nearly always. */
const SCRIPT_TERMS = [
  '保险',
  '条款',
  '责任',
  '免除',
  '免责',
  '犹豫期',
  '保费',
  '交费',
  '缴费',
  '保障',
  '保额',
  '退保',
  '现金价值',
  '合同',
  '投保',
  '产品',
  '收益',
  '分红',
  '红利',
  '身故',
  '理赔',
  '录音',
  '录像',
  '代理人',
  '工号',
  '执业证',
  '保险期间',
  '等待期',
  '年金',
  '账户',
  '费用',
  '扣除',
  '领取',
  '告知',
  '风险',
  '损失',
  '特别注意',
  '请您',
  '为您',
  '向您',
  '本公司',
  '我司',
  '保单',
  '受益人',
  '被保险人',
];

/** A question asking the other side to confirm something. */
const CONFIRM_QUESTION = /(吗|么|是否|对吧|好吧|可以吧|是吧|清楚不|明白不|同意不)\s*[？?]?\s*$|[？?]\s*$/;

/** Short answers that confirm or acknowledge. */
const SHORT_ANSWER =
  /^(是的?|是我|对的?|没错|清楚了?|明白了?|了解了?|知道了?|理解|同意|愿意|可以|没问题|确认|懂了|听懂了|听清楚了?|听明白了?|都清楚了?|好的?|嗯+|行|有的?|没有)/;

/** The customer saying he has not understood or is unsure ("这个现金价值我还是不太懂"). */
const CUSTOMER_DOUBT =
  /(不太懂|没听懂|没太懂|不太明白|没听明白|不太清楚|什么意思|啥意思|再说一遍|再讲一遍|没跟上|还得想想|再想想|商量)/;

/** The agent asking the customer to do or say something ("请您出示身份证", "说一下您的名字"). */
const REQUEST =
  /(请|麻烦您|麻烦你|您把|你把|您拿|你拿|说一下|报一下|念一下|读一下|抄一下|签一下|看一下|您看|您说|签个|在这签|在这儿签|您在这|你在这)/;

/** The customer's own statements: copying the risk statement, confirming as 本人. */
const CUSTOMER_STATEMENT = /^(本人|我本人|我已|我已经|我确认|我同意|我愿意|我是投保人)/;

export interface TextCues {
  /** how strongly the line sounds like the agent's script */
  agent: number;
  /** how strongly it sounds like a customer's reply */
  customer: number;
  /** it asks for a confirmation */
  question: boolean;
  /** a short confirming / acknowledging answer */
  shortAnswer: boolean;
  /** asks the other person to do or say something */
  request: boolean;
  /** opens with a short answer before going on ("听清楚了，就是…") */
  answerFirst: boolean;
  /** speaks to the other person as 您 (the agent's register; customers say 你 or nothing) */
  addressesYou: boolean;
  /** speaks of himself (我) */
  firstPerson: boolean;
  /** asks something somewhere in the line, not only at its end ("那有没有什么情况是不赔的？我怕扯皮。") */
  asks: boolean;
  /** says he has not understood, or wants to think it over */
  doubt: boolean;
}

function compact(text: string): string {
  return text.replace(/[\s，,。.！!、；;：:“”"'‘’（）()《》…—-]/g, '');
}

export function textCues(text: string): TextCues {
  text = toSimplified(text);
  const plain = compact(text);
  const question = CONFIRM_QUESTION.test(text.trim());
  const shortAnswer = plain.length <= 8 && SHORT_ANSWER.test(plain) && !question;
  let terms = 0;
  for (const t of SCRIPT_TERMS) if (plain.includes(t)) terms++;
  let agent = Math.min(3, terms);
  if (question && plain.length >= 6) agent += 1.5;
  if (plain.length >= 25) agent += 1;
  let customer = 0;
  // weak on its own: an answer counts fully when it follows another voice's question (voiceEvidence)
  if (shortAnswer) customer += 0.5;
  if (CUSTOMER_STATEMENT.test(plain)) {
    customer += 3;
    agent = Math.max(0, agent - 2);
  }
  const request = REQUEST.test(plain) && !CUSTOMER_STATEMENT.test(plain);
  // "哦，这下我明白了，…": an interjection and "(这下)我" before the answer still open with it
  const opening = text.trim().replace(/^[哦噢啊嗯哎唉喔]+[，,、\s]*/, '');
  const firstClause = compact(opening.split(/[，,。.！!？?；;\s]/)[0] ?? '').replace(
    /^(这下|这回|现在)?我(都|就|也)?(?=.)/,
    '',
  );
  const answerFirst =
    firstClause.length > 0 &&
    firstClause.length <= 6 &&
    SHORT_ANSWER.test(firstClause) &&
    !CONFIRM_QUESTION.test(firstClause);
  const addressesYou = plain.includes('您');
  const firstPerson = /我(?!们)/.test(plain);
  const doubt = CUSTOMER_DOUBT.test(plain) && !addressesYou;
  const asks = question || /[？?]/.test(text);
  return { agent, customer, question, shortAnswer, request, answerFirst, addressesYou, firstPerson, doubt, asks };
}

/** "我妈都懂", "她清楚": someone declaring that the customer understands — a relative (or the agent)
 *  speaking for her, never the customer herself. */
const SPEAKS_FOR_OTHER =
  /(我妈|我爸|我母亲|我父亲|我老婆|我爱人|我老公|我媳妇|我太太|我先生|老人家|老太太|老爷子|她|他)(都|也|早就|已经|心里)?(懂|清楚|明白|知道|了解|同意|认可)/;

export function speaksForOther(text: string): boolean {
  const t = toSimplified(text);
  return SPEAKS_FOR_OTHER.test(t) && !t.includes('您');
}

export interface TurnLike {
  start: number;
  end: number;
  text: string;
  /** who spoke it: a label, channel or cluster id; undefined when unknown */
  voice?: string;
}

/** Seconds after a question within which an answer counts as an answer to it. */
export const ANSWER_WINDOW_S = 15;

/**
 * Evidence per voice for being the agent and being the customer. A short answer counts for the
 * customer only when it answers a question another voice asked just before.
 */
export function voiceEvidence(turns: TurnLike[]): Map<string, { agent: number; customer: number; speechS: number }> {
  const out = new Map<string, { agent: number; customer: number; speechS: number }>();
  let lastQuestion: { voice?: string; end: number } | undefined;
  for (const t of turns) {
    const c = textCues(t.text);
    if (t.voice !== undefined) {
      const e = out.get(t.voice) ?? { agent: 0, customer: 0, speechS: 0 };
      e.agent += c.agent;
      e.customer += c.customer;
      if (
        c.shortAnswer &&
        lastQuestion &&
        lastQuestion.voice !== undefined &&
        lastQuestion.voice !== t.voice &&
        t.start - lastQuestion.end <= ANSWER_WINDOW_S
      ) {
        e.customer += 1.5;
      }
      e.speechS += Math.max(0, t.end - t.start);
      out.set(t.voice, e);
    }
    if (c.question) lastQuestion = { voice: t.voice, end: t.end };
  }
  return out;
}

export interface RoleMapping {
  agent?: string;
  customer?: string;
  /** 0.5..1: how sure each choice is (0.5: a coin toss) */
  agentConfidence: number;
  customerConfidence: number;
  /** voices that are neither */
  others: string[];
}

/** Logistic squash of an evidence margin into 0.5..1. */
function marginConfidence(margin: number): number {
  return 1 / (1 + Math.exp(-Math.max(0, margin) / 4));
}

/**
 * Chooses which voice is the agent and which the customer by the text evidence; the voice that talks
 * most gets a small prior towards agent (the agent reads the script). Other voices are third parties.
 */
export function mapVoicesToRoles(
  evidence: Map<string, { agent: number; customer: number; speechS: number }>,
): RoleMapping {
  const voices = [...evidence.keys()];
  if (voices.length === 0) return { agentConfidence: 0.5, customerConfidence: 0.5, others: [] };
  const total = voices.reduce((s, v) => s + evidence.get(v)!.speechS, 0) || 1;
  const agentScore = (v: string) => {
    const e = evidence.get(v)!;
    return e.agent - e.customer + (e.speechS / total > 0.5 ? 0.5 : 0);
  };
  const customerScore = (v: string) => {
    const e = evidence.get(v)!;
    return e.customer - e.agent;
  };
  if (voices.length === 1) {
    const v = voices[0];
    // one voice: it is the agent when it reads the script; nobody can be called the customer
    const s = agentScore(v);
    return s > 0
      ? { agent: v, agentConfidence: marginConfidence(s), customerConfidence: 0.5, others: [] }
      : { agentConfidence: 0.5, customerConfidence: 0.5, others: [v] };
  }
  const options: { agent: string; customer: string; score: number }[] = [];
  for (const a of voices)
    for (const c of voices)
      if (a !== c) options.push({ agent: a, customer: c, score: agentScore(a) + customerScore(c) });
  options.sort((x, y) => y.score - x.score);
  const best = options[0];
  // each choice is as sure as the best option that makes a different choice for that role
  const otherAgent = options.find((o) => o.agent !== best.agent);
  const otherCustomer = options.find((o) => o.customer !== best.customer);
  return {
    agent: best.agent,
    customer: best.customer,
    agentConfidence: marginConfidence(otherAgent ? best.score - otherAgent.score : best.score),
    customerConfidence: marginConfidence(otherCustomer ? best.score - otherCustomer.score : best.score),
    others: voices.filter((v) => v !== best.agent && v !== best.customer),
  };
}
