// The run chain on both store backends (a real SQLite file; a real PostgreSQL schema when the server is
// up, as tests/store does): finished runs are sealed in order, concurrent completions too; an edited run
// row or finding, a run inserted behind dualrec's back and a rewritten chain are each named.
import { afterAll, describe, expect, it } from 'vitest';
import { verifyStore } from '../../src/integrity/verify.js';
import type { Finding } from '../../src/model/index.js';
import type { RunCompletion, Store } from '../../src/store/index.js';
import { chainLink, formatHead, parseHead, runContentHash } from '../../src/store/chain.js';
import { oldStore, storeBackends } from '../helpers/store-backends.js';

const { backends: BACKENDS, cleanup } = await storeBackends('chain');
afterAll(cleanup);

function finding(ruleId: string, status: Finding['status']): Finding {
  return {
    ruleId,
    title: ruleId,
    category: 'disclosure',
    concepts: ['disclosure.exclusions'],
    status,
    severity: 'critical',
    confidence: 0.9,
    evidence: [{ start: 12.5, end: 14, excerpt: '责任免除' }],
    message: `${ruleId} ${status}`,
  };
}

function completion(verdict: RunCompletion['verdict'], findings: Finding[]): RunCompletion {
  return {
    verdict,
    verdictReasons: [`because ${verdict}`],
    risk: verdict === 'FAIL' ? 9.5 : 0,
    reportJsonSha256: 'j'.repeat(64),
    reportHtmlSha256: 'h'.repeat(64),
    findings,
    artefacts: [],
    queueVerdicts: ['FAIL', 'REVIEW'],
  };
}

const runId = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

async function build(store: Store): Promise<void> {
  for (const k of ['a', 'b', 'c']) {
    await store.upsertSession({
      key: k.repeat(32),
      base: `/in/${k}`,
      name: k,
      relDir: '',
      sessionId: `S-${k}`,
      reportDir: `/nonexistent/${k}`,
    });
  }
  const start = (i: number, key: string) =>
    store.startRun({
      id: runId(i),
      sessionKey: key,
      kind: 'analyze',
      startedAt: `2026-12-01T00:00:0${i}.000Z`,
      inputsSha256: `in-${i}`,
      rulesVersion: 'r1',
      model: 'import',
      toolVersion: 'test',
    });
  await start(1, 'a'.repeat(32));
  await store.completeRun(runId(1), completion('FAIL', [finding('excl', 'fail'), finding('fee', 'pass')]));
  await start(2, 'b'.repeat(32));
  await store.failRun(runId(2), 'the program failed');
  await start(3, 'b'.repeat(32));
  // a run left running by a crash, then abandoned: never sealed, and not a problem
  await store.abandonRunsOf('b'.repeat(32));
  // concurrent completions (queue workers share one store) seal one after the other
  for (const i of [4, 5, 6, 7]) await start(i, (i % 2 ? 'c' : 'a').repeat(32));
  await Promise.all(
    [4, 5, 6, 7].map((i) =>
      store.completeRun(
        runId(i),
        completion(i % 2 ? 'PASS' : 'REVIEW', [finding('excl', i % 2 ? 'pass' : 'undetermined')]),
      ),
    ),
  );
}

const problemsOf = async (store: Store, expectHead?: string) =>
  (
    await verifyStore(store, undefined, { reports: false, expectHead: expectHead ? parseHead(expectHead) : undefined })
  ).items.map((i) => i.message);

