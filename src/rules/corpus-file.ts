// What `rules scan` reads: the labelled real-wording corpus (YAML: sources + labelled sentences),
// transcripts (one sentence per line said), or any plain text, split into sentences.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { z } from 'zod';
import { CONCEPTS } from '../model/index.js';
import { importTranscript } from '../asr/import/index.js';
import { UserError, errorMessage } from '../util/errors.js';
import { parseYaml, validate, yamlToJs } from './yamlfile.js';

export const CORPUS_LABELS = [
  'states',
  'omits',
  'cautions',
  'violates',
  'neutral',
  'affirms',
  'hedges',
  'refuses',
  'unclear',
] as const;
export type CorpusLabel = (typeof CORPUS_LABELS)[number];

const SourceSchema = z
  .object({
    title: z.string().min(1).max(300),
    url: z.string().max(1000).optional(),
    kind: z.string().min(1).max(60),
    note: z.string().max(2000).optional(),
  })
  .strict();

const SentenceSchema = z
  .object({
    text: z.string().min(1).max(2000),
    concepts: z.array(z.enum(CONCEPTS)).max(10).default([]),
    label: z.enum(CORPUS_LABELS),
    speaker: z.enum(['agent', 'customer']).default('agent'),
    source: z.string().min(1).max(100),
    style: z.string().max(40).optional(),
    note: z.string().max(2000).optional(),
  })
  .strict();

export const CorpusFileSchema = z
  .object({
    description: z.string().max(4000).optional(),
    sources: z
      .record(z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'source ids are lowercase a-z 0-9 . _ -'), SourceSchema)
      .default({}),
    sentences: z.array(SentenceSchema).max(20_000),
  })
  .strict();

/** One sentence to scan, with its label when it comes from the corpus. */
export interface CorpusSentence {
  text: string;
  file: string;
  line: number;
  speaker: 'agent' | 'customer';
  concepts: string[];
  label?: CorpusLabel;
  source?: string;
  style?: string;
}

/** Sentence ends: 。！？； and line breaks. Long comma-only runs stay one sentence, as spoken. */
export function splitSentences(text: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let line = 1;
  let buf = '';
  let bufLine = 1;
  const flush = (): void => {
    const t = buf.trim();
    if (/\p{Script=Han}/u.test(t)) out.push({ text: t, line: bufLine });
    buf = '';
  };
  for (const c of text) {
    if (c === '\n') {
      flush();
      line++;
      bufLine = line;
      continue;
    }
    if (!buf) bufLine = line;
    buf += c;
    if ('。！？!?；;'.includes(c)) flush();
  }
  flush();
  return out;
}

function readCorpusYaml(file: string, source: string): CorpusSentence[] {
  const docs = parseYaml(file, source);
  if (docs.length !== 1) throw new UserError(`${file}: a corpus file is one YAML document with "sentences:"`, file);
  const y = docs[0];
  const data = validate(y, CorpusFileSchema, yamlToJs(y));
  const out: CorpusSentence[] = [];
  data.sentences.forEach((s, i) => {
    if (!(s.source in data.sources) && Object.keys(data.sources).length > 0) {
      throw new UserError(`${file}: sentences[${i}].source "${s.source}" is not listed under sources`, file);
    }
    out.push({
      text: s.text,
      file,
      line: lineOfSentence(y, i),
      speaker: s.speaker,
      concepts: s.concepts,
      label: s.label,
      source: s.source,
      style: s.style,
    });
  });
  return out;
}

function lineOfSentence(y: ReturnType<typeof parseYaml>[number], i: number): number {
  const seq = (y.doc.contents as { get?: (k: string, keep: boolean) => unknown } | null)?.get?.('sentences', true) as
    { items?: { range?: [number, number, number] }[] } | undefined;
  const off = seq?.items?.[i]?.range?.[0];
  return off === undefined ? 0 : y.lines.linePos(off).line;
}

/** Is this YAML file a corpus file (has a top-level `sentences:` list)? */
function looksLikeCorpus(source: string): boolean {
  return /^sentences:/m.test(source);
}

const TEXT_EXT = new Set(['.txt', '.md', '.text', '']);

/** Sentences of one file: corpus YAML, a transcript, or plain text. */
export function readScanFile(file: string): CorpusSentence[] {
  const ext = extname(file).toLowerCase();
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`${file}: cannot read (${errorMessage(err)})`, file);
  }
  if ((ext === '.yaml' || ext === '.yml') && looksLikeCorpus(source)) return readCorpusYaml(file, source);
  if (/\.transcript\.(json|srt|vtt)$/i.test(file)) {
    const t = importTranscript(file);
    return t.segments.map((s) => ({
      text: s.text,
      file,
      line: s.id + 1,
      speaker: s.role === 'customer' ? 'customer' : 'agent',
      concepts: [],
    }));
  }
  if (TEXT_EXT.has(ext) || ext === '.yaml' || ext === '.yml' || ext === '.json') {
    return splitSentences(source).map((s) => ({ ...s, file, speaker: 'agent' as const, concepts: [] }));
  }
  throw new UserError(
    `${file}: not a text, transcript or corpus file (.txt .md .yaml, <name>.transcript.json|srt|vtt)`,
    file,
  );
}

/** Every scannable file under the paths given (folders recursively, hidden entries skipped). */
export function scanFiles(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new UserError(`${p}: no such file or folder`, p);
    }
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) if (!e.startsWith('.')) walk(join(p, e));
    } else if (st.isFile()) {
      const ext = extname(p).toLowerCase();
      if (TEXT_EXT.has(ext) || ext === '.yaml' || ext === '.yml' || /\.transcript\.(json|srt|vtt)$/i.test(p))
        out.push(p);
    }
  };
  for (const p of paths) walk(p);
  return out;
}

export function displayPath(p: string): string {
  const r = relative(process.cwd(), p);
  return r.startsWith('..') ? p : r;
}
