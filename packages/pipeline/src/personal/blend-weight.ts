import { Rng } from '@mixtape/core';
import { chooseOverDefault, HELD_OUT_MARGIN, ndcgAtK, topK } from '@mixtape/model';

/** Weights of the federated side tried on the listener's held-out plays. */
export const BLEND_GRID = [0, 0.25, 0.5, 0.75, 1] as const;
/** The weight when the listener has too few plays in the vocabulary to hold some out (see `defaultBlendFor`). */
export const DEFAULT_BLEND = 0.5;
/** Played vocabulary items needed before a held-out split says anything. */
export const MIN_TUNING_ITEMS = 10;
/** Share of the played vocabulary items held out to tune the weight. */
export const HELD_OUT_SHARE = 0.2;

/**
 * The default weight of the federated side for a pulled model, from its tier's `contentBeta` (the
 * share of a listener's own tag profile against the federated factors that the tier was validated
 * at): 1 − contentBeta when that is above `DEFAULT_BLEND`, to the nearest grid weight, else
 * `DEFAULT_BLEND`. A large federation's factors (the 50,000+ tier, contentBeta 0.2) then get 0.75:
 * on validation populations of 100,000 it ranks held-out plays as well as 0.5 and brings a fifth
 * more of the plays the listener's own model would not have surfaced (docs/BENCHMARKS.md, "What the
 * pull brings"). Smaller federations keep 0.5: on HetRec a lower weight ranks better but brings
 * far fewer such plays.
 */
export function defaultBlendFor(contentBeta: number | undefined): number {
  const want = Math.max(DEFAULT_BLEND, 1 - (contentBeta ?? 1));
  return BLEND_GRID.reduce<number>((a, b) => (Math.abs(b - want) < Math.abs(a - want) ? b : a), DEFAULT_BLEND);
}

/** Mean and spread of one listener's scores on one side: both sides are blended as z-scores. */
export interface ZScale {
  mean: number;
  std: number;
}

/** Mean and standard deviation of the finite scores (std 1 when they are all equal). */
export function zScale(scores: ArrayLike<number>): ZScale {
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < scores.length; i++) {
    const x = scores[i]!;
    if (!Number.isFinite(x)) continue;
    n++;
    sum += x;
    sq += x * x;
  }
  const mean = n ? sum / n : 0;
  const variance = n ? sq / n - mean * mean : 0;
  return { mean, std: variance > 1e-12 ? Math.sqrt(variance) : 1 };
}

/** Every score as a z-score of its own side (non-finite stays NaN: "this side knows nothing about it"). */
export function zScores(scores: ArrayLike<number>, s: ZScale = zScale(scores)): Float64Array {
  return Float64Array.from({ length: scores.length }, (_, i) => (Number.isFinite(scores[i]!) ? (scores[i]! - s.mean) / s.std : Number.NaN));
}

/**
 * The blended score: (1 - w) personal + w federated, both z-scored. A side that knows nothing of
 * the item counts as average (0), so neither side can veto what only the other one knows.
 */
export function blend(personal: number, federated: number, w: number): number {
  return (1 - w) * (Number.isNaN(personal) ? 0 : personal) + w * (Number.isNaN(federated) ? 0 : federated);
}

/** A seeded share of the played items (at least one) to hold out. */
export function holdOut(items: Int32Array, seed: number, share = HELD_OUT_SHARE): Set<number> {
  const order = new Rng(seed).shuffle(Int32Array.from(items).sort());
  return new Set(order.subarray(0, Math.max(1, Math.round(items.length * share))));
}

export interface WeightTuning {
  weight: number;
  /** NDCG@10 of the held-out items for every weight tried. */
  ndcgAt10: Array<{ weight: number; ndcg: number }>;
}

/**
 * The grid weight whose blend best ranks the held-out items among every vocabulary item the
 * listener did not play (NDCG@10), if it beats the default's by more than `margin` (a fifth of a
 * listener's plays is a noisy judge: `HELD_OUT_MARGIN`); the default otherwise. `personal` and
 * `federated` are per-item z-scores (NaN where a side has no score); `played` are the items kept
 * for training, never ranked. Ties go to the weight nearest the default.
 */
export function tuneWeight(
  personal: Float64Array,
  federated: Float64Array,
  heldOut: ReadonlySet<number>,
  played: ArrayLike<number>,
  k = 10,
  margin = HELD_OUT_MARGIN,
  defaultWeight = DEFAULT_BLEND,
): WeightTuning {
  const exclude = Int32Array.from(played).sort();
  const blended = new Float64Array(federated.length);
  const ndcgAt10 = BLEND_GRID.map((w) => {
    for (let i = 0; i < blended.length; i++) blended[i] = blend(personal[i]!, federated[i]!, w);
    return { weight: w, ndcg: ndcgAtK(topK(blended, k, exclude), heldOut, k) };
  });
  const weight = chooseOverDefault(BLEND_GRID, ndcgAt10.map((r) => r.ndcg), defaultWeight, margin);
  return { weight, ndcgAt10: ndcgAt10.map((r) => ({ weight: r.weight, ndcg: Math.round(r.ndcg * 1e4) / 1e4 })) };
}
