import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProgressEvent } from '@mixtape/core';
import { countContribution, type Listens } from '../als/node-step.js';
import { fetchFederation, fetchModel } from '../client/protocol.js';
import { secureRound, Vanished } from '../client/secagg-publish.js';
import { newIdentity, type Identity } from '../identity.js';
import { SecAggNode } from '../secagg/client.js';
import { roundContext } from '../secagg/round-plan.js';
import { encodeStep } from '../secagg/wire.js';
import { post, testHub, testParams } from '../test-support.js';
import type { FederationParams } from '../params.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { join as joinHub, privacyStatus, publish, pull } from '../client/node.js';
import { itemKeyString, vocabulary } from '../vocab.js';

const listens = (i: number): Listens => {
  const items = Int32Array.from({ length: 10 }, (_, j) => (i * 7 + j * 5) % 64).sort();
  return { items, plays: Float64Array.from(items, (_, j) => 1 + ((i + j) % 9)) };
};

const secParams = (over: Partial<FederationParams> = {}) =>
  testParams({ minContributors: 5, epsilon: 0, secureAggregation: { maxNodes: 20, dropout: 0.3, stepMs: 4000 }, ...over });

type Hub = Awaited<ReturnType<typeof testHub>>;
let hub: Hub | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await hub?.stop();
  hub = undefined;
});

async function runNodes(h: Hub, ids: Identity[], vanish: (i: number) => 0 | 1 | 2 | 3 | undefined) {
  const info = await fetchFederation(h.url);
  const previous = await fetchModel(h.url, info.hubPublicKey, info.round - 1);
  return Promise.allSettled(ids.map((identity, i) => secureRound({ hub: h.url, identity, info, previous, listens: listens(i), pollMs: 50, ...(vanish(i) !== undefined ? { vanishBefore: vanish(i)! } : {}) })));
}

async function waitVersion(url: string, v: number): Promise<void> {
  for (let t = 0; t < 200; t++) {
    if ((await fetchFederation(url)).latestVersion >= v) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`version ${v} was not published`);
}

