// pino JSON lines. Every line about a session carries `session`; personal data is redacted
// both by key (names, id numbers, phones) and by pattern (src/privacy) inside messages and every string field.
import pino, { type Logger } from 'pino';
import { mapStrings, maskText } from '../privacy/mask.js';

// (top-level `name` is pino's logger name, so names are caught one level down and by the known paths)
const REDACT_KEYS = [
  '*.name',
  '*.*.name',
  'idNumber',
  '*.idNumber',
  'phone',
  '*.phone',
  'policyholder.name',
  'agent.name',
  'meta.policyholder.name',
  'meta.agent.name',
];

let root: Logger | undefined;

export function rootLogger(): Logger {
  if (!root) {
    root = pino(
      {
        name: 'dualrec',
        // A person at a terminal reads the CLI's own lines; cron and CI get the progress as log lines.
        level: process.env.DUALREC_LOG_LEVEL ?? process.env.LOG_LEVEL ?? (process.stderr.isTTY ? 'warn' : 'info'),
        redact: { paths: REDACT_KEYS, censor: '[redacted]' },
        // Every string field too (a reason, an error, an excerpt), not only the message.
        formatters: { log: (obj) => mapStrings(obj, maskText) },
        serializers: {
          // an Error's message and stack may quote a transcript line; `session` is a child binding,
          // which the log formatter does not see
          err: (e: Error) => mapStrings({ ...pino.stdSerializers.err(e) } as Record<string, unknown>, maskText),
          session: (v: unknown) => (typeof v === 'string' ? maskText(v) : v),
        },
        hooks: {
          logMethod(args, method) {
            // Free-text messages may quote transcript or paths: scrub them too.
            const scrubbed = args.map((a) => (typeof a === 'string' ? maskText(a) : a)) as typeof args;
            return method.apply(this, scrubbed);
          },
        },
      },
      pino.destination({ dest: process.env.DUALREC_LOG_FILE ?? 2, sync: true }),
    );
  }
  return root;
}

export function sessionLogger(sessionId: string): Logger {
  return rootLogger().child({ session: sessionId });
}
