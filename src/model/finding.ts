// Findings are the one currency between checks (rules, integrity, vision) and the report.

export type FindingStatus = 'pass' | 'fail' | 'undetermined' | 'not_applicable';
export type Severity = 'critical' | 'major' | 'minor' | 'info';
export type Verdict = 'PASS' | 'FAIL' | 'REVIEW';

/** The fixed concept vocabulary (issue 4); other tools key on these names. */
export const CONCEPTS = [
  'integrity.recording',
  'consent.recording',
  'consent.fixed-notice',
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
  'disclosure.signature',
  'disclosure.suitability',
  'disclosure.not-deposit',
  'confirmation.customer',
  /** the customer says the purchase is voluntary (insurers' practice, not in the regulation's list) */
  'confirmation.voluntary',
  'conduct.risk-statement-copied',
  'conduct.speech-rate',
  'conduct.proxy-answer',
  'conduct.silence',
  'prohibited.guarantee',
  'prohibited.deposit-confusion',
  'visual.copresence',
  'visual.document-shown',
  'visual.signature',
  'metadata.sidecar',
  'transcript.available',
] as const;
export type Concept = (typeof CONCEPTS)[number];

export interface Evidence {
  /** seconds on the recording's timeline */
  start?: number;
  end?: number;
  segmentIds?: number[];
  /** the transcript text around the match */
  excerpt?: string;
  /** the part of the excerpt that matched, verbatim */
  matched?: string;
  /** 0..1 similarity / coverage for fuzzy matches */
  similarity?: number;
  /** what was expected and not found */
  missing?: string;
  /** evidence frames, paths relative to the report folder */
  frames?: string[];
  /** the rule's example sentence nearest to the matched text (example matcher): why it matched */
  example?: string;
  note?: string;
}

export interface Finding {
  ruleId: string;
  title: string;
  category: string;
  /** concept tags this finding answers for; its status answers for each of them */
  concepts: string[];
  status: FindingStatus;
  severity: Severity;
  /** 0..1 how sure the check is of its status */
  confidence: number;
  evidence: Evidence[];
  message: string;
  /** regulation and article the rule comes from */
  source?: string;
}
