import type { ProgressFn } from '@mixtape/core';
import type { Interactions } from '../data/interactions.js';
import { coverage, ndcgAtK, precisionAtK, recallAtK } from './metrics.js';
import { topK } from './top-k.js';

/** Scores every item for a batch of users: a row-major (users.length × nItems) array. */
export type BatchScorer = (users: Int32Array) => Promise<Float32Array> | Float32Array;

/** Offline metrics at a cut-off K, averaged over users with at least one held-out item. */
export interface Metrics {
  k: number;
  users: number;
  ndcg: number;
  recall: number;
  precision: number;
  coverage: number;
}

/**
 * Ranks all items for every test user (excluding their training items), and averages Recall@K,
 * Precision@K, NDCG@K; coverage is over the union of the top-K lists. Every model variant
 * (float32, int8, baselines) goes through this same function.
 */
export async function evaluateScorer(
  score: BatchScorer,
  train: Interactions,
  test: Interactions,
  options: { k?: number; batch?: number; onProgress?: ProgressFn } = {},
): Promise<Metrics & { lists: Int32Array[] }> {
  const k = options.k ?? 10;
  const batch = options.batch ?? 256;
  const nI = train.itemIds.length;
  const users: number[] = [];
  for (let u = 0; u < test.userIds.length; u++) if (test.indptr[u + 1]! > test.indptr[u]!) users.push(u);
  let nd = 0;
  let rc = 0;
  let pr = 0;
  const lists: Int32Array[] = [];
  for (let b = 0; b < users.length; b += batch) {
    const ub = Int32Array.from(users.slice(b, b + batch));
    const scores = await score(ub);
    for (let j = 0; j < ub.length; j++) {
      const u = ub[j]!;
      const seen = train.indices.subarray(train.indptr[u]!, train.indptr[u + 1]!);
      const list = topK(scores, k, seen, j * nI, nI);
      const relevant = new Set(test.indices.subarray(test.indptr[u]!, test.indptr[u + 1]!));
      nd += ndcgAtK(list, relevant, k);
      rc += recallAtK(list, relevant, k);
      pr += precisionAtK(list, relevant, k);
      lists.push(list);
    }
    options.onProgress?.({ unit: 'users', done: Math.min(b + batch, users.length), total: users.length, message: 'evaluating' });
  }
  const n = Math.max(1, users.length);
  return { k, users: users.length, ndcg: nd / n, recall: rc / n, precision: pr / n, coverage: coverage(lists, nI, k), lists };
}
