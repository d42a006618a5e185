// Where the queue lives: a redis:// (or rediss:// for TLS) URL → BullMQ connection options, and the
// names every producer and worker must agree on. Passwords never reach messages or logs.
import type { ConnectionOptions } from 'bullmq';
import { UserError } from '../util/errors.js';

export const DEFAULT_QUEUE_NAME = 'analyze';
/** Redis key prefix: dualrec's queues stay apart from other BullMQ users of the same Redis. */
export const QUEUE_PREFIX = 'dualrec';

export function isRedisUrl(value: string): boolean {
  return /^rediss?:\/\//i.test(value);
}

export interface QueueTarget {
  connection: ConnectionOptions;
  /** the URL without its password */
  display: string;
  name: string;
}

export function redactRedisUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

/** `redis://[user:password@]host[:port][/db]` → connection options; a bad URL is a UserError. */
export function parseQueueUrl(url: string, name = DEFAULT_QUEUE_NAME): QueueTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserError(`--queue: "${redactRedisUrl(url)}" is not a valid redis:// URL`);
  }
  if (!isRedisUrl(url) || !u.hostname) {
    throw new UserError(`--queue: expected redis://host:port (or rediss:// for TLS), got "${redactRedisUrl(url)}"`);
  }
  const db = u.pathname.replace(/^\//, '');
  if (db && !/^\d{1,2}$/.test(db))
    throw new UserError(`--queue: "${db}" is not a Redis database number (redis://host:port/0)`);
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name))
    throw new UserError(`--queue-name: "${name}" must be letters, digits, _ . - (at most 64)`);
  const shown = new URL(url);
  shown.password = '';
  return {
    name,
    display: shown.toString(),
    connection: {
      host: u.hostname.replace(/^\[|\]$/g, ''),
      port: u.port ? Number(u.port) : 6379,
      username: u.username ? decodeURIComponent(u.username) : undefined,
      password: u.password ? decodeURIComponent(u.password) : undefined,
      db: db ? Number(db) : 0,
      tls: u.protocol === 'rediss:' ? {} : undefined,
      // BullMQ's workers block on Redis; they must wait through a Redis restart, not give up.
      maxRetriesPerRequest: null,
      // reconnect quickly, then back off to 5 s between tries
      retryStrategy: (times: number) => Math.min(250 * times, 5000),
    },
  };
}
