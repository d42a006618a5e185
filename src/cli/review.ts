// `dualrec review serve|export`: the human review queue over the batch store.
import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateToken, checkTokenStrength } from '../review/auth.js';
import { exportRows, toCsv, writeEvalSet } from '../review/export.js';
import { startReviewServer } from '../review/server.js';
import { isPgUrl, openStore, storePath } from '../store/index.js';
import { writeFileAtomic } from '../util/atomic.js';
import { UserError, errorMessage } from '../util/errors.js';

interface StoreFlags {
  out: string;
  store?: string;
}
interface ServeFlags extends StoreFlags {
  host: string;
  port: string;
  token?: string;
  tokenFile?: string;
}
interface ExportFlags extends StoreFlags {
  format: string;
  to?: string;
  current?: boolean;
}

function reviewToken(flags: ServeFlags): { token: string; generated: boolean } {
  let token = flags.token ?? process.env.DUALREC_REVIEW_TOKEN;
  if (!token && flags.tokenFile) {
    try {
      token = readFileSync(flags.tokenFile, 'utf8').trim();
    } catch (err) {
      throw new UserError(`${flags.tokenFile}: cannot read the token file (${errorMessage(err)})`, flags.tokenFile);
    }
  }
  if (!token) return { token: generateToken(), generated: true };
  checkTokenStrength(token);
  return { token, generated: false };
}

function existingStore(flags: StoreFlags) {
  const file = storePath({ store: flags.store, outDir: resolve(flags.out) });
  if (!isPgUrl(file) && !existsSync(file)) {
    throw new UserError(
      `${file}: no store here; run \`dualrec batch <inbox> --out ${flags.out}\` first, or name it with --store`,
      file,
    );
  }
  return openStore(file);
}

export function registerReviewCommand(program: Command): void {
  const review = program
    .command('review')
    .description('human review queue of FAIL/REVIEW sessions (web page, decisions, export)');

  review
    .command('serve')
    .description('start the local review web server (token-protected)')
    .option('-o, --out <dir>', 'the batch output folder (holds the store and the reports)', 'dualrec-reports')
    .option(
      '--store <file|url>',
      'SQLite file (default <out>/dualrec.sqlite) or postgres:// URL (or env DUALREC_STORE)',
    )
    .option('--host <addr>', 'address to listen on (keep 127.0.0.1 unless behind an authenticating proxy)', '127.0.0.1')
    .option('--port <n>', 'port', '8717')
    .option('--token-file <file>', 'file holding the access token (or env DUALREC_REVIEW_TOKEN; else one is generated)')
    .option('--token <token>', 'access token (visible in the process list: prefer --token-file or the env variable)')
    .action(async (flags: ServeFlags) => {
      const { token, generated } = reviewToken(flags);
      const store = existingStore(flags);
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UserError(`--port: expected 0–65535 (0: any free port), got "${flags.port}"`);
      const server = await startReviewServer({ store, token, host: flags.host, port });
      if (!['127.0.0.1', 'localhost', '::1'].includes(flags.host)) {
        process.stderr.write(
          `dualrec: warning: listening on ${flags.host}, reachable from other machines; the token is the only protection\n`,
        );
      }
      process.stdout.write(`review queue: ${server.url}/\n`);
      if (generated) process.stdout.write(`token: ${token}\n`);
      process.stdout.write('press Ctrl-C to stop\n');
      await new Promise<void>((done) => {
        const stop = () => done();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
      await store.close();
    });

  review
    .command('export')
    .description('export review decisions: csv or json (audit trail), or eval (labelled sessions for `dualrec eval`)')
    .option('-o, --out <dir>', 'the batch output folder (holds the store)', 'dualrec-reports')
    .option(
      '--store <file|url>',
      'SQLite file (default <out>/dualrec.sqlite) or postgres:// URL (or env DUALREC_STORE)',
    )
    .option('--format <csv|json|eval>', 'what to write', 'csv')
    .option('--to <path>', 'file (csv/json; default stdout) or folder (eval, required)')
    .option('--current', 'only current decisions (leave out superseded ones)')
    .action(async (flags: ExportFlags) => {
      if (!['csv', 'json', 'eval'].includes(flags.format))
        throw new UserError(`--format: expected csv, json or eval, got "${flags.format}"`);
      const store = existingStore(flags);
      try {
        if (flags.format === 'eval') {
          if (!flags.to) throw new UserError('--to <folder> is needed for --format eval');
          const n = await writeEvalSet(store, resolve(flags.to));
          process.stdout.write(`${n} labelled session(s) written to ${flags.to}\n`);
          return;
        }
        const rows = await exportRows(store, { includeSuperseded: !flags.current });
        const text = flags.format === 'csv' ? toCsv(rows) : JSON.stringify({ decisions: rows }, null, 2) + '\n';
        if (flags.to) writeFileAtomic(resolve(flags.to), text);
        else process.stdout.write(text);
      } finally {
        await store.close();
      }
    });
}
