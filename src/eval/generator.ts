// Generates the labelled evaluation set: transcript-only 双录 sessions with scripted variations
// (compliant scripts by different agents, each disclosure missing, missing / hedged / proxy
// confirmations, rushed speech, real and negated guarantees, deposit confusion, seniors).
//
// The labels come from what the generator put into each script, never from the rule packs: the
// wording pools below were written from how sales staff actually talk, not from the rules' keywords,
// so the set also measures whether the rules generalise. Deterministic: same code, same files.
import { verdictFromLabels } from './concept-severity.js';
import { CONCEPTS, SessionMetaSchema, type Channel, type ProductType, type Verdict } from '../model/index.js';
import { writeLabelledSet } from './labelled-set.js';
import { createRng, type Rng } from './random.js';
import type { Expected, LabelStatus } from './metrics.js';

/** The steps of a sales script, in the order a typical agent reads them. */
export const STEPS = [
  'identity-agent',
  'consent',
  'identity-customer',
  'insurer-product',
  'coverage',
  'term',
  'premium',
  'fees',
  'exclusions',
  'health-notice',
  'benefit-uncertainty',
  'not-deposit',
  'cooling-off',
  'surrender-loss',
  'closing',
] as const;
export type Step = (typeof STEPS)[number];

/** Which concept a step's content answers for (not-deposit and closing have none of their own). */
const STEP_CONCEPT: Partial<Record<Step, string>> = {
  'identity-agent': 'identity.agent',
  consent: 'consent.recording',
  'identity-customer': 'identity.customer',
  'insurer-product': 'disclosure.insurer-product',
  coverage: 'disclosure.coverage',
  term: 'disclosure.term',
  premium: 'disclosure.premium',
  fees: 'disclosure.fees',
  exclusions: 'disclosure.exclusions',
  'health-notice': 'disclosure.health-notice',
  'benefit-uncertainty': 'disclosure.benefit-uncertainty',
  'cooling-off': 'disclosure.cooling-off',
  'surrender-loss': 'disclosure.surrender-loss',
};

/** Concepts every generated session is labelled on; the rest (visual, integrity …) can't be told from text. */
export const LABELLED_CONCEPTS = [
  'consent.recording',
  'identity.agent',
  'identity.customer',
  'disclosure.insurer-product',
  'disclosure.coverage',
  'disclosure.exclusions',
  'disclosure.premium',
  'disclosure.fees',
  'disclosure.term',
  'disclosure.cooling-off',
  'disclosure.surrender-loss',
  'disclosure.benefit-uncertainty',
  'disclosure.health-notice',
  'confirmation.customer',
  'conduct.speech-rate',
  'conduct.proxy-answer',
  'prohibited.guarantee',
  'prohibited.deposit-confusion',
] as const satisfies readonly (typeof CONCEPTS)[number][];

// ---------------------------------------------------------------------------------------------
// Products (fictional insurers and products)

type ProductKey = 'traditional' | 'annuity' | 'participating' | 'universal' | 'investment-linked' | 'health';

interface Product {
  type: ProductType;
  name: string;
  insurer: string;
  /** what it pays for, as an agent would list it */
  coverage: string;
  coverTerm: string;
  payTerm: string;
  premium: string;
  termYears?: number;
  /** new-type products must say their benefits beyond the guarantee are uncertain */
  uncertainBenefits: boolean;
  /** products that deduct explicit charges from an account */
  chargesFees: boolean;
}

const PRODUCTS: Record<ProductKey, Product> = {
  traditional: {
    type: 'traditional', name: '长青福终身寿险', insurer: '明川人寿保险股份有限公司',
    coverage: '身故保险金和全残保险金', coverTerm: '终身', payTerm: '十年', premium: '两万元',
    uncertainBenefits: false, chargesFees: false,
  },
  annuity: {
    type: 'traditional', name: '安享一生年金保险', insurer: '明川人寿保险股份有限公司',
    coverage: '每年的生存年金、满期保险金和身故保险金', coverTerm: '至被保险人八十周岁', payTerm: '五年', premium: '一万五千元',
    uncertainBenefits: false, chargesFees: false,
  },
  participating: {
    type: 'participating', name: '嘉禾鑫享年金保险（分红型）', insurer: '嘉禾人寿保险股份有限公司',
    coverage: '生存年金、满期保险金和身故保险金', coverTerm: '二十年', payTerm: '五年', premium: '三万元', termYears: 20,
    uncertainBenefits: true, chargesFees: false,
  },
  universal: {
    type: 'universal', name: '瑞丰稳盈终身寿险（万能型）', insurer: '瑞丰人寿保险有限公司',
    coverage: '身故保险金，另外保费进入万能账户按月结算利息', coverTerm: '终身', payTerm: '三年', premium: '五万元',
    uncertainBenefits: true, chargesFees: true,
  },
  'investment-linked': {
    type: 'investment-linked', name: '远航智选投资连结保险', insurer: '远航人寿保险股份有限公司',
    coverage: '身故保险金，保费扣除费用后进入投资账户', coverTerm: '终身', payTerm: '十年', premium: '一万元',
    uncertainBenefits: true, chargesFees: true,
  },
  health: {
    type: 'health', name: '康宁无忧重大疾病保险', insurer: '康宁健康保险股份有限公司',
    coverage: '一百二十种重大疾病、二十种中症和四十种轻症', coverTerm: '至被保险人七十周岁', payTerm: '二十年', premium: '八千六百元',
    termYears: 40, uncertainBenefits: false, chargesFees: false,
  },
};

