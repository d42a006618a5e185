// Batch and rescore throughput, printed as sessions per second and ratios measured in one run:
//  1. `runBatch` over copies of the samples (transcripts imported, real ffmpeg) at concurrency 1
//     and 2, each into a fresh store;
//  2. `rescore` over ≥ 1,000 stored sessions (the facts of part 1, fanned out in the store), with
//     reports written, and as a dry run (scoring only).
//   npx tsx bench/batch.bench.ts [--copies 2] [--sessions 1000]
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

process.env.DUALREC_LOG_LEVEL ??= 'warn';
const { runBatch } = await import('../src/batch/run.js');
const { rescore } = await import('../src/batch/rescore.js');
const { openStore } = await import('../src/store/index.js');
const { makeInbox } = await import('../tests/batch/inbox.js');

const { values } = parseArgs({
  options: { copies: { type: 'string', default: '2' }, sessions: { type: 'string', default: '1000' } },
});
const copies = Math.max(1, Number(values.copies));
const fanout = Math.max(1000, Number(values.sessions));
const work = mkdtempSync(join(tmpdir(), 'dualrec-batch-bench-'));

const rate = (n: number, ms: number) => n / (ms / 1000);
const fmt = (x: number) => x.toFixed(2);

try {
  console.log(
    `cores ${availableParallelism()}, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const inbox = join(work, 'inbox');
  // the four samples (one broken, one audio-only), copied: recordings with imported transcripts
  const made = makeInbox(inbox, { recordings: 4 * copies, transcripts: 0 });
  console.log(`batch: ${made.length} recordings (${copies}× the 4 samples)`);

  const timed: Record<number, number> = {};
  for (const concurrency of [1, 2]) {
    const out = join(work, `out-c${concurrency}`);
    const t0 = performance.now();
    const s = await runBatch({ inbox, outDir: out, concurrency });
    timed[concurrency] = performance.now() - t0;
    console.log(
      `  concurrency ${concurrency}: ${s.analysed} sessions in ${fmt(timed[concurrency]! / 1000)} s = ${fmt(rate(s.analysed, timed[concurrency]!))} sessions/s`,
    );
  }
  console.log(`  speed-up concurrency 2 / 1: ${fmt(timed[1]! / timed[2]!)}×`);

  // Fan the stored facts of part 1 out to `fanout` sessions (as if copies had been analyzed).
  const out = join(work, 'out-c1');
  const store = openStore(join(out, 'dualrec.sqlite'));
  const seeds = (await store.currentSessions()).filter((s) => s.run.error === undefined);
  const t1 = performance.now();
  for (let i = 0; i < fanout; i++) {
    const seed = seeds[i % seeds.length]!;
    const key = `f${String(i).padStart(31, '0')}`;
    const runId = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    await store.upsertSession({ ...seed, key, name: `fan${i}`, reportDir: join(out, 'fan', String(i)) });
    await store.startRun({ ...seed.run, id: runId, sessionKey: key, kind: 'analyze', batchId: undefined });
    await store.completeRun(runId, {
      verdict: seed.run.verdict!,
      verdictReasons: seed.run.verdictReasons ?? [],
      risk: seed.run.risk ?? 0,
      reportJsonSha256: seed.run.reportJsonSha256!,
      reportHtmlSha256: seed.run.reportHtmlSha256!,
      findings: await store.findingsOf(seed.run.id),
      artefacts: await store.runArtefacts(seed.run.id),
      queueVerdicts: ['FAIL', 'REVIEW'],
    });
  }
  const total = (await store.currentSessions()).length;
  console.log(`rescore: ${total} stored sessions (filled in ${fmt((performance.now() - t1) / 1000)} s)`);
  await store.close();

  const t2 = performance.now();
  const dry = await rescore({ outDir: out, force: true, dryRun: true });
  const dryMs = performance.now() - t2;
  console.log(
    `  dry run (score only): ${dry.rescored} in ${fmt(dryMs / 1000)} s = ${fmt(rate(dry.rescored, dryMs))} sessions/s`,
  );
  const t3 = performance.now();
  const full = await rescore({ outDir: out, force: true });
  const fullMs = performance.now() - t3;
  console.log(
    `  with reports written: ${full.rescored} in ${fmt(fullMs / 1000)} s = ${fmt(rate(full.rescored, fullMs))} sessions/s`,
  );
  console.log(
    `  rescore / batch (concurrency 1) sessions per second: ${fmt(rate(full.rescored, fullMs) / rate(made.length, timed[1]!))}×`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
