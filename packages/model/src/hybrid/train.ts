import { noProgress } from '@mixtape/core';
import { itemCounts, mapValues, transpose, type Interactions } from '../data/interactions.js';
import { emptyFeatures, type ItemFeatures } from '../data/item-features.js';
import { Rng } from '@mixtape/core';
import { AlsPool, shared, sharedCsr, trainThreads, type AlsState } from './als-pool.js';
import { featureItems, featurePart, featureSweep } from './features-step.js';
import { initFactors } from './factors.js';
import { userSide } from './user-features.js';
import type { IalsOptions } from '../baselines/ials.js';
import type { HybridModel } from './model.js';

/** Hyper-parameters of the hybrid model (those of iALS, plus its feature and content parts); defaults tuned on HetRec Last.fm 2K. */
export interface HybridOptions extends IalsOptions {
  /** How strongly an item's vector is pulled towards its features' part (the item's own embedding's penalty). */
  priorWeight?: number;
  /** L2 penalty on the feature (tag, artist) embeddings. */
  featureLambda?: number;
  /** Share of the sparse content (tag) score in the final blend, 0 for factors only. */
  contentBeta?: number;
  /** IDF exponent of the listener's side of the content part (their profile): above 1 favours rare (often personal) tags. */
  contentIdfPower?: number;
  /** IDF exponent of the candidate items' side of the content part; milder than the profile's. */
  contentItemIdfPower?: number;
  /** Unobserved-cell weight ∝ popularity^β (eALS-style, mean 1); 0 weighs every item alike. On HetRec β = 0.3 and −0.2 both cost NDCG, hence 0. */
  negativeExponent?: number;
  /** Confidence relative to each user's median weight, so heavy and light listeners count alike. */
  perUserScale?: number;
  /** Weight of a public item prior (ModelArtifact.itemPopularity) added to served scores; 0 for none. */
  popularityBoost?: number;
  /**
   * How strongly a user's vector is pulled towards the user side's feature part: their tag profile
   * (the items they played, `user-features.ts`) through a learned user-side feature table; 0 for
   * none (models saved before it existed load with 0).
   */
  userPriorWeight?: number;
}

export const HYBRID_DEFAULTS = {
  factors: 64,
  iterations: 8,
  lambda: 1,
  lambdaPerObs: 0.3,
  alpha: 1,
  epsilon: 10,
  cgSteps: 3,
  priorWeight: 2,
  featureLambda: 1,
  contentBeta: 0.4,
  contentIdfPower: 4,
  contentItemIdfPower: 1,
  negativeExponent: 0,
  perUserScale: 0.03,
  popularityBoost: 0,
  // Off: on the validation cuts of bench/hybrid-heldout.ts (mean NDCG@10) 12 gains +1.05 % (0.1900 →
  // 0.1920; 8: 0.1915, 16: 0.1913, 24: 0.1908, 40: 0.1891), but the validation fits hold 32 artists
  // per listener against 40 in a test fit, and on the seed-42 split of the HetRec conformance test
  // it cost 0.8 % (0.2661 → 0.2640). docs/BENCHMARKS.md, issue 17.
  userPriorWeight: 0,
  seed: 1,
};

export type HybridParams = typeof HYBRID_DEFAULTS;

/**
 * Trains the hybrid implicit factorization: item i's vector is v_i = e_i + Σ_t w_it g_t, its own
 * embedding plus the weighted mean of its features' (artist, hashed tags) embeddings. Alternates
 * (1) users by implicit ALS, with a prior centred on their tag profile's part (profile · H, see
 * user-features.ts) when userPriorWeight > 0, (2) items by implicit ALS with a prior centred on
 * their feature part (so ‖e_i‖² is the penalty), (3) the feature tables by block coordinate
 * descent. Cold items get v_i = their feature part. Deterministic for a given seed.
 */
