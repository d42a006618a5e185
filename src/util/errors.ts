// A UserError is a problem the user can act on (bad path, broken rule file, invalid sidecar).
// The CLI prints its message on one line, without a stack trace, and exits non-zero.
export class UserError extends Error {
  constructor(
    message: string,
    /** the file or thing the message is about, when there is one */
    readonly subject?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
