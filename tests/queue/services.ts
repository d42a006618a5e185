// The servers the distributed tests need: Redis and PostgreSQL on loopback, as `scripts/services.sh
// start` runs them (or wherever DUALREC_TEST_REDIS / DUALREC_TEST_PG point). Without them a test file
// skips with a message saying how to start them; with DUALREC_REQUIRE_SERVICES set (CI) it fails.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import pg from 'pg';

export const REDIS_URL = process.env.DUALREC_TEST_REDIS ?? 'redis://127.0.0.1:56379';
export const PG_URL = process.env.DUALREC_TEST_PG ?? 'postgres://dualrec:dualrec@127.0.0.1:55432/dualrec_test';

export type Service = 'redis' | 'postgres';

function redisPing(url: string): Promise<void> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const sock = connect({ host: u.hostname, port: Number(u.port || 6379) });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error('no answer within 3 s'));
    }, 3000);
    let got = '';
    sock.on('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      got += d.toString();
      if (got.includes('\r\n')) {
        clearTimeout(timer);
        sock.destroy();
        if (got.startsWith('+PONG')) resolve();
        else reject(new Error(got.trim()));
      }
    });
    sock.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

async function pgPing(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
  } finally {
    await c.end().catch(() => undefined);
  }
}

const safe = (url: string) => url.replace(/:[^:@/]*@/, ':***@');

/**
 * Checks the servers once per test file. Returns whether they are there; without them it warns
 * (local run: skip) or throws (DUALREC_REQUIRE_SERVICES set: the file fails).
 */
export async function needServices(...need: Service[]): Promise<boolean> {
  const missing: string[] = [];
  for (const s of need) {
    const url = s === 'redis' ? REDIS_URL : PG_URL;
    try {
      await (s === 'redis' ? redisPing(url) : pgPing(url));
    } catch (err) {
      missing.push(`${s} at ${safe(url)} (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  if (missing.length === 0) return true;
  const msg = `not reachable: ${missing.join('; ')}. Start them with \`bash scripts/services.sh start\``;
  if (process.env.DUALREC_REQUIRE_SERVICES) throw new Error(`DUALREC_REQUIRE_SERVICES is set and ${msg}`);
  console.warn(`SKIPPED (servers ${msg}; set DUALREC_REQUIRE_SERVICES=1 to make this a failure)`);
  return false;
}

/** A PostgreSQL store URL in a schema of its own (dropped by dropSchemas). */
export function pgStoreUrl(label: string): { url: string; schema: string } {
  const schema = `t_${label
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '_')
    .slice(0, 30)}_${randomBytes(4).toString('hex')}`;
  const u = new URL(PG_URL);
  u.searchParams.set('schema', schema);
  return { url: u.toString(), schema };
}

export async function dropSchemas(schemas: string[]): Promise<void> {
  if (!schemas.length) return;
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  } finally {
    await c.end();
  }
}