// ---------------------------------------------------------------------------------------------
// Agents: each has a name, a licence number, a pace and habits, so scripts differ by speaker.

interface Persona {
  name: string;
  licence: string;
  /** characters per second in normal speech (Mandarin read aloud is about 3–4) */
  pace: number;
  fillers: string[];
  /** asks the confirmation question in the same breath as the disclosure */
  questionInline: boolean;
  /** prefers the colloquial phrasings */
  colloquial: boolean;
  /** how the agent addresses the customer */
  address: string;
}

const PERSONAS: Persona[] = [
  { name: '刘明', licence: '02000144010080012345', pace: 3.2, fillers: ['好的，', '接下来，'], questionInline: true, colloquial: false, address: '您' },
  { name: '张丽', licence: 'JH3301298765', pace: 3.4, fillers: ['那个，', '然后，', ''], questionInline: false, colloquial: false, address: '王先生' },
  { name: '陈军', licence: '44019988', pace: 3.0, fillers: ['嗯，', '好，'], questionInline: true, colloquial: false, address: '李女士' },
  { name: '王芳', licence: 'RF2023-0571', pace: 3.5, fillers: ['', '还有，'], questionInline: false, colloquial: true, address: '您' },
  { name: '赵磊', licence: '11010200775', pace: 3.3, fillers: ['对了，', '另外，', ''], questionInline: true, colloquial: true, address: '周姐' },
];

// ---------------------------------------------------------------------------------------------
// Wording pools. {x} fields are filled from the product and persona. Phrasings marked colloquial
// are the ones a hurried agent says in their own words rather than reading the script.

interface Phrase {
  text: string;
  colloquial?: boolean;
}

const p = (text: string, colloquial = false): Phrase => ({ text, colloquial });

const DISCLOSURES: Record<Exclude<Step, 'closing'>, Phrase[]> = {
  'identity-agent': [
    p('您好，我是{insurer}的保险代理人{agent}，执业证号{licence}。'),
    p('先自我介绍一下，我叫{agent}，工号{licence}，在{insurer}做保险销售。', true),
    p('您好，我是您的客户经理{agent}，我的销售人员编号是{licence}，今天由我为您办理投保。'),
    p('我是{agent}，证件号码{licence}，您可以在监管网站上查到我的执业信息。'),
  ],
  consent: [
    p('为了保护您的权益，接下来的过程会全程录音录像，您同意吗？'),
    p('我们这次办理会同步录音录像，请问您是否同意？'),
    p('按照监管要求，我们需要对整个过程进行录音和录像，可以吗？'),
    p('咱们这个过程要录个像，声音也会录下来，您看行吗？', true),
  ],
  'identity-customer': [
    p('请您出示一下身份证，您是投保人本人吗？'),
    p('跟您核对一下身份，请问您是这份保单的投保人本人吗？'),
    p('麻烦您把身份证对着镜头，确认一下是您本人投保。'),
    p('您是本人来办的吧？身份证给我看一下。', true),
  ],
  'insurer-product': [
    p('今天给您介绍的是{insurer}的{product}。'),
    p('这款产品由{insurer}承保，名称叫{product}。'),
    p('我们这次办理的保险是{product}，保险公司是{insurer}。'),
    p('您买的这个是{insurer}出的，全称叫{product}。', true),
  ],
  coverage: [
    p('这款产品的保险责任主要包括{coverage}，具体以合同条款为准。'),
    p('我给您讲一下保障内容，主要有{coverage}，发生合同约定的情况就按约定给付。'),
    p('它保什么呢？简单说就是{coverage}这几块。', true),
    p('关于保险责任，合同里写得很清楚，包括{coverage}，您可以对照条款看一下。'),
  ],
  term: [
    p('保险期间是{coverTerm}，交费期间是{payTerm}。'),
    p('这个保单保障期限为{coverTerm}，缴费年限{payTerm}。'),
    p('保多久呢，是{coverTerm}；钱要交{payTerm}。', true),
    p('合同约定的保险期间为{coverTerm}，您需要连续缴费{payTerm}。'),
  ],
  premium: [
    p('您这份保单每年的保险费是{premium}。'),
    p('保费方面，每年需要交{premium}，到期会从您的账户自动扣款。'),
    p('一年交{premium}，每年差不多这个时候扣。', true),
    p('您每期应交的保费为{premium}，请按时缴纳，避免保单失效。'),
  ],
  fees: [], // product-dependent, see FEES
  exclusions: [
    p('请您特别留意合同里的责任免除部分，比如故意犯罪、酒后驾驶、战争这些情形，保险公司是不赔的。'),
    p('有几种情况我们不承担保险责任，这些都写在免责条款里，您务必仔细阅读。'),
    p('合同中加粗的那一部分是除外责任，出现那些情况是不赔的，请您认真看一下。'),
    p('我要特别提醒一下哪些情况不赔：像投保人故意伤害被保险人、被保险人醉酒驾车，都属于免除保险公司责任的情形。', true),
    p('条款第七条写的是保险人不承担给付责任的情况，黑体字那部分您一定要看。'),
  ],
  'health-notice': [
    p('根据法律规定，您需要如实告知被保险人的健康状况，如果没有如实告知，保险公司可能不承担责任。'),
    p('投保单上有健康告知的问题，请您逐项看清楚，如实填写，隐瞒的话以后可能影响理赔。'),
    p('被保险人最近两年有没有住过院、做过手术？这些都要如实告诉我们，不然以后可能赔不了。', true),
    p('健康告知这一块很重要，有什么病史一定要照实说，不能隐瞒。'),
  ],
  'benefit-uncertainty': [], // product-dependent, see UNCERTAINTY
  'not-deposit': [
    p('需要提醒您，这是保险公司的保险产品，不是银行存款，也不是银行理财。'),
    p('本产品由保险公司承保，不是储蓄存款，请您知悉。'),
    p('我们银行只是代理销售，这个是保险，跟存款不是一回事。', true),
  ],
  'cooling-off': [
    p('您签收保单后有十五天的犹豫期，在这期间退保，保险公司会退还您交的全部保费。'),
    p('收到合同之后十五天内，如果您改变主意可以解除合同，已交的保费全额退还。'),
    p('拿到保单以后有十五天冷静期，这段时间里不想要了可以退，钱全部退给您。', true),
    p('犹豫期是从您签收回执那天起算的十五日，犹豫期内解除合同没有损失。'),
  ],
  'surrender-loss': [
    p('如果过了犹豫期再退保，只能拿回保单的现金价值，前几年的现金价值明显低于已交保费，会有损失。'),
    p('提前解除合同是会有损失的，退还的是现金价值，前几年拿回来的钱比交的少。'),
    p('中途退保不划算，前期现金价值很低，您可能拿不回交进来的本金。', true),
    p('请注意，犹豫期后退保可能导致经济损失，具体金额以现金价值表为准。'),
  ],
};

