import { gramian } from '../hybrid/als.js';
import { int8Gramian, itemRow, type ItemTable } from './quantize.js';

/** One piece of evidence about a user: an item, how sure we are, and whether it was liked (1) or not (0). */
export interface Evidence {
  item: number;
  confidence: number;
  preference: 0 | 1;
}

/** What a listener did, mapped to evidence for fold-in. */
export type FeedbackKind = 'like' | 'played' | 'skip' | 'ban';

/** Default evidence per feedback kind: likes count most, bans push hardest the other way. */
export const FEEDBACK_EVIDENCE: Record<FeedbackKind, { confidence: number; preference: 0 | 1 }> = {
  like: { confidence: 8, preference: 1 },
  played: { confidence: 2, preference: 1 },
  skip: { confidence: 4, preference: 0 },
  ban: { confidence: 30, preference: 0 },
};

/** Precomputed pieces for fast fold-in against one item table. */
export interface FoldInContext {
  k: number;
  /** float32 or int8 (rows are read one at a time, never dequantized as a whole). */
  items: ItemTable;
  gram: Float64Array;
  lambda: number;
  lambdaPerObs: number;
}

/** Builds the fold-in context: the item Gramian is computed once (O(items · k²)) and reused. */
export function foldInContext(items: ItemTable, rows: number, k: number, lambda = 1, lambdaPerObs = 0.3): FoldInContext {
  return { k, items, gram: items instanceof Float32Array ? gramian(items, rows, k) : int8Gramian(items), lambda, lambdaPerObs };
}

/**
 * The user vector that best explains the evidence given fixed item vectors: the exact implicit-ALS
 * user step (YᵀY + Σ c y yᵀ + λI) x = Σ c·p·y, solved by Cholesky. Evidence for the same item adds up,
 * so a skip after plays lowers that item's net pull. With `prior` (the model's user-side prior, as in
 * training), μ(x − q) is penalized too: μ joins λ and μq joins the right-hand side. No retraining:
 * O(evidence · k² + k³).
 */
export function foldIn(ctx: FoldInContext, evidence: readonly Evidence[], prior?: { vector: Float32Array; weight: number }): Float32Array {
  const { k, items, gram } = ctx;
  const a = Float64Array.from(gram);
  const b = new Float64Array(k);
  const mu = prior ? prior.weight : 0;
  const lam = ctx.lambda + ctx.lambdaPerObs * evidence.length + mu;
  if (prior) for (let i = 0; i < k; i++) b[i] = mu * prior.vector[i]!;
  for (let i = 0; i < k; i++) a[i * k + i]! += lam;
  const y = new Float64Array(k);
  for (const e of evidence) {
    itemRow(items, k, e.item, y);
    // Observed cell weight is 1 + c, replacing the unobserved weight 1 already in the Gramian.
    const c = e.confidence;
    const p = e.preference;
    for (let i = 0; i < k; i++) {
      const yi = y[i]!;
      if (p) b[i]! += (1 + c) * yi;
      for (let j = 0; j <= i; j++) a[i * k + j]! += c * yi * y[j]!;
    }
  }
  return Float32Array.from(choleskySolve(a, b, k));
}

/** Solves A x = b for symmetric positive-definite A (lower triangle read), in place on a copy. */
export function choleskySolve(a: Float64Array, b: Float64Array, k: number): Float64Array {
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * k + j]!;
      for (let m = 0; m < j; m++) s -= l[i * k + m]! * l[j * k + m]!;
      l[i * k + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / l[j * k + j]!;
    }
  }
  const y = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = b[i]!;
    for (let m = 0; m < i; m++) s -= l[i * k + m]! * y[m]!;
    y[i] = s / l[i * k + i]!;
  }
  const x = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let m = i + 1; m < k; m++) s -= l[m * k + i]! * x[m]!;
    x[i] = s / l[i * k + i]!;
  }
  return x;
}
