import { describe, expect, it } from 'vitest';
import { Accountant, rhoOfRound } from '../accountant.js';
import { roundCost } from '../client/protocol.js';
import { lastRound, noiseMultiplier } from '../params.js';
import { testParams } from '../test-support.js';
import { roundPlan, secureRoundRho } from './round-plan.js';

describe('the accountant under secure aggregation', () => {
  it('charges the discrete Gaussian sum against the hub too, so both epsilons are equal', () => {
    const p = testParams({ minContributors: 50, epsilon: 4, secureAggregation: { maxNodes: 1000, dropout: 0.3, stepMs: 1000 } });
    const plain = testParams({ minContributors: 50, epsilon: 4 });
    const acct = new Accountant(10, 1e-5);
    const plainAcct = new Accountant(10, 1e-5);
    for (let r = 1; r <= lastRound(p); r++) {
      const c = roundCost('hub', r, p);
      expect(c.rho).toBe(c.rhoVsHub);
      // The integer noise is calibrated to the integer sensitivity: no more than the real-valued plan charges.
      expect(c.rho).toBeLessThanOrEqual(rhoOfRound(noiseMultiplier(p, r)) * (1 + 1e-9));
      expect(c.rho).toBeGreaterThan(rhoOfRound(noiseMultiplier(p, r)) * 0.99);
      expect(secureRoundRho(p, r)).toBe(c.rho);
      acct.spend(c);
      plainAcct.spend(roundCost('hub', r, plain));
    }
    const rep = acct.report();
    expect(rep.epsilonVsHub).toBe(rep.epsilon);
    expect(rep.epsilon).toBeLessThanOrEqual(4 + 1e-6);
    expect(plainAcct.report().epsilonVsHub).toBeGreaterThan(10 * plainAcct.report().epsilon);
    // The encoding leaves room for maxNodes nodes and scales updates finely.
    const plan = roundPlan(p, 2);
    expect(plan.scale * plan.clip).toBeGreaterThan(100 * Math.sqrt(plan.dim));
  });
});
