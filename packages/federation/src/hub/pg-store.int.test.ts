import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { contributionBody, honestPayload, post, testHub, testParams } from '../test-support.js';
import { fetchFederation, fetchModel } from '../client/protocol.js';
import type { RunningHub } from './run.js';
import { newIdentity } from '../identity.js';
import { secureRound } from '../client/secagg-publish.js';
import { PgStore } from './pg-store.js';

const url = process.env.MIXTAPE_TEST_PG_URL;

const hubs: RunningHub[] = [];
afterAll(async () => {
  for (const h of hubs) await h.stop();
});

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

  it('runs a securely aggregated round across two hub processes, nodes talking to either', async () => {
    const db = await freshSchemaUrl();
    const params = testParams({ minContributors: 5, epsilon: 4, secureAggregation: { maxNodes: 20, dropout: 0.3, stepMs: 4000 } });
    const a = await testHub(params, { db, burst: 20, perMinute: 600 });
    hubs.push(a);
    const b = await testHub(params, { db, keyPath: `${a.dir}/hub-key.pem`, burst: 20, perMinute: 600 });
    hubs.push(b);
    const info = await fetchFederation(a.url);
    const previous = await fetchModel(a.url, info.hubPublicKey, 0);
    const ids = Array.from({ length: 7 }, () => newIdentity());
    const listens = (i: number) => ({ items: Int32Array.from([i, i + 10, i + 20]), plays: Float64Array.from([3, 2, 1]) });
    // Node 6 vanishes after sending its input: its self mask is rebuilt from shares held by the others.
    const res = await Promise.allSettled(ids.map((identity, i) => secureRound({ hub: (i % 2 ? a : b).url, identity, info, previous, listens: listens(i), pollMs: 50, ...(i === 6 ? { vanishBefore: 3 as const } : {}) })));
    expect(res.filter((r) => r.status === 'fulfilled').length).toBe(6);
    let latest = 0;
    for (let i = 0; i < 200 && latest < 1; i++) {
      await new Promise((r) => setTimeout(r, 50));
      latest = (await fetchFederation(b.url)).latestVersion;
    }
    const ma = await fetchModel(a.url, info.hubPublicKey, 1);
    const mb = await fetchModel(b.url, info.hubPublicKey, 1);
    expect(ma.published.sha256).toBe(mb.published.sha256);
    expect(ma.published.header).toMatchObject({ accepted: 7, stage: 'selection' });
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

  it('reads a step\'s senders without their bodies and streams the bodies in pages, in node id order', async () => {
    const db = await freshSchemaUrl();
    const store = await PgStore.open(db, testParams());
    try {
      const k = { round: 1, attempt: 0, step: 2 };
      const ids = Array.from({ length: 150 }, (_, i) => `node-${String(149 - i).padStart(3, '0')}`);
      for (const [i, id] of ids.entries()) await store.addStepMessage(k, id, Buffer.from(Uint32Array.of(i, 7).buffer));
      const senders = await store.stepSenders(k);
      expect(senders.map((m) => m.nodeId)).toEqual([...ids].sort());
      expect(senders.map((m) => Object.keys(m).sort())).toEqual(Array.from({ length: 150 }, () => ['at', 'nodeId']));
      const seen: string[] = [];
      let total = 0;
      await store.forEachStepMessage(k, (m) => {
        seen.push(m.nodeId);
        total += new Uint32Array(m.body.buffer.slice(m.body.byteOffset, m.body.byteOffset + 8))[0]!;
      });
      expect(seen).toEqual([...ids].sort());
      expect(total).toBe((149 * 150) / 2);
    } finally {
      await store.close();
    }
  });

  it('refuses to serve a database that holds another federation', async () => {
    const db = await freshSchemaUrl();
    hubs.push(await testHub(testParams(), { db }));
    await expect(testHub(testParams({ als: { dim: 3 } }), { db })).rejects.toMatchObject({ code: 'hub_params_mismatch' });
  });
});
