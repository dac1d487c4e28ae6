import type { LocalUpdate } from './trainer.js';

/**
 * Rows a round's updates carry: those with a non-zero vector in the version they were trained
 * from. That set is public (it is in the published table), so sending exactly those rows, all of
 * them and each with noise, reveals nothing about a node while making updates much smaller once
 * the hub has pruned rows nobody plays. Counts are always sent for every row, so new rows can
 * still be discovered.
 */
export function activeRows(table: Float32Array, rows: number, dim: number): Int32Array {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < dim; j++) {
      if (table[r * dim + j] !== 0) {
        out.push(r);
        break;
      }
    }
  }
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
