// The shared definitions of the report.json JSON Schema: the enumerations and the `$defs` entries
// (transcript, media, findings …) that schema-report.ts assembles into the report's shape. Each is
// exported for the compile-time drift checks in schema.ts.
import { CHANNELS, PRODUCT_TYPES } from '../model/index.js';

export const FINDING_STATUSES = ['pass', 'fail', 'undetermined', 'not_applicable'] as const;
export const SEVERITIES = ['critical', 'major', 'minor', 'info'] as const;
export const VERDICTS = ['PASS', 'FAIL', 'REVIEW'] as const;
export const ROLES = ['agent', 'customer', 'unknown'] as const;
export const TRANSCRIPT_FORMATS = [
  'whisper.cpp-json',
  'whisper.cpp-json-full',
  'openai-verbose-json',
  'whisperx-json',
  'faster-whisper-json',
  'funasr-json',
  'aliyun-json',
  'tencent-json',
  'iflytek-json',
  'volcengine-json',
  'generic-json',
  'dualrec-json',
  'srt',
  'vtt',
  'timed-text',
] as const;
export const INTEGRITY_CODES = [
  'no-audio',
  'no-video',
  'zero-length',
  'undecodable',
  'truncated',
  'duration-mismatch',
  'audio-gap',
  'video-gap',
  'no-metadata',
  'duration-unmeasured',
  'transcript-unbacked',
  'transcript-beyond-end',
  'interrupted',
] as const;
export const DIAGNOSTIC_KINDS = [
  'dropped-silence',
  'dropped-blocklist',
  'repetition-loop',
  'low-confidence',
  'note',
] as const;
export const SPEAKER_METHODS = ['metadata', 'labels', 'channels', 'clustering', 'text'] as const;
export const VISUAL_EVENT_KINDS = [
  'copresence',
  'document',
  'id-card',
  'signature',
  'third-face',
  'customer-left',
  'covered',
] as const;

// ---- small builders (generic so property names stay literal types for the checks below)

type Json = { readonly [k: string]: unknown };

function obj<P extends Record<string, Json>>(
  description: string,
  properties: P,
  required: readonly (keyof P & string)[],
) {
  return { type: 'object', description, properties, required } as const;
}
export const str = (description: string, extra: Json = {}) => ({ type: 'string', description, ...extra }) as const;
const num = (description: string, extra: Json = {}) => ({ type: 'number', description, ...extra }) as const;
const int = (description: string, extra: Json = {}) => ({ type: 'integer', description, ...extra }) as const;
const bool = (description: string) => ({ type: 'boolean', description }) as const;
const seconds = (description: string) => num(`${description} (seconds on the recording's timeline)`, { minimum: 0 });
const unit = (description: string) => num(`${description} (0..1)`, { minimum: 0, maximum: 1 });
export const oneOfStrings = (description: string, values: readonly string[]) =>
  ({ type: 'string', description, enum: values }) as const;
export const arrayOf = (description: string, items: Json, extra: Json = {}) =>
  ({ type: 'array', description, items, ...extra }) as const;
export const ref = (name: string, description: string) => ({ $ref: `#/$defs/${name}`, description }) as const;
const SHA256 = { pattern: '^[0-9a-f]{64}$' } as const;

// ---- definitions

export const interval = obj('A stretch of time.', { start: seconds('start'), end: seconds('end') }, ['start', 'end']);

export const word = obj(
  'One word (or token) with its own timing, where the transcript source gives words.',
  {
    start: seconds('start'),
    end: seconds('end'),
    text: str('the word'),
    probability: unit('token probability, where the source gives one'),
  },
  ['start', 'end', 'text'],
);