const FEES: Record<'charges' | 'none', Phrase[]> = {
  charges: [
    p('需要跟您说明一下费用：每次交保费会先扣除初始费用，第一年是百分之三，之后每月还有保单管理费。'),
    p('这个产品是有扣费的，包括初始费用、风险保险费和保单管理费，具体比例在合同的费用条款里。'),
    p('您交的钱不是全部进账户，要先扣掉一部分初始费用，账户每个月还要扣管理费。', true),
    p('关于费用，除了初始费用以外，部分领取和退保也会收取手续费，比例都列在合同附表里。'),
  ],
  none: [
    p('这款产品不单独收取初始费用或账户管理费，您交的保费就是合同里写的金额。'),
    p('费用方面，除了保费之外不会另外收手续费或者管理费。'),
    p('除了保费没有别的费用，不收什么管理费。', true),
  ],
};

const UNCERTAINTY: Record<'participating' | 'universal' | 'investment-linked', Phrase[]> = {
  participating: [
    p('这是一款分红型产品，分红是不确定的，要看公司每年的经营情况，有的年份可能没有分红。'),
    p('计划书上的红利演示只是举例，不代表以后真的能拿到这么多，实际分红可能高也可能低，甚至为零。'),
    p('分红这块说不准，跟公司经营挂钩，演示的数字您别当真。', true),
    p('红利水平不是固定的，公司经营得好就多一些，不好可能就没有。'),
  ],
  universal: [
    p('万能账户有保底利率，超过保底的部分是不确定的，过去的结算利率不代表以后。'),
    p('演示里的中档和高档利率只是假设，实际结算利率可能更低，只有保底那部分是合同约定的。'),
    p('账户利息每个月公布一次，会上下浮动，高的那部分不是一定有的。', true),
  ],
  'investment-linked': [
    p('投资账户的价值随投资单位价格波动，可能出现亏损，投资风险由您自己承担。'),
    p('这个产品的收益不确定，账户里的钱可能涨也可能跌，过往业绩不代表未来表现。'),
    p('账户是跟着市场走的，涨跌都有可能，亏了是要自己承担的。', true),
  ],
};

// A real close asks the customer to sign in person before the voluntariness question (the
// signature prompt is a required point of the recording, though not a labelled concept here).
const CLOSING: Phrase[] = [
  p('请您在投保单上亲笔签名。请问您是自愿购买这份保险的吗？'),
  p('稍后请您本人在投保书上签字确认。最后确认一下，这次投保是您本人自愿的吗？'),
  p('签名这里要您自己签一下。没有人强迫您买吧？是自己愿意投保的吗？', true),
];

// For participating, universal and investment-linked products the policyholder also copies the risk
// statement by hand (新型产品信息披露办法; a major point in the regulation's table): the close asks for it.
// Same length and flags as CLOSING, so the seeded choices stay the same.
const CLOSING_NEW_TYPE: Phrase[] = [
  p('请您在投保单上亲笔签名，并在风险提示栏抄录这句风险提示语。请问您是自愿购买这份保险的吗？'),
  p('稍后请您本人在投保书上签字确认，风险提示语也请您亲笔抄写一遍。最后确认一下，这次投保是您本人自愿的吗？'),
  p('签名这里要您自己签一下，这句风险提示您照着抄一遍。没有人强迫您买吧？是自己愿意投保的吗？', true),
];

const QUESTIONS = ['您清楚了吗？', '这一点您明白吗？', '您了解了吗？', '关于这部分，您是否清楚？', '这个您能理解吗？', '{addr}，听明白了吗？'];

const YES = ['清楚。', '明白了。', '好的，清楚了。', '了解。', '是的，我清楚。', '嗯，明白。', '知道了。', '没问题，我了解了。', '可以，理解。', '听明白了。'];
const YES_CONSENT = ['同意。', '可以，同意。', '好的，没问题。', '行，录吧。'];
const YES_IDENTITY = ['是的，我是本人。', '对，是我本人。', '是我本人。', '是我，这是我的身份证。'];
const YES_VOLUNTARY = ['是的，自愿的。', '是我自己愿意买的。', '对，自愿投保。', '没人强迫，我自愿的。'];
const YES_HEALTH = ['好的，我都如实填了。', '没有住过院，都照实说了。', '明白，我如实告知。'];
const YES_AFTER_CLARIFY = ['哦，这回明白了。', '现在清楚了。', '嗯，这下听懂了。'];

