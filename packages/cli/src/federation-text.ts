/** Whom the hub-side epsilon protects against, and why it is what it is: said from the ledger, not guessed from the numbers. */
export function againstHub(s: { rounds: number; epsilon: number; epsilonVsHub: number; securelyAggregated: number }): string {
  if (s.rounds === 0) return 'epsilon 0.00 against the hub itself: nothing published yet';
  if (s.securelyAggregated === s.rounds) return `epsilon ${s.epsilonVsHub.toFixed(2)} against the hub itself: the same, its rounds were securely aggregated (it saw only the noised sums)`;
  const plain = s.rounds - s.securelyAggregated;
  const rounds = `${plain} of your ${s.rounds} rounds ${plain === 1 ? 'was' : 'were'} not securely aggregated`;
  // Without secure aggregation each update carries its share of the round's noise: all of it when the hub needs one contributor.
  if (s.epsilonVsHub <= s.epsilon + 1e-9) return `epsilon ${s.epsilonVsHub.toFixed(2)} against the hub itself: the same, though ${rounds}: the hub needed only one contributor, so each update carried all of the round's noise`;
  return `epsilon ${s.epsilonVsHub.toFixed(1)} against the hub itself: ${rounds}, and the hub saw each of those updates with only your share of the noise`;
}
