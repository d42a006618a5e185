// The run chain: every run that reaches a final state (done or failed) is sealed, in order, with
// chain_seq (1, 2, …), chain_content (sha256 of the run row's content and its findings), chain_prev (the
// previous run's chain_hash) and chain_hash = sha256(prev, seq, content). Editing, deleting or inserting
// a sealed run breaks the chain from that run on; rewriting the whole chain changes the head, which an
// operator notes outside the store (`dualrec verify --head`) and checks later (`--expect-head`).
// Pure functions here; each store backend does the SQL (sqlite.ts, pg.ts) inside its own transaction.
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical.js';

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
  'id', 'session_key', 'batch_id', 'kind', 'parent_run_id', 'status', 'started_at', 'finished_at', 'inputs_sha256',
  'content_sha256', 'rules_version', 'model', 'tool_version', 'verdict', 'verdict_reasons', 'risk', 'fail_count',
  'undetermined_count', 'error', 'problem', 'report_json_sha256', 'report_html_sha256',
] as const;
export const SEALED_FINDING_COLUMNS = ['idx', 'rule_id', 'title', 'category', 'concepts', 'status', 'severity', 'confidence', 'message', 'evidence'] as const;

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
  return createHash('sha256').update(canonicalJson({ format: CHAIN_FORMAT, run: r, findings: f })).digest('hex');
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
export function nextSeal(head: ChainHead | undefined, storeId: string, content: string): { seq: number; prev: string; hash: string; content: string } {
  const seq = (head?.seq ?? 0) + 1;
  const prev = head?.hash ?? chainGenesis(storeId);
  return { seq, prev, content, hash: chainLink(prev, seq, content) };
}

export interface ChainProblem {
  /** the chain position (seq) or run id the problem is at */
  at: string;
  message: string;
}

export interface ChainReport {
  problems: ChainProblem[];
  /** runs sealed */
  sealed: number;
  /** finished runs from before the chain existed (not covered) */
  predating: number;
  /** runs still running (sealed when they finish) or abandoned without a result (never sealed) */
  open: number;
  /** the head as recomputed from the runs */
  head?: ChainHead;
}

/**
 * Walks the chain: `runs` are every row of `runs` (with the chain columns), `findings` the findings rows
 * by run id, `storedHead` what store_info says.
 */
export function checkChain(args: {
  storeId: string;
  runs: Row[];
  findings: Map<string, Row[]>;
  storedHead?: string;
  /** how many runs migration 4 found finished (store_info chain.legacy_runs) */
  legacyRuns?: number;
  expectHead?: ChainHead;
}): ChainReport {
  const problems: ChainProblem[] = [];
  const sealed = args.runs.filter((r) => r.chain_seq !== null && r.chain_seq !== undefined).sort((a, b) => Number(a.chain_seq) - Number(b.chain_seq));
  let predating = 0;
  let open = 0;
  for (const r of args.runs) {
    if (r.chain_seq !== null && r.chain_seq !== undefined) continue;
    if (r.status === 'running') open++;
    // an abandoned run has no verdict and is never current: not sealed, unless it claims a result
    else if (r.status === 'abandoned' && (r.verdict === null || r.verdict === undefined)) open++;
    else if (r.chain_content === PREDATES_CHAIN) predating++;
    else problems.push({ at: `run ${String(r.id)}`, message: `run ${String(r.id)} (${String(r.status)}) is not in the chain: inserted or edited outside dualrec` });
  }
  if (predating > (args.legacyRuns ?? 0)) {
    problems.push({ at: 'legacy', message: `${predating} runs are marked as older than the chain, but the store had ${args.legacyRuns ?? 0} when the chain began: runs were inserted outside dualrec` });
  }
  let prev = chainGenesis(args.storeId);
  let head: ChainHead | undefined;
  for (let i = 0; i < sealed.length; i++) {
    const r = sealed[i]!;
    const seq = Number(r.chain_seq);
    const want = i + 1;
    const where = `run ${seq}`;
    if (seq !== want) {
      problems.push({ at: where, message: `broken chain at run ${want}: ${seq > want ? `run${seq - want > 1 ? 's' : ''} ${want}${seq - want > 1 ? `–${seq - 1}` : ''} deleted` : 'a run is numbered twice'}` });
    }
    const content = runContentHash(r, args.findings.get(String(r.id)) ?? []);
    if (content !== r.chain_content) {
      problems.push({ at: where, message: `broken chain at run ${seq} (id ${String(r.id)}): the run row or its findings were edited after it was sealed` });
    } else if (r.chain_prev !== prev) {
      problems.push({ at: where, message: `broken chain at run ${seq} (id ${String(r.id)}): it does not follow run ${seq - 1} (a run was deleted, inserted or re-sealed)` });
    } else if (r.chain_hash !== chainLink(prev, seq, content)) {
      problems.push({ at: where, message: `broken chain at run ${seq} (id ${String(r.id)}): its chain hash is wrong` });
    }
    // carry on from what the row says, so one edit is reported once, not at every later run
    prev = String(r.chain_hash);
    head = { seq, hash: String(r.chain_hash) };
  }
  if (args.storedHead !== undefined || head) {
    const stored = args.storedHead ? parseHead(args.storedHead) : undefined;
    if (!stored && head) problems.push({ at: 'head', message: 'the store has no chain head but has sealed runs (store_info edited)' });
    else if (stored && (!head || stored.seq !== head.seq || stored.hash !== head.hash)) {
      problems.push({ at: 'head', message: `the store's chain head ${formatHead(stored)} is not the last sealed run (${head ? formatHead(head) : 'none'}): runs were deleted or the head was edited` });
    }
  }
  if (args.expectHead) {
    const e = args.expectHead;
    const at = sealed.find((r) => Number(r.chain_seq) === e.seq);
    if (!at) problems.push({ at: `run ${e.seq}`, message: `the noted head ${formatHead(e)} is gone: run ${e.seq} is no longer in the chain` });
    else if (at.chain_hash !== e.hash) {
      problems.push({ at: `run ${e.seq}`, message: `the chain was rewritten: run ${e.seq} now has hash ${String(at.chain_hash)}, the noted head says ${e.hash}` });
    }
  }
  return { problems, sealed: sealed.length, predating, open, head };
}