const HEDGES = ['不太清楚。', '没听懂。', '你再说一遍？', '这个我不太明白。'] as const;
const MOVE_ON = ['没关系，合同上都有写，我们继续往下。', '这个不要紧，您回去再慢慢看。', '好的，那我们先往下讲。'];

/** Proxy answers: the agent asks and then answers for the customer. */
const PROXY_INLINE = ['嗯，清楚的。好，我们接着往下。', '明白的明白的，下一项。', '是的，了解，我们继续。'];
const PROXY_SEPARATE = ['是的，了解。', '对，清楚的。', '嗯，都明白了。'];

const GUARANTEES_REAL = [
  '您放心，这款产品是保本的，本金肯定不会亏。',
  '说实话这个就是稳赚的，放在这里每年都有收益。',
  '我们保证您每年收益不低于百分之四点五。',
  '这个产品零风险，您完全不用担心亏钱。',
  '您这钱放进来只会多不会少，怎么算都不吃亏。',
] as const;
const GUARANTEES_NEGATED = [
  '需要说明的是，这个产品不保本，投资账户可能出现亏损。',
  '我不能向您保证收益，过去的业绩也不代表将来。',
  '这不是稳赚不赔的产品，也不是零风险的。',
] as const;
/** deposit-confusion lines; the first also promises principal and interest back (a guarantee too) */
const DEPOSIT_CONFUSION = [
  '其实这个跟存款一样，到期本金利息一起拿回来。',
  '您就当是在我们银行存了个五年定期，利息还比定期高一些。',
] as const;

// ---------------------------------------------------------------------------------------------
// Case specifications

interface CaseSpec {
  slug: string;
  description: string;
  product: ProductKey;
  channel: Channel;
  age: number;
  persona: number;
  /** steps left out entirely (disclosure and its confirmation) */
  omit?: Step[];
  /** disclosure made, no question asked, no answer given */
  noConfirm?: Step[];
  /** customer hedges; clarified = the agent explains again and gets a clear yes */
  hedge?: { step: Step; kind: number; clarified: boolean }[];
  /** agent answers for the customer (inline: in the same breath; else a separate agent turn) */
  proxy?: { step: Step; inline: boolean }[];
  /** disclosures read at about 8 characters a second */
  rushed?: boolean;
  /** real guarantee lines (index into GUARANTEES_REAL), said after the coverage */
  guarantees?: number[];
  /** negated guarantee lines (index into GUARANTEES_NEGATED), compliant */
  negated?: number[];
  /** deposit confusion lines (index into DEPOSIT_CONFUSION) */
  deposit?: number[];
  /** only the colloquial phrasings */
  colloquialOnly?: boolean;
}

