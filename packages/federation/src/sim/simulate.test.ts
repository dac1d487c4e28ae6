import { describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulate } from './simulate.js';
import { MAX_HEADER_BYTES } from '../codec.js';
import { defaultParams } from '../params.js';
import { clusteredFile, testHub } from '../test-support.js';
import { vocabulary } from '../vocab.js';

describe('federation simulate', () => {
  it('runs private ALS over HTTP and writes what listeners get, scored against central and alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mixtape-sim-'));
    const file = await clusteredFile(dir);
    const out = join(dir, 'model');
    const r = await simulate({ interactions: file, clients: 0, epsilon: 0, out, als: { dim: 4, sharedItems: 200, rounds: 3 }, hubProcess: false });
    expect(r.nodes).toBe(120);
    expect(r.rounds).toBe(4);
    const c = r.comparison!;
    // Four taste groups: the shared model must find them, as the central model does.
    expect(c.central.ndcg).toBeGreaterThan(0.2);
    expect(c.listeners.ndcg).toBeGreaterThan(0.8 * c.central.ndcg);
    expect(c.listeners.ndcg).toBeGreaterThan(2 * c.popularity.ndcg);
    // Round 1 carries one count per item; later rounds the shared items' statistics and the user Gramian.
    expect(r.payloadBytesByRound[0]).toBeGreaterThan(200 * 4);
    expect(r.payloadBytesByRound[1]).toBeGreaterThan((200 * 4 + 16) * 4);
    const meta = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(meta).toMatchObject({ format: 'mixtape-model', k: 4, items: 200, users: 120, extra: { federation: { version: 4 } } });
    expect((await readFile(join(out, 'item-factors.f32'))).length).toBe(200 * 4 * 4);
    const held = (await readFile(join(out, 'heldout.tsv'), 'utf8')).trim().split('\n');
    const trained = (await readFile(join(out, 'train.tsv'), 'utf8')).trim().split('\n');
    expect(held.length - 1 + trained.length - 1).toBe(120 * 20);
    await rm(dir, { recursive: true, force: true });
  });

  it('sums in process when contributions without noise are too large to send, with the model the hub makes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mixtape-sim-'));
    const file = await clusteredFile(dir);
    const o = { interactions: file, clients: 0, epsilon: 0, als: { dim: 4, sharedItems: 200, rounds: 3 }, hubProcess: false };
    const http = await simulate({ ...o, out: join(dir, 'http') });
    const steps: string[] = [];
    const local = await simulate({ ...o, out: join(dir, 'local'), maxPayloadBytes: 1024, onProgress: (p) => p.unit === 'rounds' && steps.push(`${p.done}/${p.total} ${p.message}`) });
    // Long work says where it is: the announcement, then each item step.
    expect(steps).toEqual([expect.stringMatching(/^0\/4 no noise: each node would send 0 MiB a round; summing in this process$/), '2/4 item step 1 of 3, in this process', '3/4 item step 2 of 3, in this process', '4/4 item step 3 of 3, in this process']);
    expect([http.transport, local.transport]).toEqual(['http', 'in-process']);
    // No noise, no guarantee, whichever way the sums were made.
    expect(local.privacy).toEqual(http.privacy);
    expect(local.privacy).toMatchObject({ rounds: 4, epsilon: Number.POSITIVE_INFINITY });
    // Over HTTP a body also carries its signed header (at most MAX_HEADER_BYTES).
    local.payloadBytesByRound.forEach((bytes, r) => expect(http.payloadBytesByRound[r]! - bytes).toSatisfy((d: number) => d > 0 && d <= MAX_HEADER_BYTES + 8));
    const factors = async (d: string) => new Float32Array((await readFile(join(dir, d, 'item-factors.f32'))).buffer.slice(0));
    const [a, b] = [await factors('http'), await factors('local')];
    expect(b.length).toBe(a.length);
    // The hub sums float32 payloads, the process float64 statistics: the same model to rounding.
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (Math.abs(a[i]!) + 1e-3));
    expect(worst).toBeLessThan(1e-3);
    expect(local.comparison!.listeners.ndcg).toBeCloseTo(http.comparison!.listeners.ndcg, 3);
    const meta = JSON.parse(await readFile(join(dir, 'local', 'manifest.json'), 'utf8'));
    expect(meta).toMatchObject({ extra: { federation: { version: 4, shared: 200 } } });
    // With noise the hub's noise is the point: too large a model is refused, so are settings a hub
    // would refuse; nothing is written, and no hub folder is left behind.
    const scratch = await mkdtemp(join(dir, 'tmp-'));
    const tmp = process.env.TMPDIR;
    process.env.TMPDIR = scratch;
    try {
      await expect(simulate({ ...o, epsilon: 8, out: join(dir, 'noisy'), maxPayloadBytes: 1024 })).rejects.toMatchObject({ code: 'simulate_payload_too_large' });
      await expect(simulate({ ...o, secureAggregation: true, out: join(dir, 'noisy'), maxPayloadBytes: 1024 })).rejects.toMatchObject({ code: 'simulate_payload_too_large', suggestion: expect.stringContaining('leave out --secure-aggregation') });
      await expect(simulate({ ...o, als: { dim: 1000 }, out: join(dir, 'noisy') })).rejects.toMatchObject({ code: 'hub_bad_parameters', message: expect.stringContaining('als.dim') });
    } finally {
      if (tmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmp;
    }
    await expect(readFile(join(dir, 'noisy', 'manifest.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(scratch)).toEqual([]);
    await rm(dir, { recursive: true, force: true });
  });

  it("leaves out the tags a user gave their own held-out items, and only those", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mixtape-sim-'));
    const file = await clusteredFile(dir);
    const plays = (await readFile(file, 'utf8')).trim().split('\n').slice(1).map((l) => l.split('\t'));
    // Every user tags each of their items with their group; a curator tags every item too.
    const tags = ['userID\tartistID\ttagID', ...plays.map(([u, item]) => `${u}\t${item}\t${Number(u) % 4}`), ...Array.from({ length: 200 }, (_, i) => `curator\t${i}\t${10 + (i % 7)}`)];
    const tagFile = join(dir, 'user_taggedartists.dat');
    await writeFile(tagFile, `${tags.join('\n')}\n`);
    const out = join(dir, 'model');
    const r = await simulate({ interactions: file, itemFeatures: tagFile, clients: 0, epsilon: 0, out, als: { dim: 4, sharedItems: 200, rounds: 1 }, hubProcess: false });
    const held = (await readFile(join(out, 'heldout.tsv'), 'utf8')).trim().split('\n').slice(1);
    expect(held.length).toBe(120 * 4);
    expect(r.tagsLeftOut).toBe(held.length);
    await rm(dir, { recursive: true, force: true });
  });

  it('spends exactly the epsilon asked for over the counts and every round', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mixtape-sim-'));
    const r = await simulate({ interactions: await clusteredFile(dir), clients: 30, epsilon: 4, out: join(dir, 'm'), als: { dim: 4, sharedItems: 50, rounds: 2 }, hubProcess: false, testFraction: 0 });
    expect(r.nodes).toBe(30);
    expect(r.privacy.rounds).toBe(3);
    expect(r.privacy.epsilon).toBeCloseTo(4, 2);
    expect(r.privacy.epsilonVsHub).toBeGreaterThan(r.privacy.epsilon);
    expect(r.comparison).toBeUndefined();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs every round through secure aggregation with 30 % of nodes vanishing, the nodes on two worker threads: epsilon against the hub is epsilon', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mixtape-sim-'));
    const file = await clusteredFile(dir);
    // Two threads: each node's identity, data and ledger go to a worker, and what its accountant spent comes back.
    const r = await simulate({ interactions: file, clients: 40, epsilon: 8, out: join(dir, 'm'), als: { dim: 4, sharedItems: 100, rounds: 1 }, hubProcess: false, secureAggregation: true, dropout: 0.3, stepMs: 1000, testFraction: 0, threads: 2 });
    expect(r.secure).toHaveLength(2);
    // About a quarter vanish before their input is in; every round is summed over at least the minimum (28).
    for (const s of r.secure!) expect(s.survivors).toBeGreaterThanOrEqual(28);
    expect(r.privacy.rounds).toBe(2);
    expect(r.privacy.epsilonVsHub).toBe(r.privacy.epsilon);
    expect(r.privacy.epsilon).toBeLessThanOrEqual(8 + 1e-6);
    expect(r.privacy.epsilon).toBeGreaterThan(7.9);
    await expect(simulate({ interactions: file, clients: 10, epsilon: 8, out: join(dir, 'n'), dropout: 0.3, hubProcess: false })).rejects.toMatchObject({ code: 'simulate_bad_options' });
    await expect(simulate({ interactions: file, clients: 10, epsilon: -1, out: join(dir, 'n'), hubProcess: false })).rejects.toMatchObject({ code: 'hub_bad_parameters', message: 'Epsilon must be 0 (no noise) or positive, not -1' });
    await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it('runs its nodes against a hub started elsewhere, under that hub\'s parameters', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mixtape-sim-'));
    const file = await clusteredFile(dir);
    const items = [...new Set((await readFile(file, 'utf8')).trim().split('\n').slice(1).map((l) => l.split('\t')[1]!))].sort();
    const vocab = vocabulary(items.map((i) => `id:${i}`), items);
    const params = defaultParams({ vocabVersion: vocab.version, vocabSize: vocab.keys.length, epsilon: 0, minContributors: 8, als: { dim: 4, sharedItems: 50, rounds: 1 }, secureAggregation: { maxNodes: 10, dropout: 0.3, stepMs: 1000 } });
    const hub = await testHub(params, { vocabulary: vocab, burst: 20, perMinute: 600 });
    try {
      const r = await simulate({ interactions: file, clients: 10, epsilon: 0, out: join(dir, 'm'), hub: hub.url, testFraction: 0 });
      expect(r.secure!.map((s) => s.survivors)).toEqual([10, 10]);
      expect((await fetch(`${hub.url}/v1/federation`).then((x) => x.json())).latestVersion).toBe(2);
      const fewer = join(dir, 'fewer.tsv');
      await writeFile(fewer, (await readFile(file, 'utf8')).split('\n').slice(0, 40).join('\n'));
      await expect(simulate({ interactions: fewer, clients: 10, epsilon: 0, out: join(dir, 'n'), hub: hub.url, testFraction: 0 })).rejects.toMatchObject({ code: 'hub_vocabulary_mismatch' });
    } finally {
      await hub.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
