// Small rule packs of the tests' own, so batch/rescore verdicts don't move when the shipped rules do:
// pack A makes 责任免除 a critical disclosure; pack B is the same rule made minor (a rules change
// that must flip FAIL → PASS for sessions that never say it).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function rule(severity: 'critical' | 'minor'): string {
  return `id: t-exclusions
title: 提示责任免除条款（测试）
category: disclosure
severity: ${severity}
source: dualrec tests
concepts: [disclosure.exclusions]
speaker: agent
match:
  any: [责任免除]
tests:
  hit: [请您特别注意保险合同中的责任免除条款。]
  miss: [合同条款您回去慢慢看就可以了。]
`;
}

// In both packs: a minor (non-blocking) finding with a time on the recording, for the review page.
const MENTION = `id: t-cooling-off-mention
title: 提及犹豫期（测试）
category: prohibited
kind: prohibited
severity: minor
source: dualrec tests
concepts: [conduct.risk-statement-copied]
speaker: agent
match:
  any: [犹豫期]
`;

/** Writes `<dir>/pack-a/test/*.yaml` and `<dir>/pack-b/…`; returns the two folders. */
export function writeTestPacks(dir: string): { a: string; b: string } {
  const a = join(dir, 'pack-a');
  const b = join(dir, 'pack-b');
  mkdirSync(join(a, 'test'), { recursive: true });
  mkdirSync(join(b, 'test'), { recursive: true });
  writeFileSync(join(a, 'test', 't-exclusions.yaml'), rule('critical'));
  writeFileSync(join(b, 'test', 't-exclusions.yaml'), rule('minor'));
  for (const p of [a, b]) writeFileSync(join(p, 'test', 't-cooling-off-mention.yaml'), MENTION);
  return { a, b };
}
