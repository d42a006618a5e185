// `dualrec models list|pull|check`: the Whisper models for local transcription.
import type { Command } from 'commander';
import { UserError } from '../util/errors.js';
import { rootLogger } from '../util/log.js';
import {
  createProgress,
  formatBytes,
  listModels,
  loadManifest,
  manifestPath,
  modelsDir,
  pullModel,
  whisperBuildInfo,
} from '../asr/index.js';

export function registerModelsCommand(program: Command): void {
  const models = program
    .command('models')
    .description('Whisper models for local transcription (whisper.cpp ggml files)');

  models
    .command('list')
    .description("show the manifest's models and which are installed")
    .option('--verify', 'hash installed models and compare with the manifest (slow for large models)')
    .option('--json', 'print JSON')
    .action((o: { verify?: boolean; json?: boolean }) => {
      const rows = listModels({ verify: o.verify });
      const build = whisperBuildInfo();
      if (o.json) {
        process.stdout.write(JSON.stringify({ dir: modelsDir(), models: rows, engine: build }, null, 2) + '\n');
        return;
      }
      const lines = [`Whisper models in ${modelsDir()} (manifest: ${manifestPath()})`];
      const w = Math.max(...rows.map((r) => r.name.length), 4);
      lines.push(`  ${'NAME'.padEnd(w)}  ${'SIZE'.padStart(10)}  ${'INSTALLED'.padEnd(22)}  NOTE`);
      for (const r of rows) {
        const size = formatBytes(r.sizeBytes ?? r.expectedSize ?? 0);
        const state = !r.installed
          ? 'no'
          : r.unlisted
            ? 'yes, not in manifest'
            : r.verified === true
              ? 'yes, verified'
              : r.verified === false
                ? 'yes, DOES NOT MATCH'
                : 'yes, not verified';
        lines.push(
          `${r.recommended ? '*' : ' '} ${r.name.padEnd(w)}  ${size.padStart(10)}  ${state.padEnd(22)}  ${r.note ?? ''}`.trimEnd(),
        );
      }
      lines.push(
        '* recommended for Mandarin. Get one with `dualrec models pull <name>`; `--verify` checks sha256 of unverified files.',
      );
      lines.push(`engine: ${build.message}`);
      process.stdout.write(lines.join('\n') + '\n');
    });

  models
    .command('pull')
    .description('download a model from the manifest, verify its sha256, install it atomically')
    .argument('<name>', 'model name from the manifest, e.g. small')
    .option('--force', 'download again even when a verified copy is installed')
    .option('--mirror <url>', 'download from this folder URL instead (also DUALREC_MODELS_MIRROR)')
    .action(async (name: string, o: { force?: boolean; mirror?: string }) => {
      const manifest = loadManifest();
      if (!manifest.models.some((m) => m.name === name)) {
        throw new UserError(
          `unknown model "${name}"; the manifest lists: ${manifest.models.map((m) => m.name).join(', ')}`,
        );
      }
      const progress = createProgress({ label: name, logger: rootLogger(), unit: formatBytes });
      const ac = new AbortController();
      const onSig = () => ac.abort(new UserError(`download of ${name} interrupted`));
      process.once('SIGINT', onSig);
      try {
        const r = await pullModel(name, {
          manifest,
          force: o.force,
          mirror: o.mirror,
          signal: ac.signal,
          onProgress: (d, t) => progress.update(d, t),
        });
        progress.finish();
        process.stdout.write(
          r.skipped
            ? `${name}: already installed and verified at ${r.path}\n`
            : `${name}: installed ${r.path} (${formatBytes(r.sizeBytes)}, sha256 verified)\n`,
        );
      } catch (err) {
        progress.finish();
        throw err;
      } finally {
        process.off('SIGINT', onSig);
      }
    });

  models
    .command('check')
    .description('check that the whisper.cpp engine is built, with AVX (exit 1 if not)')
    .action(() => {
      const b = whisperBuildInfo();
      process.stdout.write(`smart-whisper ${b.version ?? '(not installed)'}: ${b.message}\n`);
      if (!b.avx) process.exitCode = 1;
    });
}
