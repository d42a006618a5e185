// The queue's pieces that need no server: Redis URLs (passwords kept out of messages), job ids, the
// job data schema, the shared-folder check, and the CLI's flag errors.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseQueueUrl, redactRedisUrl } from '../../src/queue/connection.js';
import { SHARE_MARK, SharedMount } from '../../src/queue/files.js';
import { JobDataSchema, jobId, type JobData } from '../../src/queue/jobs.js';
import { runCli } from '../helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'dualrec-qunit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const data: JobData = {
  v: 1,
  batchId: 'b',
  storeId: 's',
  inbox: '/in',
  outDir: '/out',
  session: { key: 'k1', base: '/in/a', name: 'a', relDir: '', sessionId: 'S-a', reportDir: '/out/a' },
  input: { base: '/in/a', name: 'a', transcript: '/in/a.transcript.json' },
  inputsSha256: 'i'.repeat(64),
  model: 'import',
  rulesVersion: 'r1',
  toolVersion: '0.1.0',
  settings: { lang: 'zh' },
  queueVerdicts: ['FAIL', 'REVIEW'],
  force: false,
};

describe('Redis URLs', () => {
  it('parses host, port, db, user and password, and shows the URL without the password', () => {
    const t = parseQueueUrl('redis://worker:s3cret@10.0.0.5:6380/2', 'nightly');
    expect(t.connection).toMatchObject({
      host: '10.0.0.5',
      port: 6380,
      db: 2,
      username: 'worker',
      password: 's3cret',
      maxRetriesPerRequest: null,
    });
    expect(t.display).toBe('redis://worker@10.0.0.5:6380/2');
    expect(t.name).toBe('nightly');
    expect(parseQueueUrl('rediss://h').connection).toMatchObject({ port: 6379, tls: {} });
    expect(redactRedisUrl('redis://u:p%40ss@h:1')).toBe('redis://u:***@h:1');
  });

  it('refuses what is not a Redis URL, a database name, or a bad queue name, without echoing passwords', () => {
    expect(() => parseQueueUrl('http://h:1')).toThrow(/expected redis:\/\/host:port/);
    expect(() => parseQueueUrl('redis://h/abc')).toThrow(/not a Redis database number/);
    expect(() => parseQueueUrl('redis://h', 'a b')).toThrow(/--queue-name/);
    expect(() => parseQueueUrl('redis://u:topsecret@')).toThrow(/^(?!.*topsecret)/);
  });
});

describe('jobs', () => {
  it('gives the same work the same id, and other sessions, inputs, rules or models another', () => {
    const id = jobId(data);
    expect(id).toMatch(/^[0-9a-f]{40}$/);
    expect(jobId({ ...data, batchId: 'another batch' } as JobData)).toBe(id);
    expect(jobId({ ...data, session: { ...data.session, key: 'k2' } })).not.toBe(id);
    expect(jobId({ ...data, inputsSha256: 'j'.repeat(64) })).not.toBe(id);
    expect(jobId({ ...data, rulesVersion: 'r2' })).not.toBe(id);
    expect(jobId({ ...data, model: 'asr:small:abc' })).not.toBe(id);
  });

  it('checks job data from Redis against the schema', () => {
    expect(JobDataSchema.safeParse(data).success).toBe(true);
    expect(JobDataSchema.safeParse({ ...data, v: 2 }).success).toBe(false);
    expect(JobDataSchema.safeParse({ ...data, session: { key: 'k' } }).success).toBe(false);
    expect(JobDataSchema.safeParse({ ...data, settings: { lang: 'fr' } }).success).toBe(false);
  });
});

describe('shared folders', () => {
  it('a worker refuses a batch whose folders it cannot see, or that belong to another store', async () => {
    const inbox = join(work, 'share', 'inbox');
    const out = join(work, 'share', 'out');
    mkdirSync(inbox, { recursive: true });
    mkdirSync(out, { recursive: true });
    const m = new SharedMount();
    await expect(m.check({ inbox: join(work, 'nope'), outDir: out, storeId: 's1' })).rejects.toThrow(
      /inbox is not visible on this machine/,
    );
    await expect(m.check({ inbox, outDir: out, storeId: 's1' })).rejects.toThrow(new RegExp(`no \\${SHARE_MARK}`));
    await m.prepare(out, 's1');
    await m.check({ inbox, outDir: out, storeId: 's1' });
    await expect(m.check({ inbox, outDir: out, storeId: 's2' })).rejects.toThrow(/belongs to another store/);
    writeFileSync(join(out, SHARE_MARK), 'garbage');
    await expect(m.check({ inbox, outDir: out, storeId: 's1' })).rejects.toThrow(/unreadable/);
  });
});

describe('CLI flags', () => {
  const inbox = join(work, 'empty-inbox');
  mkdirSync(inbox, { recursive: true });

  it('says what is wrong on one line', () => {
    const cases: [string[], RegExp][] = [
      [['batch', inbox, '--queue', 'http://u:pw@h:1'], /--queue: expected redis:\/\/host:port/],
      [['batch', inbox, '--wait'], /--wait and --attempts go with --queue/],
      [
        ['batch', inbox, '--queue', 'redis://127.0.0.1:1', '--out', join(work, 'o1')],
        /cannot reach Redis \(connect ECONNREFUSED/,
      ],
      [['worker'], /--queue redis:\/\/host:port is required/],
      [['worker', '--queue', 'redis://127.0.0.1:1'], /--store is required/],
      [
        ['worker', '--queue', 'redis://127.0.0.1:1', '--store', join(work, 's.sqlite'), '--grace', '-1'],
        /--grace: expected seconds/,
      ],
    ];
    for (const [args, re] of cases) {
      const r = runCli(args, { env: { DUALREC_STORE: '', DUALREC_QUEUE: '' } });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(re);
      expect(r.stderr).not.toContain(':pw@');
    }
  });

  it('still reads `--queue FAIL,REVIEW` as the review-queue verdicts (its meaning before job queues)', () => {
    const r = runCli(['batch', inbox, '--out', join(work, 'o2'), '--queue', 'FAIL', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).queue).toBeUndefined();
    const bad = runCli(['batch', inbox, '--out', join(work, 'o3'), '--queue', 'FAILED']);
    expect(bad.stderr).toMatch(/--review-queue: "FAILED" is not a verdict/);
  });
});
