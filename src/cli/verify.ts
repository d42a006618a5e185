// `dualrec verify`: are the reports and the store as dualrec wrote them? And `dualrec key`: the signing key.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { keyFilePath, readKeyring, rotateKey, signingKeyring } from '../integrity/keys.js';
import { verifyReportPaths, verifyStore, type VerifyItem } from '../integrity/verify.js';
import { formatHead, INFO_CHAIN_HEAD, isPgUrl, openStore, parseHead, redactUrl } from '../store/index.js';
import { UserError } from '../util/errors.js';

/** Exit code when something was edited, unsigned or broken. */
export const EXIT_TAMPERED = 1;

interface VerifyFlags {
  store?: string;
  head?: boolean;
  expectHead?: string;
  quiet?: boolean;
  reports: boolean;
}

function openExisting(location: string) {
  if (!isPgUrl(location) && !existsSync(location)) throw new UserError(`${location}: no store here`, location);
  return openStore(location);
}

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description("check report signatures (report.json.sig) and the store's run chain; exit 1 if anything was edited")
    .argument('[paths...]', 'report.json files, report folders, or a reports folder (searched for report.json)')
    .option(
      '--store <file|url>',
      'check the run chain of this store (SQLite file or postgres:// URL; or env DUALREC_STORE) and its current reports',
    )
    .option('--head', "print the store's chain head (SEQ:HASH) for noting elsewhere; with --store")
    .option(
      '--expect-head <seq:hash>',
      'a head noted earlier: fail if the chain no longer contains it (history rewritten)',
    )
    .option('--no-reports', 'with --store: the chain only, not the reports of current sessions')
    .option('-q, --quiet', 'print only the bad items and the summary')
    .action(async (paths: string[], flags: VerifyFlags) => {
      const storeLoc = flags.store ?? process.env.DUALREC_STORE;
      if (!paths.length && !storeLoc) throw new UserError('verify: name report files or folders, or --store');
      if ((flags.head || flags.expectHead) && !storeLoc)
        throw new UserError('--head and --expect-head go with --store');
      const expectHead = flags.expectHead !== undefined ? parseHead(flags.expectHead) : undefined;
      if (flags.expectHead !== undefined && !expectHead)
        throw new UserError(`--expect-head: expected SEQ:HASH (as --head prints it), got "${flags.expectHead}"`);
      const keyring = readKeyring();
      const items: VerifyItem[] = verifyReportPaths(paths, keyring);
      let headLine: string | undefined;
      if (storeLoc) {
        const store = openExisting(isPgUrl(storeLoc) ? storeLoc : resolve(storeLoc));
        try {
          if (flags.head) {
            // the head as recomputed from the runs, checked against the store's own record of it
            const v = await verifyStore(store, keyring, { expectHead, reports: false });
            const stored = (await store.query('SELECT value FROM store_info WHERE key = ?', [INFO_CHAIN_HEAD]))[0]
              ?.value;
            process.stdout.write(`${v.chain.head ? formatHead(v.chain.head) : `0:${'0'.repeat(64)}`}\n`);
            if (v.items.length) {
              for (const i of v.items) process.stderr.write(`BAD  ${i.subject}: ${i.message}\n`);
              process.stderr.write(
                `dualrec: the chain is broken; the head above is not trustworthy (store says ${String(stored ?? 'none')})\n`,
              );
              process.exitCode = EXIT_TAMPERED;
            }
            return;
          }
          const v = await verifyStore(store, keyring, { expectHead, reports: flags.reports });
          items.push(...v.items);
          const c = v.chain;
          headLine =
            `store ${isPgUrl(storeLoc) ? redactUrl(storeLoc) : storeLoc}: ${c.sealed} run(s) in the chain` +
            (c.open ? `, ${c.open} running or abandoned (not sealed)` : '') +
            (c.predating ? `, ${c.predating} from before the chain (not covered)` : '') +
            `; head ${c.head ? formatHead(c.head) : 'none'}`;
        } finally {
          await store.close();
        }
      }
      const bad = items.filter((i) => !i.ok);
      for (const i of items) {
        if (!i.ok) process.stdout.write(`BAD  ${i.subject}: ${i.message}\n`);
        else if (!flags.quiet) process.stdout.write(`ok   ${i.subject}: ${i.message}\n`);
      }
      if (headLine) process.stdout.write(headLine + '\n');
      const reports = items.filter((i) => !i.subject.startsWith('store ')).length;
      process.stdout.write(
        `${bad.length ? `${bad.length} problem(s)` : 'all intact'}: ${reports} report(s) checked${keyring ? ` with keys from ${keyring.file}` : ` (no key file at ${keyFilePath()})`}\n`,
      );
      if (bad.length) process.exitCode = EXIT_TAMPERED;
    });

  const key = program
    .command('key')
    .description('the report signing key (kept outside the reports folder; see docs/integrity.md)');
  key
    .command('show')
    .description('where the key file is, the current key id and the older ones (never the secrets)')
    .action(() => {
      const k = readKeyring();
      if (!k) {
        process.stdout.write(`${keyFilePath()}: no key file yet (it is made on the first report signed)\n`);
        return;
      }
      process.stdout.write(`${k.file}\n`);
      for (const e of k.byId.values())
        process.stdout.write(`${e.id === k.current.id ? 'current' : 'old    '}  ${e.id}  created ${e.created}\n`);
    });
  key
    .command('init')
    .description('make the key file now (0600) if there is none')
    .action(() => {
      const k = signingKeyring();
      process.stdout.write(`${k.file}: current key ${k.current.id}\n`);
    });
  key
    .command('rotate')
    .description('add a new key and sign with it from now on; older keys stay so older reports still verify')
    .action(() => {
      const r = rotateKey();
      process.stdout.write(
        `${keyFilePath()}: current key ${r.current}${r.previous ? ` (was ${r.previous}, kept for verifying)` : ''}; back the file up again\n`,
      );
    });
}
