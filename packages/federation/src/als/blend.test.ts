import { describe, expect, it } from 'vitest';
import type { Interactions } from '@mixtape/model';
import { featuresOf } from '../sim/dataset.js';
import { tuneBlend } from './blend.js';
import { PRIVATE_ALS_DEFAULTS } from './params.js';
import { listenerContent } from './serve.js';

describe("each listener's blend weight, tuned on their own held-out plays", () => {
  // 80 artists in two tastes: 0..39 along the first factor, 40..79 along the second. The only tag
  // is the artist's parity, so tags say nothing about taste and factors nothing about parity.
  const k = 2;
  const n = 80;
  const itemIds = Array.from({ length: n }, (_, i) => `a${i}`);
  const table = new Float32Array(n * k);
  for (let i = 0; i < n; i++) table[i * k + (i < 40 ? 0 : 1)] = 1;
  const features = featuresOf({ items: itemIds, features: itemIds.map((_, i) => `tag:${i % 2 ? 'odd' : 'even'}`), weights: itemIds.map(() => 1) }, itemIds);
  // A tier whose default weight (0.5) is not on the grid, as the 5,000+ tier's is not.
  const p = { ...PRIVATE_ALS_DEFAULTS, contentBeta: 0.5, contentIdfPower: 1, contentItemIdfPower: 1 };
  const content = listenerContent(features, p);
  const rows = [
    // The second taste, every artist of it: the factors rank the held-out ones first. The tags
    // cannot: whichever parity the rest of the history leans to, the blend lifts the first taste's
    // artists of that parity level with held-out ones (and ties go to the lower index).
    Array.from({ length: 40 }, (_, i) => 40 + i),
    // Even artists of both tastes: only the tags tell the held-out ones from the rest.
    [...Array.from({ length: 20 }, (_, i) => 2 * i), ...Array.from({ length: 10 }, (_, i) => 40 + 2 * i)],
    // Too few plays to hold some out.
    [1, 3, 5, 41, 43],
  ];
  const history: Interactions = {
    userIds: rows.map((_, u) => `u${u}`),
    itemIds,
    indptr: Int32Array.from([0, ...rows.map((_, u) => rows.slice(0, u + 1).flat().length)]),
    indices: Int32Array.from(rows.flat()),
    values: Float32Array.from(rows.flat(), (i) => 1 + (i % 7)),
  };

  it('moves a listener to the side that ranks their held-out plays best', () => {
    const w = tuneBlend(table, k, history, content, p, { margin: 0 });
    // Every weight below the default ranks all the first listener's held-out artists first (NDCG 1
    // in every fold): of those, the nearest the default. The second listener needs the tags to lead.
    expect(Array.from(w)).toEqual([0.4000000059604645, 0.6000000238418579, 0.5]);
  });

  it('keeps the default weight, even off the grid, unless another beats it by the margin', () => {
    // Both listeners' better sides beat the default by between 0.2 and 0.25 NDCG@10 on average.
    expect(Array.from(tuneBlend(table, k, history, content, p, { margin: 0.2 }))).toEqual([0.4000000059604645, 0.6000000238418579, 0.5]);
    expect(Array.from(tuneBlend(table, k, history, content, p, { margin: 0.25 }))).toEqual([0.5, 0.5, 0.5]);
    expect(Array.from(tuneBlend(table, k, history, content, p))).toEqual([0.5, 0.5, 0.5]);
  });

  it('leaves everyone on factors alone without public features', () => {
    expect(Array.from(tuneBlend(table, k, history, undefined, p))).toEqual([0, 0, 0]);
  });
});
