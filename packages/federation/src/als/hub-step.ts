import { Rng } from '@mixtape/core';
import { choleskySolve, type ItemFeatures } from '@mixtape/model';
import type { PrivateAlsParams } from './params.js';
import { projectPsd } from './psd.js';
import { tagEmbedding } from './tag-embedding.js';

/**
 * The shared items: the `sharedItems` largest noisy counts (ties by index), in ascending
 * vocabulary order. Choosing from released noisy counts is post-processing: it costs nothing more.
 */
export function selectShared(noisyCounts: Float32Array, sharedItems: number): Int32Array {
  const order = Int32Array.from(noisyCounts.keys()).sort((a, b) => noisyCounts[b]! - noisyCounts[a]! || a - b);
  return order.slice(0, Math.min(sharedItems, order.length)).sort();
}

/** vocabulary index -> row in the shared table, -1 outside it. */
export function sharedRows(shared: Int32Array, vocabSize: number): Int32Array {
  const rows = new Int32Array(vocabSize).fill(-1);
  shared.forEach((i, r) => (rows[i] = r));
  return rows;
}

/**
 * The public initial table: seeded normal entries scaled so rows have norm about 1. With public
 * features, a shared item that has any starts from its unit-norm tag embedding instead, so the
 * first item step already refines a meaningful table (public data: no privacy cost).
 */
export function initialTable(shared: Int32Array | number, dim: number, seed: number, features?: ItemFeatures): Float32Array {
  const rows = typeof shared === 'number' ? shared : shared.length;
  const rng = new Rng(seed);
  const t = new Float32Array(rows * dim);
  for (let i = 0; i < t.length; i++) t[i] = rng.normal() / Math.sqrt(dim);
  if (!features || typeof shared === 'number' || features.indices.length === 0) return t;
  const emb = tagEmbedding(features, dim);
  shared.forEach((item, r) => {
    if (features.indptr[item + 1]! > features.indptr[item]!) t.set(emb.subarray(item * dim, (item + 1) * dim), r * dim);
  });
  return t;
}

/** The noised sums of one round, as the hub has them. */
export interface RoundSums {
  /** shared x dim: Σ w_i û. */
  rhs: Float64Array | Float32Array;
  /** shared x dim x dim (upper triangles): Σ (w_i − 1) û ûᵀ, when the federation shares it. */
  itemGram?: Float64Array | Float32Array;
  /** dim x dim: Σ û ûᵀ over the nodes (each adds a norm-1 matrix). */
  userGram?: Float64Array | Float32Array;
  /** Nodes in the sum. */
  nodes: number;
  /** False when no noise was added: sums of PSD matrices need no projection back onto the PSD cone. */
  noisy?: boolean;
  /** The std of the noise on each released entry (public: the noise plan times the sensitivity). */
  noiseStd?: number;
}

/**
 * The item step from noised sums: (Ĝ + Ĝ_i + (lambdaItem + popularityPenalty · count_i) I) v_i = rhs_i.
 * Unit user vectors make Σ û ûᵀ close to (n / dim) I (trace n), which stands for Ĝ; Ĝ_i is the
 * item's shared Gramian where there is one. Counts are the released selection counts, so using
 * them is free. With a prior (priorWeight), each row is pulled towards its prior row. Rows are then
 * scaled so an average row has norm about 1, unless `rescale` is off.
 */
export function solveItems(
  s: RoundSums,
  counts: Float32Array,
  p: Pick<PrivateAlsParams, 'dim' | 'lambdaItem' | 'popularityPenalty'> & { rescale?: boolean; priorWeight?: number; gramFloor?: number },
  prior?: Float32Array,
): Float32Array {
  const pw = prior ? (p.priorWeight ?? 0) : 0;
  const k = p.dim;
  const out = new Float32Array(s.rhs.length);
  const a = new Float64Array(k * k);
  const b = new Float64Array(k);
  const psd = (m: Float64Array, floor = 0) => (s.noisy === false ? m : projectPsd(m, k, floor));
  const ug = s.userGram ? psd(symmetric(s.userGram, k), gramFloor(s, p)) : undefined;
  for (let r = 0; r < counts.length; r++) {
    const diag = p.lambdaItem + pw + p.popularityPenalty * Math.max(0, counts[r]!) + (ug ? 0 : s.nodes / k);
    if (!s.itemGram && !ug) {
      for (let j = 0; j < k; j++) out[r * k + j] = (s.rhs[r * k + j]! + (pw ? pw * prior![r * k + j]! : 0)) / diag;
      continue;
    }
    const ig = s.itemGram ? psd(symmetric(s.itemGram.subarray(r * k * k, (r + 1) * k * k), k)) : undefined;
    for (let i = 0; i < k; i++) {
      b[i] = s.rhs[r * k + i]! + (pw ? pw * prior![r * k + i]! : 0);
      for (let j = 0; j < k; j++) a[i * k + j] = (ig ? ig[i * k + j]! : 0) + (ug ? ug[i * k + j]! : 0);
    }
    for (let i = 0; i < k; i++) a[i * k + i]! += diag;
    out.set(choleskySolve(a, b, k), r * k);
  }
  if (p.rescale === false) return out;
  let n2 = 0;
  for (const v of out) n2 += v * v;
  const f = n2 > 0 ? Math.sqrt(counts.length / n2) : 1;
  for (let i = 0; i < out.length; i++) out[i]! *= f;
  return out;
}

/**
 * The least eigenvalue the noisy user Gramian keeps: `gramFloor` times the noise's own scale on a
 * k x k matrix (its entries' std times √k). Noise pushes the Gramian's smallest eigenvalues to
 * about 0, and the item solve then multiplies every rare item's rhs noise along those directions
 * (at 10,000 listeners and 64 factors one such direction held a third of the table); raising
 * them to the noise's scale is post-processing of a released sum.
 */
export function gramFloor(s: Pick<RoundSums, 'noisy' | 'noiseStd'>, p: { dim: number; gramFloor?: number }): number {
  if (s.noisy === false || !(s.noiseStd! > 0) || !(p.gramFloor! > 0)) return 0;
  return p.gramFloor! * s.noiseStd! * Math.sqrt(p.dim);
}

/** The full symmetric matrix from an upper triangle. */
function symmetric(upper: ArrayLike<number>, k: number): Float64Array {
  const m = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = i; j < k; j++) m[i * k + j] = m[j * k + i] = upper[i * k + j]!;
  return m;
}
