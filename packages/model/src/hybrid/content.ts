import type { ItemFeatures } from '../data/item-features.js';
import { featureItems } from './features-step.js';

/**
 * The sparse content side of the hybrid: items as L2-normalized TF-IDF rows over hashed feature
 * slots, and the slot → items postings for scoring. A listener's profile is the sum of the rows
 * of what they played; an item's content score is its cosine-like overlap with that profile.
 * Kept sparse on purpose: rare and personal tags carry most of the signal, and a low-rank
 * projection of them (measured: SVD to 64–128 dims) loses it.
 *
 * The two sides weigh tags differently: the profile rows (what a listener played) use IDF^p, so
 * the rare, often personal tags that mark a taste dominate the profile; the candidate rows (the
 * postings) use a milder IDF^q, so a candidate is not judged mostly by its own rarest tags. On
 * HetRec, p = 4 and q = 1 beat the symmetric p = q = 3 by 1.7 % NDCG@10 on validation cuts.
 */
export interface ContentIndex {
  nItems: number;
  slots: number;
  /** Profile rows (IDF^p, L2-normalized), read by `contentProfile`. */
  indptr: Int32Array;
  indices: Int32Array;
  weights: Float32Array;
  /** Candidate rows as slot → items (IDF^q, L2-normalized per item), read by `contentScores`. */
  postings: { indptr: Int32Array; items: Int32Array; weights: Float32Array };
}

/**
 * Builds the content index from item features (IDF from how many items carry each slot):
 * profile rows at IDF^idfPower, candidate rows at IDF^itemIdfPower (the same unless given).
 */
export function buildContentIndex(features: ItemFeatures, idfPower = 1, itemIdfPower = idfPower): ContentIndex {
  const nItems = features.indptr.length - 1;
  const df = new Float64Array(features.slots);
  for (let p = 0; p < features.indices.length; p++) df[features.indices[p]!]!++;
  const idf = Float64Array.from(df, (d) => Math.max(0, Math.log(nItems / (d + 1))));
  const weights = tfIdfRows(features, idf, idfPower);
  const itemWeights = itemIdfPower === idfPower ? weights : tfIdfRows(features, idf, itemIdfPower);
  const postings = featureItems({ ...features, weights: itemWeights });
  return { nItems, slots: features.slots, indptr: features.indptr, indices: features.indices, weights, postings };
}

/** The content index of a trained hybrid, at its own IDF powers. */
export function contentIndexOf(m: { features: ItemFeatures; params: { contentIdfPower: number; contentItemIdfPower: number } }): ContentIndex {
  return buildContentIndex(m.features, m.params.contentIdfPower, m.params.contentItemIdfPower);
}

/** Feature weights × IDF^power, each item's row L2-normalized. */
function tfIdfRows(features: ItemFeatures, idf: Float64Array, power: number): Float32Array {
  const weights = new Float32Array(features.weights.length);
  for (let i = 0; i + 1 < features.indptr.length; i++) {
    let norm = 0;
    for (let p = features.indptr[i]!; p < features.indptr[i + 1]!; p++) {
      weights[p] = Math.max(0, features.weights[p]! * idf[features.indices[p]!]! ** power);
      norm += weights[p]! * weights[p]!;
    }
    norm = Math.sqrt(norm) || 1;
    for (let p = features.indptr[i]!; p < features.indptr[i + 1]!; p++) weights[p]! /= norm;
  }
  return weights;
}

/** A listener's content profile: Σ of the content rows of `items` (optionally weighted), as slot → weight. */
export function contentProfile(c: ContentIndex, items: ArrayLike<number>, itemWeights?: ArrayLike<number>): Map<number, number> {
  const profile = new Map<number, number>();
  for (let j = 0; j < items.length; j++) {
    const i = items[j]!;
    if (i < 0 || i >= c.nItems) continue;
    const iw = itemWeights ? itemWeights[j]! : 1;
    if (iw === 0) continue;
    for (let p = c.indptr[i]!; p < c.indptr[i + 1]!; p++) {
      profile.set(c.indices[p]!, (profile.get(c.indices[p]!) ?? 0) + iw * c.weights[p]!);
    }
  }
  return profile;
}

/** Content score of every item for a profile, written into out[offset..offset+nItems). */
export function contentScores(c: ContentIndex, profile: Map<number, number>, out: Float32Array, offset = 0): void {
  out.fill(0, offset, offset + c.nItems);
  const { indptr, items, weights } = c.postings;
  for (const [slot, pw] of profile) {
    for (let p = indptr[slot]!; p < indptr[slot + 1]!; p++) out[offset + items[p]!]! += pw * weights[p]!;
  }
}

/**
 * Adds the content scores (content[0..n)) onto factor[offset..offset+n), scaled per listener so that both parts have the
 * same spread over the catalogue: final = factor + β/(1−β) · (σ_factor / σ_content) · content.
 * Only the ratio of spreads matters for ranking, so per-listener z-scoring reduces to this.
 */
export function blendScores(factor: Float32Array, content: Float32Array, beta: number, offset: number, n: number): void {
  if (beta <= 0) return;
  const sf = std(factor, offset, n);
  const sc = std(content, 0, n);
  if (sc === 0) return;
  const g = (beta / (1 - beta)) * (sf / sc);
  for (let i = 0; i < n; i++) factor[offset + i]! += g * content[i]!;
}

/**
 * Adds a public item prior (e.g. z-scored popularity) at `weight` times the spread of the scores
 * it is added to: final = score + weight · σ_score · prior, per listener, so the weight means the
 * same whatever the scale of the scores.
 */
export function addPrior(scores: Float32Array, prior: Float32Array, weight: number, offset: number, n: number): void {
  if (weight <= 0) return;
  const g = weight * std(scores, offset, n);
  for (let i = 0; i < n; i++) scores[offset + i]! += g * prior[i]!;
}

function std(a: Float32Array, offset: number, n: number): number {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const v = a[offset + i]!;
    s += v;
    s2 += v * v;
  }
  const m = s / n;
  return Math.sqrt(Math.max(0, s2 / n - m * m));
}
