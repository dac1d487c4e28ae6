import type { Interactions } from '../data/interactions.js';

/** Options for one alternating-least-squares half step. */
export interface HalfStepOptions {
  k: number;
  /** L2 penalty on each solved vector. */
  lambda: number;
  /** Extra penalty that grows with the row's count of observations (frequency-scaled regularization). */
  lambdaPerObs?: number;
  /** Weight of every unobserved cell (the implicit-feedback "all zeros" term). */
  unobservedWeight?: number;
  /** Per-column unobserved weights (e.g. by item popularity, as in eALS); multiplies unobservedWeight. */
  columnWeights?: Float64Array;
  /** Per-row unobserved weights (the same weights seen from the item side). */
  rowWeights?: Float64Array;
  /** Conjugate-gradient steps per row, warm-started from the current vector. */
  cgSteps: number;
  /** If set, each row is pulled towards `prior[row]` with weight `priorWeight` instead of towards 0. */
  prior?: Float32Array;
  priorWeight?: number;
}

/** The k×k Gramian YᵀY of a row-major factor table. */
export function gramian(y: Float32Array, rows: number, k: number, weights?: Float64Array): Float64Array {
  const g = new Float64Array(k * k);
  for (let r = 0; r < rows; r++) {
    const o = r * k;
    const wr = weights ? weights[r]! : 1;
    for (let a = 0; a < k; a++) {
      const ya = y[o + a]! * wr;
      if (ya === 0) continue;
      const ga = a * k;
      for (let b = a; b < k; b++) g[ga + b]! += ya * y[o + b]!;
    }
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) g[a * k + b] = g[b * k + a]!;
  return g;
}

/**
 * Solves, for every row r of `r` (e.g. users), the weighted ridge problem of implicit ALS:
 * min_x Σ_j c_rj (p_rj − x·y_j)² + λ‖x − prior_r‖², with c = 1 + values (values are confidences
 * already transformed), p = 1 on observed cells, and weight `unobservedWeight` on all others.
 * Uses conjugate gradient warm-started from x (Takács et al. 2011), which is far cheaper than a
 * k³ Cholesky per row and converges in a few steps because x changes little between sweeps.
 * Training uses `alsHalfStepBatched` (same maths, dense part on the tensor engine); this per-row
 * version is the reference it is tested against.
 */
export function alsHalfStep(r: Interactions, y: Float32Array, x: Float32Array, opt: HalfStepOptions): void {
  const k = opt.k;
  const base = opt.unobservedWeight ?? 1;
  const g = gramian(y, r.itemIds.length, k, opt.columnWeights);
  if (base !== 1) for (let i = 0; i < g.length; i++) g[i]! *= base;
  const colW = opt.columnWeights;
  const res = new Float64Array(k);
  const dir = new Float64Array(k);
  const ap = new Float64Array(k);
  const xv = new Float64Array(k);
  const rows = r.userIds.length;
  for (let row = 0; row < rows; row++) {
    const s = r.indptr[row]!;
    const e = r.indptr[row + 1]!;
    const w0 = opt.rowWeights ? base * opt.rowWeights[row]! : base;
    const lam = opt.lambda + (opt.lambdaPerObs ?? 0) * (e - s) + (opt.prior ? opt.priorWeight ?? 0 : 0);
    const xo = row * k;
    for (let a = 0; a < k; a++) xv[a] = x[xo + a]!;
    // res = b − A x, with b = Σ c_j y_j + μ prior and A = G + Σ (c_j − w0) y_j y_jᵀ + λI.
    applyA(g, r, s, e, y, k, lam, w0, xv, ap, colW, base);
    for (let a = 0; a < k; a++) res[a] = -ap[a]!;
    for (let p = s; p < e; p++) {
      const c = 1 + r.values[p]!;
      const yo = r.indices[p]! * k;
      for (let a = 0; a < k; a++) res[a]! += c * y[yo + a]!;
    }
    if (opt.prior) {
      const mu = opt.priorWeight ?? 0;
      for (let a = 0; a < k; a++) res[a]! += mu * opt.prior[xo + a]!;
    }
    let rr = 0;
    for (let a = 0; a < k; a++) {
      dir[a] = res[a]!;
      rr += res[a]! * res[a]!;
    }
    for (let step = 0; step < opt.cgSteps && rr > 1e-20; step++) {
      applyA(g, r, s, e, y, k, lam, w0, dir, ap, colW, base);
      let pap = 0;
      for (let a = 0; a < k; a++) pap += dir[a]! * ap[a]!;
      if (pap <= 0) break;
      const alpha = rr / pap;
      let rrNew = 0;
      for (let a = 0; a < k; a++) {
        xv[a]! += alpha * dir[a]!;
        res[a]! -= alpha * ap[a]!;
        rrNew += res[a]! * res[a]!;
      }
      const beta = rrNew / rr;
      rr = rrNew;
      for (let a = 0; a < k; a++) dir[a] = res[a]! + beta * dir[a]!;
    }
    for (let a = 0; a < k; a++) x[xo + a] = xv[a]!;
  }
}

/** out = (G + Σ_obs (c_j − w0) y_j y_jᵀ + λI) v, without forming the matrix. */
function applyA(
  g: Float64Array,
  r: Interactions,
  s: number,
  e: number,
  y: Float32Array,
  k: number,
  lam: number,
  w0: number,
  v: Float64Array,
  out: Float64Array,
  colW: Float64Array | undefined,
  base: number,
): void {
  // The row's Gramian part is scaled by its own unobserved weight (w0 / base, 1 unless rowWeights).
  const gs = w0 / base;
  for (let a = 0; a < k; a++) {
    let acc = 0;
    const ga = a * k;
    for (let b = 0; b < k; b++) acc += g[ga + b]! * v[b]!;
    out[a] = gs * acc + lam * v[a]!;
  }
  for (let p = s; p < e; p++) {
    const yo = r.indices[p]! * k;
    let dot = 0;
    for (let a = 0; a < k; a++) dot += y[yo + a]! * v[a]!;
    dot *= 1 + r.values[p]! - (colW ? base * colW[r.indices[p]!]! : w0);
    for (let a = 0; a < k; a++) out[a]! += dot * y[yo + a]!;
  }
}
