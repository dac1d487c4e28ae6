import { evaluateScorer } from '../metrics/evaluate.js';
import type { Interactions } from '../data/interactions.js';
import type { ItemFeatures } from '../data/item-features.js';
import { ItemIndex } from '../serve/item-index.js';
import { contentIndexOf } from './content.js';
import type { HybridModel } from './model.js';
import { hybridScorer } from './scorer.js';
import { trainHybrid, type HybridOptions } from './train.js';

/** A named variant of the hybrid's settings. */
export interface HybridCandidate {
  name: string;
  options: HybridOptions;
}

/**
 * What one listener's data chooses between. The defaults were tuned on HetRec, where every artist
 * has many listeners' tags; a listener's own store can be too small or too sparse for the feature
 * parts to help (docs/BENCHMARKS.md, "The personal model"). With `priorWeight` 0 the feature table is
 * still fitted, so tracks without plays keep a vector from their features.
 */
export const PERSONAL_CANDIDATES: readonly HybridCandidate[] = [
  { name: 'hybrid', options: {} },
  { name: 'factors and features', options: { contentBeta: 0 } },
  { name: 'factors only', options: { contentBeta: 0, priorWeight: 0 } },
];

/** Another candidate replaces the first only when its held-out NDCG is this much higher (relative). */
export const SELECT_MARGIN = 0.05;

export interface HybridSelection {
  chosen: HybridCandidate;
  /** Every candidate's NDCG@K on the held-out part, in candidate order. */
  scores: Array<{ name: string; ndcg: number }>;
  /** Held-out rows scored. */
  users: number;
  /** The chosen candidate's model, fitted on `train`. */
  model: HybridModel;
}

/**
 * Fits each candidate on `train` and scores it on `test` with the same metric code as every other
 * evaluation; the first candidate (the defaults) stays unless another beats it by `margin`, so a
 * noisy split does not move a listener off the defaults for nothing. Nothing to score (no held-out
 * rows) keeps the first.
 */
export async function selectHybrid(
  train: Interactions,
  test: Interactions,
  features: ItemFeatures,
  candidates: readonly HybridCandidate[],
  options: HybridOptions & { margin?: number; k?: number } = {},
): Promise<HybridSelection> {
  if (candidates.length === 0) throw new Error('selectHybrid needs at least one candidate');
  const { margin = SELECT_MARGIN, k = 10, ...base } = options;
  const scores: HybridSelection['scores'] = [];
  let users = 0;
  // Only the first candidate's model and the best other one's are kept (a listener's table can be large).
  let first: HybridModel | undefined;
  let other: { at: number; model: HybridModel } | undefined;
  for (const [i, c] of candidates.entries()) {
    const r = await heldOutNdcg(train, test, features, { ...base, ...c.options }, k);
    users = r.users;
    scores.push({ name: c.name, ndcg: r.ndcg });
    if (i === 0) first = r.model;
    else if (!other || r.ndcg > scores[other.at]!.ndcg) other = { at: i, model: r.model };
  }
  const switched = other !== undefined && scores[other.at]!.ndcg > scores[0]!.ndcg * (1 + margin);
  return switched ? { chosen: candidates[other!.at]!, scores, users, model: other!.model } : { chosen: candidates[0]!, scores, users, model: first! };
}

/** The hybrid fitted on `train` with these options, and its NDCG@K on `test` (0 when no row holds anything out). */
export async function heldOutNdcg(train: Interactions, test: Interactions, features: ItemFeatures, options: HybridOptions = {}, k = 10): Promise<{ ndcg: number; users: number; model: HybridModel }> {
  const model = await trainHybrid(train, features, options);
  const index = await ItemIndex.create(model.itemFactors, model.itemIds.length, model.k);
  try {
    const r = await evaluateScorer(hybridScorer(model.userFactors, model.k, index, train, contentIndexOf(model), model.params.contentBeta), train, test, { k });
    return { ndcg: r.users > 0 ? r.ndcg : 0, users: r.users, model };
  } finally {
    index.dispose();
  }
}
