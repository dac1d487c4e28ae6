import { describe, expect, it } from 'vitest';
import { aggregateRound } from '../aggregate.js';
import { defaultParams, noiseMultiplier, payloadLength, sensitivity } from '../params.js';
import { gramFloor, solveItems } from './hub-step.js';

describe('solveItems on a noisy user Gramian', () => {
  // Two factors; the released Gramian is strong along the first and, after noise, almost 0 along
  // the second. One item whose noised rhs points along the second.
  const sums = { rhs: Float64Array.of(0, 1), userGram: Float64Array.of(100, 0, 0, 0.001), nodes: 50, noisy: true, noiseStd: 5 };
  const p = { dim: 2, lambdaItem: 1, popularityPenalty: 0, rescale: false };
  const counts = Float32Array.of(0);

  it('floors its eigenvalues at gramFloor times the noise scale (std × √dim), so a weak direction does not multiply the noise', () => {
    expect(gramFloor(sums, { dim: 2, gramFloor: 1 })).toBeCloseTo(5 * Math.SQRT2, 10);
    const plain = solveItems(sums, counts, p);
    const floored = solveItems(sums, counts, { ...p, gramFloor: 1 });
    expect(plain[1]).toBeCloseTo(1 / 1.001, 5);
    expect(floored[1]).toBeCloseTo(1 / (1 + 5 * Math.SQRT2), 5);
    expect(floored[0]).toBeCloseTo(0, 10);
  });

  it('leaves sums without noise, or without a floor, as they were', () => {
    expect(gramFloor({ ...sums, noisy: false }, { dim: 2, gramFloor: 1 })).toBe(0);
    expect(gramFloor({ noisy: true }, { dim: 2, gramFloor: 1 })).toBe(0);
    expect(gramFloor(sums, { dim: 2 })).toBe(0);
    expect(Array.from(solveItems({ ...sums, noisy: false }, counts, { ...p, gramFloor: 1 }))).toEqual(Array.from(solveItems({ ...sums, noisy: false }, counts, p)));
  });
});

describe('the hub aggregating a round', () => {
  it('floors the released Gramian at the noise its parameters put on the sum', async () => {
    const params = (gramFloor: number) =>
      defaultParams({ vocabVersion: 'v', vocabSize: 3, epsilon: 8, minContributors: 2, als: { dim: 2, sharedItems: 3, gramFloor, tagDims: 0, initFromTags: false, rescale: false } });
    const previous = { shared: Int32Array.of(0, 1, 2), counts: Float32Array.of(5, 5, 5), sharedTable: new Float32Array(6) };
    // rhs for three items, then the 2 x 2 Gramian: strong along the first factor, weak along the second.
    const sum = Float64Array.of(1, 1, 0, 2, 3, 0.5, 100, 0, 0, 0.01);
    expect(sum.length).toBe(payloadLength(params(1), 2));
    const source = async (visit: (id: string, u: Float64Array) => void) => visit('sum', sum);
    const floored = await aggregateRound(params(1), source, 2, previous, undefined, 2);
    const plain = await aggregateRound(params(0), source, 2, previous, undefined, 2);
    const p = params(1);
    const noiseStd = noiseMultiplier(p, 2) * sensitivity(p, 2);
    // The ε 8 round noise (multiplier 0.67) times the sensitivity of a unit user vector under clip 8, √(8² + 1).
    expect(noiseStd).toBeCloseTo(p.roundNoise * Math.sqrt(65), 10);
    expect(noiseStd).toBeCloseTo(5.42, 2);
    const expected = solveItems({ rhs: sum.subarray(0, 6), userGram: sum.subarray(6), nodes: 2, noisy: true, noiseStd }, previous.counts, p.als);
    expect(Array.from(floored.sharedTable)).toEqual(Array.from(expected));
    // Along the weak factor the floor shrinks the rows: the hub applied it.
    expect(Math.abs(floored.sharedTable[1]!)).toBeLessThan(Math.abs(plain.sharedTable[1]!) / 2);
  });
});