export const segment = obj(
  'One transcript line.',
  {
    id: int('index in the transcript, stable once built; evidence.segmentIds point here', { minimum: 0 }),
    start: seconds('start'),
    end: seconds('end'),
    text: str('what was said'),
    words: arrayOf('word timings, when the source gives them', ref('word', 'a word')),
    speaker: str('speaker label as the source gave it (e.g. WhisperX "SPEAKER_00")'),
    role: oneOfStrings(
      'who said it: agent, customer or unknown (decided by the speaker stage or given by the source)',
      ROLES,
    ),
    roleConfidence: unit('confidence in `role`'),
    roleFromTurns: bool('the role was inferred from the words and turn-taking alone (no labels or voices)'),
    voice: str(
      'the voice the speaker stage heard for this segment (cluster "spk1", channel "left", or the label); third parties keep role "unknown"',
    ),
    thirdParty: oneOfStrings(
      'a third person spoke, never the customer: for-customer (his yes answers for her: a proxy answer) or own (he may be the insured, answering for himself)',
      ['for-customer', 'own'],
    ),
    confidence: unit('confidence in the text (mean token probability, or derived from avg_logprob)'),
    lowConfidence: bool('true when the text is too uncertain for a rule to decide on it'),
  },
  ['id', 'start', 'end', 'text'],
);

export const transcriptSourceImport = obj(
  'The transcript was imported from a file.',
  {
    kind: { const: 'import', description: '"import"' },
    format: oneOfStrings('the file format', TRANSCRIPT_FORMATS),
    file: str('the imported file name'),
  },
  ['kind', 'format', 'file'],
);
export const transcriptSourceAsr = obj(
  'The transcript was made by a speech recogniser.',
  {
    kind: { const: 'asr', description: '"asr"' },
    engine: str('the ASR engine (e.g. whisper.cpp)'),
    model: str('the model name'),
    modelSha256: str('sha256 of the model file', SHA256),
  },
  ['kind', 'engine', 'model'],
);
export const transcriptSource = {
  description: 'Where the transcript came from: an imported file or a speech recogniser (`kind` tells which).',
  oneOf: [ref('transcriptSourceImport', 'imported'), ref('transcriptSourceAsr', 'recognised')],
} as const;

export const diagnostic = obj(
  'Something the transcript stage noticed and corrected or flagged.',
  {
    kind: oneOfStrings('what happened', DIAGNOSTIC_KINDS),
    start: seconds('start'),
    end: seconds('end'),
    text: str('the text concerned (e.g. the dropped hallucination)'),
    message: str('one line saying what happened'),
  },
  ['kind', 'message'],
);

export const transcript = obj(
  'The transcript the rules were checked against.',
  {
    segments: arrayOf('transcript lines in time order', ref('segment', 'a line')),
    language: str('language code (e.g. "zh")'),
    source: ref('transcriptSource', 'where it came from'),
    diagnostics: arrayOf('what the transcript stage dropped or flagged', ref('diagnostic', 'a diagnostic')),
  },
  ['segments', 'source'],
);

export const audioStream = obj(
  'An audio stream of the recording.',
  {
    index: int('stream index in the container', { minimum: 0 }),
    codec: str('codec name as ffprobe gives it'),
    channels: int('channel count', { minimum: 0 }),
    sampleRate: int('samples per second', { minimum: 0 }),
    duration: seconds('stream duration'),
    channelLayout: str('ffprobe\'s channel layout name ("stereo", "mono"), when known'),
  },
  ['index', 'codec', 'channels', 'sampleRate'],
);

export const videoStream = obj(
  'A video stream of the recording.',
  {
    index: int('stream index in the container', { minimum: 0 }),
    codec: str('codec name as ffprobe gives it'),
    width: int('pixels', { minimum: 0 }),
    height: int('pixels', { minimum: 0 }),
    fps: num('frames per second', { minimum: 0 }),
    duration: seconds('stream duration'),
  },
  ['index', 'codec', 'width', 'height', 'fps'],
);

