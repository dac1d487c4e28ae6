import type { Interactions } from '../data/interactions.js';
import type { BatchScorer } from '../metrics/evaluate.js';
import type { ItemIndex } from '../serve/item-index.js';
import { blendScores, buildContentIndex, contentProfile, contentScores, type ContentIndex } from './content.js';

/**
 * Batch scorer for the hybrid model: the factor part on the tensor engine (float32 or int8 index,
 * same code) plus the sparse content part from each user's history, blended with weight β.
 */
export function hybridScorer(
  userFactors: Float32Array,
  k: number,
  index: ItemIndex,
  history: Interactions,
  content: ContentIndex | undefined,
  beta: number,
): BatchScorer {
  const n = index.rows;
  return async (users: Int32Array) => {
    const rows = new Float32Array(users.length * k);
    users.forEach((u, j) => rows.set(userFactors.subarray(u * k, (u + 1) * k), j * k));
    const scores = await index.scoreBatch(rows, users.length);
    if (!content || beta <= 0) return scores;
    const cs = new Float32Array(n);
    users.forEach((u, j) => {
      const profile = contentProfile(content, history.indices.subarray(history.indptr[u]!, history.indptr[u + 1]!));
      contentScores(content, profile, cs, 0);
      blendScores(scores, cs, beta, j * n, n);
    });
    return scores;
  };
}

export { buildContentIndex };
