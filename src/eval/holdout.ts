// The HELD-OUT labelled set (tests/eval-holdout/): 双录 transcripts written independently of the
// rule packs, to measure whether the rules generalise to wording they were not written against.
//
// Ten full scripts ("bases") are written by hand, each by a different agent on a different
// product / channel, the way agents and bank wealth managers actually talk in a 双录: fillers, run-on
// sentences, disclosures spread over several segments, customers answering in their own words and
// asking back before they confirm. Every other case is one of those scripts with a few hand-written
// edits (a block left out, a hedged answer, the agent answering for the customer, a pitch with a
// promise, a rushed read, hand-made ASR homophone errors).
//
// Labels come from what the script says (each block is tagged with the disclosures it makes), and are
// cross-checked against the violations each case declares, so a slip in one shows up as an error
// here rather than as a wrong label. Nothing here reads the rules. Deterministic: same code, same files.
import { verdictFromLabels } from './concept-severity.js';
import { SessionMetaSchema, type Channel, type Concept, type ProductType, type Verdict } from '../model/index.js';
import type { Expected, LabelStatus } from './metrics.js';
import { writeLabelledSet } from './labelled-set.js';
import { createRng } from './random.js';

/** Concepts labelled in the held-out set (visual / integrity ones cannot be told from a transcript). */
export const HOLDOUT_CONCEPTS = [
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
  'disclosure.not-deposit',
  'disclosure.signature',
  'confirmation.customer',
  'confirmation.voluntary',
  'conduct.speech-rate',
  'conduct.proxy-answer',
  'prohibited.guarantee',
  'prohibited.deposit-confusion',
] as const satisfies readonly Concept[];
export type HoldoutConcept = (typeof HOLDOUT_CONCEPTS)[number];

/** Things a script says (a block's tags): the disclosure-type concepts. */
type Said =
  | 'consent.recording'
  | 'identity.agent'
  | 'identity.customer'
  | 'disclosure.insurer-product'
  | 'disclosure.coverage'
  | 'disclosure.exclusions'
  | 'disclosure.premium'
  | 'disclosure.fees'
  | 'disclosure.term'
  | 'disclosure.cooling-off'
  | 'disclosure.surrender-loss'
  | 'disclosure.benefit-uncertainty'
  | 'disclosure.health-notice'
  | 'disclosure.not-deposit'
  | 'disclosure.signature';

/** Concepts about how the session went, set per case (default pass). */
type Behaviour = 'confirmation.customer' | 'confirmation.voluntary' | 'conduct.speech-rate' | 'conduct.proxy-answer' | 'prohibited.guarantee' | 'prohibited.deposit-confusion';

/** Whether a disclosure is required for this product and channel. */
function required(c: Said, type: ProductType, channel: Channel): boolean {
  // explicit account charges (initial charge, bid-offer spread, management fees, surrender charge)
  // belong to universal and investment-linked products; traditional products carry none to disclose
  if (c === 'disclosure.fees') return type === 'universal' || type === 'investment-linked';
  // 新型产品: benefits beyond the guarantee are uncertain
  if (c === 'disclosure.benefit-uncertainty') return type === 'participating' || type === 'universal' || type === 'investment-linked';
  if (c === 'disclosure.not-deposit') return channel === 'bank';
  return true;
}

// ---------------------------------------------------------------------------------------------
// Script building blocks

type Sp = 'A' | 'C';
interface Turn {
  sp: Sp;
  text: string;
  /** silence before this turn, seconds (default: drawn from the speaker change) */
  gap?: number;
}
type Step =
  | 'open'
  | 'agent-id'
  | 'consent'
  | 'customer-id'
  | 'product'
  | 'not-deposit'
  | 'coverage'
  | 'term-premium'
  | 'benefit'
  | 'fees'
  | 'exclusions'
  | 'health'
  | 'cooling-off'
  | 'surrender'
  | 'signature'
  | 'closing'
  | 'pitch'
  | 'aside';
interface Block {
  step: Step;
  says: Said[];
  turns: Turn[];
  /** read at an unnaturally fast pace */
  rushed?: boolean;
}

const A = (text: string, gap?: number): Turn => ({ sp: 'A', text, ...(gap !== undefined ? { gap } : {}) });
const C = (text: string, gap?: number): Turn => ({ sp: 'C', text, ...(gap !== undefined ? { gap } : {}) });
const blk = (step: Step, says: Said[], ...turns: Turn[]): Block => ({ step, says, turns });

interface Base {
  product: { name: string; type: ProductType; termYears?: number };
  channel: Channel;
  age: number;
  licence: string;
  /** speaker labels as the transcript vendor wrote them (diarisation labels are arbitrary) */
  labels: { agent: string; customer: string };
  /** agent characters per second in normal speech */
  agentPace: number;
  customerPace: number;
  blocks: Block[];
}

// ---------------------------------------------------------------------------------------------
// The ten hand-written scripts (fictional insurers, banks and people)

type BaseKey = 'b1' | 'b2' | 'b3' | 'b4' | 'b5' | 'b6' | 'b7' | 'b8' | 'b9' | 'b10';

