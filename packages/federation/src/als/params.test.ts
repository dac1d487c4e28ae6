import { describe, expect, it } from 'vitest';
import { defaultParams, payloadLength } from '../params.js';
import { PRIVATE_ALS_DEFAULTS, privateAlsFor } from './params.js';

describe('privateAlsFor', () => {
  it('sizes the model by the federation: small or strict budgets get the default, large ones more items and factors, no noise the exact item step', () => {
    expect(privateAlsFor(1892, 8)).toEqual(PRIVATE_ALS_DEFAULTS);
    expect(privateAlsFor(10_000, 1)).toEqual(PRIVATE_ALS_DEFAULTS);
    expect(privateAlsFor(10_000, 8)).toMatchObject({ sharedItems: 3000, dim: 64, rounds: 1, itemGram: false });
    expect(privateAlsFor(10_000, 4)).toMatchObject({ sharedItems: 3000, dim: 64 });
    expect(privateAlsFor(50, 0)).toMatchObject({ itemGram: true, rounds: 8, dim: 32 });
    expect(privateAlsFor(50, Number.POSITIVE_INFINITY)).toMatchObject({ itemGram: true });
  });

  it('is what a new federation gets from its expected listeners, unless the operator says otherwise', () => {
    const base = { vocabVersion: 'v', vocabSize: 20_000, epsilon: 8 };
    expect(defaultParams({ ...base, minContributors: 100 }).als.dim).toBe(16);
    expect(defaultParams({ ...base, minContributors: 100, listeners: 20_000 }).als.dim).toBe(64);
    expect(defaultParams({ ...base, minContributors: 10_000 }).als.sharedItems).toBe(3000);
    const p = defaultParams({ ...base, minContributors: 10_000, als: { dim: 8 } });
    expect(p.als).toMatchObject({ dim: 8, sharedItems: 3000 });
    expect(payloadLength(p, 2)).toBe(3000 * 8 + 64);
  });
});
