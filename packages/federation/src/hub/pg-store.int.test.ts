import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { contributionBody, honestPayload, post, testHub, testParams } from '../test-support.js';
import { fetchFederation, fetchModel } from '../client/protocol.js';
import type { RunningHub } from './run.js';
import { newIdentity } from '../identity.js';
import { secureRound } from '../client/secagg-publish.js';
import { PgStore } from './pg-store.js';
import { countContribution, type Listens } from '../als/node-step.js';
import type { StoredVersion } from './store.js';

const url = process.env.MIXTAPE_TEST_PG_URL;

const hubs: RunningHub[] = [];
afterAll(async () => {
  for (const h of hubs) await h.stop();
});

/** Runs one query on the test database (what the stores keep, seen from outside). */
async function sql<T>(db: string, text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: db });
  await c.connect();
  try {
    return (await c.query(text, values)).rows as T[];
  } finally {
    await c.end();
  }
}

/** A masked input of `dim` words near 2^32, so that the sum wraps. */
const maskedInput = (i: number, dim: number) => Buffer.from(Uint32Array.from({ length: dim }, (_, j) => (0xfffffff0 + i * 7919 + j * 31) >>> 0).buffer);

/** The sum modulo 2^32 of some of them. */
const maskedSum = (ids: number[], dim: number) =>
  Array.from({ length: dim }, (_, j) => ids.reduce((t, i) => (t + new Uint32Array(maskedInput(i, dim).buffer)[j]!) >>> 0, 0));

/** A fresh schema on the test server, so runs never see each other's tables. */
async function freshSchemaUrl(): Promise<string> {
  const schema = `fed_${randomBytes(6).toString('hex')}`;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`CREATE SCHEMA ${schema}`);
  await c.end();
  const u = new URL(url!);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

