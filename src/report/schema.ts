// The report.json contract as a JSON Schema (draft 2020-12). The TS objects are the source
// (schema-defs.ts: the shared definitions; schema-report.ts: the report's shape); docs/report.schema.json
// and the field reference in docs/report.md are generated from them (`npx tsx src/report/emit-schema.ts`,
// kept in sync by tests/report/schema.test.ts). This module validates reports against the schema, and
// the type checks at the bottom fail compilation when a model type gains or loses a field that the
// schema does not list: update both together.
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import {
  REPORT_SCHEMA_VERSION,
  type AnswerLatency,
  type AudioStreamInfo,
  type AudioTrackChoice,
  type RecordingPart,
  type DecodeErrors,
  type Evidence,
  type Finding,
  type FindingStatus,
  type IntegrityCode,
  type IntegrityIssue,
  type MediaProbe,
  type MediaSignals,
  type Report,
  type Role,
  type SceneCut,
  type Segment,
  type SessionMeta,
  type Severity,
  type SpeakerFacts,
  type SpeakerMethod,
  type Transcript,
  type TranscriptDiagnostic,
  type TranscriptConsistency,
  type TranscriptFormat,
  type TranscriptSource,
  type Verdict,
  type VideoStreamInfo,
  type VisualEvent,
  type VisualTimeline,
  type Word,
} from '../model/index.js';
import { UserError, errorMessage } from '../util/errors.js';
import type * as D from './schema-defs.js';
import { REPORT_JSON_SCHEMA, REPORT_SCHEMA_ID, type reportProps } from './schema-report.js';

export { REPORT_SCHEMA_VERSION };
export { REPORT_JSON_SCHEMA, REPORT_SCHEMA_ID };
export {
  DIAGNOSTIC_KINDS,
  FINDING_STATUSES,
  INTEGRITY_CODES,
  ROLES,
  SEVERITIES,
  SPEAKER_METHODS,
  TRANSCRIPT_FORMATS,
  VERDICTS,
  VISUAL_EVENT_KINDS,
} from './schema-defs.js';

// ---- validation

export type ValidationResult = { ok: true } | { ok: false; errors: string[] };

/** Every object that lists its properties gets additionalProperties: false (for drift tests). */
function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'properties' ? mapValues(v, closeObjects) : closeObjects(v);
  if ('properties' in out && !('additionalProperties' in out) && out.type === 'object' && !isConditionPart(out)) {
    out.additionalProperties = false;
  }
  return out;
}
function mapValues(v: unknown, f: (x: unknown) => unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, f(x)]));
}
// The BLOCKING_FINDING matcher only looks at two fields; closing it would change its meaning.
function isConditionPart(o: Record<string, unknown>): boolean {
  return !('description' in o);
}

const validators: { open?: ValidateFunction; strict?: ValidateFunction } = {};

// Compiled on first use (ajv compiles the schema to a function once; that takes a few hundred ms).
function getValidator(strict: boolean): ValidateFunction {
  const key = strict ? 'strict' : 'open';
  let v = validators[key];
  if (!v) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    // ajv-formats is CommonJS: its default export is the plugin function itself.
    const addFormats = addFormatsPlugin as unknown as (a: Ajv2020, f: string[]) => void;
    addFormats(ajv, ['date-time', 'date']);
    v = ajv.compile(
      strict
        ? { ...(closeObjects(REPORT_JSON_SCHEMA) as object), $id: `${REPORT_SCHEMA_ID}:strict` }
        : REPORT_JSON_SCHEMA,
    );
    validators[key] = v;
  }
  return v;
}

function describeError(e: ErrorObject): string {
  const where = e.instancePath === '' ? 'report' : e.instancePath.slice(1).replace(/\//g, '.');
  switch (e.keyword) {
    case 'required':
      return `${where === 'report' ? '' : `${where}.`}${String(e.params.missingProperty)}: is required`;
    case 'enum':
      return `${where}: must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `${where}: must be ${JSON.stringify(e.params.allowedValue)}`;
    case 'additionalProperties':
      return `${where}: unknown field "${String(e.params.additionalProperty)}"`;
    default:
      return `${where}: ${e.message ?? e.keyword}`;
  }
}

/**
 * Validates a report against the schema, in its JSON form (what report.json will hold:
 * NaN and Infinity become null and are caught as wrong types). Unknown fields are allowed
 * (readers ignore them) unless `strict` is set.
 */
export function validateReport(obj: unknown, opts: { strict?: boolean } = {}): ValidationResult {
  let json: unknown;
  try {
    json = JSON.parse(JSON.stringify(obj) ?? 'null');
  } catch (err) {
    return { ok: false, errors: [`report: not serialisable as JSON (${errorMessage(err)})`] };
  }
  const v = getValidator(opts.strict === true);
  if (v(json)) return { ok: true };
  // `if`/`then` failures repeat the inner error; keep the specific one only.
  const errors = [...new Set((v.errors ?? []).filter((e) => e.keyword !== 'if').map(describeError))];
  return { ok: false, errors };
}

/** Reads and validates a report.json file; throws UserError naming the file when it is unreadable or invalid JSON. */
export function validateReportFile(path: string, opts: { strict?: boolean } = {}): ValidationResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError(`${path}: cannot read report (${errorMessage(err)})`, path);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${path}: not valid JSON (${errorMessage(err)})`, path);
  }
  return validateReport(parsed, opts);
}