const BASES: Record<BaseKey, Base> = {
  // Agent channel, 增额终身寿 (traditional), chatty agent who knows the customer.
  b1: {
    product: { name: '君泰臻享传家终身寿险', type: 'traditional' },
    channel: 'agent',
    age: 35,
    licence: '210003886572',
    labels: { agent: 'A', customer: 'C' },
    agentPace: 4.9,
    customerPace: 4.2,
    blocks: [
      blk('open', [], A('张哥您好，那咱们现在就开始了啊。'), C('好。')),
      blk(
        'agent-id',
        ['identity.agent'],
        A('嗯，先介绍一下我自己，我是君泰人寿保险股份有限公司的保险代理人李娟，'),
        A('这是我的执业证，就这个，编号是210003886572，您可以看一下。'),
        C('嗯，好。'),
      ),
      blk(
        'consent',
        ['consent.recording'],
        A('然后跟您说一下啊，按照监管的要求，咱们今天这个投保的过程要全程录音录像，'),
        A('这个录音录像呢对您以后维护自己的权益是很关键的，所以也麻烦您认真一点，您同意录吗？'),
        C('行，没问题，录吧。'),
      ),
      blk(
        'customer-id',
        ['identity.customer'],
        A('好嘞，那您把身份证拿起来对着镜头放一下，对，放脸旁边就行。'),
        A('您是投保人张志刚本人是吧？'),
        C('对，是我本人。'),
      ),
      blk(
        'product',
        ['disclosure.insurer-product'],
        A('那个，今天您买的这个产品呢，是我们君泰人寿的君泰臻享传家终身寿险，它是一款增额终身寿险，属于传统型的。'),
        C('嗯。'),
      ),
      blk(
        'coverage',
        ['disclosure.coverage'],
        A('保障的话就是说，被保险人身故或者全残，我们按已交保费、现金价值和当年有效保额这三个里面取最高的那个来赔，'),
        A('有效保额每年按三个点往上涨，这个在合同里是写明了的。'),
        A('您这边听明白了吗？'),
        C('嗯对，就是身故全残赔嘛。'),
      ),
      blk(
        'term-premium',
        ['disclosure.term', 'disclosure.premium'],
        A('交费呢是年交，每年交三万块钱，一共交十年，保障是终身的，就是保一辈子。'),
        C('嗯，每年三万交十年，知道了。'),
      ),
      blk(
        'health',
        ['disclosure.health-notice'],
        A('还有就是说，投保单上面有一些健康问题，比如您之前有没有住过院、做过手术这些，'),
        A('您一定要如实填写啊，要是没有如实告知，以后出了事保险公司是有可能不赔的，合同也可能给解除掉。'),
        C('这个我知道，我都照实填的。'),
      ),
      blk(
        'exclusions',
        ['disclosure.exclusions'],
        A('然后这个条款里面有一部分叫责任免除，就是哪些情况保险公司是不赔的，'),
        A('像故意犯罪、吸毒、酒驾或者无证驾驶出的事，还有合同生效两年内自杀的，这些都不赔，条款里面加黑加粗的字您回去也再仔细看一下。'),
        A('这部分您清楚了吧？'),
        C('清楚了。'),
      ),
      blk(
        'cooling-off',
        ['disclosure.cooling-off'],
        A('另外您收到保单以后有十五天的犹豫期，这十五天里您要是觉得不合适想退，保费是全额退给您的，最多扣个十块钱的工本费。'),
        C('哦，十五天是吧，行。'),
      ),
      blk(
        'surrender',
        ['disclosure.surrender-loss'],
        A('但是过了犹豫期再退的话，就只能退现金价值了，前几年现金价值是比交的保费少的，会有损失，这个您要有个心理准备。'),
        A('嗯，犹豫期还有退保这块您都了解了吗？'),
        C('了解了。'),
      ),
      blk(
        'signature',
        ['disclosure.signature'],
        A('好，那您在投保单这个投保人签名的地方亲笔签一下您的名字，一定要您本人签啊。'),
        C('签这儿是吧？'),
        A('对，就这儿。'),
      ),
      blk(
        'closing',
        [],
        A('最后再跟您确认一下，今天这个保险是您自己自愿买的吗？'),
        C('是我自己愿意买的。'),
        A('好的，那今天的录制就到这儿，谢谢张哥。'),
      ),
    ],
  },

  // Bank channel, participating annuity, wealth manager reading the bank's script with her own fillers.
  b2: {
    product: { name: '瀚海金禧年金保险（分红型）', type: 'participating', termYears: 15 },
    channel: 'bank',
    age: 42,
    licence: '330100201905432',
    labels: { agent: 'SPEAKER_00', customer: 'SPEAKER_01' },
    agentPace: 5.2,
    customerPace: 4.0,
    blocks: [
      blk('open', [], A('陈女士您好，欢迎来到临江银行城南支行。'), C('你好。')),
      blk(
        'agent-id',
        ['identity.agent'],
        A('我是本行的理财经理周婷，也是取得保险代理资格的销售人员，'),
        A('我的保险销售从业人员执业证编号是330100201905432，您可以在监管的系统里查到。'),
      ),
      blk(
        'consent',
        ['consent.recording'],
        A('根据监管规定，我们需要对这次保险销售的过程进行同步录音录像，此次录音录像过程对于今后您维护权益非常关键，请问您同意吗？'),
        C('同意。'),
      ),
      blk(
        'customer-id',
        ['identity.customer'],
        A('那请您出示一下身份证原件，对着镜头这边。'),
        C('给。'),
        A('好的，您是投保人陈静女士本人，对吧？'),
        C('嗯对，我是。'),
      ),
      blk(
        'product',
        ['disclosure.insurer-product'],
        A('您今天购买的是瀚海人寿保险股份有限公司的瀚海金禧年金保险，分红型，我们银行是代理销售，保险合同是您和瀚海人寿签的。'),
      ),
      blk(
        'not-deposit',
        ['disclosure.not-deposit'],
        A('这里要特别跟您说明一下，这个是保险产品，它不是银行存款，也不是我们银行的理财产品，'),
        A('它的风险和收益跟存款是不一样的。'),
        C('嗯，我知道是保险。'),
      ),
      blk(
        'coverage',
        ['disclosure.coverage'],
        A('保险责任主要是三块，一个是从第五个保单周年日开始，每年给您一笔生存保险金，是基本保额的百分之二十；'),
        A('然后保险期满有满期保险金；中间如果被保险人身故的话，有身故保险金。'),
        C('嗯，这个我看过了。'),
      ),
      blk(
        'term-premium',
        ['disclosure.term', 'disclosure.premium'],
        A('这个产品保险期间是十五年，交费期间是三年，年交，每年交十万元，三年一共三十万。'),
        A('交费这块您确认一下，没问题吧？'),
        C('没问题，每年十万。'),
      ),
      blk(
        'benefit',
        ['disclosure.benefit-uncertainty'],
        A('然后它是分红型的，分红这块呢，是不保证的，要看公司每年的经营情况，有的年份可能多有的年份可能少，甚至有可能是零。'),
        A('那个利益演示里的高中低三档也只是个演示，不代表以后实际能拿到多少。'),
        A('这个您能理解吧？'),
        C('能理解，分红不一定有。'),
      ),
      blk(
        'exclusions',
        ['disclosure.exclusions'],
        A('接下来请您看一下条款里的责任免除部分，'),
        A('就是在一些情况下保险公司不承担给付责任，比如投保人故意杀害、故意伤害被保险人，被保险人故意犯罪或者抗拒依法采取的刑事强制措施，还有两年内自杀这些。'),
        A('这部分内容您清楚吗？'),
        C('清楚。'),
      ),
      blk(
        'health',
        ['disclosure.health-notice'],
        A('投保单上的告知事项请您如实填写，如果有隐瞒，可能影响以后的理赔。'),
        C('好的。'),
      ),
      blk(
        'cooling-off',
        ['disclosure.cooling-off'],
        A('本产品的犹豫期是十五天，从您签收保单的第二天开始算，犹豫期内您可以无条件退保，扣除不超过十元的工本费以后退还您交的保费。'),
      ),
      blk(
        'surrender',
        ['disclosure.surrender-loss'],
        A('过了犹豫期以后解除合同，退的是保单的现金价值，会有一定的损失，特别是前几年，损失会比较大。'),
        A('犹豫期和退保损失您都了解了吗？'),
        C('了解了。'),
      ),
      blk(
        'signature',
        ['disclosure.signature'],
        A('那麻烦您在投保单上签字，然后在这个风险提示语的地方，把这句话抄一遍：'),
        A('本人已阅读保险条款、产品说明书和投保提示书，了解本产品的特点和保单利益的不确定性。'),
        C('好，我抄一下。'),
      ),
      blk(
        'closing',
        [],
        A('最后请问您，今天购买这款保险是您本人的真实意愿吗？'),
        C('是的，是我自愿的。'),
        A('好，谢谢您，本次录音录像到此结束。'),
      ),
    ],
  },

  // Agent channel, critical illness, young agent on familiar terms; the customer asks questions back.
  b3: {
    product: { name: '青禾守护重大疾病保险', type: 'health', termYears: 41 },
    channel: 'agent',
    age: 29,
    licence: '440300198827661',
    labels: { agent: 'agent', customer: 'client' },
    agentPace: 5.4,
    customerPace: 4.4,
    blocks: [
      blk('open', [], A('刘洋你好，那咱们开始啊，我这边已经开始录了。'), C('嗯。')),
      blk(
        'agent-id',
        ['identity.agent'],
        A('先自我介绍一下哈，我是青禾健康保险股份有限公司的代理人马骁，'),
        A('执业证号是440300198827661，证在这儿，你看一下。'),
      ),
      blk(
        'consent',
        ['consent.recording'],
        A('那个，跟你说一下，就是说咱们整个过程都是录音录像的，这是监管规定的，'),
        A('以后万一有什么纠纷，这个录像对你维护自己的权益是很重要的，你同意吧？'),
        C('嗯，可以。'),
      ),
      blk('customer-id', ['identity.customer'], A('好，身份证给我一下，放镜头前面，对。你是刘洋本人对吧？'), C('嗯，本人。')),
      blk('product', ['disclosure.insurer-product'], A('这次买的是我们青禾健康的青禾守护重大疾病保险，就是个重疾险。'), C('嗯。')),
      blk(
        'coverage',
        ['disclosure.coverage'],
        A('保的东西呢就是说，一百一十种重疾，确诊了就赔五十万保额，'),
        A('然后二十五种中症赔保额的百分之六十，四十种轻症赔百分之三十，得了轻症中症以后的保费也不用交了，就是豁免。'),
        C('那个，我要是得了甲状腺癌这种，算重疾吗？'),
        A('甲状腺癌现在按行业的规定，早期的一般算轻度恶性肿瘤，按轻症赔百分之三十，具体看条款里的定义。'),
        C('哦，那懂了。'),
      ),
      blk('term-premium', ['disclosure.term', 'disclosure.premium'], A('交费是二十年，每年六千八，保到七十岁。'), C('嗯，每年六千八，行。')),
      blk(
        'health',
        ['disclosure.health-notice'],
        A('嗯，有个特别重要的事儿啊，健康告知那一页，问的那些问题，像有没有甲状腺结节、乳腺结节，体检有没有异常，你一定要如实勾，'),
        A('不如实告知的话，以后理赔的时候公司查出来是可以拒赔的，这个你千万注意。'),
        C('我去年体检有个肺结节，这个要写吗？'),
        A('要写的，写上，公司核保会看，可能会加费或者除外，但写了以后就不会有理赔纠纷。'),
        C('行，那我写上。'),
      ),
      blk(
        'exclusions',
        ['disclosure.exclusions'],
        A('然后责任免除，就是不赔的情况，条款第几条来着，第七条，你翻到这儿，'),
        A('就是九十天等待期里面确诊的不赔，只退保费；还有故意犯罪、吸毒、酒驾、核辐射、先天性疾病这些也不赔，你自己也看一下。'),
        A('这块你清楚不？'),
        C('嗯，清楚了。'),
      ),
      blk('cooling-off', ['disclosure.cooling-off'], A('收到保单以后有十五天犹豫期，这段时间里不想要了可以全退。')),
      blk(
        'surrender',
        ['disclosure.surrender-loss'],
        A('过了犹豫期退保就只退现金价值了，重疾险的现金价值前面很低的，退了是亏钱的，这个你心里有数。'),
        C('知道了。'),
      ),
      blk('signature', ['disclosure.signature'], A('那你在这个地方签字，投保人签名，被保险人签名也是你，两个都签。'), C('好。')),
      blk(
        'closing',
        [],
        A('最后问一下，这个保险是你自己想买的，没人逼你吧？'),
        C('哈哈，没有，我自己要买的。'),
        A('行，那今天就到这儿，辛苦了。'),
      ),
    ],
  },

  // Bank channel, universal life, customer manager; the contract's guaranteed minimum rate is a
  // legitimate "保底", the crediting rate above it is not guaranteed.
  b4: {
    product: { name: '北辰添利终身寿险（万能型）', type: 'universal' },
    channel: 'bank',
    age: 55,
    licence: '42010087315',
    // the diariser happened to number the customer first
    labels: { agent: 'S2', customer: 'S1' },
    agentPace: 4.8,
    customerPace: 3.9,
    blocks: [
      blk('open', [], A('王先生您好，那我们现在开始录像了啊。'), C('好的。')),
      blk(
        'agent-id',
        ['identity.agent'],
        A('我先做个介绍，我是江城农商银行营业部的客户经理孙浩，'),
        A('我的保险代理从业人员执业证编号是42010087315，这个是我的证件。'),
      ),
      blk(
        'consent',
        ['consent.recording'],
        A('嗯，按照规定呢，这次保险的销售过程需要全程录音录像，这个录像对您今后维护自己的合法权益是很重要的，您看您是否同意？'),
        C('同意，你录吧。'),
      ),
      blk(
        'customer-id',
        ['identity.customer'],
        A('麻烦您把身份证对着镜头，嗯好的，请您说一下您的姓名。'),
        C('王建国。'),
        A('您是投保人本人吧？'),
        C('是的。'),
      ),
      blk(
        'product',
        ['disclosure.insurer-product'],
        A('您这次投保的是北辰人寿保险有限公司的北辰添利终身寿险，万能型，是北辰人寿的产品，我们行代理销售。'),
      ),
      blk('not-deposit', ['disclosure.not-deposit'], A('跟您说清楚啊，这是一份保险，不是存款，也不是我们行发的理财。'), C('嗯，明白。')),
      blk(
        'coverage',
        ['disclosure.coverage', 'disclosure.fees'],
        A('它的保险责任呢，主要是身故保险金，按身故当时个人账户价值的一定比例给付，'),
        A('然后您交的保费扣掉初始费用以后进入万能账户，每个月按公司公布的结算利率计息。'),
        C('嗯。'),
      ),
      blk(
        'fees',
        ['disclosure.fees'],
        A('费用这块我要跟您讲一下，一个是初始费用，每笔保费进账户之前会扣一部分，'),
        A('另外每个月还要扣风险保险费，就是身故保障的成本，还有前五年如果退保或者部分领取，要收退保费用，'),
        A('第一年是百分之五，逐年递减到第五年百分之一，第六年开始就不收了。'),
        A('这几项费用您清楚了吗？'),
        C('嗯，清楚，就是会扣点费。'),
      ),
      blk('term-premium', ['disclosure.term', 'disclosure.premium'], A('这个产品保险期间是终身，交费是三年，每年五万元。'), C('行。')),
      blk(
        'benefit',
        ['disclosure.benefit-uncertainty'],
        A('利率这块您注意一下啊，合同里有个保底利率，是年利率百分之一点七五，这个是合同保证的最低结算利率，'),
        A('超过保底的那部分是不确定的，要看公司的投资情况，现在宣传单上写的结算利率只是现在的，以后可能会降，我不能跟您说肯定有多少。'),
        A('这个您了解吧？'),
        C('了解了，保底是一点七五，往上的不一定。'),
      ),
      blk(
        'exclusions',
        ['disclosure.exclusions'],
        A('接下来是责任免除，就是保险公司不赔的情形，您看条款这一页，'),
        A('主要有故意犯罪、酒后驾驶、战争军事冲突、核爆炸核辐射这些，还有两年内自杀。'),
        A('这部分您看一下，有没有什么疑问？'),
        C('没什么问题。'),
      ),
      blk('health', ['disclosure.health-notice'], A('然后投保单上的健康告知，请您按照自己的实际情况如实填写。'), C('好的，我会照实填。')),
      blk(
        'cooling-off',
        ['disclosure.cooling-off'],
        A('犹豫期是十五天，自您签收保单之日起算，犹豫期内退保退还全部保费，最多扣工本费十元。'),
      ),
      blk(
        'surrender',
        ['disclosure.surrender-loss', 'disclosure.fees'],
        A('犹豫期过了以后退保，退的是账户价值扣除退保费用以后的金额，可能会比您交的保费少，有损失的。'),
        A('这些您都清楚了吗？'),
        C('清楚了。'),
      ),
      blk(
        'signature',
        ['disclosure.signature'],
        A('那请您在投保单上签名，并且在这里抄录一句风险提示，'),
        A('就是本人已阅读保险条款、产品说明书和投保提示书，了解本产品的特点和保单利益的不确定性。'),
        C('嗯，我写一下。'),
      ),
      blk('closing', [], A('最后确认一下，这份保险是您自愿购买的吗？'), C('是自愿的。'), A('好的，谢谢王先生。')),
    ],
  },

  // Agent channel, investment-linked, formal agent reading closely to the script.
  b5: {
    product: { name: '南岭远见投资连结保险', type: 'investment-linked' },
    channel: 'agent',
    age: 46,
    licence: '02000133010080056781',
    labels: { agent: 'A', customer: 'C' },
    agentPace: 4.6,
    customerPace: 4.0,
    blocks: [
      blk('open', [], A('郑女士您好，感谢您今天抽出时间。')),
      blk(
        'agent-id',
        ['identity.agent'],
        A('我是南岭人寿保险股份有限公司的保险营销员黄伟，我的执业证编号是02000133010080056781，请您核对。'),
        C('好的。'),
      ),
      blk(
        'consent',
        ['consent.recording'],
        A('在正式开始之前要跟您说明，根据保险销售行为可回溯管理的要求，本次销售过程将进行录音录像，'),
        A('这个录音录像过程对于今后您维护自己的权益非常关键，请问您同意本次录音录像吗？'),
        C('同意。'),
      ),
      blk(
        'customer-id',
        ['identity.customer'],
        A('请您出示身份证件。好，请您确认，您是本次投保的投保人郑晓梅本人吗？'),
        C('是的，我是郑晓梅。'),
      ),
      blk(
        'product',
        ['disclosure.insurer-product'],
        A('您投保的产品是南岭人寿的南岭远见投资连结保险，这是一款投资连结保险，属于人身保险新型产品。'),
        C('嗯。'),
      ),
      blk(
        'coverage',
        ['disclosure.coverage', 'disclosure.fees'],
        A('保险责任方面，被保险人身故的话，我们按投资账户价值的百分之一百零五给付身故保险金。'),
        A('您交的保费扣除初始费用以后，会按您选的比例放进投资账户，您选的是平衡型账户。'),
      ),
      blk('term-premium', ['disclosure.term', 'disclosure.premium'], A('本合同保险期间为终身，交费期间十年，年交保费两万元。'), C('对，两万一年。')),
      blk(
        'fees',
        ['disclosure.fees'],
        A('费用方面，首先是初始费用，第一年扣保费的百分之五，第二年百分之三，以后是百分之一；'),
        A('其次，资金买入投资单位的时候有买入价和卖出价的差价，百分之二；另外每年有资产管理费，年费率一点五；'),
        A('每个月还有保单管理费五块钱，以及风险保险费。'),
        A('这些费用条款里都有列明，您清楚吗？'),
        C('嗯，费用我看过了，清楚。'),
      ),
      blk(
        'benefit',
        ['disclosure.benefit-uncertainty'],
        A('特别提醒您，投资连结保险的投资风险是由您自己承担的，账户价值会随投资单位的价格波动，'),
        A('这个产品不保本，收益是不能保证的，账户价值有可能低于您交的保费。'),
        A('过去的投资业绩也不代表将来。您能接受这个风险吗？'),
        C('能接受，我之前也买过基金。'),
      ),
      blk(
        'exclusions',
        ['disclosure.exclusions'],
        A('下面请您阅读责任免除条款，这一部分是保险公司不承担保险责任的情形，请您重点关注加粗的内容。'),
        A('比如被保险人故意自伤、故意犯罪、醉酒、服用毒品，还有合同成立或复效之日起两年内自杀，这些情况下我们不给付身故保险金，只退还账户价值。'),
        A('您是否已经了解？'),
        C('了解了。'),
      ),
      blk(
        'health',
        ['disclosure.health-notice'],
        A('在填写投保单时，请您对健康告知的所有问题如实回答，未如实告知可能导致合同解除或者不予理赔。'),
        C('明白。'),
      ),
      blk(
        'cooling-off',
        ['disclosure.cooling-off'],
        A('本合同有十五日的犹豫期，犹豫期内您可以申请解除合同，我们退还您所交的保费，扣除不超过十元的工本费。'),
      ),
      blk(
        'surrender',
        ['disclosure.surrender-loss', 'disclosure.fees'],
        A('犹豫期后解除合同的，我们退还保单账户价值扣除退保费用后的余额，前几年退保会有较大的损失。'),
        A('关于犹豫期和退保，您还有没有疑问？'),
        C('没有疑问。'),
      ),
      blk(
        'signature',
        ['disclosure.signature'],
        A('请您在投保单上签名，并且在风险提示语的位置亲笔抄录：'),
        A('本人已阅读保险条款、产品说明书和投保提示书，了解本产品的特点和保单利益的不确定性。'),
        C('好的。'),
      ),
      blk('closing', [], A('最后请您确认，您是自愿投保本产品的吗？'), C('是，自愿的。'), A('谢谢，本次录制结束。')),
    ],
  },

  // Bank channel, traditional pension annuity, 67-year-old customer who mistakes it for a deposit and
  // is corrected; "保证领取二十年" is a legitimate guaranteed payout period.
  b6: {
    product: { name: '东湖颐年养老年金保险', type: 'traditional', termYears: 18 },
    channel: 'bank',
    age: 67,
    licence: '32058119870615',
    labels: { agent: 'SPEAKER_00', customer: 'SPEAKER_01' },
    agentPace: 4.4,
    customerPace: 3.1,
    blocks: [
      blk('open', [], A('李阿姨您好，您坐，我们现在开始啊。'), C('哎，好。')),
      blk(
        'agent-id',
        ['identity.agent'],
        A('阿姨，我是临江银行新华路支行的客户经理何敏，'),
        A('我的保险销售执业证号是32058119870615，您看这是我的工牌和证。'),
        C('哦，好的好的。'),
      ),
      blk(
        'consent',
        ['consent.recording'],
        A('阿姨，我们现在要给咱们买保险的这个过程录音录像，这是国家规定的，'),
        A('录下来对您以后维护您自己的权益很关键，您同意录像吗？'),
        C('同意，录吧。'),
      ),
      blk(
        'customer-id',
        ['identity.customer'],
        A('您把身份证拿出来对着这个镜头，对，好。您是李秀兰阿姨本人是吧？'),
        C('是我，我就是李秀兰。'),
      ),
      blk(
        'product',
        ['disclosure.insurer-product'],
        A('阿姨，您今天买的是东湖人寿保险股份有限公司的东湖颐年养老年金保险，是东湖人寿的产品，我们银行是帮他们代卖的。'),
      ),
      blk(
        'not-deposit',
        ['disclosure.not-deposit', 'disclosure.surrender-loss'],
        C('这个就是存款吧？跟存定期一样的吧？'),
        A('不是的阿姨，这个跟存款不一样，它是保险，不是存款，也不是理财，钱是交给保险公司的，'),
        A('而且中途要是取出来是会亏的，跟定期不一样，这个您一定要弄清楚。'),
        C('哦，是保险啊，那我知道了。'),
      ),
      blk(
        'coverage',
        ['disclosure.coverage'],
        A('这个保险是这样，您交完钱以后，从下个月开始每个月给您发养老金，一直发到您八十五岁，'),
        A('保证领取二十年，就是说万一中间人不在了，没领够二十年的部分给您家里人。'),
        A('阿姨这个您听明白了吗？'),
        C('听明白了。'),
      ),
      blk(
        'term-premium',
        ['disclosure.term', 'disclosure.premium'],
        A('交钱是一次交清，交十五万，保险期间到您八十五周岁。'),
        C('你再说一遍，多少？'),
        A('一次交十五万，就交这一次，以后不用再交了。'),
        C('哦，十五万一次，知道了。'),
      ),
      blk(
        'exclusions',
        ['disclosure.exclusions'],
        A('阿姨，还有这个条款里的责任免除您要看一下，就是这些情况保险公司不赔身故的钱，比如故意犯罪啊，吸毒啊，酒后开车这些，'),
        A('字比较小，我给您指着，就是这几条，您看清楚了吗？'),
        C('嗯，看了，清楚了。'),
      ),
      blk(
        'health',
        ['disclosure.health-notice'],
        A('然后这个投保单上问您身体情况的，您要照实说，有什么病都要写上，不照实写以后可能赔不了。'),
        C('我有高血压，吃着药。'),
        A('那就写上，如实写就对了。'),
        C('好，写上。'),
      ),
      blk(
        'cooling-off',
        ['disclosure.cooling-off'],
        A('阿姨，这个有十五天的犹豫期，您拿到保单十五天之内觉得不想要，可以全额退，只扣十块钱工本费。'),
      ),
      blk(
        'surrender',
        ['disclosure.surrender-loss'],
        A('过了十五天再退，就只能退现金价值，那个会比您交的十五万少不少，会亏钱的，所以这个钱一定得是您闲着不用的钱。'),
        A('犹豫期和退保会有损失这个事，您清楚了吧？'),
        C('清楚了，这钱我放着不用的。'),
      ),
      blk('signature', ['disclosure.signature'], A('那阿姨您在这儿签个名字，签全名，写慢点没关系。'), C('在这签啊？好。')),
      blk(
        'closing',
        [],
        A('最后问您一句，这个保险是您自己愿意买的吧，没有人强迫您？'),
        C('是我自己愿意买的。'),
        A('好嘞，谢谢阿姨。'),
      ),
    ],
  },

  // Broker channel, participating endowment; the customer asks several questions back.
  b7: {
    product: { name: '星河满堂红两全保险（分红型）', type: 'participating', termYears: 20 },
    channel: 'broker',
    age: 38,
    licence: '20231015678',
    labels: { agent: 'agent', customer: 'client' },
    agentPace: 5.0,
    customerPace: 4.3,
    blocks: [
      blk('open', [], A('许先生您好，今天咱们把投保的手续办一下。'), C('好。')),
      blk(
        'agent-id',
        ['identity.agent'],
        A('我是恒远保险经纪有限公司的经纪人吴晨，我的执业证号码是20231015678，您扫这个码可以查到我的执业信息。'),
        C('嗯好。'),
      ),
      blk(
        'consent',
        ['consent.recording'],
        A('因为是保险销售，按规定咱们这个过程要录音录像，这个对您以后万一有争议的时候维护自己权益很重要，您同意吧？'),
        C('嗯，没问题。'),
      ),
      blk('customer-id', ['identity.customer'], A('嗯，那您拿一下身份证，对，正面朝镜头。您是许文博本人对吧？'), C('对。')),
      blk(
        'product',
        ['disclosure.insurer-product'],
        A('咱们今天投保的是星河人寿保险股份有限公司的星河满堂红两全保险，分红型的，我们经纪公司帮您选的产品，承保的是星河人寿。'),
        C('嗯。'),
      ),
      blk(
        'coverage',
        ['disclosure.coverage'],
        A('保险责任这块呢，满期的时候给满期保险金，按基本保险金额给；'),
        A('中间要是身故了，给身故保险金，按已交保费的百分之一百六十和现金价值里面大的那个给。'),
        C('满期能拿多少？'),
        A('满期就是基本保额，二十四万八，再加上每年的分红。'),
        C('哦，懂了。'),
      ),
      blk('term-premium', ['disclosure.term', 'disclosure.premium'], A('保险期间是二十年，交费十年，年交两万四千块。'), C('嗯，可以。')),
      blk(
        'benefit',
        ['disclosure.benefit-uncertainty'],
        A('就是说呢，分红这个，我得跟您讲清楚，它是不保证的，跟公司每年经营得好不好有关系，'),
        A('演示里写的那个数不代表一定能拿到，有些年可能没有分红。'),
        A('这个您能接受吗？'),
        C('能，这个我懂。'),
      ),
      blk(
        'exclusions',
        ['disclosure.exclusions'],
        A('然后责任免除您看下啊，这个框里的，投保人故意造成被保险人死亡、被保险人故意犯罪、两年内自杀、酒驾毒驾这些，是不赔的。'),
        A('有问题吗这块？'),
        C('没有，了解了。'),
      ),
      blk('health', ['disclosure.health-notice'], A('健康告知要如实啊，有就勾有，不然到时候理赔会有麻烦，可能拒赔。'), C('行。')),
      blk('cooling-off', ['disclosure.cooling-off'], A('犹豫期十五天，拿到合同十五天内随时可以退，保费全退。')),
      blk(
        'surrender',
        ['disclosure.surrender-loss'],
        A('过了犹豫期退的话，退的是现金价值，前几年会亏不少，您这个一定要想好，这钱要能放二十年。'),
        A('这个明白吧？'),
        C('明白。那要是中间急用钱呢？'),
        A('可以做保单贷款，贷现金价值的八成左右，要付利息的，不用退保。'),
        C('哦，那行，知道了。'),
      ),
      blk(
        'signature',
        ['disclosure.signature'],
        A('好，您在这几个地方签字，还有这句话抄一下，'),
        A('本人已阅读保险条款、产品说明书和投保提示书，了解本产品的特点和保单利益的不确定性。'),
        C('好，我写。'),
      ),
      blk('closing', [], A('最后确认一下，您是自愿投保的吧？'), C('嗯对，自愿的。'), A('好，谢谢许先生。')),
    ],
  },

  // Telesales, term life; phone only, identity by ID-number digits, health questions answered "没有".
  b8: {
    product: { name: '云栖安心定期寿险', type: 'traditional', termYears: 30 },
    channel: 'telesales',
    age: 32,
    licence: '110108001872634',
    labels: { agent: 'SPEAKER_01', customer: 'SPEAKER_00' },
    agentPace: 5.3,
    customerPace: 4.2,
    blocks: [
      blk('open', [], A('喂，您好，请问是赵磊先生吗？'), C('对，是我。')),
      blk(
        'agent-id',
        ['identity.agent'],
        A('赵先生您好，我是云栖人寿保险股份有限公司的电话销售专员林悦，工号8762，我的执业证编号是110108001872634。'),
      ),
      blk(
        'consent',
        ['consent.recording'],
        A('跟您说明一下，本次通话全程录音，录音对您以后维护自身权益非常重要，您同意的话我们继续好吗？'),
        C('可以，你说。'),
      ),
      blk(
        'customer-id',
        ['identity.customer'],
        A('好的，为了核实您的身份，麻烦您报一下您身份证号码的后六位。'),
        C('后六位是零三一五二六。'),
        A('好的，核对无误，谢谢。'),
      ),
      blk(
        'product',
        ['disclosure.insurer-product'],
        A('您之前在我们官网上了解的，是云栖人寿的云栖安心定期寿险，是一款传统型的定期寿险。'),
        C('嗯对。'),
      ),
      blk('coverage', ['disclosure.coverage'], A('它保障的是身故和全残，保额是一百万，被保险人身故或者全残的话，一次性赔一百万。')),
      blk(
        'term-premium',
        ['disclosure.term', 'disclosure.premium'],
        A('保险期间三十年，交费期间也是三十年，每年交一千一百八十元。'),
        A('这个保障和交费情况，您听清楚了吗？'),
        C('听清楚了。'),
      ),
      blk(
        'exclusions',
        ['disclosure.exclusions'],
        A('下面是责任免除条款，我会发短信把条款链接给您，请您重点阅读，'),
        A('主要是故意犯罪、吸毒、酒后驾驶、无证驾驶，还有两年内自杀等情况，保险公司不承担保险责任。'),
        A('请问您清楚了吗？'),
        C('嗯，清楚。'),
      ),
      blk(
        'health',
        ['disclosure.health-notice'],
        A('接下来我会问您几个健康问题，请您如实回答，如果不如实告知，可能导致拒赔或者合同解除。'),
        A('第一个，您过去两年内有没有住院或者做过手术？'),
        C('没有。'),
        A('第二个，您目前有没有高血压、糖尿病、癌症这些疾病？'),
        C('都没有。'),
      ),
      blk('cooling-off', ['disclosure.cooling-off'], A('本产品犹豫期为十五天，自您收到电子保单之日起算，犹豫期内退保，全额退还保费。')),
      blk(
        'surrender',
        ['disclosure.surrender-loss'],
        A('犹豫期后退保，我们只退还保单的现金价值，定期寿险的现金价值很低，退保会有较大损失。'),
        A('这两点您是否了解？'),
        C('了解。'),
      ),
      blk('signature', ['disclosure.signature'], A('稍后您会收到一条短信，点开链接核对投保信息以后进行电子签名确认。'), C('好。')),
      blk(
        'closing',
        [],
        A('最后请问，您是自愿投保这个产品的吗？'),
        C('是的，自愿。'),
        A('好的，感谢您的接听，祝您生活愉快，再见。'),
      ),
    ],
  },

  // Agent channel, participating whole life, 63-year-old customer, very colloquial agent he knows well.
  b9: {
    product: { name: '福临门终身寿险（分红型）', type: 'participating' },
    channel: 'agent',
    age: 63,
    licence: '37010219860312',
    labels: { agent: 'A', customer: 'C' },
    agentPace: 5.0,
    customerPace: 3.3,
    blocks: [
      blk('open', [], A('刘叔，咱这就开始了哈，您别紧张，就跟平时聊天一样。'), C('好。')),
      blk(
        'agent-id',
        ['identity.agent'],
        A('那个，我先说下我自己，我是云栖人寿的代理人陈秀芳，您一直叫我小陈嘛，我的执业证号是37010219860312，证您看一下。'),
        C('知道，小陈嘛。'),
      ),
      blk(
        'consent',
        ['consent.recording'],
        A('叔，现在咱们买保险都要录音录像的，这是规定，这个录像对您以后维护自己权益非常关键，您同意吧？'),
        C('同意。'),
      ),
      blk('customer-id', ['identity.customer'], A('您把身份证拿着，对着这个手机，哎对。您是刘福生本人吧？'), C('是我本人。')),
      blk('product', ['disclosure.insurer-product'], A('今天给您办的是云栖人寿的福临门终身寿险，是分红型的。'), C('嗯。')),
      blk(
        'coverage',
        ['disclosure.coverage'],
        A('它这个保障呢就是说，身故的话按基本保额和已交保费里面高的那个赔，然后每年还有分红，分红可以累积生息，也可以领出来。'),
        C('嗯，知道了。'),
      ),
      blk('term-premium', ['disclosure.term', 'disclosure.premium'], A('您是每年交两万，交五年，保终身。'), C('两万，五年，对。')),
      blk(
        'benefit',
        ['disclosure.benefit-uncertainty'],
        A('叔，分红这个我得跟您说实话，是不确定的，公司经营得好就多点，不好可能就少，甚至有的年份没有，'),
        A('我给您看的那个演示表也只是演示，不是保证给的。'),
        A('这个您明白吧？'),
        C('明白，分红不一定。'),
      ),
      blk(
        'exclusions',
        ['disclosure.exclusions'],
        A('还有这个责任免除，就是这几种情况不赔：故意犯罪、吸毒、酒驾，还有投保两年内自杀的。'),
        A('您看一下，清楚吗？'),
        C('嗯对，清楚。'),
      ),
      blk(
        'health',
        ['disclosure.health-notice'],
        A('还有身体的情况，投保单上问的要如实说啊叔，您那个糖尿病要写上，不写的话以后出险了可能不赔。'),
        C('写，我写上。'),
      ),
      blk(
        'cooling-off',
        ['disclosure.cooling-off'],
        A('您拿到保单以后十五天是犹豫期，犹豫期里不想要了可以退，钱全退给您，扣十块钱工本费。'),
      ),
      blk(
        'surrender',
        ['disclosure.surrender-loss'],
        A('要是过了这十五天再退，只能退现金价值，前几年可少了，亏得挺多的。'),
        A('这个您清楚了吧？'),
        C('清楚了，我不会退的。'),
      ),
      blk(
        'signature',
        ['disclosure.signature'],
        A('那您在这签个字，再把这句话照着抄一遍：'),
        A('本人已阅读保险条款、产品说明书和投保提示书，了解本产品的特点和保单利益的不确定性。'),
        C('这么长啊……好，我抄。'),
      ),
      blk('closing', [], A('最后一个啊叔，这保险是您自己愿意买的吧？'), C('嗯，我自己愿意的。'), A('好，那今天就录到这儿。')),
    ],
  },

  // Bank channel, traditional endowment, formal customer manager.
  b10: {
    product: { name: '东湖安享金两全保险', type: 'traditional', termYears: 10 },
    channel: 'bank',
    age: 58,
    licence: '330102009876543',
    labels: { agent: 'SPEAKER_00', customer: 'SPEAKER_01' },
    agentPace: 4.7,
    customerPace: 4.0,
    blocks: [
      blk('open', [], A('蒋先生您好。'), C('你好。')),
      blk(
        'agent-id',
        ['identity.agent'],
        A('我是临江银行东城支行的客户经理朱磊，我的保险代理从业人员执业证编号是330102009876543。'),
      ),
      blk(
        'consent',
        ['consent.recording'],
        A('本次投保过程需要录音录像，这是监管部门的要求，此次录音录像过程对于今后您维护权益非常关键，您是否同意？'),
        C('可以。'),
      ),
      blk('customer-id', ['identity.customer'], A('请出示您的身份证。您是蒋国平先生本人吗？'), C('是我。')),
      blk(
        'product',
        ['disclosure.insurer-product'],
        A('您这次购买的是东湖人寿保险股份有限公司的东湖安享金两全保险，由东湖人寿承保，本行代理销售。'),
      ),
      blk(
        'not-deposit',
        ['disclosure.not-deposit'],
        A('需要跟您强调的是，这是一款保险产品，并非存款，也不是本行的理财产品，不能和存款、理财简单做比较。'),
        C('这个我知道。'),
      ),
      blk(
        'coverage',
        ['disclosure.coverage'],
        A('它的保险责任是，保险期满被保险人生存的，按已交保费的百分之一百一十八给付满期保险金；'),
        A('在保险期间内身故的，按已交保费的百分之一百六十给付身故保险金。'),
        C('嗯。'),
      ),
      blk(
        'term-premium',
        ['disclosure.term', 'disclosure.premium'],
        A('保险期间十年，交费期间五年，每年交五万元。'),
        A('这个您核对一下，没有问题吧？'),
        C('没问题。'),
      ),
      blk(
        'exclusions',
        ['disclosure.exclusions'],
        A('然后请您阅读责任免除的部分，'),
        A('也就是说，在投保人故意造成被保险人身故、被保险人故意犯罪、酒驾、吸毒，或者合同生效两年内自杀的，保险公司是不承担给付责任的。'),
        A('您是否清楚？'),
        C('嗯，清楚了。'),
      ),
      blk(
        'health',
        ['disclosure.health-notice'],
        A('投保单上的健康告知，您按真实情况填，如果不如实告知，保险公司有权解除合同。'),
        C('行，知道了。'),
      ),
      blk(
        'cooling-off',
        ['disclosure.cooling-off'],
        A('本产品的犹豫期为十五日，犹豫期内退保，保险公司扣除十元以内工本费后全额退还保费。'),
      ),
      blk(
        'surrender',
        ['disclosure.surrender-loss'],
        A('犹豫期以后退保，只能退还保单现金价值，在前几个保单年度，现金价值会明显低于您交的保费，存在损失。'),
        A('这些内容您是否都清楚了？'),
        C('都清楚了。'),
      ),
      blk('signature', ['disclosure.signature'], A('请您在投保单和投保提示书上亲笔签名。'), C('好。')),
      blk(
        'closing',
        [],
        A('最后，请问您购买本产品是否出于您本人的自愿？'),
        C('是自愿的。'),
        A('好的，谢谢蒋先生，本次录音录像结束。'),
      ),
    ],
  },
};

