import type { ItemFeatures } from '../data/item-features.js';

/** f = F·G: each item's feature part, the weighted mean of its features' embeddings. */
export function featurePart(features: ItemFeatures, g: Float32Array, k: number, out: Float32Array = new Float32Array((features.indptr.length - 1) * k)): Float32Array {
  out.fill(0);
  const n = features.indptr.length - 1;
  for (let i = 0; i < n; i++) {
    const o = i * k;
    for (let p = features.indptr[i]!; p < features.indptr[i + 1]!; p++) {
      const w = features.weights[p]!;
      const go = features.indices[p]! * k;
      for (let a = 0; a < k; a++) out[o + a]! += w * g[go + a]!;
    }
  }
  return out;
}

/**
 * One sweep of block coordinate descent on the feature table G for
 * min_G Σ_i m_i ‖v_i − Σ_t w_it g_t‖² + λ‖G‖², where m_i = 1 for items with training data and 0
 * for cold items (their vector is only their feature part, so they carry no evidence about G).
 * Each g_t has a closed form given the others; residuals are updated in place.
 */
export function featureSweep(
  features: ItemFeatures,
  featItems: { indptr: Int32Array; items: Int32Array; weights: Float32Array },
  v: Float32Array,
  g: Float32Array,
  k: number,
  lambda: number,
  hasData: Uint8Array,
): void {
  const f = featurePart(features, g, k);
  const resid = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) resid[i] = v[i]! - f[i]!;
  const num = new Float64Array(k);
  const delta = new Float64Array(k);
  for (let t = 0; t < features.slots; t++) {
    const s = featItems.indptr[t]!;
    const e = featItems.indptr[t + 1]!;
    if (s === e) continue;
    const go = t * k;
    num.fill(0);
    let den = lambda;
    for (let p = s; p < e; p++) {
      const i = featItems.items[p]!;
      if (!hasData[i]) continue;
      const w = featItems.weights[p]!;
      den += w * w;
      const o = i * k;
      for (let a = 0; a < k; a++) num[a]! += w * (resid[o + a]! + w * g[go + a]!);
    }
    for (let a = 0; a < k; a++) {
      const next = num[a]! / den;
      delta[a] = next - g[go + a]!;
      g[go + a] = next;
    }
    // Item-major (one contiguous row per item), the same arithmetic per cell as factor-major.
    for (let p = s; p < e; p++) {
      const o = featItems.items[p]! * k;
      const w = featItems.weights[p]!;
      for (let a = 0; a < k; a++) resid[o + a]! -= w * delta[a]!;
    }
  }
}

/** The feature → items transpose of an ItemFeatures table. */
export function featureItems(features: ItemFeatures): { indptr: Int32Array; items: Int32Array; weights: Float32Array } {
  const counts = new Int32Array(features.slots + 1);
  for (let p = 0; p < features.indices.length; p++) counts[features.indices[p]! + 1]!++;
  for (let t = 0; t < features.slots; t++) counts[t + 1]! += counts[t]!;
  const pos = counts.slice(0, features.slots);
  const items = new Int32Array(features.indices.length);
  const weights = new Float32Array(features.indices.length);
  const n = features.indptr.length - 1;
  for (let i = 0; i < n; i++) {
    for (let p = features.indptr[i]!; p < features.indptr[i + 1]!; p++) {
      const q = pos[features.indices[p]!]!++;
      items[q] = i;
      weights[q] = features.weights[p]!;
    }
  }
  return { indptr: counts, items, weights };
}
