// dualrec command line. Each command lives in its own file and registers itself here.
import { Command, CommanderError } from 'commander';
import { resolve } from 'node:path';
import { UserError, errorMessage } from '../util/errors.js';
import { rootLogger } from '../util/log.js';
import { setFollowSymlinks } from '../util/symlinks.js';
import { groupReadable, setGroupReadable } from '../util/atomic.js';
import { KEY_FILE_ENV } from '../integrity/keys.js';
import { TOOL_VERSION } from '../util/version.js';
import { registerAnalyzeCommand } from './analyze.js';
import { registerBatchCommand } from './batch.js';
import { registerEvalCommand } from './eval.js';
import { registerModelsCommand } from './models.js';
import { registerRescoreCommand } from './rescore.js';
import { registerReviewCommand } from './review.js';
import { registerRulesCommand } from './rules.js';
import { registerVerifyCommand } from './verify.js';
import { registerWorkerCommand } from './worker.js';

// Everything dualrec and its ffmpeg/worker children create is private to this user (0600 files,
// 0700 folders): recordings' audio, frames with faces, transcripts, the store. With group read on
// (a review team's group), 0640/0750 through the umask and the modes in util/atomic.ts.
setGroupReadable(groupReadable());

const program = new Command()
  .name('dualrec')
  .description('Reviews insurance-sales dual recordings (保险双录) against compliance rules')
  .version(TOOL_VERSION)
  .showHelpAfterError()
  .exitOverride()
  // Global, so every command (analyze, batch, worker, review serve) reads links the same way.
  .option(
    '--follow-symlinks',
    'follow symbolic links for recordings, transcripts, sidecars, report folders and served media (default: refuse them)',
  )
  .option(
    '--group-read',
    "let the owner's group read what dualrec writes (reports, store, frames, exports: 0640/0750; or env DUALREC_GROUP_READ=1); default: owner only, 0600/0700",
  )
  .option(
    '--key <file>',
    `signing key file for report signatures (or env ${KEY_FILE_ENV}; default ~/.config/dualrec/signing-keys.json)`,
  )
  .hook('preAction', (cmd) => {
    if (cmd.opts().followSymlinks) setFollowSymlinks(true);
    if (cmd.opts().groupRead) setGroupReadable(true);
    // through the environment, so batch worker threads and queue workers' children sign with the same key
    const key = cmd.opts().key as string | undefined;
    if (key) process.env[KEY_FILE_ENV] = resolve(key);
  });

registerAnalyzeCommand(program);
registerBatchCommand(program);
registerEvalCommand(program);
registerModelsCommand(program);
registerRescoreCommand(program);
registerReviewCommand(program);
registerRulesCommand(program);
registerVerifyCommand(program);
registerWorkerCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else if (err instanceof UserError) {
    // A user error is one clear line, no stack trace.
    process.stderr.write(`dualrec: ${err.message}\n`);
    process.exitCode = 2;
  } else {
    rootLogger().error({ err }, 'internal error');
    process.stderr.write(`dualrec: internal error: ${errorMessage(err)}\n`);
    process.exitCode = 70;
  }
}
