import type { Interactions } from '../data/interactions.js';
import type { ItemFeatures } from '../data/item-features.js';

/**
 * Each listener's tag profile as features: the mean of the feature rows (L1-normalized, see
 * `buildItemFeatures`) of the items in their training history, so each row is again L1-normalized.
 * Read only from what they played (never their own tag assignments): the user side of the hybrid
 * regresses user vectors on these rows, as the item side does with the items' own features.
 */
export function userFeatures(x: Interactions, features: ItemFeatures): ItemFeatures {
  const nU = x.userIds.length;
  const indptr = new Int32Array(nU + 1);
  const idx: number[] = [];
  const wts: number[] = [];
  const row = new Map<number, number>();
  for (let u = 0; u < nU; u++) {
    row.clear();
    let total = 0;
    for (let p = x.indptr[u]!; p < x.indptr[u + 1]!; p++) {
      const i = x.indices[p]!;
      for (let q = features.indptr[i]!; q < features.indptr[i + 1]!; q++) {
        const w = features.weights[q]!;
        row.set(features.indices[q]!, (row.get(features.indices[q]!) ?? 0) + w);
        total += w;
      }
    }
    const entries = [...row.entries()].sort((a, b) => a[0] - b[0]);
    for (const [slot, w] of entries) {
      idx.push(slot);
      wts.push(w / total);
    }
    indptr[u + 1] = idx.length;
  }
  return { slots: features.slots, indptr, indices: Int32Array.from(idx), weights: Float32Array.from(wts) };
}
