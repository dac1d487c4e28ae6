import { confidences, gram, solveUser, type Listens } from './node-step.js';
import type { PrivateAlsParams } from './params.js';

/** A pulled global model as a listener's machine uses it. */
export interface GlobalModel {
  version: number;
  dim: number;
  keys: string[];
  names: string[];
  /** vocabulary x dim: the shared items' learned factors, the tail's from public features. */
  table: Float32Array;
  /** Vocabulary indices the federation learned from listeners (the rest came from public features). */
  shared: Int32Array;
  als: PrivateAlsParams;
}

/** The listener's vector against the whole table, solved from their own plays on their own machine. */
export function listenerVector(m: GlobalModel, x: Listens, g = gram(m.table, m.keys.length, m.dim)): Float64Array {
  return solveUser(m.table, g, m.dim, x.items, confidences(x, m.als), m.als.lambda, m.als.lambdaPerObs);
}

/** Every vocabulary item's score for a listener vector. */
export function scoreItems(m: GlobalModel, u: Float64Array): Float32Array {
  const k = m.dim;
  const out = new Float32Array(m.keys.length);
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let a = 0; a < k; a++) s += u[a]! * m.table[i * k + a]!;
    out[i] = s;
  }
  return out;
}

/** Scores of every vocabulary item for a listener's own plays (what "listeners with your taste play"). */
export function listenerScores(m: GlobalModel, x: Listens): Float32Array {
  return scoreItems(m, listenerVector(m, x));
}
