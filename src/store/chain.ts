// The run chain's sealing: every run that reaches a final state (done or failed) is sealed, in order, with
// chain_seq (1, 2, …), chain_content (sha256 of the run row's content and its findings), chain_prev (the
// previous run's chain_hash) and chain_hash = sha256(prev, seq, content). Editing, deleting or inserting
// a sealed run breaks the chain from that run on; rewriting the whole chain changes the head, which an
// operator notes outside the store (`dualrec verify --head`) and checks later (`--expect-head`).
// Sealing is part of finishing a run, so the arithmetic lives here with the store (statements.ts seals,
// inside the run's transaction); src/integrity/chain.ts walks the chain to verify it.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../util/canonical.js';

export const CHAIN_FORMAT = 'dualrec-run-chain/1';
export const INFO_CHAIN_HEAD = 'chain.head';
export const INFO_CHAIN_SINCE = 'chain.since';
export const INFO_CHAIN_LEGACY = 'chain.legacy_runs';
/** chain_content of a run that was finished when the store was upgraded to the chain (migration 4) */
export const PREDATES_CHAIN = 'predates-chain';
/** Sealed: a run's final states. An abandoned run (no result, never current) is not. */
export const SEALED_RUN_STATUSES = ['done', 'failed'] as const;

/** The run columns a seal covers (every column but the chain's own). */
export const SEALED_RUN_COLUMNS = [
  'id',
  'session_key',
  'batch_id',
  'kind',
  'parent_run_id',
  'status',
  'started_at',
  'finished_at',
  'inputs_sha256',
  'content_sha256',
  'rules_version',
  'model',
  'tool_version',
  'verdict',
  'verdict_reasons',
  'risk',
  'fail_count',
  'undetermined_count',
  'error',
  'problem',
  'report_json_sha256',
  'report_html_sha256',
] as const;
export const SEALED_FINDING_COLUMNS = [
  'idx',
  'rule_id',
  'title',
  'category',
  'concepts',
  'status',
  'severity',
  'confidence',
  'message',
  'evidence',
] as const;

export interface ChainHead {
  seq: number;
  hash: string;
}

type Row = Record<string, unknown>;

/** One value as both backends read it back: numbers as numbers (int8 as its digits), text as text, NULL as null. */
function cell(v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return String(v);
}

/** sha256 of a run row's sealed columns and its findings (ordered by idx), as read from the store. */
export function runContentHash(run: Row, findings: Row[]): string {
  const r = Object.fromEntries(SEALED_RUN_COLUMNS.map((c) => [c, cell(run[c])]));
  const f = [...findings]
    .sort((a, b) => Number(a.idx) - Number(b.idx))
    .map((x) => Object.fromEntries(SEALED_FINDING_COLUMNS.map((c) => [c, cell(x[c])])));
  return createHash('sha256')
    .update(canonicalJson({ format: CHAIN_FORMAT, run: r, findings: f }))
    .digest('hex');
}

/** Where the chain starts: bound to the store's random id, so runs copied from another store do not fit. */
export function chainGenesis(storeId: string): string {
  return createHash('sha256').update(`${CHAIN_FORMAT}\ngenesis\n${storeId}`).digest('hex');
}

export function chainLink(prev: string, seq: number, content: string): string {
  return createHash('sha256').update(`${CHAIN_FORMAT}\n${prev}\n${seq}\n${content}`).digest('hex');
}

export function formatHead(h: ChainHead): string {
  return `${h.seq}:${h.hash}`;
}

export function parseHead(text: string): ChainHead | undefined {
  const m = /^(\d+):([0-9a-f]{64})$/.exec(text.trim());
  return m ? { seq: Number(m[1]), hash: m[2]! } : undefined;
}

/** The values to write for the next seal, given the current head (undefined: the chain is empty). */
export function nextSeal(
  head: ChainHead | undefined,
  storeId: string,
  content: string,
): { seq: number; prev: string; hash: string; content: string } {
  const seq = (head?.seq ?? 0) + 1;
  const prev = head?.hash ?? chainGenesis(storeId);
  return { seq, prev, content, hash: chainLink(prev, seq, content) };
}