// ---------------------------------------------------------------------------------------------
// Cases: a base script plus hand-written edits, and the violations the case is meant to contain

type Edit =
  | { omit: Step }
  | { replace: Step; with: Block }
  | { after: Step; insert: Block }
  | { rush: Step[] };

interface CaseSpec {
  slug: string;
  base: BaseKey;
  case: string;
  age?: number;
  edits?: Edit[];
  /** how the session went beyond what was said (default: pass) */
  behaviour?: Partial<Record<Behaviour, 'fail'>>;
  /** concepts a reader could fairly label either way here: left out of expected.json */
  unlabelled?: { concept: HoldoutConcept; why: string }[];
  /** hand-made ASR errors: [said, heard] pairs, each must occur in the script */
  asr?: { subs: [string, string][]; dropPunctuation?: boolean };
  /** the violations this case is written to contain: must equal what the labels derive to */
  violations: HoldoutConcept[];
}

// Hand-picked homophone / near-homophone errors of the kind Mandarin ASR makes on these words.
const ASR_B2: [string, string][] = [
  ['执业证', '职业证'],
  ['录音录像', '录音录象'],
  ['维护权益', '维护全益'],
  ['身份证', '身分证'],
  ['瀚海人寿', '汉海人寿'],
  ['分红型', '分洪型'],
  ['银行存款', '银行存宽'],
  ['生存保险金', '生存宝险金'],
  ['是不保证的', '是不保正的'],
  ['责任免除', '责任免出'],
  ['故意犯罪', '故意犯最'],
  ['如实填写', '如是填写'],
  ['犹豫期', '有余期'],
  ['工本费', '工本非'],
  ['现金价值', '现金加值'],
  ['会有一定的损失', '会有一定的孙失'],
  ['风险提示语', '风险提示雨'],
  ['能理解', '能里解'],
  ['自愿', '自原'],
];

