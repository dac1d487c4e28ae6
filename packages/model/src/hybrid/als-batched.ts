import type { Interactions } from '../data/interactions.js';
import { tf, tensorEngine } from '../engine/tf.js';
import type { HalfStepOptions } from './als.js';

/**
 * The same half step as `alsHalfStep`, but every row runs its conjugate-gradient step in lockstep,
 * so the dense part of A·p (the Gramian times every row's direction) is one (rows × k)·(k × k)
 * matMul on the tensor engine per step; the sparse part (observed cells) stays in JS. Measured on
 * HetRec: about 4× faster than the per-row loop, whose k² dense product dominated.
 */
export async function alsHalfStepBatched(r: Interactions, y: Float32Array, x: Float32Array, opt: HalfStepOptions): Promise<void> {
  await tensorEngine();
  const k = opt.k;
  const rows = r.userIds.length;
  const base = opt.unobservedWeight ?? 1;
  const colW = opt.columnWeights;
  const gT = gramianTensor(y, r.itemIds.length, k, base, colW);
  const lam = new Float32Array(rows);
  const gs = new Float32Array(rows);
  for (let row = 0; row < rows; row++) {
    const n = r.indptr[row + 1]! - r.indptr[row]!;
    lam[row] = opt.lambda + (opt.lambdaPerObs ?? 0) * n + (opt.prior ? opt.priorWeight ?? 0 : 0);
    gs[row] = opt.rowWeights ? opt.rowWeights[row]! : 1;
  }
  // Per observed cell: its extra weight (c − w0) and the offset of its factor row, computed once.
  const nnz = r.indices.length;
  const coef = new Float32Array(nnz);
  const yOff = new Int32Array(nnz);
  const indptr = r.indptr;
  for (let row = 0; row < rows; row++) {
    const w0 = base * gs[row]!;
    for (let p = indptr[row]!; p < indptr[row + 1]!; p++) {
      const col = r.indices[p]!;
      coef[p] = 1 + r.values[p]! - (colW ? base * colW[col]! : w0);
      yOff[p] = col * k;
    }
  }
  const ap = new Float32Array(rows * k);
  const apply = async (v: Float32Array): Promise<void> => {
    const t = tf.tidy(() => tf.matMul(tf.tensor2d(v, [rows, k]), gT));
    ap.set((await t.data()) as Float32Array);
    t.dispose();
    for (let row = 0; row < rows; row++) {
      const o = row * k;
      const sg = gs[row]!;
      const l = lam[row]!;
      for (let a = 0; a < k; a++) ap[o + a] = sg * ap[o + a]! + l * v[o + a]!;
      const end = indptr[row + 1]!;
      for (let p = indptr[row]!; p < end; p++) {
        const yo = yOff[p]!;
        // Four partial sums: V8 does not vectorize, and this inner loop is most of the fit time.
        let d0 = 0;
        let d1 = 0;
        let d2 = 0;
        let d3 = 0;
        let a = 0;
        for (; a + 3 < k; a += 4) {
          d0 += y[yo + a]! * v[o + a]!;
          d1 += y[yo + a + 1]! * v[o + a + 1]!;
          d2 += y[yo + a + 2]! * v[o + a + 2]!;
          d3 += y[yo + a + 3]! * v[o + a + 3]!;
        }
        for (; a < k; a++) d0 += y[yo + a]! * v[o + a]!;
        const dot = (d0 + d1 + d2 + d3) * coef[p]!;
        for (a = 0; a < k; a++) ap[o + a]! += dot * y[yo + a]!;
      }
    }
  };
  try {
    await apply(x);
    const res = new Float32Array(rows * k);
    for (let row = 0; row < rows; row++) {
      const o = row * k;
      for (let a = 0; a < k; a++) res[o + a] = -ap[o + a]!;
      for (let p = r.indptr[row]!; p < r.indptr[row + 1]!; p++) {
        const c = 1 + r.values[p]!;
        const yo = r.indices[p]! * k;
        for (let a = 0; a < k; a++) res[o + a]! += c * y[yo + a]!;
      }
      if (opt.prior) {
        const mu = opt.priorWeight ?? 0;
        for (let a = 0; a < k; a++) res[o + a]! += mu * opt.prior[o + a]!;
      }
    }
    const dir = Float32Array.from(res);
    const rr = new Float64Array(rows);
    for (let row = 0; row < rows; row++) rr[row] = dot(res, res, row * k, k);
    for (let step = 0; step < opt.cgSteps; step++) {
      await apply(dir);
      for (let row = 0; row < rows; row++) {
        const o = row * k;
        if (rr[row]! <= 1e-20) continue;
        const pap = dot(dir, ap, o, k);
        if (pap <= 0) {
          rr[row] = 0;
          continue;
        }
        const alpha = rr[row]! / pap;
        let rrNew = 0;
        for (let a = 0; a < k; a++) {
          x[o + a]! += alpha * dir[o + a]!;
          res[o + a]! -= alpha * ap[o + a]!;
          rrNew += res[o + a]! * res[o + a]!;
        }
        const beta = rrNew / rr[row]!;
        rr[row] = rrNew;
        for (let a = 0; a < k; a++) dir[o + a] = res[o + a]! + beta * dir[o + a]!;
      }
    }
  } finally {
    gT.dispose();
  }
}

function dot(a: Float32Array, b: Float32Array, o: number, k: number): number {
  let s = 0;
  for (let i = 0; i < k; i++) s += a[o + i]! * b[o + i]!;
  return s;
}

/** base · Yᵀ diag(w) Y on the tensor engine (an explicit transpose: wasm's transposeA path is slower). */
export function gramianTensor(y: Float32Array, rows: number, k: number, base = 1, weights?: Float64Array): tf.Tensor2D {
  return tf.tidy(() => {
    const t = tf.tensor2d(y, [rows, k]);
    const left = weights ? tf.mul(t, tf.tensor2d(Float32Array.from(weights), [rows, 1])) : t;
    const g = tf.matMul(tf.transpose(left), t);
    return (base === 1 ? g : tf.mul(g, base)) as tf.Tensor2D;
  });
}
