import { itemCounts, type Interactions } from '../data/interactions.js';
import type { BatchScorer } from '../metrics/evaluate.js';

/** Scores every item by how many training users have it: the same list for everyone. */
export function popularityScorer(train: Interactions): BatchScorer {
  const counts = Float32Array.from(itemCounts(train));
  const n = counts.length;
  return (users) => {
    const out = new Float32Array(users.length * n);
    for (let j = 0; j < users.length; j++) out.set(counts, j * n);
    return out;
  };
}
