import { Rng } from '@mixtape/core';
import { addPrior, blendScores, chooseOverDefault, HELD_OUT_MARGIN, contentProfile, contentScores, ndcgAtK, topK, type ContentIndex, type Interactions } from '@mixtape/model';
import { confidences, gram, solveUser } from './node-step.js';
import type { PrivateAlsParams } from './params.js';

/** Blend weights a listener tries: the share of the content (own tags) score against the federated factors. */
export const BLEND_GRID = [0, 0.2, 0.4, 0.6, 0.7, 0.8, 0.9, 1];

/**
 * Each listener's blend weight, tuned on their own held-out plays on their own machine: their items
 * are dealt into `folds` seeded folds; for each, the vector is solved from the other folds and every
 * weight is scored by how well it ranks the held-out fold (NDCG@10, the rest excluded). A weight
 * replaces the default only when its mean beats the default's by `margin` (chooseOverDefault: a few
 * held-out items are a noisy judge); listeners with fewer than `minItems` items keep the default.
 * Nothing leaves the machine.
 */
export function tuneBlend(
  table: Float32Array,
  k: number,
  history: Interactions,
  content: ContentIndex | undefined,
  p: Pick<PrivateAlsParams, 'alpha' | 'maxConfidence' | 'lambda' | 'perUserScale' | 'lambdaPerObs' | 'contentBeta'>,
  options: { minItems?: number; seed?: number; grid?: number[]; folds?: number; margin?: number; prior?: { z: Float32Array; weight: number } } = {},
): Float32Array {
  // The default is always a candidate: a listener who cannot beat it by the margin keeps it.
  const grid = [...new Set([...(options.grid ?? BLEND_GRID), p.contentBeta])].sort((a, b) => a - b);
  const minItems = options.minItems ?? 30;
  const n = table.length / k;
  const g = gram(table, n, k);
  const out = new Float32Array(history.userIds.length).fill(p.contentBeta);
  if (!content) return out.fill(0);
  const factor = new Float32Array(n);
  const cs = new Float32Array(n);
  const mixed = new Float32Array(n);
  const folds = options.folds ?? 3;
  // On validation splits a plain argmax lost 5 % at 10,000 listeners; 5 or 10 folds did no better
  // than 3 (docs/BENCHMARKS.md, "Per-listener blend weights").
  const margin = options.margin ?? HELD_OUT_MARGIN;
  const sum = new Float64Array(grid.length);
  for (let u = 0; u < history.userIds.length; u++) {
    const s = history.indptr[u]!;
    const e = history.indptr[u + 1]!;
    if (e - s < minItems) continue;
    const rng = new Rng((options.seed ?? 11) + u);
    const order = rng.shuffle(Int32Array.from({ length: e - s }, (_, j) => s + j));
    sum.fill(0);
    for (let f = 0; f < folds; f++) {
      const held = new Set<number>();
      const fit: number[] = [];
      order.forEach((q, j) => (j % folds === f ? held.add(history.indices[q]!) : fit.push(q)));
      const items = Int32Array.from(fit, (q) => history.indices[q]!);
      const conf = confidences({ items, plays: Float64Array.from(fit, (q) => history.values[q]!) }, p);
      const seen = Int32Array.from(items).sort();
      const vec = solveUser(table, g, k, items, conf, p.lambda, p.lambdaPerObs);
      for (let i = 0; i < n; i++) {
        let v = 0;
        for (let a = 0; a < k; a++) v += vec[a]! * table[i * k + a]!;
        factor[i] = v;
      }
      contentScores(content, contentProfile(content, items), cs, 0);
      grid.forEach((beta, b) => {
        if (beta >= 1) mixed.set(cs);
        else {
          mixed.set(factor);
          blendScores(mixed, cs, beta, 0, n);
        }
        if (options.prior) addPrior(mixed, options.prior.z, options.prior.weight, 0, n);
        sum[b]! += ndcgAtK(topK(mixed, 10, seen, 0, n), held, 10) / folds;
      });
    }
    out[u] = chooseOverDefault(grid, sum, p.contentBeta, margin);
  }
  return out;
}
