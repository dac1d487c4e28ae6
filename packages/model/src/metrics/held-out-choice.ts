/**
 * How much better (mean NDCG@10 of the held-out plays) a weight must rank a listener's held-out
 * plays than the default weight does to replace it. A few held-out plays are a noisy judge: on
 * validation splits a plain argmax lost 4.5 % (HetRec, `recommend`'s blend) and 5 % (10,000
 * synthetic listeners, the federation's content blend) against everyone at the default, and a margin
 * of 0.3 ties or nearly ties it (docs/BENCHMARKS.md, "Per-listener blend weights").
 */
export const HELD_OUT_MARGIN = 0.3;

/**
 * The weight a listener's own held-out plays choose: the best-scoring weight of `grid` if it beats
 * the default's score by more than `margin`, the default otherwise. Among equal scores the weight
 * nearest the default wins. `scores[i]` is the score of `grid[i]`; the default must be on the grid.
 */
export function chooseOverDefault(grid: ArrayLike<number>, scores: ArrayLike<number>, defaultWeight: number, margin = HELD_OUT_MARGIN): number {
  const base = Array.prototype.indexOf.call(grid, defaultWeight);
  if (base < 0) throw new RangeError(`the default weight ${defaultWeight} is not on the grid`);
  const eps = 1e-12;
  let best = base;
  for (let i = 0; i < grid.length; i++) {
    if (!(scores[i]! > scores[base]! + margin + eps)) continue;
    const nearer = Math.abs(grid[i]! - defaultWeight) < Math.abs(grid[best]! - defaultWeight);
    if (scores[i]! > scores[best]! + eps || (Math.abs(scores[i]! - scores[best]!) <= eps && nearer)) best = i;
  }
  return grid[best]!;
}