export const probe = obj(
  'What ffprobe says about the recording file.',
  {
    file: str('the recording file name'),
    container: str('container format name as ffprobe gives it (e.g. "mov,mp4,m4a,3gp,3g2,mj2")'),
    sizeBytes: int('file size in bytes', { minimum: 0 }),
    duration: num('duration in seconds; 0 when unknown', { minimum: 0 }),
    bitRate: num('overall bit rate, bits per second', { minimum: 0 }),
    startTime: num(
      "container start time in seconds when it isn't 0 (e.g. MPEG-TS); every other time in the report is relative to it",
    ),
    audio: arrayOf('audio streams', ref('audioStream', 'an audio stream')),
    video: arrayOf('video streams', ref('videoStream', 'a video stream')),
    durationFrom: oneOfStrings(
      'where `duration` comes from: the container header, or decoding the whole file because the header states none (MediaRecorder / live WebM, streamed MP4/TS)',
      ['container', 'decoding'],
    ),
    audioTrack: ref(
      'audioTrack',
      'the audio stream analyzed, when the recording has more than one (absent: the only/first one)',
    ),
  },
  ['file', 'container', 'sizeBytes', 'duration', 'audio', 'video'],
);

export const audioTrackMeasure = obj(
  'What was measured on one audio stream to choose among several.',
  {
    stream: int('stream index in the container', { minimum: 0 }),
    position: int('position among the audio streams, 0-based', { minimum: 0 }),
    soundS: num('seconds with sound (not silence)', { minimum: 0 }),
    integratedLufs: num('integrated loudness, LUFS'),
  },
  ['stream', 'position', 'soundS'],
);

export const audioTrack = obj(
  'The audio stream chosen for analysis among several: the one with the most sound (the first unless another has clearly more).',
  {
    stream: int("stream index in the container (ffprobe's index)", { minimum: 0 }),
    position: int("position among the audio streams, 0-based (ffmpeg's a:N); track number = position + 1", {
      minimum: 0,
    }),
    reason: str('why this one, with the measurements'),
    tracks: arrayOf('each audio stream as measured', ref('audioTrackMeasure', 'one stream')),
  },
  ['stream', 'position', 'reason', 'tracks'],
);

export const consistency = obj(
  "The transcript measured against the recording's sound (sound = not silence at -35 dBFS for 0.5 s). A transcript the recording cannot back is an integrity issue (transcript-unbacked, transcript-beyond-end).",
  {
    recordingDurationS: num("the recording's measured length, seconds", { minimum: 0 }),
    recordingSoundS: num('seconds with sound in the whole recording', { minimum: 0 }),
    segments: int('transcript lines with text', { minimum: 0 }),
    transcriptS: num("seconds the transcript's lines cover (overlaps counted once)", { minimum: 0 }),
    transcriptEndS: num('where the last line ends, seconds', { minimum: 0 }),
    backedS: num('seconds of transcript time with sound under it', { minimum: 0 }),
    beyondEndS: num("seconds of transcript time after the recording's end", { minimum: 0 }),
    unbackedSegments: int('lines with (almost) no sound under them (< 20 % of the line)', { minimum: 0 }),
    unbacked: arrayOf('the first few such lines', ref('interval', 'a line')),
  },
  [
    'recordingDurationS',
    'recordingSoundS',
    'segments',
    'transcriptS',
    'transcriptEndS',
    'backedS',
    'beyondEndS',
    'unbackedSegments',
    'unbacked',
  ],
);

export const sceneCut = obj(
  'A scene cut (an edit, or the camera jumping).',
  { time: seconds('when'), score: num('ffmpeg scdet score, 0..100', { minimum: 0, maximum: 100 }) },
  ['time', 'score'],
);

export const loudness = obj(
  'EBU R128 loudness of the audio.',
  { integratedLufs: num('integrated loudness, LUFS'), lraLu: num('loudness range, LU') },
  ['integratedLufs', 'lraLu'],
);

export const decodeErrors = obj(
  'Decoder errors seen while analyzing the file (a clean file has none).',
  {
    count: int('how many error lines', { minimum: 0 }),
    samples: arrayOf("the first few distinct messages, without ffmpeg's `[decoder @ 0x..]` prefix", { type: 'string' }),
  },
  ['count', 'samples'],
);

export const signals = obj(
  'Signals measured on the audio and picture.',
  {
    silence: arrayOf('silent stretches of the audio', ref('interval', 'a stretch')),
    black: arrayOf('black picture stretches', ref('interval', 'a stretch')),
    frozen: arrayOf('frozen picture stretches', ref('interval', 'a stretch')),
    cuts: arrayOf('scene cuts', ref('sceneCut', 'a cut')),
    loudness: ref('loudness', 'loudness of the whole audio'),
    decodeErrors: ref('decodeErrors', 'decoder errors, when any were seen'),
    quality: {
      type: 'object',
      description:
        'picture and sound quality series (docs/media.md), judged by the quality/video and quality/audio findings',
    },
  },
  ['silence', 'black', 'frozen', 'cuts'],
);

