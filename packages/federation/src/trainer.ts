/**
 * Local training: the only contract between the federation and a recommender. Given the global
 * item table and one node's interactions (rows and weights), return the node's update to the table.
 * The model package's trainer can replace this one as long as it keeps the signature.
 */
export interface Interactions {
  /** Rows in the shared vocabulary, distinct. */
  rows: Int32Array;
  /** Evidence for each row (plays, confidence); only relative sizes matter. */
  weights: Float64Array;
}

/** A node's update before privacy: table rows (rows x dim, sparse in practice) and row counts. */
export interface LocalUpdate {
  table: Float32Array;
  counts: Float32Array;
}

/** Confidence from raw play counts, scaled to unit L2 norm so one heavy listener weighs like any other. */
export function confidence(counts: ArrayLike<number>): Float64Array {
  const w = new Float64Array(counts.length);
  let n2 = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = Math.max(0, Number(counts[i]));
    w[i] = Math.log1p(c);
    n2 += w[i]! ** 2;
  }
  const inv = n2 > 0 ? 1 / Math.sqrt(n2) : 0;
  for (let i = 0; i < w.length; i++) w[i]! *= inv;
  return w;
}

/**
 * The user vector in closed form: the least-squares fold-in p = (Q^T Q)^-1 Q^T x, which is Q^T x
 * because the hub publishes Q with orthonormal columns.
 */
export function userVector(table: Float32Array, dim: number, x: Interactions): Float64Array {
  const p = new Float64Array(dim);
  for (let k = 0; k < x.rows.length; k++) {
    const o = x.rows[k]! * dim;
    const w = x.weights[k]!;
    for (let j = 0; j < dim; j++) p[j]! += w * table[o + j]!;
  }
  return p;
}

/**
 * One alternating step for the item table: with the user vector fixed, the node's share of the
 * item-side normal equations is x p^T (summed over nodes by the hub, then re-orthonormalised).
 * p is scaled to unit length: every node then uses its whole norm bound (|x p^T| = 1), which
 * matters once noise of a fixed size is added, and no node weighs more because its tastes happen
 * to align with the current table. Counts carry countsWeight * x, which the hub uses to drop
 * rows nobody plays.
 */
export function localUpdate(table: Float32Array, rows: number, dim: number, x: Interactions, countsWeight = 1): LocalUpdate {
  if (table.length !== rows * dim) throw new RangeError(`table has ${table.length} entries, expected ${rows * dim}`);
  const p = userVector(table, dim, x);
  let pn = 0;
  for (let j = 0; j < dim; j++) pn += p[j]! * p[j]!;
  const inv = pn > 0 ? 1 / Math.sqrt(pn) : 0;
  for (let j = 0; j < dim; j++) p[j]! *= inv;
  const out = new Float32Array(rows * dim);
  const counts = new Float32Array(rows);
  for (let k = 0; k < x.rows.length; k++) {
    const r = x.rows[k]!;
    const w = x.weights[k]!;
    counts[r] = counts[r]! + countsWeight * w;
    for (let j = 0; j < dim; j++) out[r * dim + j] = out[r * dim + j]! + w * p[j]!;
  }
  return { table: out, counts };
}

/** L2 norm over the table and counts together. */
export function updateNorm(u: LocalUpdate): number {
  let s = 0;
  for (const v of u.table) s += v * v;
  for (const v of u.counts) s += v * v;
  return Math.sqrt(s);
}

/** Scales the update down to norm <= clip (no-op when already inside); returns the factor used. */
export function clipUpdate(u: LocalUpdate, clip: number): number {
  const n = updateNorm(u);
  if (n <= clip || n === 0) return 1;
  const f = clip / n;
  for (let i = 0; i < u.table.length; i++) u.table[i]! *= f;
  for (let i = 0; i < u.counts.length; i++) u.counts[i]! *= f;
  return f;
}
