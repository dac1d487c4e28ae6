import { choleskySolve } from '@mixtape/model';
import type { PrivateAlsParams } from './params.js';

/** One listener's own plays over the vocabulary: item indices (distinct) and play counts. */
export interface Listens {
  items: Int32Array;
  plays: Float64Array;
}

/** Confidence of each play count, relative to the listener's median so heavy and light listeners count alike. */
export function confidences(x: Listens, p: Pick<PrivateAlsParams, 'alpha' | 'maxConfidence'> & { perUserScale?: number }): Float64Array {
  const sorted = Float64Array.from(x.plays).sort();
  const med = Math.max(1e-9, sorted.length ? sorted[sorted.length >> 1]! : 1) * (p.perUserScale ?? 1);
  return Float64Array.from(x.plays, (w) => Math.min(1 + p.alpha * Math.log1p(w / med), p.maxConfidence));
}

/** Positions (into x.items) of the listener's m most played items, ties broken by item index. */
export function topItems(x: Listens, m: number, keep?: (item: number) => boolean): number[] {
  const pos: number[] = [];
  for (let j = 0; j < x.items.length; j++) if (!keep || keep(x.items[j]!)) pos.push(j);
  pos.sort((a, b) => x.plays[b]! - x.plays[a]! || x.items[a]! - x.items[b]!);
  return pos.slice(0, m);
}

/** Y^T Y of a row-major table (rows x k), the unobserved part of every user solve. */
export function gram(y: Float32Array, rows: number, k: number): Float64Array {
  const g = new Float64Array(k * k);
  for (let r = 0; r < rows; r++) {
    const o = r * k;
    for (let a = 0; a < k; a++) {
      const ya = y[o + a]!;
      if (ya === 0) continue;
      for (let b = a; b < k; b++) g[a * k + b]! += ya * y[o + b]!;
    }
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) g[a * k + b] = g[b * k + a]!;
  return g;
}

/**
 * The exact implicit-ALS user step against fixed item factors, on the listener's machine:
 * (G + Σ (w_i − 1) v_i v_iᵀ + λI) u = Σ w_i v_i over the rows (table rows) of its items, where
 * w_i ≥ 1 is the confidence of a played item and every other item weighs 1 with target 0.
 * The vector never leaves the node.
 */
export function solveUser(table: Float32Array, g: Float64Array, k: number, rows: ArrayLike<number>, conf: ArrayLike<number>, lambda: number, lambdaPerObs = 0): Float64Array {
  const a = Float64Array.from(g);
  const b = new Float64Array(k);
  let seen = 0;
  for (let j = 0; j < rows.length; j++) if (rows[j]! >= 0) seen++;
  for (let i = 0; i < k; i++) a[i * k + i]! += lambda + lambdaPerObs * seen;
  for (let j = 0; j < rows.length; j++) {
    const r = rows[j]!;
    if (r < 0) continue;
    const o = r * k;
    const w = conf[j]!;
    const c = w - 1;
    for (let i = 0; i < k; i++) {
      const yi = table[o + i]!;
      b[i]! += w * yi;
      for (let l = 0; l <= i; l++) a[i * k + l]! += c * yi * table[o + l]!;
    }
  }
  return choleskySolve(a, b, k);
}

/** Scales a vector to unit L2 norm (zero stays zero). */
export function unit(v: Float64Array): Float64Array {
  let n = 0;
  for (const x of v) n += x * x;
  const inv = n > 0 ? 1 / Math.sqrt(n) : 0;
  return v.map((x) => x * inv);
}

/** The user vector a node sends: unit norm (bound 0), or shrunk to the bound only when longer. */
export function boundedUser(v: Float64Array, bound: number): Float64Array {
  if (!(bound > 0)) return unit(v);
  let n = 0;
  for (const x of v) n += x * x;
  return n > bound * bound ? v.map((x) => (x * bound) / Math.sqrt(n)) : v;
}

/**
 * A node's selection contribution: 1 for each of its m most played items (the L2 sensitivity is
 * sqrt(m)), as a dense vector over the vocabulary so that the hub cannot see which were set.
 */
export function countContribution(x: Listens, vocabSize: number, m: number): Float32Array {
  const out = new Float32Array(vocabSize);
  for (const j of topItems(x, m)) out[x.items[j]!] = 1;
  return out;
}

/** A node's statistics for the item step before they are laid out densely: rows, clipped confidences, bounded user vector. */
export interface ItemStepStats {
  rows: Int32Array;
  conf: Float64Array;
  u: Float64Array;
}

/**
 * A node's statistics for the item step: for each of its m most played shared items, c_i and its
 * user vector û (norm 1, or at most `userNorm`: B), with the confidence vector clipped to L2 norm
 * `clip`, so the update c ⊗ û has Frobenius norm at most clip · B (and c_i û ûᵀ, when the per-item
 * Gramian is shared, at most clip · B²).
 */
export function itemStepStats(
  x: Listens,
  sharedRow: Int32Array,
  table: Float32Array,
  g: Float64Array,
  p: Pick<PrivateAlsParams, 'dim' | 'itemsPerNode' | 'alpha' | 'maxConfidence' | 'clip' | 'lambda'> & { userNorm?: number; perUserScale?: number; lambdaPerObs?: number },
): ItemStepStats {
  const conf = confidences(x, p);
  const rows = Int32Array.from(x.items, (i) => sharedRow[i]!);
  const raw = solveUser(table, g, p.dim, rows, conf, p.lambda, p.lambdaPerObs ?? 0);
  const u = boundedUser(raw, p.userNorm ?? 0);
  const pick = topItems(x, p.itemsPerNode, (i) => sharedRow[i]! >= 0);
  let n2 = 0;
  for (const j of pick) n2 += conf[j]! ** 2;
  const scale = n2 > p.clip * p.clip ? p.clip / Math.sqrt(n2) : 1;
  return { rows: Int32Array.from(pick, (j) => rows[j]!), conf: Float64Array.from(pick, (j) => conf[j]! * scale), u };
}

/**
 * Adds a node's statistics into dense sums: rhs (shared x dim) += c_i û, and, when given,
 * itemGram (shared x dim x dim, upper triangle used) += (c_i − 1) û ûᵀ. The wire form of a contribution
 * is exactly these arrays for one node, so the hub cannot see which rows were touched once noised.
 */
export function addItemStepStats(s: ItemStepStats, k: number, rhs: Float32Array | Float64Array, itemGram?: Float32Array | Float64Array, userGram?: Float32Array | Float64Array): void {
  if (userGram) for (let a = 0; a < k; a++) for (let b = a; b < k; b++) userGram[a * k + b]! += s.u[a]! * s.u[b]!;
  for (let j = 0; j < s.rows.length; j++) {
    const r = s.rows[j]!;
    const c = s.conf[j]!;
    for (let a = 0; a < k; a++) rhs[r * k + a]! += c * s.u[a]!;
    if (!itemGram) continue;
    const o = r * k * k;
    for (let a = 0; a < k; a++) for (let b = a; b < k; b++) itemGram[o + a * k + b]! += (c - 1) * s.u[a]! * s.u[b]!;
  }
}
