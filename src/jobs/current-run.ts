// src/jobs: what a local batch (src/batch) and the job queue (src/queue) both use. Here: "is the run the
// store has for a session still current?", asked by the batch (skip the session) and by a queue worker
// (an earlier attempt already finished the job).
import { hashReportFiles } from './analyze-job.js';

/** What a run was made from: the session's inputs, the rules, the transcription model and the tool. */
export interface RunMadeFrom {
  inputsSha256: string;
  rulesVersion: string;
  model: string;
  toolVersion: string;
}

export function sameMadeFrom(run: RunMadeFrom, want: RunMadeFrom): boolean {
  return (
    run.inputsSha256 === want.inputsSha256 &&
    run.rulesVersion === want.rulesVersion &&
    run.model === want.model &&
    run.toolVersion === want.toolVersion
  );
}

/** The report files on disk are the ones the store hashed for the run (a missing or unreadable one is not). */
export function reportIntact(
  run: { reportJsonSha256?: string; reportHtmlSha256?: string },
  reportDir: string,
): boolean {
  try {
    const h = hashReportFiles(reportDir);
    return h.json === run.reportJsonSha256 && h.html === run.reportHtmlSha256;
  } catch {
    return false;
  }
}

/** The stored run is still good when it was made from `want` and its report is untouched. */
export function storedRunState(
  run: RunMadeFrom & { reportJsonSha256?: string; reportHtmlSha256?: string },
  want: RunMadeFrom,
  reportDir: string,
): 'same' | 'changed-inputs' | 'report-changed' {
  if (!sameMadeFrom(run, want)) return 'changed-inputs';
  return reportIntact(run, reportDir) ? 'same' : 'report-changed';
}
