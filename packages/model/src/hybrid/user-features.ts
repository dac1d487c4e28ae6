import type { Interactions } from '../data/interactions.js';
import type { ItemFeatures } from '../data/item-features.js';
import { featureItems, featurePart, featureSweep } from './features-step.js';

/**
 * The user side of the hybrid's feature prior. A listener's tag profile is the mean of the
 * feature rows (L1-normalized, see `buildItemFeatures`) of the items they played, so it is again
 * L1-normalized; it is read only from what they played, never from their own tag assignments. A
 * user-side feature table H (slots × k) maps a profile into the factor space, and the user step of
 * ALS pulls each user's vector towards their profile · H with weight `userPriorWeight`, as the item
 * step pulls each item towards its features' part. H is refitted after each user step by the same
 * block coordinate descent as the item side's table (`featureSweep`), on the users' vectors.
 */
export function profileRow(features: ItemFeatures, items: ArrayLike<number>): { slots: number[]; weights: number[] } {
  const nI = features.indptr.length - 1;
  const row = new Map<number, number>();
  let total = 0;
  for (let j = 0; j < items.length; j++) {
    const i = items[j]!;
    if (i < 0 || i >= nI) continue;
    for (let q = features.indptr[i]!; q < features.indptr[i + 1]!; q++) {
      const w = features.weights[q]!;
      row.set(features.indices[q]!, (row.get(features.indices[q]!) ?? 0) + w);
      total += w;
    }
  }
  const entries = [...row.entries()].sort((a, b) => a[0] - b[0]);
  return { slots: entries.map((e) => e[0]), weights: entries.map((e) => e[1] / total) };
}

/** Every user's tag profile (`profileRow` of their history), as CSR rows over the feature slots. */
export function userFeatures(x: Interactions, features: ItemFeatures): ItemFeatures {
  const nU = x.userIds.length;
  const indptr = new Int32Array(nU + 1);
  const idx: number[] = [];
  const wts: number[] = [];
  for (let u = 0; u < nU; u++) {
    const { slots, weights } = profileRow(features, x.indices.subarray(x.indptr[u]!, x.indptr[u + 1]!));
    idx.push(...slots);
    wts.push(...weights);
    indptr[u + 1] = idx.length;
  }
  return { slots: features.slots, indptr, indices: Int32Array.from(idx), weights: Float32Array.from(wts) };
}

/** A listener's prior vector: their tag profile (from the items they played) through the user-side table. */
export function userPriorOf(features: ItemFeatures, table: Float32Array, k: number, items: ArrayLike<number>): Float32Array {
  const { slots, weights } = profileRow(features, items);
  const out = new Float32Array(k);
  slots.forEach((t, j) => {
    const w = weights[j]!;
    for (let a = 0; a < k; a++) out[a]! += w * table[t * k + a]!;
  });
  return out;
}

/** The user side during training: the users' profiles, the table H, and its feature step. */
export function userSide(x: Interactions, features: ItemFeatures, k: number) {
  const uf = userFeatures(x, features);
  const ufi = featureItems(uf);
  const table = new Float32Array(uf.slots * k);
  const hasData = Uint8Array.from({ length: x.userIds.length }, (_, u) => (x.indptr[u + 1]! > x.indptr[u]! ? 1 : 0));
  return {
    table,
    /** Refits H on the users' vectors, then writes each user's prior (profile · H). */
    step(users: Float32Array, prior: Float32Array, lambda: number): void {
      featureSweep(uf, ufi, users, table, k, lambda, hasData);
      featurePart(uf, table, k, prior);
    },
  };
}