export const media = obj(
  'Facts about the recording file (absent for transcript-only sessions and unreadable files).',
  {
    probe: ref('probe', 'ffprobe facts'),
    signals: ref('signals', 'measured signals, when measured'),
    consistency: ref(
      'consistency',
      'the transcript against the recording, when both are there and the sound was measured',
    ),
  },
  ['probe'],
);

export const integrityIssue = obj(
  'A problem with the recording as a whole or a part of it.',
  {
    code: oneOfStrings('what is wrong', INTEGRITY_CODES),
    severity: oneOfStrings(
      "critical: the recording can't be trusted as a whole; major: part of it can't; minor: worth knowing",
      ['critical', 'major', 'minor'],
    ),
    message: str('one line for a person'),
    start: seconds('where the problem starts, when it has a place'),
    end: seconds('where it ends'),
  },
  ['code', 'severity', 'message'],
);

export const productMeta = obj(
  'The product sold.',
  {
    name: str('product name', { maxLength: 200 }),
    type: oneOfStrings(
      'product type (participating = 分红, universal = 万能, investment-linked = 投连)',
      PRODUCT_TYPES,
    ),
    term_years: num('policy term in years', { minimum: 0 }),
  },
  ['type'],
);
export const policyholderMeta = obj(
  'The policyholder (customer).',
  {
    age: int('age in years at recording', { minimum: 0, maximum: 130 }),
    name: str('name: personal data, kept only when the sidecar gave it; never shown in report.html', {
      maxLength: 200,
    }),
  },
  [],
);
export const agentMeta = obj(
  'The sales agent.',
  {
    id: str('agent id (shown in report.html)', { maxLength: 100 }),
    name: str('name: personal data; never shown in report.html', { maxLength: 200 }),
  },
  [],
);
export const rolesMeta = obj(
  'What the recording terminal knows about who speaks where.',
  {
    speakers: {
      type: 'object',
      description: 'speaker label → role',
      additionalProperties: { enum: ['agent', 'customer'] },
    },
    channels: obj(
      'audio channel → role',
      {
        left: oneOfStrings('left channel', ['agent', 'customer']),
        right: oneOfStrings('right channel', ['agent', 'customer']),
      },
      ['left', 'right'],
    ),
  },
  [],
);
export const sessionMeta = obj(
  'The session metadata (the `<recording>.meta.json` sidecar after validation and defaults).',
  {
    session_id: str('session id as the recording system knows it', { minLength: 1, maxLength: 200 }),
    recorded_at: {
      type: 'string',
      description: 'when it was recorded: ISO 8601 date-time with offset, or a date',
      anyOf: [{ format: 'date-time' }, { format: 'date' }],
    },
    product: ref('productMeta', 'the product sold'),
    channel: oneOfStrings('sales channel', CHANNELS),
    policyholder: ref('policyholderMeta', 'the customer'),
    insured_is_policyholder: bool('whether the insured person is the policyholder'),
    agent: ref('agentMeta', 'the agent'),
    region: str('region (e.g. province)', { maxLength: 100 }),
    parts: arrayOf(
      'a session recorded in parts (interrupted, then resumed): the part files in order, beside the sidecar',
      { type: 'string', minLength: 1, maxLength: 255, pattern: '^[^/\\\\]+$' },
      { minItems: 2, maxItems: 50 },
    ),
    duration_s: num(
      'expected recording length in seconds from the recording terminal (to detect truncation or splicing)',
      {
        exclusiveMinimum: 0,
      },
    ),
    roles: ref('rolesMeta', 'speaker/channel roles known to the recording terminal'),
  },
  ['session_id', 'product', 'channel', 'policyholder', 'agent'],
);

