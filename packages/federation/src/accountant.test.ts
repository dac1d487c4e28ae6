import { describe, expect, it } from 'vitest';
import { Accountant, epsilonOf, noiseMultiplierFor, rhoOfRound } from './accountant.js';

describe('privacy accountant', () => {
  it('matches the zCDP-to-(eps, delta) bound and is monotone', () => {
    // rho = 0.5 (z = 1): the simple bound rho + 2 sqrt(rho ln(1/delta)) is an upper bound.
    const e = epsilonOf(0.5, 1e-5);
    expect(e).toBeLessThan(0.5 + 2 * Math.sqrt(0.5 * Math.log(1e5)));
    expect(e).toBeGreaterThan(4);
    expect(epsilonOf(1, 1e-5)).toBeGreaterThan(e);
    expect(epsilonOf(0.5, 1e-6)).toBeGreaterThan(e);
    expect(epsilonOf(Number.POSITIVE_INFINITY, 1e-5)).toBe(Number.POSITIVE_INFINITY);
    expect(rhoOfRound(0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('calibrates noise so that R rounds land on the target epsilon', () => {
    for (const [eps, rounds] of [[8, 5], [1, 10], [4, 1]] as const) {
      const z = noiseMultiplierFor(eps, 1e-5, rounds);
      expect(epsilonOf(rounds * rhoOfRound(z), 1e-5)).toBeCloseTo(eps, 3);
    }
    expect(noiseMultiplierFor(8, 1e-5, 5)).toBeGreaterThan(noiseMultiplierFor(8, 1e-5, 3));
  });

  it('refuses the round that would pass the budget', () => {
    const z = noiseMultiplierFor(8, 1e-5, 5);
    const a = new Accountant(8, 1e-5);
    const entry = (round: number) => ({ hub: 'h', round, rho: rhoOfRound(z), rhoVsHub: rhoOfRound(z / 40) });
    for (let r = 1; r <= 5; r++) {
      expect(a.allows(entry(r))).toBe(true);
      a.spend(entry(r));
    }
    expect(a.allows(entry(6))).toBe(false);
    const rep = a.report();
    expect(rep.epsilon).toBeCloseTo(8, 2);
    expect(rep.epsilonVsHub).toBeGreaterThan(rep.epsilon);
    expect(rep.remaining).toBeLessThan(0.01);
  });
});
