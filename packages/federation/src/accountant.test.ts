import { describe, expect, it } from 'vitest';
import { Accountant, epsilonOf, rhoOfRound } from './accountant.js';
import { noisePlan } from './als/params.js';

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

  it('calibrates the counts and R rounds so that together they land on the target epsilon', () => {
    for (const [eps, rounds] of [[8, 5], [1, 10], [4, 1]] as const) {
      const plan = noisePlan({ rounds, countShare: 0.1 }, eps, 1e-5);
      expect(epsilonOf(rhoOfRound(plan.countNoise) + rounds * rhoOfRound(plan.roundNoise), 1e-5)).toBeCloseTo(eps, 3);
    }
    expect(noisePlan({ rounds: 5, countShare: 0.1 }, 8).roundNoise).toBeGreaterThan(noisePlan({ rounds: 3, countShare: 0.1 }, 8).roundNoise);
    expect(noisePlan({ rounds: 3, countShare: 0.1 }, Number.POSITIVE_INFINITY).roundNoise).toBe(0);
  });

  it('refuses the round that would pass the budget', () => {
    const plan = noisePlan({ rounds: 5, countShare: 0.1 }, 8, 1e-5);
    const a = new Accountant(8, 1e-5);
    const entry = (round: number) => {
      const z = round === 1 ? plan.countNoise : plan.roundNoise;
      return { hub: 'h', round, rho: rhoOfRound(z), rhoVsHub: rhoOfRound(z / 40) };
    };
    for (let r = 1; r <= 6; r++) {
      expect(a.allows(entry(r))).toBe(true);
      a.spend(entry(r));
    }
    expect(a.allows(entry(7))).toBe(false);
    const rep = a.report();
    expect(rep.epsilon).toBeCloseTo(8, 2);
    expect(rep.epsilonVsHub).toBeGreaterThan(rep.epsilon);
    expect(rep.remaining).toBeLessThan(0.01);
  });
});
