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
