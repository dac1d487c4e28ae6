import { Rng } from '@mixtape/core';
import type { ItemFeatures } from '@mixtape/model';
import { addItemStepStats, countContribution, gram, itemStepStats, type Listens } from './node-step.js';
import { initialTable, selectShared, sharedRows, solveItems } from './hub-step.js';
import { noisePlan, type NoisePlan, type PrivateAlsParams } from './params.js';
import { publishedTable, tagPrior } from './tail.js';

/** What private ALS produced: the shared items, their factors, and factors for the whole vocabulary. */
export interface PrivateAlsModel {
  params: PrivateAlsParams;
  noise: NoisePlan;
  /** Vocabulary indices of the shared items (ascending). */
  shared: Int32Array;
  /** The noisy selection counts of the shared items. */
  counts: Float32Array;
  sharedTable: Float32Array;
  /** vocabulary x tableDim: shared rows learned, the rest from public features, then the tag columns. */
  table: Float32Array;
  tableDim: number;
}

/**
 * L2 sensitivity of one node's round update, with B the user vector's norm (1, or the `userNorm`
 * bound): clip · B for the rhs, clip · B² for the per-item Gramian when shared, B² for û ûᵀ.
 */
export function roundSensitivity(p: Pick<PrivateAlsParams, 'clip' | 'itemGram'> & { userNorm?: number }): number {
  const b2 = p.userNorm && p.userNorm > 0 ? p.userNorm * p.userNorm : 1;
  return Math.sqrt(p.clip * p.clip * b2 * (p.itemGram ? 1 + b2 : 1) + b2 * b2);
}

/**
 * Private ALS in one process, with the noise added once to each sum (the distribution the hub's
 * sum has when every node adds its share): the reference the HTTP protocol is tested against, and
 * what benchmarks use to sweep settings quickly. `onStep` hears each item step's end (1 … rounds).
 */
export function trainPrivateAls(nodes: Listens[], vocabSize: number, features: ItemFeatures, p: PrivateAlsParams, epsilon: number, delta = 1e-5, onStep?: (done: number) => void): PrivateAlsModel {
  const noise = noisePlan(p, epsilon, delta);
  const rng = new Rng(p.seed ^ 0x5eed);
  const counts = new Float32Array(vocabSize);
  for (const x of nodes) {
    const c = countContribution(x, vocabSize, p.itemsPerNode);
    for (let i = 0; i < vocabSize; i++) counts[i]! += c[i]!;
  }
  const countStd = noise.countNoise * Math.sqrt(p.itemsPerNode);
  for (let i = 0; i < vocabSize; i++) counts[i]! += countStd * rng.normal();
  const shared = selectShared(counts, p.sharedItems);
  const rows = sharedRows(shared, vocabSize);
  const sharedCounts = Float32Array.from(shared, (i) => counts[i]!);
  const k = p.dim;
  let table = p.initFromTags ? initialTable(shared, k, p.seed, features) : initialTable(shared.length, k, p.seed);
  const std = noise.roundNoise * roundSensitivity(p);
  let prior: Float32Array | undefined;
  for (let t = 0; t < p.rounds; t++) {
    const g = gram(table, shared.length, k);
    const rhs = new Float64Array(table.length);
    const itemGram = p.itemGram ? new Float64Array(shared.length * k * k) : undefined;
    const userGram = new Float64Array(k * k);
    for (const x of nodes) addItemStepStats(itemStepStats(x, rows, table, g, p), k, rhs, itemGram, userGram);
    if (std > 0) {
      for (let i = 0; i < rhs.length; i++) rhs[i]! += std * rng.normal();
      for (let a = 0; a < k; a++) for (let b = a; b < k; b++) userGram[a * k + b]! += std * rng.normal();
      if (itemGram) for (let r = 0; r < shared.length; r++) for (let a = 0; a < k; a++) for (let b = a; b < k; b++) itemGram[r * k * k + a * k + b]! += std * rng.normal();
    }
    table = solveItems({ rhs, userGram, nodes: nodes.length, noisy: std > 0, noiseStd: std, ...(itemGram ? { itemGram } : {}) }, sharedCounts, p, prior);
    // As the hub: no public features, no prior (an empty one would only add priorWeight to the ridge).
    if (p.priorWeight > 0 && features.indices.length > 0) prior = tagPrior(shared, table, features, k, p.featureLambda);
    onStep?.(t + 1);
  }
  return { params: p, noise, shared, counts: sharedCounts, sharedTable: table, ...publishedTable(shared, table, sharedCounts, features, p) };
}
