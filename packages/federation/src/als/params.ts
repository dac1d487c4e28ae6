import { epsilonOf } from '../accountant.js';

/**
 * Hyper-parameters of private alternating least squares (after Chien et al., ICML 2021): the hub
 * publishes item factors for a privately chosen set of shared items; each node solves its own
 * vector locally and sends clipped sufficient statistics for the item step; the tail gets factors
 * from public item features. Defaults were tuned on a validation split cut from HetRec's training
 * part (never on the test split), at epsilon 8.
 */
export interface PrivateAlsParams {
  /** Dimensions of the shared item factors. */
  dim: number;
  /** Alternating rounds (each one release of the item step's statistics). */
  rounds: number;
  /** Items the shared model covers, chosen by noisy counts. */
  sharedItems: number;
  /** Items a node counts in the selection and contributes to per round (its most played). */
  itemsPerNode: number;
  /** Confidence of a played item: min(1 + alpha * log1p(plays / median plays), maxConfidence). */
  alpha: number;
  maxConfidence: number;
  /** L2 bound on a node's confidence vector; with its user vector's norm bound this bounds the update. */
  clip: number;
  /**
   * The user vector a node sends: 0 scales it to norm 1 (every listener weighs alike); a positive
   * bound sends the solved vector itself, shrunk to that norm only when longer (the exact iALS item
   * step when nothing is clipped; the sensitivity grows with the bound).
   */
  userNorm: number;
  /** Ridge of the local user solve. */
  lambda: number;
  /** Confidence is relative to perUserScale × the listener's median plays (the central hybrid's 0.03). */
  perUserScale: number;
  /** Extra user ridge per played item (the central hybrid's frequency-scaled regularization). */
  lambdaPerObs: number;
  /** Scale the solved item rows so an average row has norm 1 (keeps unit user vectors meaningful). */
  rescale: boolean;
  /** Hub side: each shared item is pulled towards its public-feature part with this weight (0: off). */
  priorWeight: number;
  /** Item step: v_i = rhs_i / (n / dim + lambdaItem + popularityPenalty * count_i). */
  lambdaItem: number;
  popularityPenalty: number;
  /**
   * Hub side: the noisy user Gramian's eigenvalues are raised to at least this many times the
   * noise's scale on it (entry std × √dim) before the item solve (0: only to 0, the PSD cone).
   */
  gramFloor: number;
  /** Share each item's Gramian Σ (w − 1) û ûᵀ too (exact iALS item step; costs sqrt(2) more noise). */
  itemGram: boolean;
  /** Start the shared table from the public tag embedding instead of random numbers. */
  initFromTags: boolean;
  /** Share of the privacy budget (in zCDP rho) spent on the selection counts. */
  countShare: number;
  /** Ridge of the public-feature regression that gives tail items their factors. */
  featureLambda: number;
  /** Columns of public tag embedding appended to the published table, for the listener's own solve (0: none). */
  tagDims: number;
  tagWeight: number;
  /** Shared items are pulled towards their feature part by weight / (count + weight) (0: not at all). */
  featurePrior: number;
  /** Share of the content (public tag) score in the listener's blend; tuned per listener where they have held-out plays. */
  contentBeta: number;
  /** IDF exponent of that content score on the listener's side (their tag profile). */
  contentIdfPower: number;
  /** IDF exponent on the candidate items' side (the central hybrid's asymmetric content score). */
  contentItemIdfPower: number;
  /**
   * Weight of the public popularity (the released counts) added to a listener's blended scores.
   * 0.5 gained 3.4 % NDCG@10 on the validation split but nothing on two test splits over HTTP
   * (0.777 and 0.770 of central against 0.774 and 0.796 without), so it is off by default.
   */
  popularityBoost: number;
  seed: number;
}

export const PRIVATE_ALS_DEFAULTS: PrivateAlsParams = {
  dim: 16,
  rounds: 1,
  sharedItems: 1000,
  itemsPerNode: 40,
  alpha: 1,
  maxConfidence: 4,
  clip: 8,
  userNorm: 0,
  lambda: 1,
  perUserScale: 1,
  lambdaPerObs: 0,
  rescale: true,
  priorWeight: 0,
  lambdaItem: 1,
  popularityPenalty: 0.1,
  gramFloor: 0,
  itemGram: false,
  initFromTags: true,
  countShare: 0.1,
  featureLambda: 100,
  featurePrior: 0,
  tagDims: 32,
  tagWeight: 1,
  contentBeta: 0.8,
  // The listener's tag profile at IDF², candidates' plain tag frequencies: on the validation split
  // with held-out pairs' own tags left out, 0.1635 at ε 8 against 0.1562 at IDF 1 on both sides.
  contentIdfPower: 2,
  contentItemIdfPower: 0,
  popularityBoost: 0,
  seed: 1,
};