export async function trainHybrid(x: Interactions, features: ItemFeatures = emptyFeatures(x.itemIds.length), options: HybridOptions = {}): Promise<HybridModel> {
  const { onProgress, threads, ...rest } = options;
  const o: HybridParams = { ...HYBRID_DEFAULTS, ...(rest as Partial<HybridParams>) };
  const progress = onProgress ?? noProgress;
  const k = o.factors;
  const nI = x.itemIds.length;
  const med = userMedians(x);
  const r = mapValues(x, (w, u) => o.alpha * Math.log1p(w / (o.perUserScale > 0 ? o.perUserScale * med[u]! : o.epsilon)));
  const rt = transpose(r);
  const rng = new Rng(o.seed);
  const state: AlsState = {
    r: sharedCsr(r),
    rt: sharedCsr(rt),
    users: shared(initFactors(x.userIds.length, k, 0.01, () => rng.normal())),
    items: shared(initFactors(nI, k, 0.01, () => rng.normal())),
    prior: shared(new Float32Array(nI * k)),
  };
  const users = o.userPriorWeight > 0 && o.iterations > 0 ? userSide(x, features, k) : undefined;
  if (users) state.userPrior = shared(new Float32Array(x.userIds.length * k));
  const table = new Float32Array(features.slots * k);
  const fi = featureItems(features);
  const counts = itemCounts(x);
  const hasData = Uint8Array.from(counts, (c) => (c > 0 ? 1 : 0));
  const step = { k, lambda: o.lambda, lambdaPerObs: o.lambdaPerObs, cgSteps: o.cgSteps };
  const negW = negativeWeights(counts, o.negativeExponent);
  if (negW) state.negW = shared(negW);
  const pool = AlsPool.open(state, trainThreads(threads));
  try {
    const featureStep = () => {
      featureSweep(features, fi, state.items, table, k, o.featureLambda, hasData);
      featurePart(features, table, k, state.prior);
    };
    // The user side's feature step reads users and writes their prior: it shares the item step.
    const userFeatureStep = users && (() => users.step(state.users, state.userPrior!, o.featureLambda));
    const userStep = users ? { ...step, priorWeight: o.userPriorWeight } : step;
    if (o.iterations > 0) await pool.halfStep('users', step);
    for (let it = 0; it < o.iterations; it++) {
      await pool.halfStep('items', { ...step, priorWeight: o.priorWeight }, userFeatureStep);
      // The feature step reads items and writes the prior; the next user step reads items and
      // writes users: independent, so they share the threads (same results as one after the other).
      if (it + 1 < o.iterations) await pool.halfStep('users', userStep, featureStep);
      else featureStep();
      progress({ unit: 'iterations', done: it + 1, total: o.iterations, message: `hybrid ALS (${pool.threads} threads)` });
    }
  } finally {
    await pool.close();
  }
  // Plain (unshared) copies for the model.
  const userFactors = state.users.slice();
  const items = state.items.slice();
  const prior = state.prior;
  // Items never seen in training are pure content: their vector is their feature part.
  for (let i = 0; i < nI; i++) if (!hasData[i]) items.set(prior.subarray(i * k, (i + 1) * k), i * k);
  return {
    version: 1,
    k,
    userIds: x.userIds,
    itemIds: x.itemIds,
    userFactors,
    itemFactors: items,
    featureTable: table,
    ...(users ? { userFeatureTable: users.table } : {}),
    featureSlots: features.slots,
    features,
    params: o,
  };
}

function userMedians(x: Interactions): Float64Array {
  const m = new Float64Array(x.userIds.length);
  for (let u = 0; u < m.length; u++) {
    const row = Array.from(x.values.subarray(x.indptr[u]!, x.indptr[u + 1]!)).sort((a, b) => a - b);
    m[u] = row.length ? Math.max(1e-9, row[row.length >> 1]!) : 1;
  }
  return m;
}

/** Popularity^β scaled to mean 1 over items seen in training; undefined when β is 0. */
function negativeWeights(counts: Float64Array, beta: number): Float64Array | undefined {
  if (beta === 0) return undefined;
  const w = Float64Array.from(counts, (c) => Math.pow(Math.max(c, 1), beta));
  let sum = 0;
  for (const v of w) sum += v;
  const mean = sum / w.length;
  for (let i = 0; i < w.length; i++) w[i]! /= mean;
  return w;
}
