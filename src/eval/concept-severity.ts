// What a 双录 recording must contain, by concept, and how severe a fault is — the regulation's own
// list (保监发〔2017〕54号 第五–七条; 保监消保〔2017〕265号; 保险销售行为管理办法 2023; 银保监办发〔2019〕179号),
// with insurers' practice beyond it as minor. The labelled sets derive their expected verdicts from it
// (a session whose only faults are minor stays PASS); docs/rules.md shows the same table with the rules
// that check each concept. The rule packs carry their own severities: tests/rules/severity-table.test.ts
// keeps the two in step. Fees and the health notice are items of the same article (2023 办法 第二十六–二十七条)
// as coverage and premium, so critical like them.
import type { Concept, Severity } from '../model/index.js';

export const CONCEPT_SEVERITY = {
  'identity.agent': 'critical',
  'consent.recording': 'critical',
  'consent.fixed-notice': 'minor',
  'identity.customer': 'minor',
  'disclosure.insurer-product': 'critical',
  'disclosure.coverage': 'critical',
  'disclosure.exclusions': 'critical',
  'disclosure.premium': 'critical',
  'disclosure.term': 'critical',
  'disclosure.cooling-off': 'critical',
  'disclosure.surrender-loss': 'critical',
  'disclosure.benefit-uncertainty': 'critical',
  'conduct.risk-statement-copied': 'major',
  'disclosure.fees': 'critical',
  'disclosure.not-deposit': 'critical',
  'disclosure.health-notice': 'critical',
  'disclosure.signature': 'major',
  // suitability is a general duty of the sale (2023 办法), not a content of the recording in 54号 第七条
  'disclosure.suitability': 'minor',
  'confirmation.customer': 'critical',
  // asked and not answered yes (a customer who still wants to think it over): major; a session that
  // never asks is insurers' practice left undone and is not labelled
  'confirmation.voluntary': 'major',
  'conduct.proxy-answer': 'critical',
  'conduct.speech-rate': 'major',
  'prohibited.guarantee': 'critical',
  'prohibited.deposit-confusion': 'critical',
} as const satisfies Partial<Record<Concept, Exclude<Severity, 'info'>>>;

export type TableConcept = keyof typeof CONCEPT_SEVERITY;

/** Expected verdict from labels: FAIL when a concept that is not minor fails, else PASS. */
export function verdictFromLabels(concepts: Partial<Record<string, string>>): 'PASS' | 'FAIL' {
  return Object.entries(concepts).some(
    ([c, s]) => s === 'fail' && (CONCEPT_SEVERITY as Record<string, string>)[c] !== 'minor',
  )
    ? 'FAIL'
    : 'PASS';
}