const ASR_B3: [string, string][] = [
  ['重大疾病', '重大急病'],
  ['重疾险', '重急险'],
  ['四十种轻症', '四十种青症'],
  ['豁免', '活免'],
  ['健康告知', '健康告之'],
  ['如实勾', '如是勾'],
  ['拒赔', '巨赔'],
  ['责任免除', '责任勉除'],
  ['等待期', '等代期'],
  ['犹豫期', '由于期'],
  ['现金价值', '现金价植'],
  ['执业证', '职业证'],
  ['录音录像', '路音录像'],
  ['清楚', '青楚'],
];

const ASR_B7: [string, string][] = [
  ['经纪人', '经济人'],
  ['执业证', '执业正'],
  ['星河人寿', '星和人寿'],
  ['两全保险', '两全保线'],
  ['分红', '分鸿'],
  ['满期保险金', '满期保险经'],
  ['犹豫期', '犹鱼期'],
  ['退保', '退宝'],
  ['现金价值', '现金价直'],
  ['如实', '入实'],
  ['录音录像', '录音录相'],
  ['自愿', '资源'],
];

const ASR_B1: [string, string][] = [
  ['君泰人寿', '君太人寿'],
  ['执业证', '职业证'],
  ['终身寿险', '终生寿险'],
  ['全残', '全惨'],
  ['责任免除', '责任免处'],
  ['犹豫期', '有鱼期'],
  ['现金价值', '现今价值'],
  ['如实填写', '如实天写'],
  ['包赚', '包转'],
  ['录音录像', '录音录象'],
];