export const CASES: CaseSpec[] = [
  // compliant, several agents and products
  { slug: 'compliant-traditional', description: '合规：传统终身寿险，代理人渠道', product: 'traditional', channel: 'agent', age: 35, persona: 0 },
  { slug: 'compliant-participating', description: '合规：分红型年金，代理人渠道', product: 'participating', channel: 'agent', age: 42, persona: 1 },
  { slug: 'compliant-universal-broker', description: '合规：万能型寿险，经纪渠道', product: 'universal', channel: 'broker', age: 38, persona: 2 },
  { slug: 'compliant-investment-linked', description: '合规：投连险', product: 'investment-linked', channel: 'agent', age: 45, persona: 3 },
  { slug: 'compliant-health', description: '合规：重疾险', product: 'health', channel: 'agent', age: 30, persona: 4 },
  { slug: 'compliant-participating-bank', description: '合规：银保渠道分红险，说明不是存款', product: 'participating', channel: 'bank', age: 50, persona: 1 },
  { slug: 'compliant-annuity-bank-senior', description: '合规：银保渠道年金险，投保人66岁', product: 'annuity', channel: 'bank', age: 66, persona: 0 },
  { slug: 'compliant-hedge-clarified', description: '合规：客户先说不太清楚，代理人重新解释后客户明确表示明白', product: 'participating', channel: 'agent', age: 40, persona: 2, hedge: [{ step: 'exclusions', kind: 0, clarified: true }] },
  { slug: 'compliant-repeat-senior', description: '合规：62岁客户要求再说一遍，代理人重复后客户表示清楚', product: 'health', channel: 'agent', age: 62, persona: 3, hedge: [{ step: 'surrender-loss', kind: 2, clarified: true }] },
  { slug: 'compliant-negated-guarantee-il', description: '合规：投连险，代理人明确说不保本、不能保证收益', product: 'investment-linked', channel: 'agent', age: 36, persona: 3, negated: [0, 1] },
  { slug: 'compliant-negated-guarantee-universal', description: '合规：万能险，代理人说不是稳赚不赔、不是零风险', product: 'universal', channel: 'bank', age: 48, persona: 4, negated: [2] },
  { slug: 'compliant-colloquial', description: '合规：口语化转述的话术（同义改写）', product: 'annuity', channel: 'agent', age: 44, persona: 4, colloquialOnly: true },
  { slug: 'compliant-colloquial-participating', description: '合规：分红险，口语化转述', product: 'participating', channel: 'broker', age: 52, persona: 3, colloquialOnly: true },

  // each required item missing
  { slug: 'missing-consent', description: '未征得客户同意录音录像', product: 'traditional', channel: 'agent', age: 33, persona: 1, omit: ['consent'] },
  { slug: 'missing-identity-agent', description: '销售人员未表明身份和执业证号', product: 'annuity', channel: 'agent', age: 41, persona: 2, omit: ['identity-agent'] },
  { slug: 'missing-identity-customer', description: '未核实投保人身份', product: 'health', channel: 'agent', age: 29, persona: 0, omit: ['identity-customer'] },
  { slug: 'missing-insurer-product', description: '未说明保险公司和产品名称', product: 'participating', channel: 'agent', age: 39, persona: 4, omit: ['insurer-product'] },
  { slug: 'missing-coverage', description: '未说明保险责任', product: 'traditional', channel: 'broker', age: 47, persona: 3, omit: ['coverage'] },
  { slug: 'missing-exclusions', description: '未提示责任免除条款', product: 'health', channel: 'agent', age: 34, persona: 1, omit: ['exclusions'] },
  { slug: 'missing-exclusions-bank', description: '银保渠道未提示责任免除条款', product: 'participating', channel: 'bank', age: 55, persona: 0, omit: ['exclusions'] },
  { slug: 'missing-premium', description: '未说明保费', product: 'annuity', channel: 'agent', age: 43, persona: 2, omit: ['premium'] },
  { slug: 'missing-term', description: '未说明保险期间和交费期间', product: 'health', channel: 'broker', age: 31, persona: 4, omit: ['term'] },
  { slug: 'missing-fees', description: '万能险未说明费用扣除', product: 'universal', channel: 'agent', age: 46, persona: 1, omit: ['fees'] },
  { slug: 'missing-fees-il', description: '投连险未说明费用扣除', product: 'investment-linked', channel: 'bank', age: 50, persona: 2, omit: ['fees'] },
  { slug: 'missing-cooling-off', description: '未说明犹豫期', product: 'participating', channel: 'bank', age: 57, persona: 3, omit: ['cooling-off'] },
  { slug: 'missing-surrender-loss-senior', description: '未说明退保损失，投保人68岁，银保渠道', product: 'annuity', channel: 'bank', age: 68, persona: 0, omit: ['surrender-loss'] },
  { slug: 'missing-benefit-uncertainty', description: '分红险未说明分红不确定', product: 'participating', channel: 'agent', age: 37, persona: 2, omit: ['benefit-uncertainty'] },
  { slug: 'missing-benefit-uncertainty-bank-senior', description: '银保渠道分红险未说明分红不确定，投保人61岁', product: 'participating', channel: 'bank', age: 61, persona: 4, omit: ['benefit-uncertainty'] },
  { slug: 'missing-health-notice', description: '重疾险未提示健康告知', product: 'health', channel: 'agent', age: 28, persona: 3, omit: ['health-notice'] },

  // confirmation missing
  { slug: 'no-confirm-exclusions', description: '提示了责任免除，但没有询问客户是否清楚', product: 'traditional', channel: 'agent', age: 40, persona: 1, noConfirm: ['exclusions'] },
  { slug: 'no-confirm-surrender-loss', description: '说明了退保损失，但没有客户确认', product: 'participating', channel: 'bank', age: 53, persona: 3, noConfirm: ['surrender-loss'] },
  { slug: 'no-confirm-closing', description: '结尾没有确认客户自愿投保', product: 'health', channel: 'agent', age: 32, persona: 2, noConfirm: ['closing'] },

  // hedged answers with no later clear yes
  { slug: 'hedge-exclusions', description: '客户对责任免除回答“不太清楚”，代理人直接继续', product: 'traditional', channel: 'agent', age: 45, persona: 0, hedge: [{ step: 'exclusions', kind: 0, clarified: false }] },
  { slug: 'hedge-cooling-off', description: '客户对犹豫期回答“没听懂”，代理人直接继续', product: 'universal', channel: 'broker', age: 39, persona: 4, hedge: [{ step: 'cooling-off', kind: 1, clarified: false }] },
  { slug: 'hedge-surrender-repeat', description: '客户要求再说一遍，代理人没有重复就继续', product: 'annuity', channel: 'agent', age: 50, persona: 2, hedge: [{ step: 'surrender-loss', kind: 2, clarified: false }] },
  { slug: 'hedge-senior-bank', description: '70岁客户对分红不确定表示不太明白，未再确认', product: 'participating', channel: 'bank', age: 70, persona: 1, hedge: [{ step: 'benefit-uncertainty', kind: 3, clarified: false }] },

  // proxy answers
  { slug: 'proxy-inline', description: '代理人问完自己回答“清楚的”', product: 'traditional', channel: 'agent', age: 36, persona: 3, proxy: [{ step: 'exclusions', inline: true }] },
  { slug: 'proxy-separate-turn', description: '客户没有回答，代理人另起一句替客户回答', product: 'health', channel: 'agent', age: 27, persona: 1, proxy: [{ step: 'health-notice', inline: false }] },
  { slug: 'proxy-senior', description: '65岁客户，代理人替客户回答退保损失的确认', product: 'annuity', channel: 'bank', age: 65, persona: 4, proxy: [{ step: 'surrender-loss', inline: true }] },

  // rushed
  { slug: 'rushed-traditional', description: '代理人以极快语速念完告知内容', product: 'traditional', channel: 'agent', age: 44, persona: 2, rushed: true },
  { slug: 'rushed-universal-bank', description: '银保渠道万能险，告知内容语速过快', product: 'universal', channel: 'bank', age: 58, persona: 0, rushed: true },

  // real guarantees
  { slug: 'guarantee-principal', description: '承诺保本', product: 'participating', channel: 'agent', age: 49, persona: 0, guarantees: [0] },
  { slug: 'guarantee-sure-profit', description: '说稳赚', product: 'universal', channel: 'agent', age: 35, persona: 1, guarantees: [1] },
  { slug: 'guarantee-yield', description: '保证收益率', product: 'participating', channel: 'bank', age: 54, persona: 2, guarantees: [2] },
  { slug: 'guarantee-zero-risk', description: '说零风险', product: 'investment-linked', channel: 'agent', age: 41, persona: 4, guarantees: [3] },
  { slug: 'guarantee-paraphrase', description: '换一种说法承诺不亏（只会多不会少）', product: 'annuity', channel: 'agent', age: 59, persona: 3, guarantees: [4] },

  // deposit confusion (bank channel)
  { slug: 'deposit-like-savings', description: '银保渠道说“跟存款一样”', product: 'participating', channel: 'bank', age: 52, persona: 0, deposit: [0] },
  { slug: 'deposit-paraphrase', description: '银保渠道说“就当存了个定期”，虽然前面念了“不是存款”', product: 'annuity', channel: 'bank', age: 63, persona: 2, deposit: [1] },

  // several at once
  { slug: 'combo-guarantee-missing-exclusions', description: '承诺保本且未提示责任免除', product: 'universal', channel: 'bank', age: 60, persona: 3, guarantees: [0], omit: ['exclusions'] },
  { slug: 'combo-proxy-rushed', description: '语速过快且代理人替客户回答', product: 'participating', channel: 'agent', age: 46, persona: 4, rushed: true, proxy: [{ step: 'cooling-off', inline: false }] },
];

