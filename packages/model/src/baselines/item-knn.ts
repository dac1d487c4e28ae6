import { transpose, type Interactions } from '../data/interactions.js';
import type { BatchScorer } from '../metrics/evaluate.js';

/** Options for item-kNN: neighbours kept per item, and how play counts become weights. */
export interface ItemKnnOptions {
  neighbours?: number;
  /** Shrinks similarities of items with few co-listeners: sim = dot / (‖a‖‖b‖ + shrink). */
  shrink?: number;
  /** Use log(1 + plays) weights instead of 0/1. */
  logWeights?: boolean;
}

/** A sparse item-item similarity table: the `neighbours` most similar items of each item. */
export interface ItemKnnModel {
  nItems: number;
  neighbours: number;
  indices: Int32Array;
  sims: Float32Array;
}

/** Fits item-kNN with cosine similarity over users (Sarwar et al. 2001), keeping the top neighbours per item. */
export function trainItemKnn(train: Interactions, options: ItemKnnOptions = {}): ItemKnnModel {
  const K = options.neighbours ?? 200;
  const shrink = options.shrink ?? 10;
  const weight = (w: number) => (options.logWeights ?? true ? Math.log1p(w) : 1);
  const nI = train.itemIds.length;
  const byItem = transpose(train);
  const norms = new Float64Array(nI);
  for (let i = 0; i < nI; i++) {
    let s = 0;
    for (let p = byItem.indptr[i]!; p < byItem.indptr[i + 1]!; p++) s += weight(byItem.values[p]!) ** 2;
    norms[i] = Math.sqrt(s);
  }
  const indices = new Int32Array(nI * K).fill(-1);
  const sims = new Float32Array(nI * K);
  const acc = new Float64Array(nI);
  const touched: number[] = [];
  for (let i = 0; i < nI; i++) {
    touched.length = 0;
    for (let p = byItem.indptr[i]!; p < byItem.indptr[i + 1]!; p++) {
      const u = byItem.indices[p]!;
      const wi = weight(byItem.values[p]!);
      for (let q = train.indptr[u]!; q < train.indptr[u + 1]!; q++) {
        const j = train.indices[q]!;
        if (j === i) continue;
        if (acc[j] === 0) touched.push(j);
        acc[j]! += wi * weight(train.values[q]!);
      }
    }
    const cand = touched.map((j) => ({ j, s: acc[j]! / (norms[i]! * norms[j]! + shrink) }));
    for (const j of touched) acc[j] = 0;
    cand.sort((a, b) => b.s - a.s || a.j - b.j);
    for (let n = 0; n < Math.min(K, cand.length); n++) {
      indices[i * K + n] = cand[n]!.j;
      sims[i * K + n] = cand[n]!.s;
    }
  }
  return { nItems: nI, neighbours: K, indices, sims };
}

/** Scores item j for user u as Σ over u's items i of weight(u,i) · sim(i, j). */
export function itemKnnScorer(model: ItemKnnModel, train: Interactions, options: ItemKnnOptions = {}): BatchScorer {
  const weight = (w: number) => (options.logWeights ?? true ? Math.log1p(w) : 1);
  const n = model.nItems;
  const K = model.neighbours;
  return (users) => {
    const out = new Float32Array(users.length * n);
    users.forEach((u, b) => {
      const o = b * n;
      for (let p = train.indptr[u]!; p < train.indptr[u + 1]!; p++) {
        const i = train.indices[p]!;
        const w = weight(train.values[p]!);
        for (let m = 0; m < K; m++) {
          const j = model.indices[i * K + m]!;
          if (j < 0) break;
          out[o + j]! += w * model.sims[i * K + m]!;
        }
      }
    });
    return out;
  };
}
