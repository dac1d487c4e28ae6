import { seededNormal, seededRandom } from './gaussian.js';

/**
 * Orthonormalises the columns of a rows x dim table in place (modified Gram-Schmidt, in float64).
 * A column that collapses to zero is left zero rather than divided by ~0.
 */
export function orthonormalize(table: Float64Array, rows: number, dim: number): void {
  for (let j = 0; j < dim; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let dot = 0;
        for (let i = 0; i < rows; i++) dot += table[i * dim + j]! * table[i * dim + k]!;
        for (let i = 0; i < rows; i++) table[i * dim + j]! -= dot * table[i * dim + k]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += table[i * dim + j]! ** 2;
    norm = Math.sqrt(norm);
    const inv = norm > 1e-12 ? 1 / norm : 0;
    for (let i = 0; i < rows; i++) table[i * dim + j]! *= inv;
  }
}

/** The public starting table (version 0): random orthonormal columns from the federation seed. */
export function initialTable(rows: number, dim: number, seed: number): Float32Array {
  const normal = seededNormal(seededRandom(seed));
  const t = new Float64Array(rows * dim);
  for (let i = 0; i < t.length; i++) t[i] = normal();
  orthonormalize(t, rows, dim);
  return Float32Array.from(t);
}

/** Scores of every row for a user vector: table * user. */
export function scoreAll(table: Float32Array, rows: number, dim: number, user: Float64Array): Float64Array {
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    const o = i * dim;
    for (let j = 0; j < dim; j++) s += table[o + j]! * user[j]!;
    out[i] = s;
  }
  return out;
}
