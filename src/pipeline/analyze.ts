// One session end to end: facts → findings → verdict → report.json + report.html in its own folder.
// A session that cannot be analyzed still gets a report (verdict REVIEW) that says why.
import { basename, dirname, join, relative, sep } from 'node:path';
import type { Logger } from 'pino';
import {
  REPORT_SCHEMA_VERSION,
  SessionMetaSchema,
  type Report,
  type SessionFacts,
  type Transcript,
} from '../model/index.js';
import type { RuleSet } from '../rules/index.js';
import { maskReport } from '../privacy/index.js';
import { renderReportHtml } from '../report/html.js';
import { validateReport } from '../report/schema.js';
import { makePrivate, mkdirPrivate, writeFileAtomic } from '../util/atomic.js';
import { partsSha256, sha256File } from '../util/hash.js';
import { signReportFolder } from '../integrity/sign.js';
import { FfmpegFailed } from '../media/index.js';
import { UserError, errorMessage } from '../util/errors.js';
import { sessionLogger } from '../util/log.js';
import { claimOwnDir, refuseSymlink } from '../util/symlinks.js';
import { TOOL_VERSION } from '../util/version.js';
import { collectFacts, type CollectOptions } from './collect.js';
import { stageClock, timingFields } from '../util/stage-clock.js';
import { scoreFacts } from './score.js';
import { loadSessionMeta, type SessionInput } from './session.js';
import { describeFsError, isFsError } from './input-error.js';

function isInside(path: string, dir: string): boolean {
  const r = relative(dir, path);
  return r === '' || (!r.startsWith('..') && !r.startsWith(sep));
}

export interface AnalyzeOptions extends Omit<CollectOptions, 'logger' | 'reportDir'> {
  outDir: string;
  /** the session's report folder; default <outDir>/<file stem> */
  reportDir?: string;
  ruleSet: RuleSet;
  lang?: 'zh' | 'en';
  /** sha256 of the recording (or transcript) when the caller has it already */
  contentSha256?: string;
  /** batch: any failure (even the program's own) becomes this session's error report, never the run's */
  everyErrorIsTheSessions?: boolean;
}

export interface AnalyzeResult {
  input: SessionInput;
  report: Report;
  reportDir: string;
  /** what the report was built from; absent when the session could not be analyzed */
  facts?: SessionFacts;
  /** set when the session could not be (fully) analyzed: the one-line reason */
  problem?: string;
}

/** Folder name for a session's report: the file stem, made safe for any filesystem. */
export function reportFolderName(input: SessionInput): string {
  const safe = input.name
    .replace(/[^\p{L}\p{N}._-]+/gu, '_')
    .replace(/^\.+/, '_')
    .slice(0, 120);
  return safe || 'session';
}

export function buildReport(facts: SessionFacts, ruleSet: RuleSet, contentSha256?: string): Report {
  const { findings, verdict, reasons } = scoreFacts(facts, ruleSet);
  // Masked here, so report.json, report.html and the findings the store keeps for the review queue
  // never hold a full ID, phone or bank-card number (the store's facts keep the verbatim transcript).
  return maskReport({
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'dualrec', version: TOOL_VERSION },
    generatedAt: new Date().toISOString(),
    session: {
      id: facts.sessionId,
      recording: facts.recording ? basename(facts.recording) : undefined,
      contentSha256,
      meta: facts.meta,
      metaFromSidecar: facts.metaFromSidecar,
      ...(facts.parts ? { parts: facts.parts.map((p) => ({ ...p, file: basename(p.file) })) } : {}),
    },
    verdict,
    verdictReasons: reasons,
    media: facts.probe
      ? {
          probe: { ...facts.probe, file: basename(facts.probe.file) },
          signals: facts.signals,
          consistency: facts.consistency,
        }
      : undefined,
    integrity: facts.integrity,
    transcript: facts.transcript && withoutFolders(facts.transcript),
    transcriptMissingReason: facts.transcriptMissingReason,
    speakers: facts.speakers,
    visual: facts.visual,
    findings,
    rules: { packs: ruleSet.packs, version: ruleSet.version },
  });
}

/** Reports travel (mail, review queue): they name files, never the folders they sat in. */
function withoutFolders(t: Transcript): Transcript {
  return t.source.kind === 'import' ? { ...t, source: { ...t.source, file: basename(t.source.file) } } : t;
}

/** The report for a session that could not be analyzed at all. */
export function errorReport(input: SessionInput, sessionId: string, reason: string, contentSha256?: string): Report {
  return maskReport({
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'dualrec', version: TOOL_VERSION },
    generatedAt: new Date().toISOString(),
    session: {
      id: sessionId,
      recording: input.recording ? basename(input.recording) : undefined,
      contentSha256,
      meta: SessionMetaSchema.parse({ session_id: sessionId }),
      metaFromSidecar: false,
    },
    verdict: 'REVIEW',
    verdictReasons: [`无法分析，需人工复核：${reason}`],
    error: reason,
    integrity: [],
    findings: [
      {
        ruleId: 'integrity/unanalysable',
        title: '录音录像完整性',
        category: 'integrity',
        concepts: ['integrity.recording'],
        // Not intact as delivered (fail), yet the sale itself can't be judged: REVIEW by policy.
        status: 'fail',
        severity: 'critical',
        confidence: 1,
        evidence: [{ note: reason }],
        message: `无法分析该会话：${reason}`,
      },
    ],
  });
}

