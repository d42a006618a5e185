// Public API of the rule engine.
export { loadRuleSet, loadLexicon, DEFAULT_RULES_DIR } from './loader.js';
export { evaluateRules, appliesTo } from './evaluator.js';
export { decideVerdict, DEFAULT_VERDICT_POLICY, type VerdictPolicy } from './verdict.js';
export { runRuleTests, type RuleTestResult } from './tester.js';
export type { RuleSet, CompiledRule } from './types.js';
export type { RuleSpec } from './schema.js';
