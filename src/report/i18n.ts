// The report page's own words, in Chinese (default: the auditors are Chinese) and English.
// Finding messages and verdict reasons come from the rules in Chinese and are shown as they are.
import type {
  Channel,
  FindingStatus,
  IntegrityCode,
  ProductType,
  Role,
  Severity,
  SpeakerMethod,
  TranscriptDiagnostic,
  Verdict,
  VisualEvent,
} from '../model/index.js';

export type Lang = 'zh' | 'en';

export interface Messages {
  htmlLang: string;
  title: string;
  verdict: Record<Verdict, string>;
  verdictHint: Record<Verdict, string>;
  status: Record<FindingStatus, string>;
  severity: Record<Severity, string>;
  role: Record<Role, string>;
  productType: Record<ProductType, string>;
  channel: Record<Channel, string>;
  integrityCode: Record<IntegrityCode, string>;
  /** Keyed by string so a concept added to (or pending in) the model never breaks the build;
   *  tests/report/schema.test.ts asks for a label for every concept in CONCEPTS. */
  concept: Record<string, string | undefined>;
  visualKind: Record<VisualEvent['kind'], string>;
  diagnosticKind: Record<TranscriptDiagnostic['kind'], string>;
  speakerMethod: Record<SpeakerMethod, string>;
  speakersLine: (method: string, count: number | null, customerShare: string | null) => string;
  section: {
    session: string;
    media: string;
    integrity: string;
    timeline: string;
    findings: string;
    transcript: string;
    video: string;
    diagnostics: string;
  };
  field: {
    sessionId: string;
    recording: string;
    product: string;
    channel: string;
    age: string;
    insuredIsPolicyholder: string;
    agentId: string;
    region: string;
    recordedAt: string;
    expectedDuration: string;
    sha256: string;
    duration: string;
    container: string;
    size: string;
    video: string;
    audio: string;
    loudness: string;
    decodeErrors: string;
    transcript: string;
    speakers: string;
    visual: string;
    generatedAt: string;
    rules: string;
    tool: string;
    schema: string;
  };
  lane: {
    speech: string;
    silence: string;
    picture: string;
    cuts: string;
    findings: string;
    faces: string;
    visualEvents: string;
    black: string;
    frozen: string;
    talk: string;
    overlap: string;
    thirdParty: string;
    quality: string;
  };
  yes: string;
  no: string;
  none: string;
  unknown: string;
  years: (n: number) => string;
  ageYears: (n: number) => string;
  faces: (n: number) => string;
  segments: (n: number) => string;
  samplesEvents: (samples: number, events: number) => string;
  metaMissing: string;
  noMedia: string;
  noVisual: string;
  noIntegrityIssues: string;
  noFindings: string;
  noTimeline: string;
  transcriptMissing: string;
  transcriptEmpty: string;
  reasonUnknown: string;
  errorTitle: string;
  lowConfidence: string;
  similarity: string;
  missing: string;
  matched: string;
  confidence: string;
  source: string;
  note: string;
  frames: string;
  category: string;
  importedFrom: (format: string, file: string) => string;
  recognisedBy: (engine: string, model: string) => string;
  jump: string;
  videoMissing: string;
}