export function writeReport(
  reportDir: string,
  report: Report,
  recording: string | undefined,
  lang: 'zh' | 'en' = 'zh',
): void {
  refuseSymlink(reportDir, 'the report folder');
  // made private, also when an older run left it 0755
  mkdirPrivate(reportDir);
  makePrivate(reportDir, true);
  const valid = validateReport(report);
  // A report that breaks its own schema is our bug; keep it (losing it is worse) but say so loudly.
  if (!valid.ok)
    sessionLogger(report.session.id).error({ errors: valid.errors.slice(0, 5) }, 'report does not match its schema');
  const videoHref = recording && report.media?.probe.video.length ? relative(reportDir, recording) : undefined;
  // HTML first, JSON last: report.json's presence means the session's report is complete.
  writeFileAtomic(join(reportDir, 'report.html'), renderReportHtml(report, { lang, videoHref }));
  writeFileAtomic(join(reportDir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
  // report.json.sig: HMAC with a key kept outside the reports folder (docs/integrity.md)
  signReportFolder(reportDir);
}

export async function analyzeSession(input: SessionInput, opts: AnalyzeOptions): Promise<AnalyzeResult> {
  const reportDir = opts.reportDir ?? join(opts.outDir, reportFolderName(input));
  const contentFile = input.recording ?? input.transcript;
  let log: Logger = sessionLogger(input.name);
  let contentSha256 = opts.contentSha256;
  let sessionId = input.name;
  // A report folder (or its frames/) replaced by a symbolic link is never written through.
  const linkedOut = [reportDir, join(reportDir, 'frames')]
    .map((d) => [d, claimOwnDir(d)] as const)
    .find(([, t]) => t !== undefined);
  try {
    // found by discovery but not readable (a link to nothing, a FIFO): not opened at all
    if (input.unreadable) throw new UserError(input.unreadable, contentFile);
    // Inputs that are symbolic links are refused before anything reads them (hashing included).
    refuseSymlink(input.recording, 'the recording');
    for (const part of input.parts ?? []) refuseSymlink(part, 'a part of the recording');
    for (const t of input.partTranscripts ?? []) refuseSymlink(t ?? undefined, "a part's transcript");
    refuseSymlink(input.transcript, 'the transcript');
    refuseSymlink(input.meta, 'the metadata sidecar');
    if (linkedOut) {
      throw new UserError(
        `${linkedOut[0]}: the report folder was a symbolic link (to ${linkedOut[1]}), not written through; a real folder was made in its place`,
        linkedOut[0],
      );
    }
    const loaded = loadSessionMeta(input);
    sessionId = loaded.meta.session_id;
    log = sessionLogger(sessionId);
    contentSha256 ??= input.parts
      ? await sha256Parts(input.parts)
      : contentFile
        ? await sha256File(contentFile)
        : undefined;
    const recordingSha256 = input.recording ? contentSha256 : undefined;
    const facts = await collectFacts(input, { ...opts, reportDir, recordingSha256, logger: log }, loaded);
    const lap = stageClock(opts.onStageTime);
    const report = buildReport(facts, opts.ruleSet, contentSha256);
    writeReport(reportDir, report, facts.recording, opts.lang);
    log.info(
      { verdict: report.verdict, findings: report.findings.length, reportDir, ...timingFields(lap('report')) },
      'report written',
    );
    // A transcript the recording can't back is a finding about the session, not a file we couldn't analyze.
    const critical = facts.integrity.find((i) => i.severity === 'critical' && !i.code.startsWith('transcript-'));
    return { input, report, reportDir, facts, problem: critical ? `${contentFile}: ${critical.message}` : undefined };
  } catch (err) {
    // a session's own file that cannot be read (permission, removed, I/O error) is the session's
    // problem; failing to write its report is the run's (the output folder), and stops it
    const inputFs = isFsError(err) && !(err.path && isInside(err.path, reportDir));
    if (!opts.everyErrorIsTheSessions && !(err instanceof UserError) && !(err instanceof FfmpegFailed) && !inputFs)
      throw err;
    // the report names the file, not the folder it sat in (the CLI line keeps the full path)
    const fullReason = inputFs
      ? describeFsError(err, contentFile)
      : (errorMessage(err).split('\n')[0] ?? 'unknown error');
    const folder = dirname(input.base) + sep;
    const reason = (contentFile ? fullReason.replaceAll(contentFile, basename(contentFile)) : fullReason).replaceAll(
      folder,
      '',
    );
    log.warn({ reason }, 'session could not be analyzed');
    const report = errorReport(input, sessionId, reason, contentSha256);
    writeReport(reportDir, report, undefined, opts.lang);
    return {
      input,
      report,
      reportDir,
      problem: fullReason.startsWith(contentFile ?? '\0') ? fullReason : `${contentFile}: ${fullReason}`,
    };
  }
}

async function sha256Parts(files: string[]): Promise<string> {
  const hashes: string[] = [];
  for (const f of files) hashes.push(await sha256File(f));
  return partsSha256(hashes);
}

export function relativeToCwd(p: string): string {
  const r = relative(process.cwd(), p);
  return r.startsWith('..') ? p : r || '.';
}
