/**
 * Ranking metrics with binary relevance. `ranked` is a user's recommended items, best first;
 * `relevant` the user's held-out items. Each returns a value in [0, 1].
 */
export function recallAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  if (relevant.size === 0) return 0;
  return hits(ranked, relevant, k) / relevant.size;
}

/** Hits in the top k divided by k. */
export function precisionAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  return hits(ranked, relevant, k) / k;
}

/** NDCG@k: DCG of the ranking over the DCG of an ideal ranking of min(|relevant|, k) hits. */
export function ndcgAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  if (relevant.size === 0) return 0;
  let dcg = 0;
  const n = Math.min(k, ranked.length);
  for (let r = 0; r < n; r++) if (relevant.has(ranked[r]!)) dcg += 1 / Math.log2(r + 2);
  let idcg = 0;
  for (let r = 0; r < Math.min(k, relevant.size); r++) idcg += 1 / Math.log2(r + 2);
  return dcg / idcg;
}

/** Catalogue coverage: distinct items recommended to anyone over the number of items. */
export function coverage(lists: Iterable<ArrayLike<number>>, nItems: number, k: number): number {
  const seen = new Set<number>();
  for (const l of lists) for (let r = 0; r < Math.min(k, l.length); r++) seen.add(l[r]!);
  return nItems === 0 ? 0 : seen.size / nItems;
}

function hits(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  let h = 0;
  const n = Math.min(k, ranked.length);
  for (let r = 0; r < n; r++) if (relevant.has(ranked[r]!)) h++;
  return h;
}