describe('secure aggregation over HTTP', () => {
  it('publishes exactly the survivors\' sum with nodes vanishing at each step, and no masked input looks like its data', async () => {
    hub = await testHub(secParams(), { burst: 20, perMinute: 600 });
    const sent: Buffer[] = [];
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (url, init) => {
      if (String(url).endsWith('/steps/2') && init?.body) sent.push(Buffer.from(init.body as Buffer));
      return realFetch(url, init);
    });
    const ids = Array.from({ length: 9 }, () => newIdentity());
    // Node 0 never shares keys, node 1 never sends its input, node 2 sends it and then vanishes.
    const vanish = (i: number) => (i === 0 ? 1 : i === 1 ? 2 : i === 2 ? 3 : undefined);
    const results = await runNodes(hub, ids, vanish);
    results.forEach((r, i) => expect(r.status === 'fulfilled' || (r.reason instanceof Vanished && vanish(i) !== undefined), String((r as PromiseRejectedResult).reason)).toBe(true));
    await waitVersion(hub.url, 1);
    const info = await fetchFederation(hub.url);
    const v1 = await fetchModel(hub.url, info.hubPublicKey, 1);
    expect(v1.published.header.accepted).toBe(7);
    const exact = new Float64Array(64);
    for (let i = 2; i < 9; i++) countContribution(listens(i), 64, info.params.als.itemsPerNode).forEach((c, j) => (exact[j]! += c));
    v1.shared.forEach((item, r) => expect(v1.counts[r]!).toBeCloseTo(exact[item]!, 3));
    expect(sent.length).toBe(7);
    for (const body of sent) {
      const payload = body.subarray(8 + body.readUInt32LE(4));
      const h = new Array<number>(256).fill(0);
      for (const b of payload) h[b]!++;
      const e = payload.length / 256;
      // 255 degrees of freedom at 1 kB: the 0.9999 quantile is about 347.
      expect(h.reduce((s, c) => s + (c - e) ** 2 / e, 0)).toBeLessThan(347);
    }
  }, 60_000);

  it('abandons a round with fewer survivors than the minimum and publishes nothing from it', async () => {
    hub = await testHub(secParams(), { burst: 20, perMinute: 600 });
    const ids = Array.from({ length: 6 }, () => newIdentity());
    const results = await runNodes(hub, ids, (i) => (i < 2 ? 2 : undefined));
    const codes = results.map((r) => (r.status === 'rejected' ? ((r.reason as { code?: string }).code ?? 'vanished') : 'ok'));
    expect(codes.filter((c) => c === 'round_abandoned').length, codes.join()).toBe(4);
    const st = (await (await fetch(`${hub.url}/v1/rounds/1/secagg`)).json()) as { attempt: number; step: number };
    // Waiting nodes are told how often to ask: 200 ms for a federation of at most 20.
    expect(st).toMatchObject({ attempt: 1, step: 0, pollMs: 200 });
    expect((await fetchFederation(hub.url)).latestVersion).toBe(0);
  }, 60_000);

  it('runs one more pass when asked while a pass runs, so a message that arrives mid-pass is not left to the timer', async () => {
    hub = await testHub(secParams());
    // Only the calls below start passes: no timer, and whatever pass the start began is over.
    clearInterval((hub.hub as unknown as { timer: NodeJS.Timeout }).timer);
    await hub.hub.maybeAggregate();
    let passes = 0;
    let open: () => void = () => undefined;
    const gate = new Promise<void>((res) => (open = res));
    hub.hub.secagg!.tick = async () => {
      passes++;
      if (passes === 1) await gate;
    };
    const first = hub.hub.maybeAggregate();
    // Two calls while the first pass waits: one more pass follows, not two.
    void hub.hub.maybeAggregate();
    void hub.hub.maybeAggregate();
    await new Promise((res) => setTimeout(res, 20));
    expect(passes).toBe(1);
    open();
    await first;
    expect(passes).toBe(2);
    // Nothing asked during the second pass: the next call starts afresh.
    await hub.hub.maybeAggregate();
    expect(passes).toBe(3);
  });

  it('refuses hostile step messages with 4xx and stays up', async () => {
    hub = await testHub(secParams(), { burst: 50, perMinute: 600 });
    const info = await fetchFederation(hub.url);
    const p = info.params;
    const ctx = roundContext(info.hubPublicKey, p, 1, 0);
    const path = (s: number) => `/v1/rounds/1/secagg/0/steps/${s}`;
    const step = (id: Identity, s: number, payload: unknown) => encodeStep(id, { vocabVersion: p.vocabVersion, round: 1, attempt: 0, step: s }, Buffer.from(JSON.stringify(payload)));
    const a = newIdentity();
    const b = newIdentity();
    const advertA = new SecAggNode(a, ctx).advert();
    expect((await post(hub.url, path(0), step(a, 0, advertA))).status).toBe(202);
    // The same message again, and another advert from the same identity.
    expect((await post(hub.url, path(0), step(a, 0, advertA))).json.error?.code).toBe('duplicate_contribution');
    // B sends A's advert: speaking for another.
    expect((await post(hub.url, path(0), step(b, 0, advertA))).json.error?.code).toBe('speaks_for_another');
    // An advert signed for another round.
    expect((await post(hub.url, path(0), step(b, 0, new SecAggNode(b, 'elsewhere').advert()))).json.error?.code).toBe('bad_signature');
    // A step that is not open yet, and a masked input of the wrong length.
    expect((await post(hub.url, path(2), encodeStep(a, { vocabVersion: p.vocabVersion, round: 1, attempt: 0, step: 2 }, Buffer.alloc(12)))).json.error?.code).toBe('step_not_open');
    // Header and path disagree, and a tampered body.
    expect((await post(hub.url, path(1), step(b, 0, advertA))).json.error?.code).toBe('round_mismatch');
    const t = step(b, 0, new SecAggNode(b, ctx).advert());
    t[t.length - 3] ^= 1;
    expect((await post(hub.url, path(0), t)).status).toBe(400);
    expect((await fetch(`${hub.url}/v1/health`)).status).toBe(200);
    // Plain contributions are refused when the federation runs secure aggregation.
    expect((await post(hub.url, '/v1/rounds/1/contributions', Buffer.from('MXC1'))).json.error?.code).toBe('secure_aggregation_required');
  });

  it('publishes through `join` and `publish` of nodes with their own state, and their status shows one epsilon', async () => {
    const names = Array.from({ length: 64 }, (_, i) => `Artist ${i}`);
    const vocab = vocabulary(names.map((n) => itemKeyString({ kind: 'artist', name: n })), names);
    hub = await testHub(secParams({ vocabVersion: vocab.version, epsilon: 8 }), { vocabulary: vocab, burst: 20, perMinute: 600 });
    const dirs = await Promise.all(Array.from({ length: 5 }, () => mkdtemp(join(tmpdir(), 'mixtape-node-'))));
    try {
      for (const dir of dirs) await joinHub({ hub: hub.url, dir, budget: 20 });
      const tracks = (i: number) => Array.from({ length: 6 }, (_, j) => ({ artist: `Artist ${(i * 11 + j * 3) % 64}`, title: `t${j}`, plays: 10 + j }));
      const events: ProgressEvent[][] = dirs.map(() => []);
      const res = await Promise.all(dirs.map((dir, i) => publish({ dir, tracks: tracks(i), onProgress: (e) => events[i]!.push(e) })));
      expect(res.map((r) => r.accepted)).toEqual([5, 5, 5, 5, 5]);
      // Each node said what it waited for: step 0 stays open a step time (4 s) for more nodes' keys.
      const said = /^round 1: secure aggregation, waiting for the other nodes' (keys|key shares|masked inputs) \(\d+ s\)$/;
      for (const ev of events) {
        expect(ev.every((e) => e.unit === 'steps' && e.total === 4 && said.test(e.message!))).toBe(true);
        expect(ev.some((e) => e.done === 1 && e.message!.includes("other nodes' keys"))).toBe(true);
      }
      await waitVersion(hub.url, 1);
      const st = await privacyStatus({ dir: dirs[0]! });
      expect(st.rounds).toBe(1);
      expect(st.epsilonVsHub).toBe(st.epsilon);
      // One round of an ε 8 federation spent: the selection counts' share, the same against the hub.
      expect(st.epsilon).toBeCloseTo(2.146, 3);
      expect((await pull({ dir: dirs[0]! })).version).toBe(1);
    } finally {
      for (const d of dirs) await rm(d, { recursive: true, force: true });
    }
  }, 60_000);
});