// These need a PostgreSQL server; without one they fail and say how to start one, never skip.
describe('hubs over one PostgreSQL database', () => {
  beforeAll(() => {
    if (!url) throw new Error('MIXTAPE_TEST_PG_URL is not set: start a throwaway PostgreSQL with `export MIXTAPE_TEST_PG_URL="$(bash .ci/postgres.sh)"` (as .ci/run does)');
  });
  it('two hub processes share rounds: nothing lost, one aggregate, the same signed version', async () => {
    const db = await freshSchemaUrl();
    const params = testParams({ minContributors: 40 });
    // Both fold every 8 contributions, so folds from the two processes race with each other and with the close.
    const a = await testHub(params, { db, foldEvery: 8 });
    hubs.push(a);
    // The second hub uses the first one's key, as an operator running several processes would.
    const b = await testHub(params, { db, foldEvery: 8, keyPath: `${a.dir}/hub-key.pem` });
    hubs.push(b);
    const payloads = Array.from({ length: 40 }, () => honestPayload(params, 1));
    const res = await Promise.all(payloads.map((payload, i) => post((i % 2 ? a : b).url, '/v1/rounds/1/contributions', contributionBody(params, 1, { payload }))));
    expect(res.map((r) => r.status)).toEqual(Array(40).fill(202));
    let info = await fetchFederation(a.url);
    for (let i = 0; i < 200 && info.latestVersion < 1; i++) {
      await new Promise((r) => setTimeout(r, 50));
      info = await fetchFederation(a.url);
    }
    expect(info.latestVersion).toBe(1);
    const ma = await fetchModel(a.url, info.hubPublicKey, 1);
    const mb = await fetchModel(b.url, info.hubPublicKey, 1);
    expect(ma.published.sha256).toBe(mb.published.sha256);
    expect(ma.published.header).toMatchObject({ accepted: 40, stage: 'selection' });
    // Folded or not, the released counts are the sums of what the 40 nodes sent.
    const exact = Array.from(ma.shared, (item) => payloads.reduce((t, u) => t + u[item]!, 0));
    Array.from(ma.counts).forEach((c, r) => expect(c).toBeCloseTo(exact[r]!, 4));
    expect(ma.counts.length).toBe(ma.shared.length);
    // Round 1 is over on both; duplicates and replays are refused through either hub.
    const id = newIdentity();
    const body = contributionBody(params, 2, { identity: id, payload: honestPayload(params, 2) });
    expect((await post(a.url, '/v1/rounds/2/contributions', body)).status).toBe(202);
    expect((await post(b.url, '/v1/rounds/2/contributions', body)).json.error?.code).toBe('duplicate_contribution');
    expect((await post(b.url, '/v1/rounds/1/contributions', contributionBody(params, 1))).json.error?.code).toBe('wrong_round');
  });

  it('runs a securely aggregated round across two hub processes, nodes talking to either and dropping out, and publishes exactly the survivors\' sum', async () => {
    const db = await freshSchemaUrl();
    const params = testParams({ minContributors: 5, epsilon: 0, secureAggregation: { maxNodes: 20, dropout: 0.3, stepMs: 4000 } });
    // Both fold every 3 masked inputs, so folds from the two processes race with each other and with the step's close.
    const a = await testHub(params, { db, foldEvery: 3, burst: 20, perMinute: 600 });
    hubs.push(a);
    const b = await testHub(params, { db, foldEvery: 3, keyPath: `${a.dir}/hub-key.pem`, burst: 20, perMinute: 600 });
    hubs.push(b);
    const info = await fetchFederation(a.url);
    const previous = await fetchModel(a.url, info.hubPublicKey, 0);
    const ids = Array.from({ length: 10 }, () => newIdentity());
    const listens = (i: number): Listens => {
      const items = Int32Array.from({ length: 10 }, (_, j) => (i * 7 + j * 5) % 64).sort();
      return { items, plays: Float64Array.from(items, (_, j) => 1 + ((i + j) % 9)) };
    };
    // Node 0 never shares keys, node 1 never sends its input, node 2 sends it and then vanishes (its
    // self mask is rebuilt from shares held by the others): 8 masked inputs, folded at 3 and 6.
    const vanish = (i: number) => (i === 0 ? 1 : i === 1 ? 2 : i === 2 ? 3 : undefined);
    const res = await Promise.allSettled(ids.map((identity, i) => secureRound({ hub: (i % 2 ? a : b).url, identity, info, previous, listens: listens(i), pollMs: 50, ...(vanish(i) !== undefined ? { vanishBefore: vanish(i)! } : {}) })));
    expect(res.filter((r) => r.status === 'fulfilled').length).toBe(7);
    let latest = 0;
    for (let i = 0; i < 200 && latest < 1; i++) {
      await new Promise((r) => setTimeout(r, 50));
      latest = (await fetchFederation(b.url)).latestVersion;
    }
    const ma = await fetchModel(a.url, info.hubPublicKey, 1);
    const mb = await fetchModel(b.url, info.hubPublicKey, 1);
    expect(ma.published.sha256).toBe(mb.published.sha256);
    expect(ma.published.header).toMatchObject({ accepted: 8, stage: 'selection' });
    const exact = new Float64Array(64);
    for (let i = 2; i < 10; i++) countContribution(listens(i), 64, params.als.itemsPerNode).forEach((c, j) => (exact[j]! += c));
    ma.shared.forEach((item, r) => expect(ma.counts[r]!).toBeCloseTo(exact[item]!, 3));
    // The published round's protocol messages, folded sums and counts are gone.
    const left = await sql<{ n: number }>(db, 'SELECT (SELECT count(*) FROM mixtape_fed_secagg_messages WHERE round = 1) + (SELECT count(*) FROM mixtape_fed_secagg_partials WHERE round = 1) + (SELECT count(*) FROM mixtape_fed_secagg_counts WHERE round = 1) AS n');
    expect(Number(left[0]!.n)).toBe(0);
  }, 60_000);

  it('folds contributions into partial sums as they arrive: the same total, a bounded number of stored payloads, duplicates still refused', async () => {
    const db = await freshSchemaUrl();
    const store = await PgStore.open(db, testParams(), { foldEvery: 4 });
    const len = 5;
    const payload = (i: number) => Buffer.from(Float32Array.from({ length: len }, (_, j) => i * 10 + j + 0.25).buffer);
    const stored = async () => {
      const c = new pg.Client({ connectionString: db });
      await c.connect();
      const r = await c.query('SELECT count(*) FILTER (WHERE payload IS NOT NULL)::int AS raw, (SELECT count(*)::int FROM mixtape_fed_partials) AS partials FROM mixtape_fed_contributions');
      await c.end();
      return r.rows[0] as { raw: number; partials: number };
    };
    try {
      const counts: number[] = [];
      for (let i = 0; i < 10; i++) counts.push(await store.addContribution(1, `node-${String(i).padStart(2, '0')}`, `nonce-${i}`, payload(i), 10));
      expect(counts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      // Folded at 4 and 8 into one partial sum of eight; two payloads still raw.
      expect(await stored()).toEqual({ raw: 2, partials: 1 });
      await expect(store.addContribution(1, 'node-03', 'nonce-new', payload(3), 10)).rejects.toMatchObject({ code: 'duplicate_contribution' });
      await expect(store.addContribution(1, 'node-99', 'nonce-3', payload(3), 10)).rejects.toMatchObject({ code: 'replay' });
      await store.closeRound(1);
      const total = new Float64Array(len);
      const parts: string[] = [];
      await store.forEachPayload(1, (id, u) => {
        parts.push(id);
        u.forEach((x, j) => (total[j]! += x));
      });
      expect(parts).toEqual(['partial', 'node-08', 'node-09']);
      // Σ_i (10 i + j + 0.25) over i = 0..9: 450 + 10 j + 2.5.
      expect(Array.from(total)).toEqual([452.5, 462.5, 472.5, 482.5, 492.5]);
      expect(await store.countRound(1)).toBe(10);
      // Nothing is folded once the round is closed.
      expect(await stored()).toEqual({ raw: 2, partials: 1 });
    } finally {
      await store.close();
    }
  });

  it('reads a step\'s senders without their bodies and sums the masked inputs in pages, in node id order', async () => {
    const db = await freshSchemaUrl();
    // No folding: every masked input is summed from its own row (150 rows: three pages).
    const store = await PgStore.open(db, testParams(), { foldEvery: 0 });
    try {
      const k = { round: 1, attempt: 0, step: 2 };
      const ids = Array.from({ length: 150 }, (_, i) => `node-${String(149 - i).padStart(3, '0')}`);
      const counts: number[] = [];
      for (const [i, id] of ids.entries()) counts.push(await store.addStepMessage(k, id, maskedInput(i, 2)));
      expect(counts).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
      const senders = await store.stepSenders(k);
      expect(senders.map((m) => m.nodeId)).toEqual([...ids].sort());
      expect(senders.map((m) => Object.keys(m).sort())).toEqual(Array.from({ length: 150 }, () => ['at', 'nodeId']));
      expect(Array.from(await store.stepSum(k, 2))).toEqual(maskedSum(ids.map((_, i) => i), 2));
      await expect(store.stepSum(k, 3)).rejects.toThrow(/8 bytes in a sum of 3 words/);
      await expect(store.stepMessages(k)).rejects.toThrow(/stepSum/);
    } finally {
      await store.close();
    }
  });

  it('folds masked inputs as they arrive: bodies cleared, senders and duplicates kept, the sum exact modulo 2^32, nothing folded after the close, all gone once published', async () => {
    const db = await freshSchemaUrl();
    const store = await PgStore.open(db, testParams(), { foldEvery: 3 });
    const dim = 5;
    const k = { round: 1, attempt: 0, step: 2 };
    const stored = async () =>
      (
        await sql<{ raw: number; rows: number; folded: number | null }>(
          db,
          'SELECT count(body)::int AS raw, count(*)::int AS rows, (SELECT sum(contributors)::int FROM mixtape_fed_secagg_partials) AS folded FROM mixtape_fed_secagg_messages WHERE step = 2',
        )
      )[0];
    try {
      const counts: number[] = [];
      for (let i = 0; i < 10; i++) counts.push(await store.addStepMessage(k, `node-${String(i).padStart(2, '0')}`, maskedInput(i, dim)));
      expect(counts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      // Folded at 3, 6 and 9 into one partial sum of nine; one body still stored.
      expect(await stored()).toEqual({ raw: 1, rows: 10, folded: 9 });
      expect((await store.stepSenders(k)).map((m) => m.nodeId)).toEqual(Array.from({ length: 10 }, (_, i) => `node-${String(i).padStart(2, '0')}`));
      await expect(store.addStepMessage(k, 'node-04', maskedInput(4, dim))).rejects.toMatchObject({ code: 'duplicate_contribution' });
      // Other steps are never folded: their messages are read one by one.
      for (let i = 0; i < 3; i++) await store.addStepMessage({ ...k, step: 3 }, `node-${i}`, Buffer.from(`reveal ${i}`));
      expect((await store.stepMessages({ ...k, step: 3 })).map((m) => m.body.toString())).toEqual(['reveal 0', 'reveal 1', 'reveal 2']);
      await store.closeStep(k);
      expect(await store.foldMasked(k)).toBe(0);
      expect(await stored()).toEqual({ raw: 1, rows: 10, folded: 9 });
      expect(Array.from(await store.stepSum(k, dim))).toEqual(maskedSum([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], dim));
      await store.saveVersion(1, { published: {}, body: Buffer.alloc(0) } as unknown as StoredVersion);
      const left = await sql<{ n: number }>(db, 'SELECT (SELECT count(*) FROM mixtape_fed_secagg_messages) + (SELECT count(*) FROM mixtape_fed_secagg_partials) + (SELECT count(*) FROM mixtape_fed_secagg_counts) AS n');
      expect(Number(left[0]!.n)).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('two stores folding one step while it closes: the sum is exactly that of the senders the step kept', async () => {
    const db = await freshSchemaUrl();
    const a = await PgStore.open(db, testParams(), { foldEvery: 3 });
    const b = await PgStore.open(db, testParams(), { foldEvery: 3 });
    // The close comes from a third process, so it does not queue behind either store's messages for a connection.
    const closer = await PgStore.open(db, testParams());
    const dim = 64;
    const k = { round: 1, attempt: 0, step: 2 };
    try {
      const send = (i: number) => (i % 2 ? a : b).addStepMessage(k, `node-${String(i).padStart(2, '0')}`, maskedInput(i, dim)).then(() => i);
      // 30 inputs through both stores at once (more than their pools' connections): folds of both race.
      const first = await Promise.all(Array.from({ length: 30 }, (_, i) => send(i)));
      // 50 more, the step closing once 10 of them are in: those in flight then are in or refused,
      // and so are the folds they start (a fold queued behind the close sees it closed).
      let acked = 0;
      let ten: () => void = () => {};
      const tenIn = new Promise<void>((r) => (ten = r));
      const sent = Array.from({ length: 50 }, (_, i) =>
        send(30 + i).then((x) => {
          if (++acked === 10) ten();
          return x;
        }),
      );
      const settled = Promise.allSettled(sent);
      await tenIn;
      await closer.closeStep(k);
      const done = await settled;
      const accepted = [...first, ...done.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))];
      const refused = done.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      for (const e of refused) expect(e).toMatchObject({ code: 'round_closed' });
      // Every one of the 80 was either kept or refused as late, and at least the first 40 were kept.
      expect(refused.length).toBe(80 - accepted.length);
      const senders = (await b.stepSenders(k)).map((m) => Number(m.nodeId.slice(5)));
      expect(senders).toEqual(accepted);
      expect(accepted.length).toBeGreaterThanOrEqual(40);
      const counts = await sql<{ raw: number; folded: number | null }>(db, 'SELECT count(body)::int AS raw, (SELECT sum(contributors)::int FROM mixtape_fed_secagg_partials) AS folded FROM mixtape_fed_secagg_messages');
      expect(counts[0]!.raw + (counts[0]!.folded ?? 0)).toBe(accepted.length);
      // The folded count is exactly the senders whose bodies were cleared; the first fold took at least foldEvery (3).
      const cleared = await sql<{ n: number }>(db, 'SELECT count(*)::int AS n FROM mixtape_fed_secagg_messages WHERE body IS NULL');
      expect(counts[0]!.folded).toBe(cleared[0]!.n);
      expect(counts[0]!.folded).toBeGreaterThanOrEqual(3);
      expect(Array.from(await b.stepSum(k, dim))).toEqual(maskedSum(accepted, dim));
    } finally {
      await a.close();
      await b.close();
      await closer.close();
    }
  });

  it('refuses to serve a database that holds another federation', async () => {
    const db = await freshSchemaUrl();
    hubs.push(await testHub(testParams(), { db }));
    await expect(testHub(testParams({ als: { dim: 3 } }), { db })).rejects.toMatchObject({ code: 'hub_params_mismatch' });
  });
});
