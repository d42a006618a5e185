// Verifying the run chain (`dualrec verify --store`): walks every run row and recomputes the seals the
// store wrote. The sealing arithmetic itself (formats, hashes, the head) is in src/store/chain.ts: sealing
// is part of finishing a run, and the store must not depend on integrity/.
import {
  chainGenesis,
  chainLink,
  formatHead,
  parseHead,
  PREDATES_CHAIN,
  runContentHash,
  type ChainHead,
} from '../store/chain.js';

type Row = Record<string, unknown>;

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
  const sealed = args.runs
    .filter((r) => r.chain_seq !== null && r.chain_seq !== undefined)
    .sort((a, b) => Number(a.chain_seq) - Number(b.chain_seq));
  let predating = 0;
  let open = 0;
  for (const r of args.runs) {
    if (r.chain_seq !== null && r.chain_seq !== undefined) continue;
    if (r.status === 'running') open++;
    // an abandoned run has no verdict and is never current: not sealed, unless it claims a result
    else if (r.status === 'abandoned' && (r.verdict === null || r.verdict === undefined)) open++;
    else if (r.chain_content === PREDATES_CHAIN) predating++;
    else
      problems.push({
        at: `run ${String(r.id)}`,
        message: `run ${String(r.id)} (${String(r.status)}) is not in the chain: inserted or edited outside dualrec`,
      });
  }
  if (predating > (args.legacyRuns ?? 0)) {
    problems.push({
      at: 'legacy',
      message: `${predating} runs are marked as older than the chain, but the store had ${args.legacyRuns ?? 0} when the chain began: runs were inserted outside dualrec`,
    });
  }
  let prev = chainGenesis(args.storeId);
  let head: ChainHead | undefined;
  for (let i = 0; i < sealed.length; i++) {
    const r = sealed[i]!;
    const seq = Number(r.chain_seq);
    const want = i + 1;
    const where = `run ${seq}`;
    if (seq !== want) {
      problems.push({
        at: where,
        message: `broken chain at run ${want}: ${seq > want ? `run${seq - want > 1 ? 's' : ''} ${want}${seq - want > 1 ? `–${seq - 1}` : ''} deleted` : 'a run is numbered twice'}`,
      });
    }
    const content = runContentHash(r, args.findings.get(String(r.id)) ?? []);
    if (content !== r.chain_content) {
      problems.push({
        at: where,
        message: `broken chain at run ${seq} (id ${String(r.id)}): the run row or its findings were edited after it was sealed`,
      });
    } else if (r.chain_prev !== prev) {
      problems.push({
        at: where,
        message: `broken chain at run ${seq} (id ${String(r.id)}): it does not follow run ${seq - 1} (a run was deleted, inserted or re-sealed)`,
      });
    } else if (r.chain_hash !== chainLink(prev, seq, content)) {
      problems.push({ at: where, message: `broken chain at run ${seq} (id ${String(r.id)}): its chain hash is wrong` });
    }
    // carry on from what the row says, so one edit is reported once, not at every later run
    prev = String(r.chain_hash);
    head = { seq, hash: String(r.chain_hash) };
  }
  if (args.storedHead !== undefined || head) {
    const stored = args.storedHead ? parseHead(args.storedHead) : undefined;
    if (!stored && head)
      problems.push({ at: 'head', message: 'the store has no chain head but has sealed runs (store_info edited)' });
    else if (stored && (!head || stored.seq !== head.seq || stored.hash !== head.hash)) {
      problems.push({
        at: 'head',
        message: `the store's chain head ${formatHead(stored)} is not the last sealed run (${head ? formatHead(head) : 'none'}): runs were deleted or the head was edited`,
      });
    }
  }
  if (args.expectHead) {
    const e = args.expectHead;
    const at = sealed.find((r) => Number(r.chain_seq) === e.seq);
    if (!at)
      problems.push({
        at: `run ${e.seq}`,
        message: `the noted head ${formatHead(e)} is gone: run ${e.seq} is no longer in the chain`,
      });
    else if (at.chain_hash !== e.hash) {
      problems.push({
        at: `run ${e.seq}`,
        message: `the chain was rewritten: run ${e.seq} now has hash ${String(at.chain_hash)}, the noted head says ${e.hash}`,
      });
    }
  }
  return { problems, sealed: sealed.length, predating, open, head };
}
