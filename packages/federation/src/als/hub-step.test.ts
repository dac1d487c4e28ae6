import { describe, expect, it } from 'vitest';
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
