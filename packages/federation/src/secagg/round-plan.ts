import { noiseMultiplier, payloadLength, sensitivity, SECURE_AGGREGATION_DEFAULTS, type FederationParams } from '../params.js';
import { encodingPlan, type EncodingPlan } from './encode.js';
import { rhoOfDistributedDiscreteGaussian } from './privacy.js';

/** The integer encoding and noise of one round of a securely aggregated federation. */
export function roundPlan(p: FederationParams, round: number): EncodingPlan {
  const sa = p.secureAggregation ?? SECURE_AGGREGATION_DEFAULTS;
  return encodingPlan({ dim: payloadLength(p, round), clip: sensitivity(p, round), noiseMultiplier: noiseMultiplier(p, round), minSurvivors: p.minContributors, maxNodes: Math.max(sa.maxNodes, p.minContributors) });
}

/**
 * The zCDP a node spends on one securely aggregated round: the distributed discrete Gaussian over
 * the minimum of survivors (Kairouz et al. 2021). The hub sees only the sum, so this is also the
 * cost against the hub.
 */
export function secureRoundRho(p: FederationParams, round: number): number {
  const plan = roundPlan(p, round);
  return rhoOfDistributedDiscreteGaussian({ sensitivity: plan.sensitivity, nodeSigma2: plan.nodeSigma2, survivors: plan.minSurvivors, dim: plan.dim });
}

/** The context every key, mask and share of a round attempt is bound to. */
export function roundContext(hubPublicKey: string, p: FederationParams, round: number, attempt: number): string {
  return `${hubPublicKey}\n${p.vocabVersion}\n${round}\n${attempt}`;
}