for (const b of BACKENDS) {
  describe.skipIf(!b.available)(`run chain (${b.name})`, () => {
    it('seals done and failed runs in order, concurrent ones too, and the head is the last seal', async () => {
      const store = b.open(b.location('sealed'));
      try {
        await build(store);
        const v = await verifyStore(store, undefined, { reports: false });
        expect(v.items).toEqual([]);
        expect(v.chain.sealed).toBe(6);
        expect(v.chain.open).toBe(1);
        const rows = await store.query(
          'SELECT id, chain_seq, chain_prev, chain_hash FROM runs WHERE chain_seq IS NOT NULL ORDER BY chain_seq',
        );
        expect(rows.map((r) => Number(r.chain_seq))).toEqual([1, 2, 3, 4, 5, 6]);
        for (let i = 1; i < rows.length; i++) expect(rows[i]!.chain_prev).toBe(rows[i - 1]!.chain_hash);
        const [head] = await store.query(`SELECT value FROM store_info WHERE key = 'chain.head'`);
        expect(head!.value).toBe(formatHead(v.chain.head!));
        // a sealed run is final: failing it afterwards changes nothing
        await store.failRun(runId(1), 'late failure');
        expect((await store.getRun(runId(1)))!.status).toBe('done');
        expect(await problemsOf(store)).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it('names an edited run row, an edited finding and an inserted run; passes again when put back', async () => {
      const store = b.open(b.location('edited'));
      try {
        await build(store);
        const [r1] = await store.query('SELECT chain_seq FROM runs WHERE id = ?', [runId(1)]);
        const n = Number(r1!.chain_seq);
        await store.query(`UPDATE runs SET verdict = 'PASS' WHERE id = ?`, [runId(1)]);
        expect(await problemsOf(store)).toEqual([
          `broken chain at run ${n} (id ${runId(1)}): the run row or its findings were edited after it was sealed`,
        ]);
        await store.query(`UPDATE runs SET verdict = 'FAIL' WHERE id = ?`, [runId(1)]);
        expect(await problemsOf(store)).toEqual([]);
        await store.query(`UPDATE findings SET status = 'pass' WHERE run_id = ? AND idx = 0`, [runId(1)]);
        expect((await problemsOf(store)).join('\n')).toContain(`broken chain at run ${n} (id ${runId(1)})`);
        await store.query(`UPDATE findings SET status = 'fail' WHERE run_id = ? AND idx = 0`, [runId(1)]);
        await store.query(
          `INSERT INTO runs (id, session_key, kind, status, started_at, finished_at, inputs_sha256, rules_version, model, tool_version, verdict)
           VALUES (?, ?, 'analyze', 'done', '2026-12-02T00:00:00.000Z', '2026-12-02T00:00:01.000Z', 'x', 'r1', 'import', 'test', 'PASS')`,
          [runId(9), 'c'.repeat(32)],
        );
        expect(await problemsOf(store)).toEqual([
          `run ${runId(9)} (done) is not in the chain: inserted or edited outside dualrec`,
        ]);
      } finally {
        await store.close();
      }
    });

    it('a chain rewritten from the edited run on passes its own check but not the head noted before', async () => {
      const store = b.open(b.location('rewritten'));
      try {
        await build(store);
        const noted = formatHead((await verifyStore(store, undefined, { reports: false })).chain.head!);
        // the attacker changes run 2's error text and re-seals every run after it, head included
        await store.query(`UPDATE runs SET error = 'nothing to see' WHERE id = ?`, [runId(2)]);
        const runs = await store.query('SELECT * FROM runs WHERE chain_seq IS NOT NULL ORDER BY chain_seq');
        let prev = String(runs[0]!.chain_prev);
        for (const r of runs) {
          const content = runContentHash(r, await store.query('SELECT * FROM findings WHERE run_id = ?', [r.id]));
          const hash = chainLink(prev, Number(r.chain_seq), content);
          await store.query('UPDATE runs SET chain_content = ?, chain_prev = ?, chain_hash = ? WHERE id = ?', [
            content,
            prev,
            hash,
            r.id,
          ]);
          prev = hash;
        }
        await store.query(`UPDATE store_info SET value = ? WHERE key = 'chain.head'`, [`${runs.length}:${prev}`]);
        expect(await problemsOf(store)).toEqual([]);
        const seq = noted.split(':')[0];
        expect(await problemsOf(store, noted)).toEqual([
          `the chain was rewritten: run ${seq} now has hash ${prev}, the noted head says ${noted.split(':')[1]}`,
        ]);
      } finally {
        await store.close();
      }
    });
  });
}

for (const b of BACKENDS) {
  describe.skipIf(!b.available)(`run chain: a store made before it (${b.name})`, () => {
    it('marks and counts the runs already finished; one more marked later is named; new runs are sealed', async () => {
      const loc = b.location('old');
      const db = await oldStore(b, loc, 4);
      await db.run(
        `INSERT INTO sessions (key, base, name, rel_dir, session_id, report_dir, first_seen_at, updated_at)
         VALUES (?, '/b', 'n', '', 'S-1', '/r', 'then', 'then')`,
        ['d'.repeat(32)],
      );
      for (const id of [runId(11), runId(12)]) {
        await db.run(
          `INSERT INTO runs (id, session_key, kind, status, started_at, finished_at, inputs_sha256, rules_version,
             model, tool_version, verdict)
           VALUES (?, ?, 'analyze', 'done', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z', 'x', 'r0', 'import',
             'old', 'PASS')`,
          [id, 'd'.repeat(32)],
        );
      }
      await db.close();
      const store = b.open(loc);
      try {
        const v = await verifyStore(store, undefined, { reports: false });
        expect(v.items).toEqual([]);
        expect(v.chain.predating).toBe(2);
        await store.startRun({
          id: runId(13),
          sessionKey: 'd'.repeat(32),
          kind: 'analyze',
          startedAt: '2026-12-01T00:00:00.000Z',
          inputsSha256: 'y',
          rulesVersion: 'r1',
          model: 'import',
          toolVersion: 'test',
        });
        await store.completeRun(runId(13), completion('PASS', []));
        expect((await verifyStore(store, undefined, { reports: false })).chain.sealed).toBe(1);
        await store.query(
          `INSERT INTO runs (id, session_key, kind, status, started_at, finished_at, inputs_sha256, rules_version,
             model, tool_version, verdict, chain_content)
           VALUES (?, ?, 'analyze', 'done', '2026-01-02T00:00:00.000Z', '2026-01-02T00:00:01.000Z', 'x', 'r0', 'import',
             'old', 'FAIL', 'predates-chain')`,
          [runId(14), 'd'.repeat(32)],
        );
        expect(await problemsOf(store)).toEqual([
          '3 runs are marked as older than the chain, but the store had 2 when the chain began: ' +
            'runs were inserted outside dualrec',
        ]);
      } finally {
        await store.close();
      }
    });
  });
}
