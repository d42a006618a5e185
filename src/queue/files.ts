// File access for queued sessions, behind one small interface. Today the inbox and the output folder
// are on a shared mount (NFS, SMB, CephFS…) at the same path on every machine; object storage would be
// another implementation of the same calls (download the inputs, upload the report folder).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionInput } from '../pipeline/session.js';
import { writeFileAtomic } from '../util/atomic.js';
import { errorMessage } from '../util/errors.js';

/** A session's files as one worker sees them while it analyzes the session. */
export interface OpenedSession {
  input: SessionInput;
  /** where to write report.json / report.html on this machine */
  reportDir: string;
  /** makes the written report visible to everyone (upload for object storage; nothing on a mount) */
  publish(): Promise<void>;
  /** frees local copies, whatever happened */
  dispose(): Promise<void>;
}

export interface SessionFiles {
  readonly kind: string;
  /** Batch side: marks the output folder as this store's, so workers can tell the share is mounted. */
  prepare(outDir: string, storeId: string): Promise<void>;
  /** Worker side: throws, naming the path, when the batch's folders are not visible here. */
  check(where: { inbox: string; outDir: string; storeId: string }): Promise<void>;
  open(input: SessionInput, reportDir: string): Promise<OpenedSession>;
}

/** Not the session's fault (a share not mounted, a wrong store): another worker or a retry may do it. */
export class NotHereError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotHereError';
  }
}

export const SHARE_MARK = '.dualrec-share.json';

/** Inbox and reports on a mount every machine sees at the same path. */
export class SharedMount implements SessionFiles {
  readonly kind = 'shared-mount';

  async prepare(outDir: string, storeId: string): Promise<void> {
    const file = join(outDir, SHARE_MARK);
    try {
      if (JSON.parse(readFileSync(file, 'utf8')).storeId === storeId) return;
    } catch {
      // missing or unreadable: (re)write it
    }
    writeFileAtomic(
      file,
      JSON.stringify({
        storeId,
        note: 'written by dualrec batch --queue; workers check it to know the share is mounted',
      }) + '\n',
    );
  }

  async check(where: { inbox: string; outDir: string; storeId: string }): Promise<void> {
    const dirOk = (p: string) => {
      try {
        return statSync(p).isDirectory();
      } catch {
        return false;
      }
    };
    if (!dirOk(where.inbox))
      throw new NotHereError(
        `${where.inbox}: the batch's inbox is not visible on this machine (mount the share at the same path on every worker)`,
      );
    const mark = join(where.outDir, SHARE_MARK);
    if (!existsSync(mark)) {
      throw new NotHereError(
        `${where.outDir}: the batch's output folder is not visible on this machine (no ${SHARE_MARK}: mount the share at the same path on every worker)`,
      );
    }
    let storeId: unknown;
    try {
      storeId = JSON.parse(readFileSync(mark, 'utf8')).storeId;
    } catch (err) {
      throw new NotHereError(`${mark}: unreadable (${errorMessage(err)})`);
    }
    if (storeId !== where.storeId) {
      throw new NotHereError(
        `${mark}: this output folder belongs to another store (${String(storeId)}, the job's is ${where.storeId})`,
      );
    }
  }

  async open(input: SessionInput, reportDir: string): Promise<OpenedSession> {
    return { input, reportDir, publish: async () => undefined, dispose: async () => undefined };
  }
}

export function sessionFiles(): SessionFiles {
  return new SharedMount();
}
