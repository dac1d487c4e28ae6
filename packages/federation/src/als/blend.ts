import { blendScores, contentProfile, contentScores, ndcgAtK, Rng, topK, type ContentIndex, type Interactions } from '@mixtape/model';
import { confidences, gram, solveUser } from './node-step.js';
import type { PrivateAlsParams } from './params.js';

/** Blend weights a listener tries: the share of the content (own tags) score against the federated factors. */
export const BLEND_GRID = [0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 1];

/**
 * Each listener's blend weight, tuned on their own held-out plays on their own machine: a seeded
 * fifth of their items is held out, their vector is solved from the rest, and the weight that ranks
 * the held-out items best (NDCG@10, excluding the rest) wins; ties, and listeners with fewer than
 * `minItems` items, keep the default. Nothing about it leaves the machine.
 */
export function tuneBlend(
  table: Float32Array,
  k: number,
  history: Interactions,
  content: ContentIndex | undefined,
  p: Pick<PrivateAlsParams, 'alpha' | 'maxConfidence' | 'lambda' | 'contentBeta'>,
  options: { minItems?: number; seed?: number; grid?: number[] } = {},
): Float32Array {
  const grid = options.grid ?? BLEND_GRID;
  const minItems = options.minItems ?? 10;
  const n = table.length / k;
  const g = gram(table, n, k);
  const out = new Float32Array(history.userIds.length).fill(p.contentBeta);
  if (!content) return out.fill(0);
  const factor = new Float32Array(n);
  const cs = new Float32Array(n);
  const mixed = new Float32Array(n);
  for (let u = 0; u < history.userIds.length; u++) {
    const s = history.indptr[u]!;
    const e = history.indptr[u + 1]!;
    if (e - s < minItems) continue;
    const rng = new Rng((options.seed ?? 11) + u);
    const order = rng.shuffle(Int32Array.from({ length: e - s }, (_, j) => s + j));
    const nHeld = Math.max(1, Math.round((e - s) / 5));
    const held = new Set(Array.from(order.subarray(0, nHeld), (q) => history.indices[q]!));
    const fit = order.subarray(nHeld);
    const items = Int32Array.from(fit, (q) => history.indices[q]!);
    const conf = confidences({ items, plays: Float64Array.from(fit, (q) => history.values[q]!) }, p);
    const seen = Int32Array.from(items).sort();
    const vec = solveUser(table, g, k, items, conf, p.lambda);
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let a = 0; a < k; a++) v += vec[a]! * table[i * k + a]!;
      factor[i] = v;
    }
    contentScores(content, contentProfile(content, items), cs, 0);
    let best = -1;
    let bestBeta = p.contentBeta;
    for (const beta of grid) {
      if (beta >= 1) mixed.set(cs);
      else {
        mixed.set(factor);
        blendScores(mixed, cs, beta, 0, n);
      }
      const score = ndcgAtK(topK(mixed, 10, seen, 0, n), held, 10);
      const closer = Math.abs(beta - p.contentBeta) < Math.abs(bestBeta - p.contentBeta);
      if (score > best + 1e-12 || (Math.abs(score - best) <= 1e-12 && closer)) {
        best = score;
        bestBeta = beta;
      }
    }
    out[u] = bestBeta;
  }
  return out;
}