export const answerLatency = obj(
  "How long the customer took to answer one of the agent's questions.",
  {
    questionSegmentId: int("the agent's question (`transcript.segments[].id`)", { minimum: 0 }),
    answerSegmentId: int("the customer's first line after it", { minimum: 0 }),
    latencyS: num('answer start − question end, seconds; negative when the customer spoke before the question ended'),
  },
  ['questionSegmentId', 'answerSegmentId', 'latencyS'],
);

export const segmentsByRole = obj(
  'Transcript segments per role after assignment.',
  {
    agent: int('agent lines', { minimum: 0 }),
    customer: int('customer lines', { minimum: 0 }),
    unknown: int('lines of unknown role', { minimum: 0 }),
  },
  ['agent', 'customer', 'unknown'],
);

export const speakers = obj(
  'Who spoke when, as a whole (the roles themselves are on `transcript.segments[].role`).',
  {
    method: oneOfStrings('where the roles came from, strongest source first', SPEAKER_METHODS),
    speakerCount: {
      type: ['integer', 'null'],
      minimum: 0,
      description: 'distinct voices heard; null when not measured (text only)',
    },
    customerShareOfSpeech: {
      type: ['number', 'null'],
      minimum: 0,
      maximum: 1,
      description:
        "customer speech ÷ (agent + customer speech), by segment time; null when no line is surely the customer's",
    },
    answerLatencies: arrayOf("the customer's answer times to the agent's questions", ref('answerLatency', 'an answer')),
    overlaps: arrayOf('two people talking at once (抢话)', ref('interval', 'a stretch')),
    thirdPartyVoices: arrayOf(
      'speech by a voice that is neither the agent nor the customer',
      ref('interval', 'a stretch'),
    ),
    segmentsByRole: ref('segmentsByRole', 'segments per role'),
    notes: arrayOf('what was done and what could not be decided, in words', { type: 'string' }),
  },
  [
    'method',
    'speakerCount',
    'customerShareOfSpeech',
    'answerLatencies',
    'overlaps',
    'thirdPartyVoices',
    'segmentsByRole',
    'notes',
  ],
);

export const faceSample = obj(
  'A sampled frame and the faces seen in it.',
  { time: seconds('frame time'), count: int('faces seen', { minimum: 0 }) },
  ['time', 'count'],
);

export const visualEvent = obj(
  'Something seen in the picture over a stretch of time.',
  {
    kind: oneOfStrings('what was seen', VISUAL_EVENT_KINDS),
    start: seconds('start'),
    end: seconds('end'),
    confidence: unit('how sure the detector is'),
    label: str('short label (e.g. the document recognised)'),
    notes: arrayOf('what was and was not seen, in words', { type: 'string' }),
    frames: arrayOf('evidence frames, paths relative to the report folder', { type: 'string' }),
  },
  ['kind', 'start', 'end', 'confidence'],
);

export const visualAnalysis = obj(
  'What vision did, so a reader can tell "not seen" from "not looked for".',
  {
    runtime: str('detector runtime, e.g. "human 3.3.6 / tfjs wasm"'),
    ocr: obj('whether OCR ran; when not, why', { available: bool('OCR ran'), reason: str('why not') }, ['available']),
    frames: obj(
      'frames looked at by each pass',
      {
        baseline: int('low-rate face pass', { minimum: 0 }),
        dense: int('cue and cut windows', { minimum: 0 }),
        ocr: int('OCR frames', { minimum: 0 }),
      },
      ['baseline', 'dense', 'ocr'],
    ),
    cues: arrayOf(
      'transcript cues that opened dense windows',
      obj(
        'a cue',
        {
          kind: oneOfStrings('what the line asked for', ['signature', 'document', 'id']),
          start: seconds('start'),
          end: seconds('end'),
        },
        ['kind', 'start', 'end'],
      ),
    ),
    signatureWindows: arrayOf('where hands were looked for', ref('interval', 'a window')),
    ocrWindows: arrayOf('where OCR looked densely', ref('interval', 'a window')),
    seconds: num('wall time of the vision stage, seconds', { minimum: 0 }),
  },
  ['runtime', 'ocr', 'frames', 'cues', 'signatureWindows', 'ocrWindows', 'seconds'],
);