export const HOLDOUT_CASES: CaseSpec[] = [
  // ---- compliant, one per script
  { slug: 'compliant-agent-whole-life', base: 'b1', case: '合规：个险渠道增额终身寿，口语化，客户熟人', violations: [] },
  { slug: 'compliant-bank-participating', base: 'b2', case: '合规：银保渠道分红型年金，说明不是存款也不是理财', violations: [] },
  { slug: 'compliant-agent-critical-illness', base: 'b3', case: '合规：重疾险，客户多次反问后确认', violations: [] },
  { slug: 'compliant-bank-universal', base: 'b4', case: '合规：银保渠道万能险，合同保底利率（正当的“保底”）与不确定部分', violations: [] },
  { slug: 'compliant-agent-investment-linked', base: 'b5', case: '合规：投连险，书面化话术，明确不保本、收益不能保证', violations: [] },
  { slug: 'compliant-bank-annuity-senior', base: 'b6', case: '合规：银保渠道养老年金，67岁客户问“是不是存款”被纠正，“保证领取二十年”', violations: [] },
  { slug: 'compliant-broker-participating', base: 'b7', case: '合规：经纪渠道分红型两全险，客户问满期和急用钱', violations: [] },
  { slug: 'compliant-telesales-term-life', base: 'b8', case: '合规：电销定期寿险，仅录音，身份证后六位核身，健康问题答“没有”', violations: [] },
  { slug: 'compliant-agent-participating-senior', base: 'b9', case: '合规：63岁客户分红型终身寿，非常口语化', violations: [] },
  { slug: 'compliant-bank-endowment', base: 'b10', case: '合规：银保渠道两全险，正式话术', violations: [] },
  {
    slug: 'compliant-hedge-then-clarified',
    base: 'b5',
    case: '合规：客户先说没太听懂“不保本”，代理人解释后客户明确接受',
    edits: [
      {
        replace: 'benefit',
        with: blk(
          'benefit',
          ['disclosure.benefit-uncertainty'],
          A('特别提醒您，投资连结保险的投资风险是由您自己承担的，账户价值会随投资单位的价格波动，'),
          A('这个产品不保本，收益是不能保证的，账户价值有可能低于您交的保费。您能接受这个风险吗？'),
          C('这个我没太听懂，不保本是什么意思，会亏吗？'),
          A('是这样，您交的钱扣了费用以后是拿去投资的，投资有涨有跌，'),
          A('跌的时候账户里的钱就可能比您交的少，这部分损失是您自己承担的，保险公司不给您兜底。'),
          C('哦，那我明白了，可以接受。'),
        ),
      },
    ],
    violations: [],
  },
  {
    slug: 'compliant-bundled-confirmation',
    base: 'b10',
    case: '合规：责任免除、犹豫期、退保损失连着讲完后一并询问，客户确认“都清楚了”',
    edits: [
      {
        replace: 'exclusions',
        with: blk(
          'exclusions',
          ['disclosure.exclusions'],
          A('然后请您阅读责任免除的部分，'),
          A('也就是说，在投保人故意造成被保险人身故、被保险人故意犯罪、酒驾、吸毒，或者合同生效两年内自杀的，保险公司是不承担给付责任的。'),
        ),
      },
      {
        replace: 'surrender',
        with: blk(
          'surrender',
          ['disclosure.surrender-loss'],
          A('犹豫期以后退保，只能退还保单现金价值，在前几个保单年度，现金价值会明显低于您交的保费，存在损失。'),
          A('以上责任免除、犹豫期和退保的内容，您是否都清楚了？'),
          C('都清楚了。'),
        ),
      },
    ],
    violations: [],
  },
  {
    slug: 'compliant-negated-guarantee-universal',
    base: 'b4',
    case: '合规：客户问“是不是稳赚不赔”，客户经理否定并说明可能亏',
    edits: [
      {
        after: 'benefit',
        insert: blk(
          'aside',
          [],
          C('那这个就是稳赚不赔的呗？'),
          A('不是的王先生，不能说稳赚不赔，保底利率以上的部分是不确定的，'),
          A('而且前五年退保还要扣退保费用，提前退是可能亏的。'),
          C('哦，那我知道了。'),
        ),
      },
    ],
    violations: [],
  },
  {
    slug: 'compliant-question-back-exclusions',
    base: 'b7',
    case: '合规：客户对责任免除先反问（正常开车出事赔不赔），听完解释后确认',
    edits: [
      {
        replace: 'exclusions',
        with: blk(
          'exclusions',
          ['disclosure.exclusions'],
          A('然后责任免除您看下啊，这个框里的，投保人故意造成被保险人死亡、被保险人故意犯罪、两年内自杀、酒驾毒驾这些，是不赔的。'),
          A('有问题吗这块？'),
          C('那个，我问一下，平常开车出事故，不是酒驾那种，也不赔吗？'),
          A('不是的，正常开车出事是赔的，只有酒驾、毒驾、无证驾驶这种才不赔。'),
          C('哦，那行，了解了。'),
        ),
      },
    ],
    violations: [],
  },
  {
    slug: 'compliant-noisy-asr-bank',
    base: 'b2',
    case: '合规：银保分红险，识别文本有同音错字（职业证、有余期、责任免出、现金加值）',
    asr: { subs: ASR_B2 },
    violations: [],
  },
  {
    slug: 'compliant-noisy-asr-critical-illness',
    base: 'b3',
    case: '合规：重疾险，识别文本无标点且有同音错字（责任勉除、由于期、健康告之）',
    asr: { subs: ASR_B3, dropPunctuation: true },
    violations: [],
  },

  // ---- a required disclosure missing
  {
    slug: 'missing-consent',
    base: 'b3',
    case: '未告知录音录像、未征得同意',
    edits: [{ replace: 'open', with: blk('open', [], A('刘洋你好，那咱们开始啊。'), C('嗯。')) }, { omit: 'consent' }],
    violations: ['consent.recording'],
  },
  {
    slug: 'missing-agent-identity',
    base: 'b7',
    case: '经纪人只报了小名，未说明机构和执业证号',
    edits: [{ replace: 'agent-id', with: blk('agent-id', [], A('许先生您好，我是小吴，之前一直跟您微信联系的那个。'), C('嗯，知道。')) }],
    violations: ['identity.agent'],
  },
  {
    slug: 'missing-customer-identity',
    base: 'b10',
    case: '银保渠道未核实投保人身份',
    edits: [{ omit: 'customer-id' }],
    violations: ['identity.customer'],
  },
  {
    slug: 'missing-insurer-product',
    base: 'b4',
    case: '只说“上回给您看的那款”，未说明保险公司和产品名称',
    edits: [
      {
        replace: 'product',
        with: blk('product', [], A('您这次投保的就是上回给您看的那款终身寿险，万能型的，我们行代理销售。')),
      },
    ],
    violations: ['disclosure.insurer-product'],
  },
  {
    slug: 'missing-coverage',
    base: 'b1',
    case: '增额终身寿未说明保险责任',
    edits: [{ omit: 'coverage' }],
    violations: ['disclosure.coverage'],
  },
  {
    slug: 'missing-exclusions-bank',
    base: 'b2',
    case: '银保分红险未提示责任免除',
    edits: [{ omit: 'exclusions' }],
    violations: ['disclosure.exclusions'],
  },
  {
    slug: 'missing-exclusions-il',
    base: 'b5',
    case: '投连险未提示责任免除',
    edits: [{ omit: 'exclusions' }],
    violations: ['disclosure.exclusions'],
  },
  {
    slug: 'missing-premium-senior',
    base: 'b9',
    case: '63岁客户，只说交五年保终身，未说保费金额',
    edits: [{ replace: 'term-premium', with: blk('term-premium', ['disclosure.term'], A('您是交五年，保终身。'), C('五年，对。')) }],
    violations: ['disclosure.premium'],
  },
  {
    slug: 'missing-term-telesales',
    base: 'b8',
    case: '电销只说每年保费，未说保险期间和交费期间',
    edits: [
      {
        replace: 'term-premium',
        with: blk(
          'term-premium',
          ['disclosure.premium'],
          A('每年交一千一百八十元。'),
          A('这个保障和交费情况，您听清楚了吗？'),
          C('听清楚了。'),
        ),
      },
    ],
    violations: ['disclosure.term'],
  },
  {
    slug: 'missing-fees-universal',
    base: 'b4',
    case: '银保万能险未说明任何费用扣除（初始费用、风险保费、退保费用）',
    edits: [
      { omit: 'fees' },
      {
        replace: 'coverage',
        with: blk(
          'coverage',
          ['disclosure.coverage'],
          A('它的保险责任呢，主要是身故保险金，按身故当时个人账户价值的一定比例给付，'),
          A('然后您交的保费进入万能账户，每个月按公司公布的结算利率计息。'),
          C('嗯。'),
        ),
      },
      {
        replace: 'surrender',
        with: blk(
          'surrender',
          ['disclosure.surrender-loss'],
          A('犹豫期过了以后退保，退的是账户价值，可能会比您交的保费少，有损失的。'),
          A('这些您都清楚了吗？'),
          C('清楚了。'),
        ),
      },
    ],
    violations: ['disclosure.fees'],
  },
  {
    slug: 'missing-fees-il',
    base: 'b5',
    case: '投连险未说明初始费用、买入卖出差价、管理费等费用',
    edits: [
      { omit: 'fees' },
      {
        replace: 'coverage',
        with: blk(
          'coverage',
          ['disclosure.coverage'],
          A('保险责任方面，被保险人身故的话，我们按投资账户价值的百分之一百零五给付身故保险金。'),
          A('您交的保费会按您选的比例放进投资账户，您选的是平衡型账户。'),
        ),
      },
      {
        replace: 'surrender',
        with: blk(
          'surrender',
          ['disclosure.surrender-loss'],
          A('犹豫期后解除合同的，我们退还保单账户价值，前几年退保会有较大的损失。'),
          A('关于犹豫期和退保，您还有没有疑问？'),
          C('没有疑问。'),
        ),
      },
    ],
    violations: ['disclosure.fees'],
  },
  {
    slug: 'missing-cooling-off-broker',
    base: 'b7',
    case: '经纪渠道未说明犹豫期（只说中途退保有损失）',
    edits: [
      { omit: 'cooling-off' },
      {
        replace: 'surrender',
        with: blk(
          'surrender',
          ['disclosure.surrender-loss'],
          A('要是中途退保的话，退的是现金价值，前几年会亏不少，您这个一定要想好，这钱要能放二十年。'),
          A('这个明白吧？'),
          C('明白。'),
        ),
      },
    ],
    violations: ['disclosure.cooling-off'],
  },
  {
    slug: 'missing-cooling-off-bank',
    base: 'b10',
    case: '银保两全险未说明犹豫期',
    edits: [
      { omit: 'cooling-off' },
      {
        replace: 'surrender',
        with: blk(
          'surrender',
          ['disclosure.surrender-loss'],
          A('中途退保的话，只能退还保单现金价值，在前几个保单年度，现金价值会明显低于您交的保费，存在损失。'),
          A('这些内容您是否都清楚了？'),
          C('都清楚了。'),
        ),
      },
    ],
    violations: ['disclosure.cooling-off'],
  },
  {
    slug: 'missing-surrender-loss-senior',
    base: 'b9',
    case: '63岁客户，只讲了犹豫期，未说明犹豫期后退保的损失',
    edits: [
      { omit: 'surrender' },
      {
        replace: 'cooling-off',
        with: blk(
          'cooling-off',
          ['disclosure.cooling-off'],
          A('您拿到保单以后十五天是犹豫期，犹豫期里不想要了可以退，钱全退给您，扣十块钱工本费。'),
          A('这个您清楚了吧？'),
          C('清楚了。'),
        ),
      },
    ],
    violations: ['disclosure.surrender-loss'],
  },
  {
    slug: 'missing-benefit-uncertainty-bank',
    base: 'b2',
    case: '银保分红险未说明分红不确定（只有客户抄录的风险提示语里有“不确定性”）',
    edits: [{ omit: 'benefit' }],
    violations: ['disclosure.benefit-uncertainty'],
  },
  {
    slug: 'missing-benefit-uncertainty-senior',
    base: 'b9',
    case: '63岁客户分红险，只说“每年还有分红”，未说明分红不确定',
    edits: [{ omit: 'benefit' }],
    violations: ['disclosure.benefit-uncertainty'],
  },
  {
    slug: 'missing-health-notice',
    base: 'b3',
    case: '重疾险未提示如实告知',
    edits: [{ omit: 'health' }],
    violations: ['disclosure.health-notice'],
  },
  {
    slug: 'missing-not-deposit',
    base: 'b10',
    case: '银保渠道未说明“不是存款、不是理财”',
    edits: [{ omit: 'not-deposit' }],
    violations: ['disclosure.not-deposit'],
  },
  {
    slug: 'missing-signature',
    base: 'b5',
    case: '投连险未提示亲笔签名和抄录风险提示语',
    edits: [{ omit: 'signature' }],
    violations: ['disclosure.signature'],
  },

  // ---- disclosure made, confirmation missing or hedged
  {
    slug: 'no-confirm-exclusions-telesales',
    base: 'b8',
    case: '电销念完责任免除没有询问客户，直接进入健康告知',
    edits: [
      {
        replace: 'exclusions',
        with: blk(
          'exclusions',
          ['disclosure.exclusions'],
          A('下面是责任免除条款，我会发短信把条款链接给您，请您重点阅读，'),
          A('主要是故意犯罪、吸毒、酒后驾驶、无证驾驶，还有两年内自杀等情况，保险公司不承担保险责任。'),
        ),
      },
    ],
    behaviour: { 'confirmation.customer': 'fail' },
    violations: ['confirmation.customer'],
  },
  {
    slug: 'no-confirm-voluntary',
    base: 'b1',
    case: '结尾没有确认客户是否自愿投保',
    edits: [
      {
        replace: 'closing',
        with: blk('closing', [], A('好，那今天就先录到这儿，回头保单下来了我给您送过来，谢谢张哥。'), C('好，辛苦了。')),
      },
    ],
    // the voluntariness question is insurers' practice, not in the regulation's list: no violation
    unlabelled: [{ concept: 'confirmation.voluntary', why: 'the voluntariness question is insurers\' practice (not in 54号 第七条); its absence is no violation' }],
    violations: [],
  },
  {
    slug: 'hedge-surrender-moved-on',
    base: 'b4',
    case: '客户对退保损失说“不太清楚”，客户经理让其回去看条款并继续',
    edits: [
      {
        replace: 'surrender',
        with: blk(
          'surrender',
          ['disclosure.surrender-loss', 'disclosure.fees'],
          A('犹豫期过了以后退保，退的是账户价值扣除退保费用以后的金额，可能会比您交的保费少，有损失的。'),
          A('这些您都清楚了吗？'),
          C('这个……不太清楚，退保费用到底怎么扣？'),
          A('这个条款上都写着，您回去慢慢看就行，咱们先往下走。'),
        ),
      },
    ],
    behaviour: { 'confirmation.customer': 'fail' },
    violations: ['confirmation.customer'],
  },
  {
    slug: 'hedge-benefit-not-understood',
    base: 'b2',
    case: '客户对分红不确定说“没听懂”，理财经理没有解释就继续',
    edits: [
      {
        replace: 'benefit',
        with: blk(
          'benefit',
          ['disclosure.benefit-uncertainty'],
          A('然后它是分红型的，分红这块呢，是不保证的，要看公司每年的经营情况，有的年份可能多有的年份可能少，甚至有可能是零。'),
          A('那个利益演示里的高中低三档也只是个演示，不代表以后实际能拿到多少。'),
          A('这个您能理解吧？'),
          C('嗯……没听懂，那分红到底一年能有多少？'),
          A('这个不好说，要看公司，咱们先接着往下讲。'),
        ),
      },
    ],
    behaviour: { 'confirmation.customer': 'fail' },
    violations: ['confirmation.customer'],
  },
  {
    slug: 'repeat-ignored-senior',
    base: 'b6',
    case: '67岁客户对责任免除要求再说一遍，客户经理没有重复就继续',
    edits: [
      {
        replace: 'exclusions',
        with: blk(
          'exclusions',
          ['disclosure.exclusions'],
          A('阿姨，还有这个条款里的责任免除您要看一下，就是这些情况保险公司不赔身故的钱，比如故意犯罪啊，吸毒啊，酒后开车这些，'),
          A('字比较小，我给您指着，就是这几条，您看清楚了吗？'),
          C('你说慢点，我没听清，再说一遍？'),
          A('没事阿姨，这个您回家慢慢看条款就行，咱们接着往下。'),
        ),
      },
    ],
    behaviour: { 'confirmation.customer': 'fail' },
    violations: ['confirmation.customer'],
  },
  {
    slug: 'think-it-over-closing',
    base: 'b10',
    case: '问是否自愿时客户说“我还得想想”，客户经理让先签字就结束',
    edits: [
      {
        replace: 'closing',
        with: blk(
          'closing',
          [],
          A('最后，请问您购买本产品是否出于您本人的自愿？'),
          C('这个我还得想想，回去跟我爱人商量商量。'),
          A('行，那您先把字签了，有十五天犹豫期，真不想要再退，今天就先录到这儿。'),
        ),
      },
    ],
    behaviour: { 'confirmation.voluntary': 'fail' },
    violations: ['confirmation.voluntary'],
  },

  // ---- the agent answers for the customer
  {
    slug: 'proxy-inline-senior',
    base: 'b9',
    case: '63岁客户，代理人问完“清楚吗”自己答“清楚的哈”',
    edits: [
      {
        replace: 'exclusions',
        with: blk(
          'exclusions',
          ['disclosure.exclusions'],
          A('还有这个责任免除，就是这几种情况不赔：故意犯罪、吸毒、酒驾，还有投保两年内自杀的。'),
          A('您看一下，清楚吗？清楚的哈，好，那咱们往下说。'),
        ),
      },
    ],
    behaviour: { 'confirmation.customer': 'fail', 'conduct.proxy-answer': 'fail' },
    violations: ['confirmation.customer', 'conduct.proxy-answer'],
  },
  {
    slug: 'proxy-identity',
    base: 'b1',
    case: '核实身份时客户没开口，代理人替客户说“是本人”',
    edits: [
      {
        replace: 'customer-id',
        with: blk(
          'customer-id',
          ['identity.customer'],
          A('好嘞，那您把身份证拿起来对着镜头放一下，对，放脸旁边就行。'),
          A('您是投保人张志刚本人是吧？'),
          A('对，是本人，我跟张哥认识好多年了，这个没问题。', 1.8),
        ),
      },
    ],
    behaviour: { 'confirmation.customer': 'fail', 'conduct.proxy-answer': 'fail' },
    unlabelled: [{ concept: 'identity.customer', why: 'the ID card was shown but the identity question was answered by the agent: whether the customer was identified reads either way' }],
    violations: ['confirmation.customer', 'conduct.proxy-answer'],
  },
  {
    slug: 'proxy-separate-turn',
    base: 'b4',
    case: '客户沉默，客户经理另起一句“王先生表示清楚”',
    edits: [
      {
        replace: 'surrender',
        with: blk(
          'surrender',
          ['disclosure.surrender-loss', 'disclosure.fees'],
          A('犹豫期过了以后退保，退的是账户价值扣除退保费用以后的金额，可能会比您交的保费少，有损失的。'),
          A('这些您都清楚了吗？'),
          A('嗯，王先生表示清楚，好，那咱们接着。', 3.2),
        ),
      },
    ],
    behaviour: { 'confirmation.customer': 'fail', 'conduct.proxy-answer': 'fail' },
    violations: ['confirmation.customer', 'conduct.proxy-answer'],
  },
  {
    slug: 'proxy-for-senior-bank',
    base: 'b6',
    case: '67岁客户没回答退保损失的确认，客户经理说“阿姨她清楚的”',
    edits: [
      {
        replace: 'surrender',
        with: blk(
          'surrender',
          ['disclosure.surrender-loss'],
          A('过了十五天再退，就只能退现金价值，那个会比您交的十五万少不少，会亏钱的，所以这个钱一定得是您闲着不用的钱。'),
          A('犹豫期和退保会有损失这个事，您清楚了吧？'),
          A('阿姨她清楚的，她儿子之前都给她讲过了，我们接着签字。', 2.0),
        ),
      },
    ],
    behaviour: { 'confirmation.customer': 'fail', 'conduct.proxy-answer': 'fail' },
    violations: ['confirmation.customer', 'conduct.proxy-answer'],
  },

  // ---- rushed disclosures
  {
    slug: 'rushed-bank-participating',
    base: 'b2',
    case: '银保分红险，责任免除、犹豫期、退保损失一口气念完（约每分钟520字）',
    edits: [{ rush: ['exclusions', 'cooling-off', 'surrender'] }],
    behaviour: { 'conduct.speech-rate': 'fail' },
    violations: ['conduct.speech-rate'],
  },
  {
    slug: 'rushed-investment-linked',
    base: 'b5',
    case: '投连险，保险责任、费用、投资风险、责任免除都念得飞快',
    edits: [{ rush: ['coverage', 'fees', 'benefit', 'exclusions'] }],
    behaviour: { 'conduct.speech-rate': 'fail' },
    violations: ['conduct.speech-rate'],
  },
  {
    slug: 'rushed-telesales',
    base: 'b8',
    case: '电销坐席把责任免除、如实告知、犹豫期、退保损失快速念过',
    edits: [{ rush: ['exclusions', 'health', 'cooling-off', 'surrender'] }],
    behaviour: { 'conduct.speech-rate': 'fail' },
    violations: ['conduct.speech-rate'],
  },

  // ---- prohibited promises
  {
    slug: 'guarantee-il-sure-win',
    base: 'b5',
    case: '投连险照念了“不保本”，但推销时说长期拿着“包赚”',
    edits: [
      {
        after: 'coverage',
        insert: blk(
          'pitch',
          [],
          A('说实话郑姐，这种账户只要您拿得住，长期来看那是包赚的，我做了八年就没见过客户亏钱的。'),
          C('真的啊？'),
          A('真的，您放心。'),
        ),
      },
    ],
    behaviour: { 'prohibited.guarantee': 'fail' },
    violations: ['prohibited.guarantee'],
  },
  {
    slug: 'guarantee-principal-safe',
    base: 'b7',
    case: '分红险说“本金肯定不会少”',
    edits: [
      {
        after: 'coverage',
        insert: blk('pitch', [], A('您放心啊，本金肯定不会少的，到期最少也能把交进去的钱全拿回来，还有分红。'), C('那挺好。')),
      },
    ],
    behaviour: { 'prohibited.guarantee': 'fail' },
    violations: ['prohibited.guarantee'],
  },
  {
    slug: 'guarantee-better-than-bank',
    base: 'b4',
    case: '银保万能险说“比存银行强，还没风险”',
    edits: [
      {
        after: 'benefit',
        insert: blk('pitch', [], A('反正说白了，就是比存银行强，还没风险，您放一百个心。'), C('嗯。')),
      },
    ],
    behaviour: { 'prohibited.guarantee': 'fail' },
    unlabelled: [
      {
        concept: 'prohibited.deposit-confusion',
        why: 'a one-sided comparison with bank deposits, not a claim that it is one: could be judged either way',
      },
    ],
    violations: ['prohibited.guarantee'],
  },
  {
    slug: 'guarantee-dividend-senior',
    base: 'b9',
    case: '63岁客户分红险，讲完分红不确定又说“每年分红少说八百，跑不了”',
    edits: [
      {
        after: 'benefit',
        insert: blk(
          'pitch',
          [],
          A('不过叔您也别担心，我们公司这些年分红每年都在百分之四往上，您这个每年分红少说也有八百块，跑不了的。'),
          C('那还行。'),
        ),
      },
    ],
    behaviour: { 'prohibited.guarantee': 'fail' },
    violations: ['prohibited.guarantee'],
  },
  {
    slug: 'guarantee-zero-risk-bank',
    base: 'b10',
    case: '银保两全险说“零风险，只会多不会少”',
    edits: [{ after: 'coverage', insert: blk('pitch', [], A('这个您放心，零风险的，钱放进来只会多不会少。'), C('嗯。')) }],
    behaviour: { 'prohibited.guarantee': 'fail' },
    violations: ['prohibited.guarantee'],
  },

  // ---- deposit confusion (bank channel)
  {
    slug: 'deposit-like-fixed-term',
    base: 'b10',
    case: '念了“并非存款”，后面又说“您就当存了个定期”',
    edits: [
      {
        after: 'term-premium',
        insert: blk('pitch', [], A('您就当是在我们行存了个定期，五年交完，十年到期取出来。'), C('哦，那行。')),
      },
    ],
    behaviour: { 'prohibited.deposit-confusion': 'fail' },
    violations: ['prohibited.deposit-confusion'],
  },
  {
    slug: 'deposit-senior-agent-agrees',
    base: 'b6',
    case: '67岁客户问“这就是存款吧”，客户经理顺着说“差不多就是存款”',
    edits: [
      {
        replace: 'not-deposit',
        with: blk(
          'not-deposit',
          [],
          C('这个就是存款吧？跟存定期一样的吧？'),
          A('对对对，阿姨，您就把它当成存款，跟存定期差不多，就是利息比定期高一点。'),
          C('哦，那好。'),
        ),
      },
    ],
    behaviour: { 'prohibited.deposit-confusion': 'fail' },
    unlabelled: [
      { concept: 'prohibited.guarantee', why: '"利息比定期高一点" implies a return but promises no amount: could be judged either way' },
    ],
    violations: ['prohibited.deposit-confusion', 'disclosure.not-deposit'],
  },
  {
    slug: 'deposit-called-wealth-product',
    base: 'b2',
    case: '理财经理把分红险说成“我们行的一款理财，跟存款差不多”',
    edits: [
      {
        replace: 'not-deposit',
        with: blk('not-deposit', [], A('这款呢是我们行今年卖得最好的一款理财，跟存款差不多，比定期收益高一些。'), C('嗯。')),
      },
    ],
    behaviour: { 'prohibited.deposit-confusion': 'fail' },
    unlabelled: [{ concept: 'prohibited.guarantee', why: '"比定期收益高一些" is a comparison, not an explicit promise' }],
    violations: ['prohibited.deposit-confusion', 'disclosure.not-deposit'],
  },

  // ---- noisy ASR with violations
  {
    slug: 'noisy-missing-exclusions-broker',
    base: 'b7',
    case: '识别文本有同音错字（经济人、犹鱼期、退宝），且未提示责任免除',
    edits: [{ omit: 'exclusions' }],
    asr: { subs: ASR_B7 },
    violations: ['disclosure.exclusions'],
  },
  {
    slug: 'noisy-guarantee-whole-life',
    base: 'b1',
    case: '识别文本有同音错字，代理人说“包赚”被识别成“包转”',
    edits: [{ after: 'coverage', insert: blk('pitch', [], A('这个钱放进来那就是包赚的，张哥您放心。'), C('哈哈，行。')) }],
    asr: { subs: ASR_B1 },
    behaviour: { 'prohibited.guarantee': 'fail' },
    violations: ['prohibited.guarantee'],
  },
];