const zh: Messages = {
  htmlLang: 'zh-CN',
  title: '双录质检报告',
  verdict: { PASS: '通过', FAIL: '不通过', REVIEW: '需人工复核' },
  verdictHint: {
    PASS: '所有适用的检查均已通过',
    FAIL: '存在确定不合规的检查项',
    REVIEW: '存在无法自动判定的检查项，请人工复核',
  },
  status: { fail: '不通过', undetermined: '无法判定', pass: '通过', not_applicable: '不适用' },
  severity: { critical: '严重', major: '重要', minor: '一般', info: '提示' },
  role: { agent: '销售', customer: '客户', unknown: '未知' },
  productType: {
    traditional: '传统型',
    participating: '分红型',
    universal: '万能型',
    'investment-linked': '投连型',
    health: '健康险',
    accident: '意外险',
    other: '其他',
  },
  channel: { agent: '个险代理', bank: '银行代理', broker: '经纪', telesales: '电话销售', remote: '远程双录' },
  integrityCode: {
    'no-audio': '无音频轨',
    'no-video': '无视频轨',
    'zero-length': '文件为空',
    undecodable: '无法解码',
    truncated: '文件截断',
    'duration-mismatch': '时长不符',
    'audio-gap': '音频断档',
    'video-gap': '视频断档',
    'no-metadata': '缺少元数据',
    'duration-unmeasured': '时长无法测量',
    'transcript-unbacked': '转写与录音不符',
    'transcript-beyond-end': '转写超出录音',
    interrupted: '录制中断后续录',
  },
  concept: {
    'integrity.recording': '录像完整性',
    'consent.recording': '同意录音录像',
    'consent.fixed-notice': '固定告知语',
    'identity.agent': '销售人员身份',
    'identity.customer': '客户身份确认',
    'disclosure.insurer-product': '保险公司及产品',
    'disclosure.coverage': '保险责任',
    'disclosure.exclusions': '责任免除',
    'disclosure.premium': '保费及交费',
    'disclosure.fees': '费用扣除',
    'disclosure.term': '保险期间',
    'disclosure.cooling-off': '犹豫期',
    'disclosure.surrender-loss': '退保损失',
    'disclosure.benefit-uncertainty': '利益不确定',
    'disclosure.health-notice': '健康告知',
    'disclosure.signature': '提示亲笔签名',
    'disclosure.suitability': '适当性评估',
    'disclosure.not-deposit': '非存款提示',
    'confirmation.customer': '客户确认',
    'confirmation.voluntary': '自愿投保确认',
    'conduct.risk-statement-copied': '抄录风险提示',
    'conduct.speech-rate': '语速',
    'conduct.proxy-answer': '代答',
    'conduct.silence': '长时间静默',
    'prohibited.guarantee': '承诺保证收益',
    'prohibited.deposit-confusion': '混淆存款',
    'visual.copresence': '双方同框',
    'visual.document-shown': '出示文件',
    'visual.signature': '签字',
    'metadata.sidecar': '会话元数据',
    'transcript.available': '转写文本',
  },
  visualKind: {
    copresence: '同框',
    document: '文件',
    'id-card': '证件',
    signature: '签字',
    'third-face': '第三人',
    'customer-left': '客户离开',
    covered: '镜头遮挡',
  },
  diagnosticKind: {
    'dropped-silence': '丢弃静音段识别结果',
    'dropped-blocklist': '丢弃常见幻听文本',
    'repetition-loop': '重复循环',
    'low-confidence': '低置信度',
    note: '说明',
  },
  speakerMethod: {
    metadata: '元数据',
    labels: '转写说话人标签',
    channels: '声道',
    clustering: '声纹聚类',
    text: '文本推断',
  },
  speakersLine: (method, count, share) =>
    `${method}${count === null ? '' : ` · ${count} 人`}${share === null ? '' : ` · 客户发言占比 ${share}`}`,
  section: {
    session: '会话信息',
    media: '媒体信息',
    integrity: '完整性问题',
    timeline: '时间轴',
    findings: '检查项',
    transcript: '转写文本',
    video: '录像',
    diagnostics: '转写诊断',
  },
  field: {
    sessionId: '会话编号',
    recording: '录像文件',
    product: '产品',
    channel: '渠道',
    age: '投保人年龄',
    insuredIsPolicyholder: '投保人即被保险人',
    agentId: '销售人员工号',
    region: '地区',
    recordedAt: '录制时间',
    expectedDuration: '登记时长',
    sha256: 'SHA-256',
    duration: '时长',
    container: '封装',
    size: '大小',
    video: '视频',
    audio: '音频',
    loudness: '响度',
    decodeErrors: '解码错误',
    transcript: '转写',
    speakers: '说话人',
    visual: '画面分析',
    generatedAt: '生成时间',
    rules: '规则',
    tool: '工具',
    schema: '报告格式',
  },
  lane: {
    speech: '语音',
    silence: '静音',
    picture: '黑屏/静止',
    cuts: '剪切',
    findings: '检查项',
    faces: '人脸数',
    visualEvents: '画面事件',
    black: '黑屏',
    frozen: '画面静止',
    talk: '抢话/第三方',
    overlap: '抢话',
    thirdParty: '第三方说话',
    quality: '画质/音质差',
  },
  yes: '是',
  no: '否',
  none: '无',
  unknown: '未知',
  years: (n) => `${n} 年`,
  ageYears: (n) => `${n} 岁`,
  faces: (n) => `${n} 张人脸`,
  segments: (n) => `${n} 段`,
  samplesEvents: (s, e) => `采样 ${s} 帧，事件 ${e} 个`,
  metaMissing: '未找到会话元数据文件（.meta.json），以下为默认值；与产品、渠道、年龄相关的检查可能不准确。',
  noMedia: '无媒体信息（仅有转写文本，或文件无法读取）',
  noVisual: '未进行画面分析',
  noIntegrityIssues: '未发现问题',
  noFindings: '没有检查结果',
  noTimeline: '时长未知，无法显示时间轴',
  transcriptMissing: '没有转写文本',
  transcriptEmpty: '转写结果为空',
  reasonUnknown: '原因未知',
  errorTitle: '无法分析该会话',
  lowConfidence: '低置信',
  similarity: '相似度',
  missing: '缺少',
  matched: '匹配',
  confidence: '置信度',
  source: '依据',
  note: '说明',
  frames: '证据帧',
  category: '类别',
  importedFrom: (format, file) => `导入 ${format}（${file}）`,
  recognisedBy: (engine, model) => `语音识别 ${engine} / ${model}`,
  jump: '跳转到此时刻',
  videoMissing: '录像无法播放（文件不在报告旁边，或格式不受浏览器支持）',
};

