import { Rng } from '@mixtape/core';
import { buildContentIndex, type ItemFeatures } from '@mixtape/model';
import { symmetricEigen } from './psd.js';

/**
 * A dense low-rank embedding of public item features: the top-r left singular directions of the
 * items' TF-IDF tag rows (randomized SVD, Halko et al. 2011: project on r + 8 random directions,
 * orthonormalize, solve the small problem exactly), each item's row scaled to unit norm. Public
 * data only, so every node and the hub compute the same thing at no privacy cost.
 */
export function tagEmbedding(features: ItemFeatures, r: number, seed = 1): Float32Array {
  const key = `${r}:${seed}`;
  const cached = memo.get(features)?.get(key);
  if (cached) return cached;
  const c = buildContentIndex(features, 1);
  const n = c.nItems;
  const l = r + 8;
  const rng = new Rng(seed);
  const omega = new Float64Array(c.slots * l);
  for (let i = 0; i < omega.length; i++) omega[i] = rng.normal();
  // Y = A Ω (n x l), then two power iterations (A Aᵀ) Y for a sharper spectrum.
  const y = new Float64Array(n * l);
  const times = (x: Float64Array, out: Float64Array) => {
    out.fill(0);
    for (let i = 0; i < n; i++)
      for (let p = c.indptr[i]!; p < c.indptr[i + 1]!; p++) {
        const w = c.weights[p]!;
        const o = c.indices[p]! * l;
        for (let j = 0; j < l; j++) out[i * l + j]! += w * x[o + j]!;
      }
  };
  const timesT = (q: Float64Array, out: Float64Array) => {
    out.fill(0);
    for (let i = 0; i < n; i++)
      for (let p = c.indptr[i]!; p < c.indptr[i + 1]!; p++) {
        const w = c.weights[p]!;
        const o = c.indices[p]! * l;
        for (let j = 0; j < l; j++) out[o + j]! += w * q[i * l + j]!;
      }
  };
  times(omega, y);
  const bt = new Float64Array(c.slots * l);
  for (let it = 0; it < 2; it++) {
    orthonormalizeColumns(y, n, l);
    timesT(y, bt);
    times(bt, y);
  }
  orthonormalizeColumns(y, n, l);
  timesT(y, bt);
  // B Bᵀ = (Qᵀ A)(Aᵀ Q), l x l; its eigenvectors rotate Q onto A's left singular vectors.
  const g = new Float64Array(l * l);
  for (let s = 0; s < c.slots; s++) for (let a = 0; a < l; a++) for (let b = a; b < l; b++) g[a * l + b]! += bt[s * l + a]! * bt[s * l + b]!;
  for (let a = 0; a < l; a++) for (let b = 0; b < a; b++) g[a * l + b] = g[b * l + a]!;
  const { values, vectors } = symmetricEigen(g, l);
  const order = Array.from(values.keys()).sort((a, b) => values[b]! - values[a]!).slice(0, r);
  const out = new Float32Array(n * r);
  for (let i = 0; i < n; i++) {
    let n2 = 0;
    order.forEach((e, j) => {
      let s = 0;
      for (let a = 0; a < l; a++) s += y[i * l + a]! * vectors[a * l + e]!;
      s *= Math.sqrt(Math.max(0, values[e]!));
      out[i * r + j] = s;
      n2 += s * s;
    });
    const inv = n2 > 0 ? 1 / Math.sqrt(n2) : 0;
    for (let j = 0; j < r; j++) out[i * r + j]! *= inv;
  }
  if (!memo.has(features)) memo.set(features, new Map());
  memo.get(features)!.set(key, out);
  return out;
}

/** The hub computes the embedding once per feature set, not once per round. */
const memo = new WeakMap<ItemFeatures, Map<string, Float32Array>>();

/** Modified Gram-Schmidt on the columns of a row-major n x l matrix. */
function orthonormalizeColumns(y: Float64Array, n: number, l: number): void {
  for (let j = 0; j < l; j++) {
    for (let p = 0; p < j; p++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += y[i * l + j]! * y[i * l + p]!;
      for (let i = 0; i < n; i++) y[i * l + j]! -= d * y[i * l + p]!;
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += y[i * l + j]! ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let i = 0; i < n; i++) y[i * l + j]! *= inv;
  }
}

/** Appends `weight` times the tag embedding to every row of a table: the columns a listener's own solve uses for taste in tags. */
export function withTagColumns(table: Float32Array, k: number, tags: Float32Array, r: number, weight: number): Float32Array {
  const n = table.length / k;
  const out = new Float32Array(n * (k + r));
  for (let i = 0; i < n; i++) {
    out.set(table.subarray(i * k, (i + 1) * k), i * (k + r));
    for (let j = 0; j < r; j++) out[i * (k + r) + k + j] = weight * tags[i * r + j]!;
  }
  return out;
}
