import type { Interactions } from '../data/interactions.js';
import { tf, tensorEngine, type Tensor2D } from '../engine/tf.js';
import type { HalfStepOptions } from './als.js';

/**
 * Rows per chunk of a half step: a sixteenth of the rows (at least 64), whatever the thread count,
 * so the factors never depend on how many threads share the chunks. Sixteen chunks balance two to
 * four threads; more, smaller chunks cost a tensor-engine call each (measured: 128-row chunks were
 * slower than one thread on HetRec).
 */
export function alsChunkRows(rows: number): number {
  return Math.max(64, Math.ceil(rows / 16));
}

/**
 * The same half step as `alsHalfStep`, but every row runs its conjugate-gradient step in lockstep,
 * so the dense part of A·p (the Gramian times every row's direction) is one (rows × k)·(k × k)
 * matMul on the tensor engine per step; the sparse part (observed cells) stays in JS. Measured on
 * HetRec: about 4× faster than the per-row loop, whose k² dense product dominated. Rows go in
 * chunks of `alsChunkRows` (`alsChunk`), the unit that worker threads share (`AlsPool`).
 */
export async function alsHalfStepBatched(r: Interactions, y: Float32Array, x: Float32Array, opt: HalfStepOptions): Promise<void> {
  await tensorEngine();
  const gram = gramianArray(y, r.itemIds.length, opt.k, opt.unobservedWeight ?? 1, opt.columnWeights);
  const rows = r.userIds.length;
  const size = alsChunkRows(rows);
  for (let start = 0; start < rows; start += size) await alsChunk(r, y, x, opt, gram, start, Math.min(rows, start + size));
}

/** The weighted Gramian base · Yᵀ diag(w) Y as a plain array (computed once per half step, shared by its chunks). */
export function gramianArray(y: Float32Array, rows: number, k: number, base = 1, weights?: Float64Array): Float32Array {
  const t = gramianTensor(y, rows, k, base, weights);
  const g = t.dataSync() as Float32Array;
  t.dispose();
  return Float32Array.from(g);
}

/** Solves rows [start, end) of one half step into x, given the half step's Gramian (k × k). */
export async function alsChunk(r: Interactions, y: Float32Array, x: Float32Array, opt: HalfStepOptions, gram: Float32Array, start: number, end: number): Promise<void> {
  const total = r.indptr.length - 1;
  if (!(start >= 0 && end <= total && start < end)) throw new RangeError(`ALS chunk rows ${start}..${end} lie outside the ${total} rows of this half step`);
  await tensorEngine();
  const k = opt.k;
  const rows = end - start;
  const base = opt.unobservedWeight ?? 1;
  const colW = opt.columnWeights;
  const gT = tf.tensor2d(gram, [k, k]);
  // Row-local views: row j of this chunk is row start + j of r, x and prior.
  const indptr = r.indptr.subarray(start, end + 1);
  const xs = x.subarray(start * k, end * k);
  const prior = opt.prior?.subarray(start * k, end * k);
  const lam = new Float32Array(rows);
  const gs = new Float32Array(rows);
  for (let row = 0; row < rows; row++) {
    const n = indptr[row + 1]! - indptr[row]!;
    lam[row] = opt.lambda + (opt.lambdaPerObs ?? 0) * n + (opt.prior ? opt.priorWeight ?? 0 : 0);
    gs[row] = opt.rowWeights ? opt.rowWeights[start + row]! : 1;
  }
  // Per observed cell: its extra weight (c − w0) and the offset of its factor row, computed once.
  // Cell p of this chunk is at p0 + p in r's arrays.
  const p0 = indptr[0]!;
  const nnz = indptr[rows]! - p0;
  const coef = new Float32Array(nnz);
  const yOff = new Int32Array(nnz);
  for (let row = 0; row < rows; row++) {
    const w0 = base * gs[row]!;
    for (let p = indptr[row]! - p0; p < indptr[row + 1]! - p0; p++) {
      const col = r.indices[p0 + p]!;
      coef[p] = 1 + r.values[p0 + p]! - (colW ? base * colW[col]! : w0);
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
      const last = indptr[row + 1]! - p0;
      for (let p = indptr[row]! - p0; p < last; p++) {
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
    await apply(xs.slice());
    const res = new Float32Array(rows * k);
    for (let row = 0; row < rows; row++) {
      const o = row * k;
      for (let a = 0; a < k; a++) res[o + a] = -ap[o + a]!;
      for (let p = indptr[row]!; p < indptr[row + 1]!; p++) {
        const c = 1 + r.values[p]!;
        const yo = r.indices[p]! * k;
        for (let a = 0; a < k; a++) res[o + a]! += c * y[yo + a]!;
      }
      if (prior) {
        const mu = opt.priorWeight ?? 0;
        for (let a = 0; a < k; a++) res[o + a]! += mu * prior[o + a]!;
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
          xs[o + a]! += alpha * dir[o + a]!;
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
export function gramianTensor(y: Float32Array, rows: number, k: number, base = 1, weights?: Float64Array): Tensor2D {
  return tf.tidy(() => {
    const t = tf.tensor2d(y, [rows, k]);
    const left = weights ? tf.mul(t, tf.tensor2d(Float32Array.from(weights), [rows, 1])) : t;
    const g = tf.matMul(tf.transpose(left), t);
    return (base === 1 ? g : tf.mul(g, base)) as Tensor2D;
  });
}