// ---- compile-time drift checks between the model types and the schema

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Keys<T extends { properties: object }> = keyof T['properties'];
type ImportSource = Extract<TranscriptSource, { kind: 'import' }>;
type AsrSource = Extract<TranscriptSource, { kind: 'asr' }>;

// Each line must type-check as `true`; a compile error here means a model type and the
// schema above list different fields or values.
export const SCHEMA_MATCHES_MODEL: [
  Same<keyof typeof reportProps, keyof Report>,
  Same<Keys<typeof D.session>, keyof Report['session']>,
  Same<Keys<typeof D.tool>, keyof Report['tool']>,
  Same<Keys<typeof D.rules>, keyof NonNullable<Report['rules']>>,
  Same<Keys<typeof D.media>, keyof NonNullable<Report['media']>>,
  Same<Keys<typeof D.sessionMeta>, keyof SessionMeta>,
  Same<Keys<typeof D.productMeta>, keyof SessionMeta['product']>,
  Same<Keys<typeof D.policyholderMeta>, keyof SessionMeta['policyholder']>,
  Same<Keys<typeof D.agentMeta>, keyof SessionMeta['agent']>,
  Same<Keys<typeof D.rolesMeta>, keyof NonNullable<SessionMeta['roles']>>,
  Same<Keys<typeof D.probe>, keyof MediaProbe>,
  Same<Keys<typeof D.audioStream>, keyof AudioStreamInfo>,
  Same<Keys<typeof D.audioTrack>, keyof AudioTrackChoice>,
  Same<Keys<typeof D.audioTrackMeasure>, keyof AudioTrackChoice['tracks'][number]>,
  Same<Keys<typeof D.recordingPart>, keyof RecordingPart>,
  Same<Keys<typeof D.consistency>, keyof TranscriptConsistency>,
  Same<Keys<typeof D.videoStream>, keyof VideoStreamInfo>,
  Same<Keys<typeof D.signals>, keyof MediaSignals>,
  Same<Keys<typeof D.sceneCut>, keyof SceneCut>,
  Same<Keys<typeof D.decodeErrors>, keyof DecodeErrors>,
  Same<Keys<typeof D.integrityIssue>, keyof IntegrityIssue>,
  Same<Keys<typeof D.transcript>, keyof Transcript>,
  Same<Keys<typeof D.transcriptSourceImport>, keyof ImportSource>,
  Same<Keys<typeof D.transcriptSourceAsr>, keyof AsrSource>,
  Same<Keys<typeof D.segment>, keyof Segment>,
  Same<Keys<typeof D.word>, keyof Word>,
  Same<Keys<typeof D.diagnostic>, keyof TranscriptDiagnostic>,
  Same<Keys<typeof D.visual>, keyof VisualTimeline>,
  Same<Keys<typeof D.speakers>, keyof SpeakerFacts>,
  Same<Keys<typeof D.answerLatency>, keyof AnswerLatency>,
  Same<Keys<typeof D.segmentsByRole>, keyof SpeakerFacts['segmentsByRole']>,
  Same<(typeof D.SPEAKER_METHODS)[number], SpeakerMethod>,
  Same<Keys<typeof D.visualEvent>, keyof VisualEvent>,
  Same<Keys<typeof D.finding>, keyof Finding>,
  Same<Keys<typeof D.evidence>, keyof Evidence>,
  Same<(typeof D.FINDING_STATUSES)[number], FindingStatus>,
  Same<(typeof D.SEVERITIES)[number], Severity>,
  Same<(typeof D.VERDICTS)[number], Verdict>,
  Same<(typeof D.ROLES)[number], Role>,
  Same<(typeof D.TRANSCRIPT_FORMATS)[number], TranscriptFormat>,
  Same<(typeof D.INTEGRITY_CODES)[number], IntegrityCode>,
  Same<(typeof D.DIAGNOSTIC_KINDS)[number], TranscriptDiagnostic['kind']>,
  Same<(typeof D.VISUAL_EVENT_KINDS)[number], VisualEvent['kind']>,
  Same<IntegrityIssue['severity'], 'critical' | 'major' | 'minor'>,
] = [
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
];