const en: Messages = {
  htmlLang: 'en',
  title: 'Dual-recording QA report',
  verdict: { PASS: 'Pass', FAIL: 'Fail', REVIEW: 'Needs review' },
  verdictHint: {
    PASS: 'Every applicable check passed',
    FAIL: 'At least one check determinably failed',
    REVIEW: 'Some checks could not be decided automatically: a person must look',
  },
  status: { fail: 'Fail', undetermined: 'Undetermined', pass: 'Pass', not_applicable: 'Not applicable' },
  severity: { critical: 'Critical', major: 'Major', minor: 'Minor', info: 'Info' },
  role: { agent: 'Agent', customer: 'Customer', unknown: 'Unknown' },
  productType: {
    traditional: 'Traditional',
    participating: 'Participating',
    universal: 'Universal',
    'investment-linked': 'Investment-linked',
    health: 'Health',
    accident: 'Accident',
    other: 'Other',
  },
  channel: { agent: 'Agent', bank: 'Bank', broker: 'Broker', telesales: 'Telesales', remote: 'Remote' },
  integrityCode: {
    'no-audio': 'No audio track',
    'no-video': 'No video track',
    'zero-length': 'Empty file',
    undecodable: 'Undecodable',
    truncated: 'Truncated',
    'duration-mismatch': 'Duration mismatch',
    'audio-gap': 'Audio gap',
    'video-gap': 'Video gap',
    'no-metadata': 'No metadata',
    'duration-unmeasured': 'Length not measurable',
    'transcript-unbacked': 'Transcript not backed by the audio',
    'transcript-beyond-end': 'Transcript beyond the recording',
    interrupted: 'Recording interrupted and resumed',
  },
  concept: {
    'integrity.recording': 'Recording integrity',
    'consent.recording': 'Consent to record',
    'consent.fixed-notice': 'Fixed recording notice',
    'identity.agent': 'Agent identity',
    'identity.customer': 'Customer identity',
    'disclosure.insurer-product': 'Insurer & product',
    'disclosure.coverage': 'Coverage',
    'disclosure.exclusions': 'Exclusions',
    'disclosure.premium': 'Premium',
    'disclosure.fees': 'Fees',
    'disclosure.term': 'Term',
    'disclosure.cooling-off': 'Cooling-off period',
    'disclosure.surrender-loss': 'Surrender loss',
    'disclosure.benefit-uncertainty': 'Benefit uncertainty',
    'disclosure.health-notice': 'Health notice',
    'disclosure.signature': 'Signature notice',
    'disclosure.suitability': 'Suitability',
    'disclosure.not-deposit': 'Not a deposit',
    'confirmation.customer': 'Customer confirmation',
    'confirmation.voluntary': 'Voluntary purchase confirmed',
    'conduct.risk-statement-copied': 'Risk statement copied',
    'conduct.speech-rate': 'Speech rate',
    'conduct.proxy-answer': 'Proxy answer',
    'conduct.silence': 'Long silence',
    'prohibited.guarantee': 'Guaranteed returns',
    'prohibited.deposit-confusion': 'Deposit confusion',
    'visual.copresence': 'Both in frame',
    'visual.document-shown': 'Document shown',
    'visual.signature': 'Signature',
    'metadata.sidecar': 'Session metadata',
    'transcript.available': 'Transcript',
  },
  visualKind: {
    copresence: 'Both in frame',
    document: 'Document',
    'id-card': 'ID card',
    signature: 'Signature',
    'third-face': 'Third person',
    'customer-left': 'Customer left',
    covered: 'Camera covered',
  },
  diagnosticKind: {
    'dropped-silence': 'Dropped text in silence',
    'dropped-blocklist': 'Dropped known hallucination',
    'repetition-loop': 'Repetition loop',
    'low-confidence': 'Low confidence',
    note: 'Note',
  },
  speakerMethod: {
    metadata: 'metadata',
    labels: 'transcript speaker labels',
    channels: 'audio channels',
    clustering: 'voice clustering',
    text: 'inferred from text',
  },
  speakersLine: (method, count, share) =>
    `${method}${count === null ? '' : ` · ${count} voices`}${share === null ? '' : ` · customer speaks ${share}`}`,
  section: {
    session: 'Session',
    media: 'Media',
    integrity: 'Integrity issues',
    timeline: 'Timeline',
    findings: 'Findings',
    transcript: 'Transcript',
    video: 'Video',
    diagnostics: 'Transcript diagnostics',
  },
  field: {
    sessionId: 'Session',
    recording: 'Recording',
    product: 'Product',
    channel: 'Channel',
    age: 'Policyholder age',
    insuredIsPolicyholder: 'Insured is policyholder',
    agentId: 'Agent id',
    region: 'Region',
    recordedAt: 'Recorded at',
    expectedDuration: 'Registered length',
    sha256: 'SHA-256',
    duration: 'Duration',
    container: 'Container',
    size: 'Size',
    video: 'Video',
    audio: 'Audio',
    loudness: 'Loudness',
    decodeErrors: 'Decode errors',
    transcript: 'Transcript',
    speakers: 'Speakers',
    visual: 'Picture analysis',
    generatedAt: 'Generated',
    rules: 'Rules',
    tool: 'Tool',
    schema: 'Schema',
  },
  lane: {
    speech: 'Speech',
    silence: 'Silence',
    picture: 'Black/frozen',
    cuts: 'Cuts',
    findings: 'Findings',
    faces: 'Faces',
    visualEvents: 'Visual events',
    black: 'Black',
    frozen: 'Frozen',
    talk: 'Overlap/3rd party',
    overlap: 'Overlapping speech',
    thirdParty: 'Third-party voice',
    quality: 'Poor picture/sound',
  },
  yes: 'yes',
  no: 'no',
  none: 'none',
  unknown: 'unknown',
  years: (n) => `${n} years`,
  ageYears: (n) => `${n}`,
  faces: (n) => `${n} face${n === 1 ? '' : 's'}`,
  segments: (n) => `${n} segments`,
  samplesEvents: (s, e) => `${s} frames sampled, ${e} events`,
  metaMissing:
    'No session metadata file (.meta.json) was found; defaults are shown. Checks that depend on product, channel or age may be wrong.',
  noMedia: 'No media facts (transcript only, or the file could not be read)',
  noVisual: 'Picture not analyzed',
  noIntegrityIssues: 'No issues found',
  noFindings: 'No findings',
  noTimeline: 'Duration unknown: no timeline',
  transcriptMissing: 'No transcript',
  transcriptEmpty: 'The transcript is empty',
  reasonUnknown: 'reason unknown',
  errorTitle: 'This session could not be analyzed',
  lowConfidence: 'low confidence',
  similarity: 'similarity',
  missing: 'missing',
  matched: 'matched',
  confidence: 'confidence',
  source: 'source',
  note: 'note',
  frames: 'evidence frames',
  category: 'category',
  importedFrom: (format, file) => `imported ${format} (${file})`,
  recognisedBy: (engine, model) => `ASR ${engine} / ${model}`,
  jump: 'Go to this moment',
  videoMissing: 'The video cannot be played (not beside the report, or a format the browser does not support)',
};

export function messages(lang: Lang = 'zh'): Messages {
  return lang === 'en' ? en : zh;
}
