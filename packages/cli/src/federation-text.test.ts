import { describe, expect, it } from 'vitest';
import { againstHub } from './federation-text.js';

describe('federation status: the epsilon against the hub, explained from the ledger', () => {
  it('says nothing is spent before the first publish', () => {
    expect(againstHub({ rounds: 0, epsilon: 0, epsilonVsHub: 0, securelyAggregated: 0 })).toBe('epsilon 0.00 against the hub itself: nothing published yet');
  });

  it('credits secure aggregation only when every round had it', () => {
    expect(againstHub({ rounds: 2, epsilon: 4.1, epsilonVsHub: 4.1, securelyAggregated: 2 })).toMatch(/^epsilon 4\.10 against the hub itself: the same, its rounds were securely aggregated/);
  });

  it('explains an equal epsilon without secure aggregation (a hub that needs one contributor)', () => {
    expect(againstHub({ rounds: 1, epsilon: 2.15, epsilonVsHub: 2.15, securelyAggregated: 0 })).toBe(
      "epsilon 2.15 against the hub itself: the same, though 1 of your 1 rounds was not securely aggregated: the hub needed only one contributor, so each update carried all of the round's noise",
    );
  });

  it('says how many rounds the hub saw with only this node’s share of the noise', () => {
    expect(againstHub({ rounds: 3, epsilon: 6, epsilonVsHub: 2651, securelyAggregated: 1 })).toBe('epsilon 2651.0 against the hub itself: 2 of your 3 rounds were not securely aggregated, and the hub saw each of those updates with only your share of the noise');
  });
});
