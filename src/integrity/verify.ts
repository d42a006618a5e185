// `dualrec verify`: report signatures (report.json.sig) and the store's run chain, one line per bad item.
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { INFO_CHAIN_HEAD, INFO_CHAIN_LEGACY, type ChainHead } from '../store/chain.js';
import type { Store } from '../store/store.js';
import { sha256Text } from '../util/hash.js';
import { checkChain, type ChainReport } from './chain.js';
import type { Keyring } from './keys.js';
import { SIGNATURE_FILE, verifyReportFolder, type ReportCheck } from './sign.js';

export interface VerifyItem {
  /** the report folder, or "store run N" */
  subject: string;
  ok: boolean;
  message: string;
}

/** Every folder under `root` holding a report.json or a report.json.sig (symbolic links are not followed). */
export function reportFolders(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 32) return;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    if (names.includes('report.json') || names.includes(SIGNATURE_FILE)) found.push(dir);
    for (const n of names.sort()) {
      const p = join(dir, n);
      try {
        const st = lstatSync(p);
        if (st.isDirectory() && !st.isSymbolicLink()) walk(p, depth + 1);
      } catch {
        // vanished while walking
      }
    }
  };
  walk(resolve(root), 0);
  return found;
}

export function checkReport(folder: string, keyring: Keyring | undefined): VerifyItem & { check: ReportCheck } {
  const check = verifyReportFolder(folder, keyring);
  return {
    subject: folder,
    ok: check.ok,
    check,
    message: check.ok ? `signed with key ${check.keyId} at ${check.signedAt}` : check.message,
  };
}

/** A report.json path or a folder (a report folder or a tree of them). */
export function verifyReportPaths(paths: string[], keyring: Keyring | undefined): VerifyItem[] {
  const items: VerifyItem[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    if (!existsSync(abs)) {
      items.push({ subject: abs, ok: false, message: 'no such file or folder' });
      continue;
    }
    const folders = statSync(abs).isFile()
      ? [basename(abs) === SIGNATURE_FILE || basename(abs) === 'report.json' ? dirname(abs) : abs]
      : reportFolders(abs);
    if (!folders.length) items.push({ subject: abs, ok: false, message: 'no report.json here' });
    for (const f of folders) items.push(checkReport(f, keyring));
  }
  return items;
}

export interface StoreVerification {
  items: VerifyItem[];
  chain: ChainReport;
}

/** The run chain, the stored head, and each current session's report against its run and its signature. */
export async function verifyStore(
  store: Store,
  keyring: Keyring | undefined,
  opts: { expectHead?: ChainHead; reports?: boolean } = {},
): Promise<StoreVerification> {
  const storeId = await store.storeId();
  const runs = await store.query('SELECT * FROM runs');
  const findings = new Map<string, Record<string, unknown>[]>();
  for (const f of await store.query('SELECT * FROM findings ORDER BY run_id, idx')) {
    const k = String(f.run_id);
    if (!findings.has(k)) findings.set(k, []);
    findings.get(k)!.push(f);
  }
  const info = new Map(
    (await store.query('SELECT key, value FROM store_info')).map((r) => [String(r.key), String(r.value)]),
  );
  const chain = checkChain({
    storeId,
    runs,
    findings,
    storedHead: info.get(INFO_CHAIN_HEAD),
    legacyRuns: Number(info.get(INFO_CHAIN_LEGACY) ?? 0),
    expectHead: opts.expectHead,
  });
  const items: VerifyItem[] = chain.problems.map((p) => ({ subject: `store ${p.at}`, ok: false, message: p.message }));
  if (opts.reports !== false) {
    for (const s of await store.currentSessions()) {
      const folder = s.reportDir;
      const r = checkReport(folder, keyring);
      if (!r.ok) {
        items.push(r);
        continue;
      }
      // the signed report is the one this run wrote, and says what the run row says
      const json = readFileSync(join(folder, 'report.json'));
      if (s.run.reportJsonSha256 && sha256Text(json) !== s.run.reportJsonSha256) {
        items.push({
          subject: folder,
          ok: false,
          message: `report.json is not the one run ${s.run.id} wrote (its hash in the store differs)`,
        });
        continue;
      }
      const verdict = (JSON.parse(json.toString('utf8')) as { verdict?: string }).verdict;
      if (verdict !== s.run.verdict) {
        items.push({
          subject: folder,
          ok: false,
          message: `the store says ${s.run.verdict ?? 'no verdict'} for run ${s.run.id}, its signed report says ${verdict}`,
        });
        continue;
      }
      items.push(r);
    }
  }
  return { items, chain };
}