// ---------------------------------------------------------------------------------------------
// Building one session

interface Utterance {
  speaker: 'A' | 'C';
  text: string;
  /** characters per second for this utterance */
  pace: number;
  /** seconds of silence before it */
  gap: number;
}

export interface DualrecTranscriptFile {
  format: 'dualrec-transcript';
  version: 1;
  language: 'zh';
  segments: { id: number; start: number; end: number; text: string; speaker: string }[];
}

export interface GeneratedSession {
  /** file stem: `<name>.transcript.json`, `<name>.meta.json`, `<name>.expected.json` */
  name: string;
  description: string;
  transcript: DualrecTranscriptFile;
  meta: Record<string, unknown>;
  expected: Expected;
}

function fill(template: string, product: Product, persona: Persona): string {
  return template
    .replaceAll('{insurer}', product.insurer)
    .replaceAll('{product}', product.name)
    .replaceAll('{coverage}', product.coverage)
    .replaceAll('{coverTerm}', product.coverTerm)
    .replaceAll('{payTerm}', product.payTerm)
    .replaceAll('{premium}', product.premium)
    .replaceAll('{agent}', persona.name)
    .replaceAll('{licence}', persona.licence)
    // "您，听明白了吗" reads wrong: a bare 您 runs straight into the question
    .replaceAll('{addr}，', persona.address === '您' ? '您' : `${persona.address}，`)
    .replaceAll('{addr}', persona.address);
}

/** Characters that take time to say: Han, letters, digits. */
function spokenLength(text: string): number {
  return [...text].filter((c) => /[\p{Script=Han}\p{L}\p{N}]/u.test(c)).length;
}

function poolFor(step: Step, product: Product): Phrase[] {
  if (step === 'closing') return product.type === 'participating' || product.type === 'universal' || product.type === 'investment-linked' ? CLOSING_NEW_TYPE : CLOSING;
  if (step === 'fees') return FEES[product.chargesFees ? 'charges' : 'none'];
  if (step === 'benefit-uncertainty') {
    if (product.type === 'participating' || product.type === 'universal' || product.type === 'investment-linked') {
      return UNCERTAINTY[product.type];
    }
    return [];
  }
  return DISCLOSURES[step];
}

/** Whether a step belongs in this product's and channel's script at all. */
function stepApplies(step: Step, product: Product, channel: Channel): boolean {
  if (step === 'benefit-uncertainty') return product.uncertainBenefits;
  if (step === 'not-deposit') return channel === 'bank';
  return true;
}

function choosePhrase(rng: Rng, pool: Phrase[], spec: CaseSpec, persona: Persona, avoid?: Phrase): Phrase {
  let candidates = pool.filter((x) => x !== avoid);
  if (spec.colloquialOnly) {
    const c = candidates.filter((x) => x.colloquial);
    if (c.length > 0) candidates = c;
  } else if (!persona.colloquial) {
    // formal agents read the script; keep their colloquial lines rare
    const formal = candidates.filter((x) => !x.colloquial);
    if (formal.length > 0 && !rng.chance(0.15)) candidates = formal;
  }
  return rng.pick(candidates);
}

const SENIOR_ADDRESS = ['阿姨', '叔叔'];