export const visual = obj(
  'Visual facts on the recording timeline (absent when the picture was not analyzed).',
  {
    faces: arrayOf('sampled frames with face counts, in time order', ref('faceSample', 'a sample')),
    events: arrayOf('visual events', ref('visualEvent', 'an event')),
    analysis: ref('visualAnalysis', 'what vision did'),
  },
  ['faces', 'events'],
);

export const evidence = obj(
  'Where and why a check decided what it did. Every field is optional; a `fail` for a missing disclosure usually has only `missing`.',
  {
    start: seconds('start'),
    end: seconds('end'),
    segmentIds: arrayOf('transcript segments involved (`transcript.segments[].id`)', { type: 'integer', minimum: 0 }),
    excerpt: str('the transcript text around the match'),
    matched: str('the part of the excerpt that matched, verbatim'),
    similarity: unit('similarity / coverage for fuzzy matches'),
    missing: str('what was expected and not found'),
    example: str(
      "the rule's example sentence nearest to the matched text, when a rule matched by similarity to its examples",
    ),
    frames: arrayOf('evidence frames, paths relative to the report folder', { type: 'string' }),
    note: str('anything else, in words'),
  },
  [],
);

export const finding = obj(
  'The answer of one check (a rule, an integrity check or a visual check).',
  {
    ruleId: str('the rule (or check) id', { minLength: 1 }),
    title: str('the rule title (Chinese)'),
    category: str('the rule category'),
    concepts: arrayOf(
      'CONTRACT. Concept tags this finding answers for (see the vocabulary in docs/report.md); its status answers for each of them',
      { type: 'string', pattern: '^[a-z][a-z0-9-]*(\\.[a-z0-9-]+)+$' },
    ),
    status: oneOfStrings(
      'CONTRACT. pass: the requirement is met; fail: it is determinably not met; undetermined: the check could not decide (a person must look); not_applicable: the rule does not apply to this session',
      FINDING_STATUSES,
    ),
    severity: oneOfStrings('how much a fail matters', SEVERITIES),
    confidence: unit('how sure the check is of its status'),
    evidence: arrayOf('where and why', ref('evidence', 'evidence')),
    message: str('one line for the auditor (Chinese)'),
    source: str('regulation and article the rule comes from'),
  },
  ['ruleId', 'title', 'category', 'concepts', 'status', 'severity', 'confidence', 'evidence', 'message'],
);

export const session = obj(
  'Which session this is.',
  {
    id: str('session id', { minLength: 1 }),
    recording: str('file name of the recording (no folder: reports travel)'),
    contentSha256: str('sha256 of the recording (or of the transcript, for transcript-only sessions)', SHA256),
    meta: ref('sessionMeta', 'session metadata'),
    metaFromSidecar: bool(
      'false when no metadata sidecar was found and defaults are in use (rules that depend on product/channel/age may then be wrong)',
    ),
    parts: arrayOf('a session recorded in parts: each part on the joined timeline', ref('recordingPart', 'one part'), {
      minItems: 2,
    }),
  },
  ['id', 'meta', 'metaFromSidecar'],
);

export const recordingPart = obj(
  "One part of a session recorded in parts, on the session's one timeline (the parts joined in order).",
  {
    file: str('file name of the part (no folder)'),
    startS: num('where the part starts on the joined timeline, seconds', { minimum: 0 }),
    durationS: num('its length, seconds', { minimum: 0 }),
    createdAt: str("when the device says it started recording it (the file's creation_time), when it says"),
    gapBeforeS: num('the time between the end of the part before and this one, when both creation times are known', {
      minimum: 0,
    }),
  },
  ['file', 'startS', 'durationS'],
);

export const tool = obj(
  'The program that wrote the report.',
  { name: { const: 'dualrec', description: '"dualrec"' }, version: str('its version') },
  ['name', 'version'],
);

export const rules = obj(
  'The rules the session was checked against.',
  { packs: arrayOf('rule pack names', { type: 'string' }), version: str('rule set version (or content hash)') },
  ['packs', 'version'],
);
