// What the review server says about a report on disk: signed and as the run wrote it, or not (and why),
// in words for the banner reviewers see.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../util/errors.js';
import { sha256Text } from '../util/hash.js';
import { readKeyring } from './keys.js';
import { verifyReportFolder } from './sign.js';

export type ReportIntegrity =
  { ok: true; keyId: string; message: string } | { ok: false; problem: string; title: string; message: string };

const EDITED_TITLE = '报告已被修改，不可作为有效报告 — this report was changed after dualrec wrote it';
const UNCHECKED_TITLE = "报告签名无法核验 — this report's signature could not be checked";

/** The report folder's signature (keys from --key / DUALREC_KEY_FILE / the default key file) and the run's recorded hash. */
export function reportIntegrity(reportDir: string, runReportSha256: string | undefined): ReportIntegrity {
  let keyring;
  try {
    keyring = readKeyring();
  } catch (err) {
    return { ok: false, problem: 'no-keyring', title: UNCHECKED_TITLE, message: errorMessage(err) };
  }
  const c = verifyReportFolder(reportDir, keyring);
  if (!c.ok) {
    const unchecked = c.problem === 'no-keyring' || c.problem === 'unknown-key';
    return { ok: false, problem: c.problem, title: unchecked ? UNCHECKED_TITLE : EDITED_TITLE, message: c.message };
  }
  // signed, and the one this run wrote (not an older, validly signed report put back in its place)
  try {
    if (runReportSha256 && sha256Text(readFileSync(join(reportDir, 'report.json'))) !== runReportSha256) {
      return {
        ok: false,
        problem: 'not-this-run',
        title: EDITED_TITLE,
        message: 'report.json is signed but is not the one the current run wrote (its hash in the store differs)',
      };
    }
  } catch (err) {
    return { ok: false, problem: 'missing-report', title: EDITED_TITLE, message: errorMessage(err) };
  }
  return { ok: true, keyId: c.keyId, message: `signed with key ${c.keyId}` };
}