// ---------------------------------------------------------------------------------------------
// Building a session

export interface HoldoutSession {
  name: string;
  description: string;
  transcript: {
    format: 'dualrec-transcript';
    version: 1;
    language: 'zh';
    segments: { id: number; start: number; end: number; text: string; speaker: string }[];
  };
  meta: unknown;
  expected: Expected;
  /** characters per second of each rushed block's agent speech, for checks */
  rushedRates: number[];
}

/** Characters that take time to say: Han characters, digits and letters (licence numbers are read out). */
export function spokenChars(text: string): number {
  return [...text].filter((c) => /[\p{Script=Han}\p{N}\p{L}]/u.test(c)).length;
}

const PAUSE = /[，、；：,;:]/g;
const RUSHED_PACE = 8.7;

function applyEdits(blocks: Block[], edits: readonly Edit[], slug: string): Block[] {
  let out = blocks.map((b) => ({ ...b }));
  const find = (step: Step) => {
    const i = out.findIndex((b) => b.step === step);
    if (i < 0) throw new Error(`${slug}: no block "${step}" to edit`);
    return i;
  };
  for (const e of edits) {
    if ('omit' in e) out.splice(find(e.omit), 1);
    else if ('replace' in e) out[find(e.replace)] = e.with;
    else if ('after' in e) out.splice(find(e.after) + 1, 0, e.insert);
    else for (const s of e.rush) out[find(s)] = { ...out[find(s)]!, rushed: true };
  }
  out = out.filter((b) => b.turns.length > 0);
  return out;
}

