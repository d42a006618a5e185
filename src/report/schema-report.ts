// The shape of report.json: its top-level fields, the rules that tie the verdict to the findings,
// and the `$defs` of schema-defs.ts, as one JSON Schema (draft 2020-12). docs/report.schema.json is
// this object written out (`npx tsx src/report/emit-schema.ts`).
import { REPORT_SCHEMA_VERSION, type Report } from '../model/index.js';
import {
  VERDICTS,
  agentMeta,
  answerLatency,
  audioStream,
  audioTrack,
  audioTrackMeasure,
  recordingPart,
  consistency,
  decodeErrors,
  diagnostic,
  evidence,
  faceSample,
  finding,
  integrityIssue,
  interval,
  loudness,
  media,
  policyholderMeta,
  probe,
  productMeta,
  rolesMeta,
  rules,
  sceneCut,
  segment,
  segmentsByRole,
  session,
  sessionMeta,
  signals,
  speakers,
  tool,
  transcript,
  transcriptSource,
  transcriptSourceAsr,
  transcriptSourceImport,
  videoStream,
  visual,
  visualAnalysis,
  visualEvent,
  word,
  arrayOf,
  oneOfStrings,
  ref,
  str,
} from './schema-defs.js';

export const REPORT_SCHEMA_ID = `urn:dualrec:report:${REPORT_SCHEMA_VERSION}`;

/** Findings that stop a PASS whatever the verdict policy: a critical fail or undetermined, or a major fail.
 *  (A major undetermined may PASS: the default policy sends only critical "can't tell" to review.) */
const BLOCKING_FINDING = {
  anyOf: [
    {
      type: 'object',
      properties: { status: { enum: ['fail', 'undetermined'] }, severity: { const: 'critical' } },
      required: ['status', 'severity'],
    },
    {
      type: 'object',
      properties: { status: { const: 'fail' }, severity: { const: 'major' } },
      required: ['status', 'severity'],
    },
  ],
} as const;

export const reportProps = {
  schemaVersion: {
    const: REPORT_SCHEMA_VERSION,
    description: `CONTRACT. The schema version, "${REPORT_SCHEMA_VERSION}"`,
  },
  tool: ref('tool', 'the program that wrote it'),
  generatedAt: str('when the report was written (ISO 8601)', { format: 'date-time' }),
  session: ref('session', 'which session'),
  verdict: oneOfStrings(
    'CONTRACT. PASS: every applicable check passed; FAIL: a check determinably failed; REVIEW: something could not be decided (or the file could not be analyzed) and a person must look. Never PASS when a critical check failed or is undetermined, when a major check failed, or when `error` is set',
    VERDICTS,
  ),
  verdictReasons: arrayOf('one line per reason the verdict is what it is', { type: 'string' }),
  error: str(
    'set when the session could not be analyzed at all (e.g. an unreadable file): why. The verdict is then REVIEW',
  ),
  media: ref('media', 'facts about the recording file'),
  integrity: arrayOf('problems with the recording', ref('integrityIssue', 'an issue')),
  transcript: ref('transcript', 'the transcript'),
  transcriptMissingReason: str('why there is no transcript, when there is none'),
  speakers: ref('speakers', 'who spoke when, as a whole'),
  visual: ref('visual', 'visual facts'),
  findings: arrayOf('CONTRACT. One per check', ref('finding', 'a finding')),
  rules: ref('rules', 'the rules used'),
} as const;

export const REPORT_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: REPORT_SCHEMA_ID,
  title: `dualrec report.json, schema ${REPORT_SCHEMA_VERSION}`,
  description:
    'The compliance report of one dual recording (双录) session. Readers must ignore fields they do not know: minor schema versions only add optional fields.',
  type: 'object',
  properties: reportProps,
  required: [
    'schemaVersion',
    'tool',
    'generatedAt',
    'session',
    'verdict',
    'verdictReasons',
    'integrity',
    'findings',
  ] as const satisfies readonly (keyof Report)[],
  allOf: [
    {
      $comment: 'an unanalyzable session is REVIEW',
      if: { type: 'object', required: ['error'] },
      then: { type: 'object', properties: { verdict: { const: 'REVIEW' } } },
    },
    {
      $comment:
        "can't tell is never PASS: a failed or undetermined critical finding, a failed major finding, or a critical integrity issue, rules PASS out",
      if: {
        anyOf: [
          {
            type: 'object',
            properties: { findings: { type: 'array', contains: BLOCKING_FINDING } },
            required: ['findings'],
          },
          {
            type: 'object',
            properties: {
              integrity: {
                type: 'array',
                contains: { type: 'object', properties: { severity: { const: 'critical' } }, required: ['severity'] },
              },
            },
            required: ['integrity'],
          },
        ],
      },
      then: { type: 'object', properties: { verdict: { enum: ['FAIL', 'REVIEW'] } } },
    },
  ],
  $defs: {
    tool,
    session,
    sessionMeta,
    productMeta,
    policyholderMeta,
    agentMeta,
    rolesMeta,
    media,
    probe,
    audioTrack,
    audioTrackMeasure,
    recordingPart,
    consistency,
    audioStream,
    videoStream,
    signals,
    interval,
    sceneCut,
    loudness,
    decodeErrors,
    integrityIssue,
    transcript,
    transcriptSource,
    transcriptSourceImport,
    transcriptSourceAsr,
    segment,
    word,
    diagnostic,
    speakers,
    answerLatency,
    segmentsByRole,
    visual,
    visualAnalysis,
    faceSample,
    visualEvent,
    finding,
    evidence,
    rules,
  },
} as const;
