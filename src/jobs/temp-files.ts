// src/jobs: what a local batch (src/batch) and the job queue (src/queue) both use. Here: clearing the
// temp files a killed process left behind, before a session's report is written again.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Temp files from writeFileAtomic left by a killed process: `.<name>.<pid>.<hex>.tmp`. */
export function removeStaleTempFiles(dir: string): number {
  let removed = 0;
  if (!existsSync(dir)) return 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) removed += removeStaleTempFiles(p);
    else if (e.isFile() && /^\..+\.\d+\.[0-9a-f]{8}\.tmp$/.test(e.name)) {
      rmSync(p, { force: true });
      removed++;
    }
  }
  return removed;
}
