import { orthonormalize } from './table.js';
import type { FederationParams } from './params.js';

/** Reads every stored (packed) payload of a round, in a stable order; called more than once. */
export type PayloadSource = (visit: (id: string, payload: Float32Array) => void) => Promise<void>;

/** What one aggregation produced: the next global table and the popularity it was pruned with. */
export interface AggregateResult {
  table: Float32Array;
  /** Estimated listener weight of each row, averaged over all rounds so far. */
  popularity: Float32Array;
  accepted: number;
  kept: number;
  trimmed: string[];
  keptRows: number;
}

/**
 * Clipped, trimmed mean of a round: the mean of all updates, then the `trimFraction` of updates
 * farthest from it dropped, then the item-side step (prune rows nobody plays, re-orthonormalise).
 * Updates were bounded on arrival, so no single node moves the result by more than its bound.
 * Two passes over the source: sums and norms, then distances via |u-m|^2 = |u|^2 - 2u.m + |m|^2.
 * Payloads are packed for `active` (see packing.ts); rows outside it get no vector this round.
 */
export async function aggregateRound(
  params: FederationParams,
  source: PayloadSource,
  previousPopularity: Float32Array | undefined,
  round: number,
  active: Int32Array,
): Promise<AggregateResult> {
  const { rows, dim } = params;
  const len = active.length * dim + rows;
  const countsAt = active.length * dim;
  const sum = new Float64Array(len);
  const norms2 = new Map<string, number>();
  await source((id, u) => {
    let n2 = 0;
    for (let i = 0; i < len; i++) {
      const v = u[i]!;
      sum[i]! += v;
      n2 += v * v;
    }
    norms2.set(id, n2);
  });
  const n = norms2.size;
  if (n === 0) throw new Error(`round ${round} has no contributions`);
  const drop = Math.floor(n * params.trimFraction);
  let trimmed: string[] = [];
  if (drop > 0) {
    let mean2 = 0;
    for (let i = 0; i < len; i++) mean2 += (sum[i]! / n) ** 2;
    const dist: Array<[string, number]> = [];
    await source((id, u) => {
      let dot = 0;
      for (let i = 0; i < len; i++) dot += u[i]! * sum[i]!;
      dist.push([id, norms2.get(id)! - (2 * dot) / n + mean2]);
    });
    dist.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    trimmed = dist.slice(0, drop).map((d) => d[0]);
    const out = new Set(trimmed);
    await source((id, u) => {
      if (!out.has(id)) return;
      for (let i = 0; i < len; i++) sum[i]! -= u[i]!;
    });
  }
  const kept = n - trimmed.length;
  // Popularity is a running mean of each round's summed counts (noise shrinks with rounds).
  const popularity = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const cur = sum[countsAt + r]!;
    const prev = previousPopularity ? previousPopularity[r]! : 0;
    popularity[r] = previousPopularity ? prev + (cur - prev) / round : cur;
  }
  const noiseStd = (params.noiseMultiplier * params.clip) / Math.sqrt(round);
  const threshold = params.pruneSigmas * noiseStd;
  const g = new Float64Array(rows * dim);
  let keptRows = 0;
  for (let k = 0; k < active.length; k++) {
    const r = active[k]!;
    if (!(popularity[r]! > threshold)) continue;
    keptRows++;
    for (let j = 0; j < dim; j++) g[r * dim + j] = sum[k * dim + j]!;
  }
  orthonormalize(g, rows, dim);
  if (noiseStd > 0 && params.shrink > 0) {
    for (let r = 0; r < rows; r++) {
      const pop = popularity[r]!;
      if (!(pop > threshold)) continue;
      const f = pop / (pop + params.shrink * noiseStd);
      for (let j = 0; j < dim; j++) g[r * dim + j]! *= f;
    }
  }
  return { table: Float32Array.from(g), popularity, accepted: n, kept, trimmed, keptRows };
}