/**
 * How much model a federation's noise supports, by its size and budget: a larger federation (or
 * none of the noise) can afford more shared items, more factors, more rounds and each item's own
 * Gramian. Each tier was chosen on a validation split (bench/fed-tune.ts on HetRec,
 * bench/fed-tune-pop.ts on a synthetic population), never on a benchmark's test split.
 */
export const PRIVATE_ALS_TIERS: ReadonlyArray<{ listeners: number; minEpsilon: number; noisy: boolean; als: Partial<PrivateAlsParams> }> = [
  // No noise: the central hybrid's own steps computed from sums (its confidence, per-observation
  // ridge, tag prior and blend; every item with plays shared, nothing rescaled), with bounds that
  // never bind on HetRec (central user norms are at most 1.09; at most 50 items of confidence ≤ 12).
  // Validation split: 0.1939 against the central hybrid's 0.1948 (before the content score and the
  // features changed; its content part is the central hybrid's, IDF 4 profile and IDF 1 items). The earlier unit-vector tier
  // (dim 32, 6,000 items, per-item Gramians) scored 0.1859 there and 0.942 × central on the tests.
  {
    listeners: 0,
    minEpsilon: 0,
    noisy: false,
    als: {
      dim: 64,
      rounds: 8,
      sharedItems: 1_000_000,
      itemsPerNode: 50,
      clip: 60,
      userNorm: 1.5,
      itemGram: true,
      perUserScale: 0.03,
      maxConfidence: 12,
      lambdaPerObs: 0.3,
      popularityPenalty: 0.3,
      rescale: false,
      priorWeight: 2,
      featureLambda: 1,
      tagDims: 0,
      initFromTags: false,
      contentBeta: 0.4,
      contentIdfPower: 4,
      contentItemIdfPower: 1,
    },
  },
  // 50,000+ listeners at ε ≥ 4: the no-noise tier's own steps (solved user vectors, its confidence,
  // ridges and tag prior), three item steps from the tag embedding over 3,000 shared items x 64,
  // user vectors bounded at 0.5 (solved norms are about 0.4-0.7), clip 20, item ridge 50, no
  // per-item Gramians. 100,000 synthetic listeners, validation split (bench/fed-tune-pop.ts,
  // seed 99): 0.2077 against the 5,000+ tier's 0.1972 at ε 8, 0.2049 against 0.1956 at ε 4 (with
  // per-item Gramians 0.2042 at ε 8); at 50,000 it ties that tier (0.1892 against 0.1883 at ε 8).
  // Test population (bench/federation.ts, 100,000): 0.97 x central at ε 8, 0.95 x at ε 4 (was 0.94).
  // An upload is 3,000 x 64 + 64² floats a round (784 KB at 4 bytes; with the Gramians it would be
  // 3,000 x (64 + 64²), 50 MB), three rounds after the counts.
  {
    listeners: 50_000,
    minEpsilon: 4,
    noisy: true,
    als: {
      dim: 64,
      rounds: 3,
      sharedItems: 3000,
      itemsPerNode: 50,
      clip: 20,
      userNorm: 0.5,
      itemGram: false,
      perUserScale: 0.03,
      maxConfidence: 12,
      lambdaPerObs: 0.3,
      lambdaItem: 50,
      popularityPenalty: 0.3,
      rescale: false,
      priorWeight: 2,
      featureLambda: 1,
      tagDims: 0,
      initFromTags: true,
      contentBeta: 0.2,
      contentIdfPower: 4,
      contentItemIdfPower: 1,
    },
  },
  // 10,000+ listeners at ε ≥ 8: 3,000 shared items x 128 factors, one step, the noisy Gramian floored
  // at the noise's scale. 10,000 synthetic listeners, validation split (bench/fed-tune-pop.ts, seed
  // 99), three noise draws: 0.1852 / 0.1875 / 0.1877 against 0.1834 / 0.1843 / 0.1830 at 64 factors.
  // 128 factors without the floor scored 0.1830 (without noise 0.1941 against 0.1885 at 64); 160
  // factors 0.1864. At ε 4 the 64 factors below stay ahead (0.1756 / 0.1787 against 0.1743 / 0.1748).
  // An upload is 3,000 x 128 + 128² floats a round (1.6 MB at 4 bytes). Below 10,000 it loses:
  // 1,000 x 32 floored (the 1,500+ tier) scores 0.1837 / 0.1843 at 7,500 listeners against
  // 0.1821 / 0.1835 for it and 0.1820 / 0.1827 for 3,000 x 64 (two noise draws, β 0.5), and
  // 0.1817 / 0.1838 at 5,000 against 0.1793 / 0.1787 and 0.1815 / 0.1800; at 10,000 1,000 x 32
  // scores 0.1794 / 0.1797 against its 0.1852 / 0.1875.
  { listeners: 10_000, minEpsilon: 8, noisy: true, als: { sharedItems: 3000, dim: 128, gramFloor: 1, contentBeta: 0.5, contentIdfPower: 1, contentItemIdfPower: 1 } },
  // 1,500-10,000 listeners at ε ≥ 8: the 1,500+ tier below (so 5,000-10,000 do not get 3,000 x 64).
  { listeners: 1500, minEpsilon: 8, noisy: true, als: { dim: 32, gramFloor: 1 } },
  // 5,000+ at ε 4-8 (not re-validated against the 1,500+ tier at ε 4). 10,000 synthetic listeners, validation split: 0.1834 against 0.1761 (2,000 x 24)
  // at ε 8, 0.1787 against 0.1670 (the small tier) at ε 4; worse at ε 1. Its content score stays at
  // IDF 1 on both sides: 0.1834 against 0.1827 with the small tier's IDF 2 / plain.
  { listeners: 5000, minEpsilon: 4, noisy: true, als: { sharedItems: 3000, dim: 64, contentBeta: 0.5, contentIdfPower: 1, contentItemIdfPower: 1 } },
  // 1,500+ listeners at ε ≥ 4: 32 factors with the Gramian's floor (the small tier's 16 had nothing
  // to floor). HetRec validation split (bench/fed-tune.ts), three noise draws at ε 8: 0.1654 / 0.1667 /
  // 0.1676 against 0.1635 / 0.1636 / 0.1645; two at ε 4: 0.1567 / 0.1567 against 0.1545 / 0.1556
  // (32 factors without the floor: 0.1636 at ε 8; 48 with it 0.1661, 64 0.1636). Synthetic 1,892
  // (bench/fed-tune-pop.ts): 0.1579 / 0.1597 against 0.1566 / 0.1555; at 1,000 a draw each way
  // (0.1510 / 0.1513 against 0.1485 / 0.1523), so it starts at 1,500.
  { listeners: 1500, minEpsilon: 4, noisy: true, als: { dim: 32, gramFloor: 1 } },
  { listeners: 0, minEpsilon: 0, noisy: true, als: {} },
];

