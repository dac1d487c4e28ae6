import { describe, expect, it } from 'vitest';
import { featuresWithout } from './hetrec.js';
import { buildInteractions, transpose } from './interactions.js';
import { buildItemFeatures, featureSlot } from './item-features.js';
import { splitPerUser } from './split.js';
import { syntheticData } from './synthetic.js';

describe('interactions', () => {
  it('builds sorted CSR rows, sums duplicates and drops non-positive weights', () => {
    const x = buildInteractions({ users: ['a', 'b', 'a', 'a', 'b'], items: ['y', 'x', 'x', 'y', 'z'], weights: [1, 2, 3, 4, 0] });
    expect(x.userIds).toEqual(['a', 'b']);
    expect(x.itemIds).toEqual(['y', 'x']);
    expect(Array.from(x.indptr)).toEqual([0, 2, 3]);
    expect(Array.from(x.indices)).toEqual([0, 1, 1]);
    expect(Array.from(x.values)).toEqual([5, 3, 2]);
    const t = transpose(x);
    expect(Array.from(t.indptr)).toEqual([0, 1, 3]);
    expect(Array.from(t.indices)).toEqual([0, 0, 1]);
    expect(Array.from(t.values)).toEqual([5, 3, 2]);
  });

  it('hashes features into slots with L1-normalized rows', () => {
    const f = buildItemFeatures(['x', 'y'], { items: ['x', 'x', 'y', 'q'], features: ['tag:a', 'tag:b', 'tag:a', 'tag:c'], weights: [1, 3, 2, 1] }, 64);
    expect(Array.from(f.indptr)).toEqual([0, 2, 3]);
    const row = Array.from(f.weights.subarray(0, 2));
    expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(Math.max(...row)).toBeCloseTo(Math.log1p(3) / (Math.log1p(1) + Math.log1p(3)), 6);
    expect(f.weights[2]).toBeCloseTo(1, 6);
  });

  it('builds the same features from coded columns as the per-row definition, repeated slots and bad weights included', () => {
    // The definition, row by row: unknown items and weights that are not positive numbers are
    // skipped, a repeated (item, slot) pair adds up, each row is log(1 + w) normalized to sum 1.
    const reference = (itemIds: string[], items: string[], features: string[], weights: number[], slots: number) => {
      const rows = itemIds.map(() => new Map<number, number>());
      items.forEach((item, r) => {
        const i = itemIds.indexOf(item);
        if (i < 0 || !(weights[r]! > 0) || !Number.isFinite(weights[r])) return;
        const slot = featureSlot(features[r]!, slots);
        rows[i]!.set(slot, (rows[i]!.get(slot) ?? 0) + weights[r]!);
      });
      return rows.map((row) => {
        const entries = [...row.entries()].sort((a, b) => a[0] - b[0]);
        const total = entries.reduce((t, [, w]) => t + Math.log1p(w), 0);
        return entries.map(([slot, w]) => [slot, Math.fround(Math.log1p(w) / total)]);
      });
    };
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const itemIds = Array.from({ length: 40 }, (_, i) => `i${i}`);
    const items: string[] = [];
    const features: string[] = [];
    const weights: number[] = [];
    for (let r = 0; r < 2000; r++) {
      items.push(`i${Math.floor(rand() * 50)}`); // ten of them unknown
      features.push(`tag:${Math.floor(rand() * 300)}`); // 300 tags into 16 slots: many repeats
      const p = rand();
      weights.push(p < 0.05 ? 0 : p < 0.08 ? -1 : p < 0.1 ? NaN : Math.floor(rand() * 100) / 7);
    }
    const f = buildItemFeatures(itemIds, { items, features, weights }, 16);
    const got = itemIds.map((_, i) => Array.from(f.indices.subarray(f.indptr[i]!, f.indptr[i + 1]!), (slot, k) => [slot, f.weights[f.indptr[i]! + k]!]));
    expect(got).toEqual(reference(itemIds, items, features, weights, 16));
    // 573 (item, slot) entries over the 40 items: the seeded rows exercise repeats in every item.
    expect(f.indptr[40]).toBe(573);
  });

  it('numbers ids by their first kept row, not a first row with a weight of zero', () => {
    const x = buildInteractions({ users: ['z', 'a', 'b', 'a'], items: ['q', 'y', 'q', 'x'], weights: [0, 1, 2, 3] });
    expect(x.userIds).toEqual(['a', 'b']);
    expect(x.itemIds).toEqual(['y', 'q', 'x']);
    expect(Array.from(x.indices)).toEqual([0, 2, 1]);
  });

  it('leaves out the tags a user put on one of their held-out items, and only those', () => {
    const interactions = buildInteractions({ users: ['a', 'a', 'b'], items: ['x', 'y', 'x'], weights: [1, 1, 1] });
    const taggings = { users: ['a', 'b', 'a', 'b'], items: ['x', 'x', 'y', 'y'], tags: ['t1', 't2', 't3', 't3'] };
    const all = buildItemFeatures(interactions.itemIds, { items: taggings.items, features: taggings.tags.map((t) => `tag:${t}`) }, 64);
    const ds = { interactions, features: all, taggings };
    // a holds out x: a's t1 on x goes, b's t2 on x and both t3 on y stay.
    const f = featuresWithout(ds, buildInteractions({ users: ['a'], items: ['x'], weights: [1] }));
    expect(f.slots).toBe(64);
    expect(Array.from(f.indptr)).toEqual([0, 1, 2]);
    expect(Array.from(f.indices)).toEqual([featureSlot('tag:t2', 64), featureSlot('tag:t3', 64)]);
    // Two held-out parts together: a's x and y and b's x leave b's t3 on y only.
    const g = featuresWithout(ds, buildInteractions({ users: ['a', 'a'], items: ['x', 'y'], weights: [1, 1] }), buildInteractions({ users: ['b'], items: ['x'], weights: [1] }));
    expect(Array.from(g.indptr)).toEqual([0, 0, 1]);
    expect(Array.from(g.indices)).toEqual([featureSlot('tag:t3', 64)]);
  });
});

describe('per-user split', () => {
  const { interactions: x } = syntheticData({ users: 50, items: 80, perUser: 10 });

  it('holds out 20% of each user, disjoint from train, and is deterministic for a seed', () => {
    const a = splitPerUser(x, { seed: 3 });
    const b = splitPerUser(x, { seed: 3 });
    const c = splitPerUser(x, { seed: 4 });
    expect(Array.from(a.test.indices)).toEqual(Array.from(b.test.indices));
    expect(Array.from(a.test.indices)).not.toEqual(Array.from(c.test.indices));
    for (let u = 0; u < x.userIds.length; u++) {
      const n = x.indptr[u + 1]! - x.indptr[u]!;
      const tr = new Set(a.train.indices.subarray(a.train.indptr[u]!, a.train.indptr[u + 1]!));
      const te = Array.from(a.test.indices.subarray(a.test.indptr[u]!, a.test.indptr[u + 1]!));
      expect(te.length).toBe(Math.round(0.2 * n));
      expect(tr.size + te.length).toBe(n);
      for (const i of te) expect(tr.has(i)).toBe(false);
    }
  });
});
