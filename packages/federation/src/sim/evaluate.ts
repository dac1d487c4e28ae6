import { confidence, userVector } from '../trainer.js';
import { MetricTotals, type Metrics } from './metrics.js';
import type { UserRows } from './interactions.js';

/** The catalogue a simulation ranks: item ids of the file and their rows in the vocabulary. */
export interface Catalogue {
  items: string[];
  rows: Int32Array;
  rowOf: Map<string, number>;
}

/** Indices of the k largest scores, best first (ties by lower index), skipping `skip`. */
export function topK(scores: Float64Array, k: number, skip: ReadonlySet<number>): number[] {
  const heapI: number[] = [];
  const worse = (a: number, b: number) => scores[a]! < scores[b]! || (scores[a] === scores[b] && a > b);
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heapI.length && worse(heapI[l]!, heapI[m]!)) m = l;
      if (r < heapI.length && worse(heapI[r]!, heapI[m]!)) m = r;
      if (m === i) return;
      [heapI[i], heapI[m]] = [heapI[m]!, heapI[i]!];
      i = m;
    }
  };
  for (let i = 0; i < scores.length; i++) {
    if (skip.has(i)) continue;
    if (heapI.length < k) {
      heapI.push(i);
      for (let c = heapI.length - 1; c > 0; ) {
        const p = (c - 1) >> 1;
        if (!worse(heapI[c]!, heapI[p]!)) break;
        [heapI[c], heapI[p]] = [heapI[p]!, heapI[c]!];
        c = p;
      }
    } else if (worse(heapI[0]!, i)) {
      heapI[0] = i;
      siftDown(0);
    }
  }
  return heapI.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
}

/**
 * Ranks the whole catalogue for each user by the fold-in score q_item . p_user (p from the user's
 * training rows, as a node computes it) and scores the held-out items.
 */
export function evaluateTable(
  table: Float32Array,
  dim: number,
  catalogue: Catalogue,
  train: UserRows[],
  test: Map<string, Set<string>>,
): Metrics {
  const totals = new MetricTotals(catalogue.items.length);
  const scores = new Float64Array(catalogue.items.length);
  const index = new Map(catalogue.items.map((it, i) => [it, i]));
  for (const u of train) {
    const relevant = test.get(u.user);
    if (!relevant) continue;
    const rows = Int32Array.from(u.items, (it) => catalogue.rowOf.get(it)!);
    const p = userVector(table, dim, { rows, weights: confidence(u.counts) });
    for (let c = 0; c < catalogue.items.length; c++) {
      const o = catalogue.rows[c]! * dim;
      let s = 0;
      for (let j = 0; j < dim; j++) s += table[o + j]! * p[j]!;
      scores[c] = s;
    }
    const seen = new Set(u.items.map((it) => index.get(it)!));
    totals.add(
      topK(scores, 50, seen).map((c) => catalogue.items[c]!),
      relevant,
    );
  }
  return totals.result();
}
