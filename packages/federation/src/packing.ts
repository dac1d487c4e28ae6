import type { FederationParams } from './params.js';
import type { LocalUpdate } from './trainer.js';

/**
 * Rows a round's updates carry. Round 1: every row. Later rounds: rows whose published popularity
 * (version round-1) is above `activeSigmas` standard deviations of its noise: a public set, so
 * sending exactly those rows, all of them and each with noise, reveals nothing about a node, while
 * updates shrink to the rows somebody plays. The bar is lower than the pruning bar so rows on
 * their way up keep getting vectors. Counts are always sent for every row.
 */
export function activeRows(params: FederationParams, round: number, popularity: Float32Array | undefined): Int32Array {
  if (round <= 1 || !popularity) return Int32Array.from({ length: params.rows }, (_, i) => i);
  const bar = (params.activeSigmas * params.noiseMultiplier * params.clip) / Math.sqrt(round - 1);
  const out: number[] = [];
  for (let r = 0; r < params.rows; r++) if (popularity[r]! > bar) out.push(r);
  return Int32Array.from(out);
}

/** Entries in an update for this active set: its rows' vectors, then one count per row. */
export function packedLength(active: Int32Array, rows: number, dim: number): number {
  return active.length * dim + rows;
}

/** The wire form of an update: the active rows' vectors (ascending row order), then all counts. */
export function packUpdate(u: LocalUpdate, active: Int32Array, dim: number): Float32Array {
  const rows = u.counts.length;
  const out = new Float32Array(packedLength(active, rows, dim));
  for (let k = 0; k < active.length; k++) out.set(u.table.subarray(active[k]! * dim, (active[k]! + 1) * dim), k * dim);
  out.set(u.counts, active.length * dim);
  return out;
}
