// Renders every session script of a part into the labelled files `dualrec eval` reads
// (`<id>.transcript.*`, `<id>.meta.json`, `<id>.expected.json`) plus a README.md table, and removes
// rendered files whose script is gone.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  LABELLED_CONCEPTS,
  loadScript,
  loadSources,
  type LabelledConcept,
  type Part,
  type Script,
  type Labels,
} from './schema.js';
import { timeTurns } from './segments.js';
import { speakerLabels, writeTranscript } from './formats.js';

export interface RenderedSession {
  script: Script & { labels: Labels };
  files: Record<string, string>;
}

/** Files this renderer writes: the only ones it may delete. */
const RENDERED = /^(dev|holdout)-[a-z0-9-]+\.(transcript\.(json|srt|vtt)|meta\.json|expected\.json)$/;

export function scriptsDir(root: string, part: Part): string {
  return join(root, 'scripts', part);
}

/** Loads and renders the scripts of one part, in file-name order (nothing is written). */
export function renderPart(root: string, part: Part): RenderedSession[] {
  const sources = loadSources(join(root, 'sources.yaml'));
  const dir = scriptsDir(root, part);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  return files.map((f) => renderScript(loadScript(join(dir, f), part, sources)));
}

function renderScript(script: Script & { labels: Labels }): RenderedSession {
  const { id, meta, render, labels } = script;
  const segs = timeTurns(script.turns, render, id);
  const transcript = writeTranscript(render.format, segs, render, id);
  const roles = render.speakers ? speakerLabels(render) : undefined;
  const metaJson = {
    session_id: id,
    recorded_at: meta.recorded_at,
    product: meta.product,
    channel: meta.channel,
    policyholder: meta.policyholder,
    insured_is_policyholder: meta.insured_is_policyholder,
    agent: meta.agent,
    // a third voice (a relative) has no role a sidecar can name: it stays out of the map
    ...(roles ? { roles: { speakers: { [roles.agent]: 'agent', [roles.customer]: 'customer' } } } : {}),
  };
  const expected = {
    verdict: labels.verdict,
    concepts: labels.concepts,
    case: script.case,
    ...(labels.notes.length ? { notes: labels.notes } : {}),
  };
  const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  return {
    script,
    files: {
      [`${id}.${transcript.suffix}`]: transcript.body,
      [`${id}.meta.json`]: json(metaJson),
      [`${id}.expected.json`]: json(expected),
    },
  };
}

export function violations(labels: Labels): LabelledConcept[] {
  return (Object.keys(LABELLED_CONCEPTS) as LabelledConcept[]).filter((c) => labels.concepts[c] === 'fail');
}

export function shapeOf(r: Script['render']): string {
  const bits: string[] = [r.format, r.speakers ? 'speakers' : 'no speakers'];
  if (r.traditional) bits.push('traditional');
  if (!r.punctuation) bits.push('no punctuation');
  if (r.split_sentences) bits.push('split sentences');
  return bits.join(', ');
}

function count<T extends string>(items: T[]): string {
  const m = new Map<string, number>();
  for (const i of items) m.set(i, (m.get(i) ?? 0) + 1);
  return [...m.entries()]
    .sort()
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}

export function readme(part: Part, sessions: RenderedSession[]): string {
  const scripts = sessions.map((s) => s.script);
  const pass = scripts.filter((s) => s.labels.verdict === 'PASS').length;
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    `# Real-wording labelled sessions: ${part} part`,
    '',
    `Rendered by \`npx tsx scripts/make-real-sessions.ts\` from \`tests/eval-real/scripts/${part}/*.yaml\` — do not edit these`,
    'files; edit the script and render again (tests/eval-real/real-sessions.test.ts fails on stale files).',
    part === 'holdout'
      ? 'Holdout: written from sources the dev part does not use; score it only when a rule change is finished.'
      : 'Dev: tune on these; the holdout part is written from other sources.',
    '',
    `- sessions: ${scripts.length} (compliant ${pass}, faulty ${scripts.length - pass})`,
    `- channels: ${count(scripts.map((s) => s.meta.channel))}`,
    `- products: ${count(scripts.map((s) => s.meta.product.type))}`,
    `- shapes: ${count(scripts.map((s) => s.render.format + (s.render.speakers ? '+speakers' : '')))}; traditional ${scripts.filter((s) => s.render.traditional).length}, no punctuation ${scripts.filter((s) => !s.render.punctuation).length}, split sentences ${scripts.filter((s) => s.render.split_sentences).length}`,
    `- policyholders aged 60 or more: ${scripts.filter((s) => s.meta.policyholder.age >= 60).length}`,
    '',
    '| id | channel | product | case | verdict | violations | shape | sources |',
    '|---|---|---|---|---|---|---|---|',
    ...scripts.map(
      (s) =>
        `| ${s.id} | ${s.meta.channel} | ${s.meta.product.type}: ${esc(s.meta.product.name)} | ${esc(s.case)} | ${s.labels.verdict} | ${violations(s.labels).join(', ') || '—'} | ${shapeOf(s.render)} | ${s.sources.join(', ')} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

/** Renders a part into `outDir`, removes stale rendered files, and returns the names written. */
export function writePart(root: string, part: Part, outDir: string): string[] {
  const sessions = renderPart(root, part);
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  for (const s of sessions) {
    for (const [name, body] of Object.entries(s.files)) {
      writeFileSync(join(outDir, name), body);
      written.push(name);
    }
  }
  writeFileSync(join(outDir, 'README.md'), readme(part, sessions));
  written.push('README.md');
  const keep = new Set(written);
  for (const f of readdirSync(outDir)) if (RENDERED.test(f) && !keep.has(f)) rmSync(join(outDir, f));
  return written;
}