function buildSession(spec: CaseSpec, index: number): GeneratedSession {
  const rng = createRng(`dualrec-eval-set:${spec.slug}`);
  const product = PRODUCTS[spec.product];
  const basePersona = PERSONAS[spec.persona % PERSONAS.length]!;
  const persona: Persona = spec.age >= 60 ? { ...basePersona, address: rng.pick(SENIOR_ADDRESS) } : basePersona;
  const utterances: Utterance[] = [];
  const agentPace = () => persona.pace * (0.92 + rng.next() * 0.16);
  const say = (text: string, pace = agentPace(), gap = 0.4 + rng.next() * 0.8) =>
    utterances.push({ speaker: 'A', text, pace, gap });
  const answer = (text: string) => utterances.push({ speaker: 'C', text, pace: 2.6 + rng.next() * 0.6, gap: 0.6 + rng.next() * 1.2 });
  const question = () => fill(rng.pick(QUESTIONS), product, persona);
  const filler = () => (rng.chance(0.35) ? rng.pick(persona.fillers) : '');

  const omit = new Set(spec.omit ?? []);
  const noConfirm = new Set(spec.noConfirm ?? []);
  const hedges = new Map((spec.hedge ?? []).map((h) => [h.step, h]));
  const proxies = new Map((spec.proxy ?? []).map((x) => [x.step, x]));
  const rushedSteps = new Set<Step>(['coverage', 'term', 'premium', 'fees', 'exclusions', 'health-notice', 'benefit-uncertainty', 'cooling-off', 'surrender-loss']);

  // Some agents talk premium before term, or cooling-off straight after exclusions: order varies.
  const steps = [...STEPS];
  if (rng.chance(0.5)) swap(steps, steps.indexOf('term'), steps.indexOf('premium'));
  if (rng.chance(0.3)) swap(steps, steps.indexOf('fees'), steps.indexOf('exclusions'));

  for (const step of steps) {
    if (!stepApplies(step, product, spec.channel) || omit.has(step)) continue;
    const pool = poolFor(step, product);
    const phrase = choosePhrase(rng, pool, spec, persona);
    const text = fill(phrase.text, product, persona);
    const pace = spec.rushed && rushedSteps.has(step) ? 7.6 + rng.next() * 1.2 : agentPace();
    const lead = step === 'identity-agent' || step === 'consent' || step === 'identity-customer' || step === 'closing' ? '' : filler();

    if (step === 'identity-agent') {
      // no answer expected: the agent introduces himself and goes on to consent
      say(text, pace);
      continue;
    }
    // these lines are questions themselves
    const selfAsking = step === 'consent' || step === 'identity-customer' || step === 'closing';
    const q = selfAsking ? '' : question();
    const proxy = proxies.get(step);

    if (noConfirm.has(step)) {
      // made, but no one asks and no one answers: strip the question a consent / closing line carries
      if (step === 'closing') continue;
      say(lead + text, pace);
      continue;
    }
    if (proxy) {
      if (proxy.inline) {
        say(lead + text + (q || '') + rng.pick(PROXY_INLINE), pace);
      } else {
        if (persona.questionInline || selfAsking) say(lead + text + q, pace);
        else {
          say(lead + text, pace);
          say(q);
        }
        // the customer stays silent; the agent fills the gap himself
        say(rng.pick(PROXY_SEPARATE), agentPace(), 1.5 + rng.next());
      }
      continue;
    }

    if (persona.questionInline || selfAsking) say(lead + text + q, pace);
    else {
      say(lead + text, pace);
      say(q);
    }

    const hedge = hedges.get(step);
    if (hedge) {
      const h = HEDGES[hedge.kind % HEDGES.length]!;
      answer(h);
      if (hedge.clarified) {
        const again = h === '你再说一遍？' ? phrase : choosePhrase(rng, pool, { ...spec, colloquialOnly: false }, persona, phrase);
        say((h === '你再说一遍？' ? '好，我再说一遍。' : '我换个说法，') + fill(again.text, product, persona) + question());
        answer(rng.pick(YES_AFTER_CLARIFY));
      } else {
        say(rng.pick(MOVE_ON));
      }
    } else {
      answer(rng.pick(step === 'consent' ? YES_CONSENT : step === 'identity-customer' ? YES_IDENTITY : step === 'closing' ? YES_VOLUNTARY : step === 'health-notice' ? YES_HEALTH : YES));
    }

    // sales talk goes after the coverage, where agents pitch the product
    if (step === 'coverage') {
      for (const g of spec.guarantees ?? []) say(filler() + GUARANTEES_REAL[g]!);
      for (const g of spec.negated ?? []) say(filler() + GUARANTEES_NEGATED[g]!);
    }
    if (step === 'benefit-uncertainty' || (step === 'premium' && !product.uncertainBenefits)) {
      for (const d of spec.deposit ?? []) say(DEPOSIT_CONFUSION[d]!);
    }
  }
  // deposit talk needs a place even if the step that carries it was omitted
  if ((spec.deposit?.length ?? 0) > 0 && !utterances.some((u) => DEPOSIT_CONFUSION.some((d) => u.text === d))) {
    throw new Error(`${spec.slug}: deposit line has no place in the script`);
  }

  const name = `${String(index + 1).padStart(2, '0')}-${spec.slug}`;
  const transcript: DualrecTranscriptFile = { format: 'dualrec-transcript', version: 1, language: 'zh', segments: [] };
  let t = 1.0;
  for (const u of utterances) {
    const start = t + u.gap;
    const end = start + spokenLength(u.text) / u.pace + 0.15;
    transcript.segments.push({ id: transcript.segments.length, start: round2(start), end: round2(end), text: u.text, speaker: u.speaker });
    t = end;
  }

  const meta = SessionMetaSchema.parse({
    session_id: `eval-${name}`,
    recorded_at: `2024-${String((index % 12) + 1).padStart(2, '0')}-${String((index % 27) + 1).padStart(2, '0')}`,
    product: { name: product.name, type: product.type, ...(product.termYears ? { term_years: product.termYears } : {}) },
    channel: spec.channel,
    policyholder: { age: spec.age },
    insured_is_policyholder: true,
    agent: { id: persona.licence },
    roles: { speakers: { A: 'agent', C: 'customer' } },
  });

  return { name, description: spec.description, transcript, meta, expected: labelFor(spec, product) };
}

