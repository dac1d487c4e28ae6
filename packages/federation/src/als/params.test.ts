import { describe, expect, it } from 'vitest';
import { defaultParams, lastRound, paramProblems, payloadLength, sensitivity } from '../params.js';
import { PRIVATE_ALS_DEFAULTS, privateAlsFor } from './params.js';
import { boundedUser } from './node-step.js';
import { roundSensitivity } from './train.js';

describe('privateAlsFor', () => {
  it('sizes the model by the federation: small or strict budgets get the default, large ones more items and factors, no noise the exact item step', () => {
    expect(privateAlsFor(1000, 8)).toEqual(PRIVATE_ALS_DEFAULTS);
    expect(privateAlsFor(1892, 2)).toEqual(PRIVATE_ALS_DEFAULTS);
    expect(privateAlsFor(1892, 8)).toEqual({ ...PRIVATE_ALS_DEFAULTS, dim: 32, gramFloor: 1 });
    expect(privateAlsFor(10_000, 1)).toEqual(PRIVATE_ALS_DEFAULTS);
    expect(privateAlsFor(10_000, 8)).toMatchObject({ sharedItems: 3000, dim: 128, gramFloor: 1, rounds: 1, itemGram: false });
    expect(privateAlsFor(10_000, 4)).toMatchObject({ sharedItems: 3000, dim: 64, gramFloor: 0 });
    // Below 10,000 at ε 8, 1,000 x 32 floored; at ε 4-8 from 5,000, 3,000 x 64.
    expect(privateAlsFor(7_500, 8)).toMatchObject({ sharedItems: 1000, dim: 32, gramFloor: 1 });
    expect(privateAlsFor(5_000, 8)).toMatchObject({ sharedItems: 1000, dim: 32, gramFloor: 1 });
    expect(privateAlsFor(5_000, 4)).toMatchObject({ sharedItems: 3000, dim: 64, gramFloor: 0 });
    expect(privateAlsFor(4_999, 4)).toMatchObject({ sharedItems: 1000, dim: 32, gramFloor: 1 });
    // 50,000+ at ε ≥ 4: three exact-style steps with short bounded user vectors, no per-item Gramians.
    const big = { sharedItems: 3000, dim: 64, rounds: 3, userNorm: 0.5, clip: 20, itemGram: false, lambdaItem: 50, rescale: false, contentBeta: 0.2 };
    expect(privateAlsFor(100_000, 8)).toMatchObject(big);
    expect(privateAlsFor(50_000, 4)).toMatchObject(big);
    expect(privateAlsFor(49_999, 8)).toMatchObject({ rounds: 1, userNorm: 0, contentBeta: 0.5 });
    expect(privateAlsFor(100_000, 1)).toEqual(PRIVATE_ALS_DEFAULTS);
    expect(privateAlsFor(50, 0)).toMatchObject({ itemGram: true, rounds: 8, dim: 64, rescale: false });
    expect(privateAlsFor(50, Number.POSITIVE_INFINITY)).toMatchObject({ itemGram: true });
  });

  it('is what a new federation gets from its expected listeners, unless the operator says otherwise', () => {
    const base = { vocabVersion: 'v', vocabSize: 20_000, epsilon: 8 };
    expect(defaultParams({ ...base, minContributors: 100 }).als.dim).toBe(16);
    expect(defaultParams({ ...base, minContributors: 100, listeners: 20_000 }).als.dim).toBe(128);
    expect(defaultParams({ ...base, minContributors: 10_000 }).als.sharedItems).toBe(3000);
    const p = defaultParams({ ...base, minContributors: 10_000, als: { dim: 8 } });
    expect(p.als).toMatchObject({ dim: 8, sharedItems: 3000 });
    expect(payloadLength(p, 2)).toBe(3000 * 8 + 64);
    const large = defaultParams({ ...base, minContributors: 100, listeners: 100_000 });
    expect(paramProblems(large)).toEqual([]);
    expect(lastRound(large)).toBe(4);
    expect(payloadLength(large, 4)).toBe(3000 * 64 + 64 * 64);
    // bound 0.5, clip 20, no per-item Gramians: sqrt((20 · 0.5)² + 0.5⁴).
    expect(sensitivity(large, 2)).toBeCloseTo(Math.sqrt(100 + 0.0625), 12);
  });
});

describe('the user vector a node sends', () => {
  it('is unit length by default, or shrunk only past its bound; the sensitivity grows with that bound', () => {
    const r = (v: Float64Array) => Array.from(v, (x) => Math.round(x * 1e9) / 1e9);
    expect(r(boundedUser(Float64Array.from([3, 4]), 0))).toEqual([0.6, 0.8]);
    expect(r(boundedUser(Float64Array.from([0.3, 0.4]), 1))).toEqual([0.3, 0.4]);
    expect(r(boundedUser(Float64Array.from([3, 4]), 2))).toEqual([1.2, 1.6]);
    // clip 8, unit vectors: sqrt(8² + 1); with each item's Gramian: sqrt(2 · 8² + 1).
    expect(roundSensitivity({ clip: 8, itemGram: false })).toBeCloseTo(Math.sqrt(65), 12);
    expect(roundSensitivity({ clip: 8, itemGram: true, userNorm: 0 })).toBeCloseTo(Math.sqrt(129), 12);
    // bound 2: the rhs 8 · 2, the Gramian term 2², each item's Gramian 8 · 2².
    expect(roundSensitivity({ clip: 8, itemGram: false, userNorm: 2 })).toBeCloseTo(Math.sqrt(256 + 16), 12);
    expect(roundSensitivity({ clip: 8, itemGram: true, userNorm: 2 })).toBeCloseTo(Math.sqrt(256 + 1024 + 16), 12);
  });
});

describe('defaultParams and epsilon', () => {
  const base = { vocabVersion: 'v', vocabSize: 10, minContributors: 5 };
  it('reads 0 and Infinity as no noise, and refuses a negative or non-numeric epsilon instead of reading it as no noise', () => {
    expect(defaultParams({ ...base, epsilon: 0 })).toMatchObject({ epsilon: 0, roundNoise: 0, countNoise: 0 });
    expect(defaultParams({ ...base, epsilon: Number.POSITIVE_INFINITY })).toMatchObject({ epsilon: 0, roundNoise: 0 });
    for (const epsilon of [-1, -0.5, Number.NaN]) expect(() => defaultParams({ ...base, epsilon })).toThrow(expect.objectContaining({ code: 'hub_bad_parameters' }));
    expect(defaultParams({ ...base, epsilon: 8 }).roundNoise).toBeGreaterThan(0);
  });
});
