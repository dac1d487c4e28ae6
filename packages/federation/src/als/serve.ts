import { addPrior, blendScores, buildContentIndex, contentProfile, contentScores, type BatchScorer, type ContentIndex, type Interactions, type ItemFeatures } from '@mixtape/model';
import { confidences, gram, solveUser } from './node-step.js';
import type { PrivateAlsParams } from './params.js';

/**
 * The content (public tag) index a listener's blend reads, at the federation's IDF powers (the
 * item side defaults to the listener side for settings written before it had its own); undefined
 * without features.
 */
export function listenerContent(features: ItemFeatures, p: Pick<PrivateAlsParams, 'contentIdfPower'> & { contentItemIdfPower?: number }): ContentIndex | undefined {
  if (features.indices.length === 0) return undefined;
  return buildContentIndex(features, p.contentIdfPower, p.contentItemIdfPower ?? p.contentIdfPower);
}

/**
 * What a listener gets from the shared model, computed on their machine: their vector solved
 * against every item's factors from their own plays, and the factor scores blended with the
 * content (public tag) scores of their own history.
 */
export function listenerVectors(table: Float32Array, k: number, history: Interactions, p: Pick<PrivateAlsParams, 'alpha' | 'maxConfidence' | 'lambda' | 'perUserScale' | 'lambdaPerObs'>): Float32Array {
  const n = table.length / k;
  const g = gram(table, n, k);
  const out = new Float32Array(history.userIds.length * k);
  for (let u = 0; u < history.userIds.length; u++) {
    const s = history.indptr[u]!;
    const e = history.indptr[u + 1]!;
    if (s === e) continue;
    const items = history.indices.subarray(s, e);
    const conf = confidences({ items, plays: Float64Array.from(history.values.subarray(s, e)) }, p);
    out.set(solveUser(table, g, k, items, conf, p.lambda, p.lambdaPerObs), u * k);
  }
  return out;
}

/**
 * The public popularity prior of a vocabulary: log(1 + released noisy count) for the shared items,
 * 0 for the rest, z-scored over the vocabulary. Released counts only: no privacy cost.
 */
export function popularityPrior(shared: Int32Array, counts: Float32Array, vocabSize: number): Float32Array {
  const p = new Float32Array(vocabSize);
  shared.forEach((i, r) => (p[i] = Math.log1p(Math.max(0, counts[r]!))));
  let m = 0;
  for (const v of p) m += v;
  m /= vocabSize;
  let s = 0;
  for (const v of p) s += (v - m) ** 2;
  s = Math.sqrt(s / vocabSize) || 1;
  for (let i = 0; i < vocabSize; i++) p[i] = (p[i]! - m) / s;
  return p;
}

/**
 * Scores (factor part blended with content part at weight beta per user, then the popularity prior
 * when given) for evaluation; the model package's Recommender serves the same sum.
 */
export function blendedScorer(
  table: Float32Array,
  k: number,
  users: Float32Array,
  history: Interactions,
  content: ContentIndex | undefined,
  beta: (u: number) => number,
  prior?: { z: Float32Array; weight: number },
): BatchScorer {
  const n = table.length / k;
  return (batch: Int32Array) => {
    const out = new Float32Array(batch.length * n);
    const cs = new Float32Array(n);
    batch.forEach((u, j) => {
      const o = j * n;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let a = 0; a < k; a++) s += users[u * k + a]! * table[i * k + a]!;
        out[o + i] = s;
      }
      const b = beta(u);
      if (content && b > 0) {
        const profile = contentProfile(content, history.indices.subarray(history.indptr[u]!, history.indptr[u + 1]!));
        contentScores(content, profile, cs, 0);
        if (b >= 1) out.set(cs, o);
        else blendScores(out, cs, Math.min(0.999, b), o, n);
      }
      if (prior) addPrior(out, prior.z, prior.weight, o, n);
    });
    return out;
  };
}
