import { describe, expect, it } from 'vitest';
import { featuresOf, SIMILAR_PREFIX } from '../sim/dataset.js';
import { fullTable } from './tail.js';

const cosine = (a: Float32Array, b: Float32Array) => {
  let ab = 0, aa = 0, bb = 0;
  for (let j = 0; j < a.length; j++) {
    ab += a[j]! * b[j]!;
    aa += a[j]! ** 2;
    bb += b[j]! ** 2;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
};

describe('the tail from public similarity edges', () => {
  // 20 shared items in two tastes (along the first and second axis), 20 tail items with no tags:
  // each of 20..29 is like three items of the first taste, each of 30..39 like three of the second.
  const k = 4;
  const itemIds = Array.from({ length: 40 }, (_, i) => `a${i}`);
  const shared = Int32Array.from({ length: 20 }, (_, i) => i);
  const sharedTable = new Float32Array(20 * k);
  for (let r = 0; r < 20; r++) sharedTable[r * k + (r < 10 ? 0 : 1)] = 1 + (r % 3) * 0.1;
  const rows = { items: [] as string[], features: [] as string[], weights: [] as number[] };
  for (let i = 20; i < 40; i++)
    for (let e = 0; e < 3; e++) {
      rows.items.push(`a${i}`);
      rows.features.push(`${SIMILAR_PREFIX}a${(i < 30 ? 0 : 10) + ((i + e * 3) % 10)}`);
      rows.weights.push(0.5 + e * 0.2);
    }
  const axis = (j: number) => Float32Array.from({ length: k }, (_, c) => (c === j ? 1 : 0));

  it("gives an item outside the shared set the vectors of the shared items it is like", () => {
    const table = fullTable(shared, sharedTable, featuresOf(rows, itemIds), k, 1);
    for (let i = 20; i < 40; i++) {
      const v = table.subarray(i * k, (i + 1) * k);
      const [own, other] = i < 30 ? [axis(0), axis(1)] : [axis(1), axis(0)];
      expect(cosine(v, own)).toBeGreaterThan(0.95);
      expect(Math.abs(cosine(v, other))).toBeLessThan(0.1);
    }
    // Shared rows keep what was learned.
    expect(Array.from(table.subarray(0, 20 * k))).toEqual(Array.from(sharedTable));
  });

  it('ignores an edge to an item outside the vocabulary', () => {
    const f = featuresOf({ items: ['a20'], features: [`${SIMILAR_PREFIX}nobody`], weights: [1] }, itemIds);
    // Only a20's own row, no self row for the unknown target.
    expect(f.indices.length).toBe(1);
    expect(f.indptr[21]! - f.indptr[20]!).toBe(1);
  });
});