function swap<T>(a: T[], i: number, j: number): void {
  const x = a[i]!;
  a[i] = a[j]!;
  a[j] = x;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Labels from what the script contains (see the counting notes in tests/eval-set/INDEX.md). */
function labelFor(spec: CaseSpec, product: Product): Expected {
  const concepts: Partial<Record<string, LabelStatus>> = {};
  const omit = new Set(spec.omit ?? []);
  for (const step of STEPS) {
    const concept = STEP_CONCEPT[step];
    if (!concept) continue;
    if (!stepApplies(step, product, spec.channel)) concepts[concept] = 'not_applicable';
    else concepts[concept] = omit.has(step) ? 'fail' : 'pass';
  }
  const hedgedUnclear = (spec.hedge ?? []).some((h) => !h.clarified);
  const proxied = (spec.proxy ?? []).length > 0;
  // the closing's voluntariness question is insurers' practice, not the regulation's: leaving it out
  // is no violation (src/eval/concept-severity.ts)
  const unconfirmed = (spec.noConfirm ?? []).some((s) => s !== 'closing');
  const confirmationFails = hedgedUnclear || proxied || unconfirmed;
  // A whole step left out takes its confirmation with it: whether that is a missing confirmation or
  // only a missing disclosure is a matter of reading, so confirmation is left unlabelled there —
  // unless a confirmation that was asked for failed as well.
  if (confirmationFails) concepts['confirmation.customer'] = 'fail';
  else if (omit.size === 0) concepts['confirmation.customer'] = 'pass';
  concepts['conduct.speech-rate'] = spec.rushed ? 'fail' : 'pass';
  concepts['conduct.proxy-answer'] = proxied ? 'fail' : 'pass';
  // "到期本金利息一起拿回来" promises the money back in full: a guarantee as well as a deposit comparison
  const depositPromises = (spec.deposit ?? []).includes(0);
  concepts['prohibited.guarantee'] = (spec.guarantees?.length ?? 0) > 0 || depositPromises ? 'fail' : 'pass';
  concepts['prohibited.deposit-confusion'] = (spec.deposit?.length ?? 0) > 0 ? 'fail' : 'pass';

  const ordered: Partial<Record<(typeof CONCEPTS)[number], LabelStatus>> = {};
  for (const c of LABELLED_CONCEPTS) if (concepts[c]) ordered[c] = concepts[c];
  // only minor fails (the customer identity check) keep a PASS
  const verdict: Verdict = verdictFromLabels(ordered);
  return { verdict, concepts: ordered, case: spec.description };
}

/** Every session of the set, in a fixed order. */
export function generateEvalSet(): GeneratedSession[] {
  return CASES.map((spec, i) => buildSession(spec, i));
}

/**
 * Writes the set into `dir` (three files per session plus INDEX.md) and removes generated files of
 * sessions that no longer exist. Returns the file names written.
 */
export function writeEvalSet(dir: string): string[] {
  const sessions = generateEvalSet();
  return writeLabelledSet(dir, sessions, indexMarkdown(sessions));
}

function indexMarkdown(sessions: GeneratedSession[]): string {
  const lines = [
    '# dualrec evaluation set',
    '',
    'Generated by `npx tsx scripts/make-eval-set.ts` from `src/eval/generator.ts` — do not edit by hand.',
    'Transcript-only sessions (`<name>.transcript.json` + `<name>.meta.json`), labelled in `<name>.expected.json`.',
    '',
    'How the labels are set (from what the generator put into each script, not from the rules):',
    '- `disclosure.*`, `consent.recording`, `identity.*`: `pass` when said, `fail` when left out; a',
    '  disclosure the product does not need (e.g. benefit uncertainty for a traditional product) and that',
    '  was not said is `not_applicable`.',
    '- `confirmation.customer`: `fail` when a confirmation was never asked, hedged with no later clear yes,',
    '  or answered by the agent; `pass` when every one got a clear yes. Left unlabelled where a whole',
    '  disclosure step (and so its question) was left out: that reads either way.',
    '- `conduct.speech-rate`: `fail` when the disclosures are read at about 8 characters a second',
    '  (normal: about 3–3.5). `conduct.proxy-answer`: `fail` when the agent answered for the customer.',
    '- `prohibited.guarantee` / `prohibited.deposit-confusion`: `fail` only for real promises; negated',
    '  statements (不保本, 不能保证收益, 不是存款) are compliant.',
    '- Visual and integrity concepts are not labelled: a transcript cannot tell them.',
    '- `verdict`: `FAIL` when a concept that is not minor is `fail` (src/eval/concept-severity.ts), else `PASS`.',
    '',
    '| session | case | expected | violations |',
    '|---|---|---|---|',
  ];
  for (const s of sessions) {
    const fails = Object.entries(s.expected.concepts).filter(([, v]) => v === 'fail').map(([k]) => k);
    lines.push(`| ${s.name} | ${s.description} | ${s.expected.verdict} | ${fails.join(', ') || '—'} |`);
  }
  return lines.join('\n') + '\n';
}