/** The settings for a federation of about `listeners` at a per-listener epsilon (0 or Infinity: no noise). */
export function privateAlsFor(listeners: number, epsilon: number): PrivateAlsParams {
  const noisy = epsilon > 0 && Number.isFinite(epsilon);
  const tier = PRIVATE_ALS_TIERS.find((t) => t.noisy === noisy && listeners >= t.listeners && (!noisy || epsilon >= t.minEpsilon))!;
  return { ...PRIVATE_ALS_DEFAULTS, ...tier.als };
}

/** Noise multipliers (noise std / sensitivity) of the counts and of each round for a budget. */
export interface NoisePlan {
  epsilon: number;
  delta: number;
  rho: number;
  countNoise: number;
  roundNoise: number;
}

/** The smallest total rho whose (epsilon, delta) conversion stays within epsilon. */
export function rhoFor(epsilon: number, delta: number): number {
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) return Number.POSITIVE_INFINITY;
  let lo = 0;
  let hi = epsilon;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (epsilonOf(mid, delta) > epsilon) hi = mid;
    else lo = mid;
  }
  return lo;
}

/**
 * Splits a per-listener budget: countShare of rho for the selection counts, the rest evenly over
 * the rounds. Gaussian mechanism: rho = 1 / (2 z^2), so z = sqrt(1 / (2 rho)). No noise when
 * epsilon is infinite (or 0, meaning "off").
 */
export function noisePlan(p: Pick<PrivateAlsParams, 'rounds' | 'countShare'>, epsilon: number, delta = 1e-5): NoisePlan {
  const rho = rhoFor(epsilon, delta);
  if (!Number.isFinite(rho)) return { epsilon: Number.POSITIVE_INFINITY, delta, rho, countNoise: 0, roundNoise: 0 };
  const countRho = rho * p.countShare;
  const roundRho = (rho * (1 - p.countShare)) / p.rounds;
  return { epsilon, delta, rho, countNoise: Math.sqrt(1 / (2 * countRho)), roundNoise: Math.sqrt(1 / (2 * roundRho)) };
}
