import { featureItems, featurePart, featureSweep, type ItemFeatures } from '@mixtape/model';
import type { PrivateAlsParams } from './params.js';
import { tagEmbedding, withTagColumns } from './tag-embedding.js';

/**
 * Factors for the whole vocabulary: shared items keep their learned vectors; every other item
 * gets the weighted mean of its public features' embeddings, fitted by ridge regression on the
 * shared items (block coordinate descent, as the hybrid model fits its feature table). Public
 * features and released factors only: post-processing, no privacy cost.
 */
export function fullTable(
  shared: Int32Array,
  sharedTable: Float32Array,
  features: ItemFeatures,
  k: number,
  lambda: number,
  prior?: { counts: Float32Array; weight: number },
  sweeps = 4,
): Float32Array {
  const { v, hasData, part } = fitFeatures(shared, sharedTable, features, k, lambda, sweeps);
  if (!part) return v;
  for (let i = 0; i < hasData.length; i++) if (!hasData[i]) v.set(part.subarray(i * k, (i + 1) * k), i * k);
  // A shared item heard by few is mostly noise: pull it towards what its features predict, the
  // less the more listeners it has (the hybrid model's tag prior, applied after the fact).
  if (prior && prior.weight > 0) {
    shared.forEach((i, r) => {
      const c = Math.max(0, prior.counts[r]!);
      const a = c / (c + prior.weight);
      for (let j = 0; j < k; j++) v[i * k + j] = a * v[i * k + j]! + (1 - a) * part[i * k + j]!;
    });
  }
  return v;
}

/**
 * The shared rows laid over the vocabulary (v, hasData) and every item's feature part, the feature
 * table fitted to those rows by `sweeps` block-coordinate sweeps (undefined without features).
 */
function fitFeatures(shared: Int32Array, sharedTable: Float32Array, features: ItemFeatures, k: number, lambda: number, sweeps: number): { v: Float32Array; hasData: Uint8Array; part?: Float32Array } {
  const n = features.indptr.length - 1;
  const v = new Float32Array(n * k);
  const hasData = new Uint8Array(n);
  shared.forEach((i, r) => {
    v.set(sharedTable.subarray(r * k, (r + 1) * k), i * k);
    hasData[i] = 1;
  });
  if (features.indices.length === 0) return { v, hasData };
  const g = new Float32Array(features.slots * k);
  const fi = featureItems(features);
  for (let s = 0; s < sweeps; s++) featureSweep(features, fi, v, g, k, lambda, hasData);
  return { v, hasData, part: featurePart(features, g, k) };
}

/**
 * The table a federation publishes: every vocabulary item's factors (shared learned, tail from
 * features) and, when there are public features, `tagDims` columns of their dense embedding, so a
 * listener's own solve also learns which tags they like. tableDim is its width.
 */
export function publishedTable(
  shared: Int32Array,
  sharedTable: Float32Array,
  counts: Float32Array,
  features: ItemFeatures,
  p: Pick<PrivateAlsParams, 'dim' | 'featureLambda' | 'featurePrior' | 'tagDims' | 'tagWeight'>,
): { table: Float32Array; tableDim: number } {
  const base = fullTable(shared, sharedTable, features, p.dim, p.featureLambda, { counts, weight: p.featurePrior });
  if (p.tagDims <= 0 || features.indices.length === 0) return { table: base, tableDim: p.dim };
  return { table: withTagColumns(base, p.dim, tagEmbedding(features, p.tagDims), p.tagDims, p.tagWeight), tableDim: p.dim + p.tagDims };
}

/**
 * The shared items' public-feature part (the hybrid model's prior): the feature table fitted to
 * the shared rows, read back at those rows. Public features and released factors only.
 */
export function tagPrior(shared: Int32Array, sharedTable: Float32Array, features: ItemFeatures, k: number, lambda: number, sweeps = 2): Float32Array {
  const { part } = fitFeatures(shared, sharedTable, features, k, lambda, sweeps);
  const out = new Float32Array(shared.length * k);
  if (part) shared.forEach((i, r) => out.set(part.subarray(i * k, (i + 1) * k), r * k));
  return out;
}
