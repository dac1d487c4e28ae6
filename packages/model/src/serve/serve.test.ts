import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel, saveModel } from '../artifact/artifact.js';
import { Rng } from '@mixtape/core';
import { splitPerUser } from '../data/split.js';
import { syntheticData } from '../data/synthetic.js';
import { fitModel, quantizeModel } from '../fit.js';
import { gramian } from '../hybrid/als.js';
import { addPrior } from '../hybrid/content.js';
import { compareQuantized } from '../evaluate/compare.js';
import { choleskySolve, foldIn, foldInContext } from './fold-in.js';
import { ItemIndex } from './item-index.js';
import { dequantizeRows, quantizeRows } from './quantize.js';
import { Recommender } from './recommender.js';
import { buildPlaylist } from './playlist.js';
import { topK } from '../metrics/top-k.js';

const dir = mkdtempSync(join(tmpdir(), 'mixtape-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const data = syntheticData({ users: 200, items: 300, perUser: 20, seed: 5 });
const { train, test } = splitPerUser(data.interactions, { seed: 2 });
const fitted = fitModel(train, data.features, { factors: 16, iterations: 5, seed: 9 });

describe('int8 quantization', () => {
  it('keeps each value within half a step of its row scale', () => {
    const rng = new Rng(1);
    const t = Float32Array.from({ length: 50 * 8 }, () => rng.normal() * (1 + rng.int(5)));
    const q = quantizeRows(t, 50, 8);
    const back = dequantizeRows(q);
    for (let r = 0; r < 50; r++) {
      let max = 0;
      for (let a = 0; a < 8; a++) max = Math.max(max, Math.abs(t[r * 8 + a]!));
      expect(q.scales[r]).toBeCloseTo(max / 127, 6);
      for (let a = 0; a < 8; a++) expect(Math.abs(back[r * 8 + a]! - t[r * 8 + a]!)).toBeLessThanOrEqual(q.scales[r]! / 2 + 1e-7);
    }
  });

  it('float32 and int8 indexes agree on top items, and metrics barely move', async () => {
    const a = await fitted;
    const f = await ItemIndex.create(a.model.itemFactors, a.model.itemIds.length, a.model.k);
    const q = await ItemIndex.create(quantizeRows(a.model.itemFactors, a.model.itemIds.length, a.model.k), a.model.itemIds.length, a.model.k);
    const u = a.model.userFactors.subarray(0, a.model.k);
    const tf = await f.top(u, 10);
    const tq = await q.top(u, 10);
    const same = Array.from(tf.items).filter((i) => Array.from(tq.items).includes(i)).length;
    expect(same).toBeGreaterThanOrEqual(8);
    f.dispose();
    q.dispose();
    const report = await compareQuantized(a.model, train, test, 10);
    expect(report.topKOverlap).toBeGreaterThan(0.9);
    expect(Math.abs(report.ndcgChange)).toBeLessThan(0.03);
    expect(report.bytesInt8).toBeLessThan(report.bytesFloat32 / 3);
  });
});

describe('model artifact', () => {
  it('round-trips float32 and int8 models and gives the same recommendations', async () => {
    const a = await fitted;
    saveModel(join(dir, 'f32'), a);
    saveModel(join(dir, 'i8'), quantizeModel(a));
    const f = loadModel(join(dir, 'f32'));
    const q = loadModel(join(dir, 'i8'));
    expect(f.manifest.version).toBe(1);
    expect(f.manifest.dtype).toBe('float32');
    expect(q.manifest.dtype).toBe('int8');
    expect(Array.from(f.model.itemFactors)).toEqual(Array.from(a.model.itemFactors));
    expect(Array.from(f.history.indices)).toEqual(Array.from(train.indices));
    expect(f.model.params).toEqual(a.model.params);
    const r1 = await Recommender.create(a);
    const r2 = await Recommender.create(f);
    const l1 = await r1.recommend(r1.listener('u3', { excludeSeen: true }), 10);
    const l2 = await r2.recommend(r2.listener('u3', { excludeSeen: true }), 10);
    expect(l2).toEqual(l1);
    r1.dispose();
    r2.dispose();
  });

  it('serves the same top items as the evaluation scorer (content blend on the tensor engine)', async () => {
    const a = await fitted;
    const rec = await Recommender.create(a);
    for (const user of ['u1', 'u7', 'u42']) {
      const l = rec.listener(user, { excludeSeen: true });
      const scores = await rec.scores(l);
      const want = Array.from(topK(scores, 10, Int32Array.from(l.exclude).sort()), (i) => a.model.itemIds[i]);
      expect((await rec.recommend(l, 10)).map((r) => r.item)).toEqual(want);
    }
    rec.dispose();
  });

  it('loads a model saved before the candidate-side IDF power existed with its own symmetric content weighting', async () => {
    const a = await fitted;
    saveModel(join(dir, 'old'), a);
    const path = join(dir, 'old', 'manifest.json');
    const m = JSON.parse(readFileSync(path, 'utf8'));
    delete m.params.contentItemIdfPower;
    writeFileSync(path, JSON.stringify({ ...m, params: { ...m.params, contentIdfPower: 3 } }));
    expect([loadModel(join(dir, 'old')).model.params.contentIdfPower, loadModel(join(dir, 'old')).model.params.contentItemIdfPower]).toEqual([3, 3]);
    delete m.params.contentIdfPower;
    writeFileSync(path, JSON.stringify(m));
    const p = loadModel(join(dir, 'old')).model.params;
    expect([p.contentIdfPower, p.contentItemIdfPower]).toEqual([4, 1]);
  });

  it('refuses other versions and missing or truncated files, naming the file', () => {
    const m = JSON.parse(readFileSync(join(dir, 'f32', 'manifest.json'), 'utf8'));
    writeFileSync(join(dir, 'f32', 'manifest.json'), JSON.stringify({ ...m, version: 99 }));
    expect(() => loadModel(join(dir, 'f32'))).toThrow(/v99/);
    expect(() => loadModel(join(dir, 'nope'))).toThrow(/manifest.json not found/);
    writeFileSync(join(dir, 'i8', 'item-scales.f32'), Buffer.alloc(3));
    expect(() => loadModel(join(dir, 'i8'))).toThrow(/item-scales\.f32 has 3 bytes/);
  });
});

describe('fold-in and feedback', () => {
  it('solves the implicit ALS user step exactly', () => {
    const rng = new Rng(4);
    const k = 6;
    const items = Float32Array.from({ length: 20 * k }, () => rng.normal());
    const ctx = foldInContext(items, 20, k, 1, 0);
    const x = foldIn(ctx, [{ item: 2, confidence: 3, preference: 1 }, { item: 5, confidence: 1, preference: 0 }]);
    // Build A and b by hand and check A x = b.
    const a = gramian(items, 20, k);
    const b = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      a[i * k + i]! += 1;
      b[i] = 4 * items[2 * k + i]!;
      for (let j = 0; j < k; j++) a[i * k + j]! += 3 * items[2 * k + i]! * items[2 * k + j]! + items[5 * k + i]! * items[5 * k + j]!;
    }
    const want = choleskySolve(a, b, k);
    for (let i = 0; i < k; i++) expect(x[i]).toBeCloseTo(want[i]!, 4);
  });

  it('folds a known user back in from their history, and feedback moves them from there', async () => {
    const a = await fitted;
    const rec = await Recommender.create(a);
    const k = a.model.k;
    const u = a.model.userIds.indexOf('u3');
    const trained = a.model.userFactors.subarray(u * k, (u + 1) * k);
    const folded = rec.listenerFromFeedback([], { baseUser: 'u3' }).vector;
    let dot = 0, n1 = 0, n2 = 0;
    for (let i = 0; i < k; i++) {
      dot += trained[i]! * folded[i]!;
      n1 += trained[i]! ** 2;
      n2 += folded[i]! ** 2;
    }
    expect(dot / Math.sqrt(n1 * n2)).toBeGreaterThan(0.98);
    const before = await rec.recommend(rec.listenerFromFeedback([], { baseUser: 'u3', excludeSeen: true }), 5);
    const after = await rec.recommend(rec.listenerFromFeedback([{ item: before[0]!.item, kind: 'ban' }], { baseUser: 'u3', excludeSeen: true }), 5);
    expect(after.map((r) => r.item)).not.toContain(before[0]!.item);
    rec.dispose();
  });

  it('omits held-out items of the base user\'s history from the fold-in', async () => {
    const rec = await Recommender.create(await fitted);
    const full = rec.listenerFromFeedback([], { baseUser: 'u3' });
    const held = rec.model.itemIds[full.positives[0]!]!;
    const rest = rec.listenerFromFeedback([], { baseUser: 'u3', omit: new Set([held]) });
    expect(Array.from(rest.positives)).not.toContain(full.positives[0]);
    expect(rest.positives.length).toBe(full.positives.length - 1);
    expect(Array.from(rest.vector)).not.toEqual(Array.from(full.vector));
    const none = rec.listenerFromFeedback([], { baseUser: 'u3', omit: new Set(Array.from(full.positives, (i) => rec.model.itemIds[i]!)) });
    expect(none.positives.length).toBe(0);
    expect(Array.from(none.vector).every((x) => x === 0)).toBe(true);
    rec.dispose();
  });

  it('likes pull an item group up, bans remove the item, skips push it down', async () => {
    const a = await fitted;
    const rec = await Recommender.create(quantizeModel(a));
    const groupOf = (id: string) => data.itemGroup[Number(id.slice(1))]!;
    const liked = ['i0', 'i8', 'i16'];
    const l1 = rec.listenerFromFeedback(liked.map((item) => ({ item, kind: 'like' as const })));
    const top = await rec.recommend(l1, 10);
    expect(top.filter((r) => groupOf(r.item) === 0).length).toBeGreaterThanOrEqual(7);
    const target = top[0]!.item;
    const l2 = rec.listenerFromFeedback([...liked.map((item) => ({ item, kind: 'like' as const })), { item: target, kind: 'ban' }]);
    expect((await rec.recommend(l2, 10)).map((r) => r.item)).not.toContain(target);
    const before = (await rec.scores(l1))[rec.item(target)!]!;
    const l3 = rec.listenerFromFeedback([...liked.map((item) => ({ item, kind: 'like' as const })), { item: target, kind: 'skip' }]);
    expect((await rec.scores(l3))[rec.item(target)!]!).toBeLessThan(before);
    rec.dispose();
  });
});

describe('playlists', () => {
  it('mixes favourites and new items of the listener group, varied by artist, with reasons', async () => {
    const a = await fitted;
    const rec = await Recommender.create(a);
    const group = (id: string) => data.itemGroup[Number(id.slice(1))]!;
    const listener = rec.listener('u3');
    const picks = await buildPlaylist(rec, listener, {
      count: 15,
      explore: 0.4,
      seed: 2,
      describe: () => ({
        name: (id) => `Track ${id}`,
        artist: (id) => `artist-${Number(id.slice(1)) % 7}`,
        tags: (id) => [`group-${group(id)}`],
      }),
      skip: [a.model.itemIds[listener.positives[0]!]!],
    });
    expect(picks).toHaveLength(15);
    expect(picks.some((p) => p.arm === 'new')).toBe(true);
    expect(picks.some((p) => p.arm === 'favourite')).toBe(true);
    expect(picks.map((p) => p.item)).not.toContain(a.model.itemIds[listener.positives[0]!]);
    for (let i = 1; i < picks.length; i++) expect(picks[i]!.artist).not.toBe(picks[i - 1]!.artist);
    const fresh = picks.find((p) => p.arm === 'new')!;
    expect(fresh.reason).toMatch(/^(new to you: tagged group-\d like Track i\d+|because you played Track i\d+)$/);
    rec.dispose();
  });
});


describe('a public item prior in served scores', () => {
  it('adds the prior after the content blend, saves and loads it, and recommends the same top items it scores', async () => {
    const m = (await fitted).model;
    const n = m.itemIds.length;
    // A prior that strongly favours the last 30 items.
    const prior = Float32Array.from({ length: n }, (_, i) => (i >= n - 30 ? 3 : -0.3));
    const out = join(dir, 'with-prior');
    saveModel(out, { model: { ...m, params: { ...m.params, popularityBoost: 2 } }, history: train, itemPopularity: prior });
    const loaded = loadModel(out);
    expect(loaded.itemPopularity).toEqual(prior);
    const rec = await Recommender.create(loaded);
    const plain = await Recommender.create({ model: m, history: train });
    try {
      const user = m.userIds[3]!;
      const l = rec.listener(user, { excludeSeen: true });
      const with_ = await rec.scores(l);
      const without = await plain.scores(plain.listener(user));
      const top = await rec.recommend(l, 10);
      expect(top.map((t) => t.item)).toEqual(Array.from(topK(with_, 10, Int32Array.from(l.exclude).sort()), (i) => m.itemIds[i]!));
      expect(top.filter((t) => m.itemIds.indexOf(t.item) >= n - 30).length).toBeGreaterThan(5);
      // Exactly the plain blended scores plus 2 × their spread × the prior.
      const expected = Float32Array.from(without);
      addPrior(expected, prior, 2, 0, n);
      expect(with_).toEqual(expected);
    } finally {
      rec.dispose();
      plain.dispose();
    }
  });
});
