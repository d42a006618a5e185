// Checks over SessionFacts: the pipeline's own findings (recording integrity, metadata, transcript
// availability) plus the rule packs', then the verdict. Pure: re-scoring stored facts calls only this.
import type { Finding, IntegrityIssue, SessionFacts, Verdict } from '../model/index.js';
import { evaluateRules, type RuleSet } from '../rules/index.js';
import { decideVerdict, type VerdictPolicy } from '../rules/verdict.js';
import { visualFindings } from '../vision/findings.js';
import { qualityFindings } from './quality.js';

export interface Scored {
  findings: Finding[];
  verdict: Verdict;
  reasons: string[];
}

export function scoreFacts(facts: SessionFacts, ruleSet: RuleSet, policy?: VerdictPolicy): Scored {
  const findings = [
    ...pipelineFindings(facts),
    ...qualityFindings(facts),
    ...visualFindings(facts),
    ...evaluateRules(ruleSet, facts),
  ];
  const { verdict, reasons } = decideVerdict(findings, policy);
  return { findings, verdict, reasons };
}

const fmt = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;

/** Every integrity problem fails the recording as evidence, except a length that merely differs from
 *  the metadata (the metadata may be wrong). Whether a truncated or undecodable file makes the session
 *  REVIEW rather than FAIL is the verdict policy's call (reviewOnFailRules). */
function integrityFinding(issue: IntegrityIssue, metaFromSidecar: boolean): Finding {
  let status: Finding['status'] = issue.code === 'duration-mismatch' ? 'undetermined' : 'fail';
  let message = issue.message;
  // Whether a picture is required depends on the channel (telesales is audio-only by rule), and only
  // the sidecar says the channel: without one, a missing picture is for a person to judge (REVIEW), not a FAIL.
  if (issue.code === 'no-video' && !metaFromSidecar) {
    status = 'undetermined';
    message = `${issue.message} — 缺少会话元数据（.meta.json），无法确定渠道：电销（telesales）录音无需画面，其他渠道需要，需人工复核`;
  }
  const at =
    issue.start !== undefined ? ` (${fmt(issue.start)}${issue.end !== undefined ? `–${fmt(issue.end)}` : ''})` : '';
  return {
    ruleId: `integrity/${issue.code}`,
    title: '录音录像完整性',
    category: 'integrity',
    concepts: ['integrity.recording'],
    status,
    severity: issue.severity === 'minor' ? 'minor' : issue.severity,
    confidence: 1,
    evidence: [{ start: issue.start, end: issue.end, note: message }],
    message: `${message}${at}`,
  };
}

export function pipelineFindings(facts: SessionFacts): Finding[] {
  const out: Finding[] = [];
  if (!facts.recording) {
    out.push({
      ruleId: 'integrity/recording',
      title: '录音录像完整性',
      category: 'integrity',
      concepts: ['integrity.recording'],
      status: 'not_applicable',
      severity: 'minor',
      confidence: 1,
      evidence: [],
      message: '仅有转写文本，未提供录音录像文件，未检查录像完整性',
    });
  } else if (facts.integrity.length === 0) {
    out.push({
      ruleId: 'integrity/recording',
      title: '录音录像完整性',
      category: 'integrity',
      concepts: ['integrity.recording'],
      status: 'pass',
      severity: 'critical',
      confidence: 1,
      evidence: [],
      message: '录音录像文件完整：音视频轨道齐全，未发现截断或时间戳断档',
    });
  } else {
    out.push(...facts.integrity.map((i) => integrityFinding(i, facts.metaFromSidecar)));
  }

  out.push(
    facts.metaFromSidecar
      ? {
          ruleId: 'metadata/sidecar',
          title: '会话元数据',
          category: 'metadata',
          concepts: ['metadata.sidecar'],
          status: 'pass',
          severity: 'minor',
          confidence: 1,
          evidence: [],
          message: '已读取会话元数据（产品、渠道、投保人年龄等）',
        }
      : {
          // Without product, channel and age we cannot tell which rules apply: a person must look.
          ruleId: 'metadata/sidecar',
          title: '会话元数据',
          category: 'metadata',
          concepts: ['metadata.sidecar'],
          status: 'undetermined',
          severity: 'critical',
          confidence: 1,
          evidence: [{ missing: '<name>.meta.json' }],
          message: '缺少会话元数据文件（.meta.json），按默认值检查；产品类型、渠道、年龄相关规则无法确定是否适用',
        },
  );

  const segments = facts.transcript?.segments ?? [];
  const hasText = segments.some((s) => s.text.trim().length > 0);
  out.push(
    hasText
      ? {
          ruleId: 'transcript/available',
          title: '语音转写',
          category: 'transcript',
          concepts: ['transcript.available'],
          status: 'pass',
          severity: 'critical',
          confidence: 1,
          evidence: [],
          message: `转写文本 ${segments.length} 段（来源：${facts.transcript!.source.kind === 'import' ? '导入文件' : '本地语音识别'}）`,
        }
      : {
          ruleId: 'transcript/available',
          title: '语音转写',
          category: 'transcript',
          concepts: ['transcript.available'],
          status: 'undetermined',
          severity: 'critical',
          confidence: 1,
          evidence: [],
          message: facts.transcript
            ? '转写结果为空（可能是无权重的测试模型或录音无语音），无法检查话术，需人工复核'
            : `没有转写文本，无法检查话术，需人工复核：${facts.transcriptMissingReason ?? '原因未知'}`,
        },
  );
  return out;
}