function mishear(text: string, subs: readonly [string, string][], used: Set<string>, dropPunctuation: boolean): string {
  let t = text;
  for (const [said, heard] of subs) {
    if (t.includes(said)) {
      t = t.split(said).join(heard);
      used.add(said);
    }
  }
  // Whisper-style Chinese without punctuation: clauses separated by spaces
  if (dropPunctuation) t = t.replace(/[，。？！、；：…]+/g, ' ').trim().replace(/\s+/g, ' ');
  return t;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function buildSession(spec: CaseSpec, index: number): HoldoutSession {
  const base = BASES[spec.base];
  const rng = createRng(`dualrec-holdout:${spec.slug}`);
  const blocks = applyEdits(base.blocks, spec.edits ?? [], spec.slug);
  const age = spec.age ?? base.age;
  const senior = age >= 60;

  // ---- transcript with timings
  const segments: HoldoutSession['transcript']['segments'] = [];
  const used = new Set<string>();
  const rushedRates: number[] = [];
  let t = 0.6 + rng.next();
  let prev: Sp | undefined;
  for (const b of blocks) {
    let rushedChars = 0;
    let rushedTime = 0;
    for (const turn of b.turns) {
      const text = spec.asr ? mishear(turn.text, spec.asr.subs, used, spec.asr.dropPunctuation ?? false) : turn.text;
      const agent = turn.sp === 'A';
      const rushed = agent && b.rushed === true;
      const jitter = 0.94 + rng.next() * 0.12;
      const pace = rushed ? RUSHED_PACE * jitter : (agent ? base.agentPace : base.customerPace) * jitter;
      const chars = spokenChars(turn.text);
      // short pauses at commas inside a segment; a reader racing through the text makes none
      const pauses = rushed ? 0 : (turn.text.match(PAUSE)?.length ?? 0) * 0.16;
      const duration = Math.max(0.45, chars / pace + pauses + (rushed ? 0.05 : 0.12));
      let gap: number;
      if (turn.gap !== undefined) gap = turn.gap;
      else if (rushed && prev === 'A') gap = 0.08 + rng.next() * 0.1;
      else if (prev === undefined || prev === turn.sp) gap = 0.25 + rng.next() * 0.45;
      else if (turn.sp === 'C') gap = senior ? 0.9 + rng.next() * 1.1 : 0.5 + rng.next() * 0.8;
      else gap = 0.4 + rng.next() * 0.6;
      const start = t + gap;
      const end = start + duration;
      segments.push({
        id: segments.length,
        start: round2(start),
        end: round2(end),
        text,
        speaker: agent ? base.labels.agent : base.labels.customer,
      });
      if (rushed) {
        rushedChars += chars;
        rushedTime += round2(end) - round2(start);
      }
      t = end;
      prev = turn.sp;
    }
    if (rushedTime > 0) rushedRates.push(rushedChars / rushedTime);
  }
  if (spec.asr) {
    const unused = spec.asr.subs.filter(([said]) => !used.has(said)).map(([s]) => s);
    if (unused.length) throw new Error(`${spec.slug}: ASR substitutions never applied: ${unused.join(', ')}`);
  }

  // ---- labels, from what the script says and the case's behaviour
  const said = new Set(blocks.flatMap((b) => b.says));
  const concepts: Partial<Record<HoldoutConcept, LabelStatus>> = {};
  let disclosureMissing = false;
  for (const c of HOLDOUT_CONCEPTS) {
    if (isBehaviour(c)) continue;
    const need = required(c, base.product.type, base.channel);
    if (said.has(c)) concepts[c] = 'pass';
    else if (need) {
      concepts[c] = 'fail';
      disclosureMissing = true;
    } else concepts[c] = 'not_applicable';
  }
  const behaviour = spec.behaviour ?? {};
  // A whole step left out takes its confirmation question with it: whether that is also a missing
  // confirmation is a matter of reading, so confirmation is left unlabelled there.
  if (behaviour['confirmation.customer'] === 'fail') concepts['confirmation.customer'] = 'fail';
  else if (!disclosureMissing) concepts['confirmation.customer'] = 'pass';
  for (const c of ['conduct.speech-rate', 'conduct.proxy-answer', 'prohibited.guarantee', 'prohibited.deposit-confusion'] as const) {
    concepts[c] = behaviour[c] ?? 'pass';
  }
  // the voluntariness question is insurers' practice: labelled only where a case is about it
  if (behaviour['confirmation.voluntary']) concepts['confirmation.voluntary'] = behaviour['confirmation.voluntary'];
  const notes: string[] = [];
  if (!('confirmation.customer' in concepts)) {
    notes.push('confirmation.customer unlabelled: a required disclosure is missing, so whether its confirmation is missing too reads either way');
  }
  for (const u of spec.unlabelled ?? []) {
    delete concepts[u.concept];
    notes.push(`${u.concept} unlabelled: ${u.why}`);
  }

  // ---- consistency checks between the script, the edits and the declared violations
  const fails = HOLDOUT_CONCEPTS.filter((c) => concepts[c] === 'fail');
  const declared = [...spec.violations].sort();
  if (fails.slice().sort().join() !== declared.join()) {
    throw new Error(`${spec.slug}: labels derive to [${fails.join(', ')}] but the case declares [${declared.join(', ')}]`);
  }
  const rushedEdit = (spec.edits ?? []).some((e) => 'rush' in e);
  if (rushedEdit !== (behaviour['conduct.speech-rate'] === 'fail')) throw new Error(`${spec.slug}: rush edits and speech-rate label disagree`);

  const ordered: Partial<Record<Concept, LabelStatus>> = {};
  for (const c of HOLDOUT_CONCEPTS) if (concepts[c]) ordered[c] = concepts[c];
  // only minor fails (a customer identity check left out) keep a PASS: src/eval/concept-severity.ts
  const verdict: Verdict = verdictFromLabels(ordered);
  const expected: Expected = { verdict, concepts: ordered, case: spec.case, ...(notes.length ? { notes } : {}) };

  const name = `${String(index + 1).padStart(2, '0')}-${spec.slug}`;
  const meta = SessionMetaSchema.parse({
    session_id: `holdout-${name}`,
    recorded_at: `2025-${String((index % 12) + 1).padStart(2, '0')}-${String((index * 7) % 28 + 1).padStart(2, '0')}`,
    product: { name: base.product.name, type: base.product.type, ...(base.product.termYears ? { term_years: base.product.termYears } : {}) },
    channel: base.channel,
    policyholder: { age },
    insured_is_policyholder: true,
    agent: { id: base.licence },
    roles: { speakers: { [base.labels.agent]: 'agent', [base.labels.customer]: 'customer' } },
  });

  return {
    name,
    description: spec.case,
    transcript: { format: 'dualrec-transcript', version: 1, language: 'zh', segments },
    meta,
    expected,
    rushedRates,
  };
}

function isBehaviour(c: HoldoutConcept): c is Behaviour {
  return (
    c === 'confirmation.customer' ||
    c === 'confirmation.voluntary' ||
    c === 'conduct.speech-rate' ||
    c === 'conduct.proxy-answer' ||
    c === 'prohibited.guarantee' ||
    c === 'prohibited.deposit-confusion'
  );
}

/** Every held-out session, in a fixed order. */
export function generateHoldoutSet(): HoldoutSession[] {
  return HOLDOUT_CASES.map((spec, i) => buildSession(spec, i));
}

/**
 * Writes the set into `dir` (three files per session plus INDEX.md) and removes generated files of
 * sessions that no longer exist. Returns the file names written.
 */
export function writeHoldoutSet(dir: string): string[] {
  const sessions = generateHoldoutSet();
  return writeLabelledSet(dir, sessions, indexMarkdown(sessions));
}

function indexMarkdown(sessions: HoldoutSession[]): string {
  const lines = [
    '# dualrec held-out evaluation set',
    '',
    'Generated by `npx tsx scripts/make-holdout-set.ts` from `src/eval/holdout.ts` — do not edit by hand.',
    'Written without looking at the rule packs, to measure whether the rules generalise to wording they were',
    'not written against. Ten hand-written 双录 scripts (different agents, products and channels: 个险, 银保,',
    '经纪, 电销) and hand-written edits of them. Transcript-only: `<name>.transcript.json` (dualrec-json) +',
    '`<name>.meta.json`, labelled in `<name>.expected.json`. Timings: agents speak 4.4–5.4 characters a',
    'second between short pauses at commas (about 4–5 a second, 240–320 a minute, over a segment);',
    'customers 3.1–4.4 (seniors slowest); rushed blocks about 8–9 a second (about 500 a minute), no pauses.',
    '',
    'Run: `npx tsx src/cli/main.ts eval tests/eval-holdout --noise 0,0.1 --repeats 3 --details`.',
    '',
    'How the labels are set (from what each script says, never from the rules):',
    '- `disclosure.*`, `consent.recording`, `identity.*`: `pass` when said, `fail` when a required one was',
    '  not said, `not_applicable` when not required and not said. Required: `disclosure.fees` for universal',
    '  and investment-linked products only (explicit account charges); `disclosure.benefit-uncertainty` for',
    '  participating / universal / investment-linked; `disclosure.not-deposit` on the bank channel; the rest',
    '  always (`disclosure.signature` = the agent asks for the customer\'s own signature, and for new-type',
    '  products the copied risk statement).',
    '- The copied risk statement (“…了解本产品的特点和保单利益的不确定性”) is something the customer writes;',
    '  it does not count as the agent explaining that dividends / crediting rates are uncertain.',
    '- `confirmation.customer`: `fail` when a required confirmation was never asked, hedged (不太清楚, 没听懂,',
    '  再说一遍, 我还得想想) with no later clear yes, or answered by the agent; `pass` when every one got a',
    '  clear yes (a customer asking back first and then saying yes, or one question after several',
    '  disclosures, is a yes). Unlabelled where a whole disclosure was left out with its question.',
    '- `conduct.speech-rate`: `fail` when disclosures are read at over ~400 characters a minute.',
    '  `conduct.proxy-answer`: `fail` when the agent answered for the customer.',
    '- `prohibited.guarantee` / `prohibited.deposit-confusion`: `fail` only when the promise or the',
    '  deposit framing was made by the agent; negated statements (不保本, 收益不能保证, 不是存款, 不能说稳赚',
    '  不赔), the contract\'s guaranteed minimum rate of a universal product, a guaranteed payout period',
    '  (保证领取二十年), and the customer asking “这就是存款吧” and being corrected are compliant.',
    '- A concept a reader could fairly label either way is left out of that expected.json (see its `notes`).',
    '- Visual and integrity concepts are not labelled: a transcript cannot tell them.',
    '- `verdict`: `FAIL` when a concept that is not minor is `fail` (src/eval/concept-severity.ts: the customer identity check and the voluntariness question are insurers\' practice), else `PASS`.',
    '',
    '| session | channel | product | age | case | expected | violations |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const s of sessions) {
    const m = s.meta as { channel: string; product: { type: string }; policyholder: { age: number } };
    const fails = Object.entries(s.expected.concepts)
      .filter(([, v]) => v === 'fail')
      .map(([k]) => k);
    lines.push(
      `| ${s.name} | ${m.channel} | ${m.product.type} | ${m.policyholder.age} | ${s.description} | ${s.expected.verdict} | ${fails.join(', ') || '—'} |`,
    );
  }
  return lines.join('\n') + '\n';
}
