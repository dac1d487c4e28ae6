import type { ItemFeatures } from '@mixtape/model';
import { initialTable, selectShared, solveItems } from './als/hub-step.js';
import { publishedTable, tagPrior } from './als/tail.js';
import type { ModelArrays, ModelHeader } from './model-file.js';
import { noiseMultiplier, payloadLength, sensitivity, sharedCount, type FederationParams } from './params.js';

/** Reads every stored payload of a round, in a stable order. */
export type PayloadSource = (visit: (id: string, payload: Float32Array | Float64Array) => void) => Promise<void>;

/** What one aggregation produced: the arrays of the next version and how it was made. */
export interface AggregateResult extends ModelArrays {
  stage: ModelHeader['stage'];
  accepted: number;
  /** Columns of `table` (factors, then public tag columns). */
  tableDim: number;
}

/**
 * A round's sum and the hub's step on it. Every contribution was bounded and carries its share of
 * the noise, so the sum is the Gaussian mechanism's output and all that follows is post-processing.
 * Round 1: the noisy counts choose the shared items. Later rounds: the item step of private ALS
 * from the summed statistics, then factors for the rest of the vocabulary from public features.
 */
export async function aggregateRound(
  params: FederationParams,
  source: PayloadSource,
  round: number,
  previous: ModelArrays | undefined,
  features: ItemFeatures | undefined,
  /** Nodes behind the payloads, when a payload is already a sum (secure aggregation, folded partial sums). */
  contributors?: number,
): Promise<AggregateResult> {
  const len = payloadLength(params, round);
  const sum = new Float64Array(len);
  let n = 0;
  await source((_id, u) => {
    for (let i = 0; i < len; i++) sum[i]! += u[i]!;
    n++;
  });
  if (n === 0) throw new Error(`round ${round} has no contributions`);
  if (contributors !== undefined) n = contributors;
  const a = params.als;
  const k = a.dim;
  if (round === 1) {
    const counts = Float32Array.from(sum);
    const shared = selectShared(counts, sharedCount(params));
    return { stage: 'selection', accepted: n, tableDim: k, shared, counts: Float32Array.from(shared, (i) => counts[i]!), sharedTable: a.initFromTags && features ? initialTable(shared, k, a.seed, features) : initialTable(shared.length, k, a.seed) };
  }
  if (!previous) throw new Error(`round ${round} needs version ${round - 1}`);
  const s = previous.shared.length;
  const rhs = sum.subarray(0, s * k);
  const userGram = sum.subarray(s * k, s * k + k * k);
  const itemGram = a.itemGram ? sum.subarray(s * k + k * k) : undefined;
  // The tag prior (a.priorWeight) is fitted to the previous step's factors, as trainPrivateAls does;
  // the first step (round 2) starts from the public initial table and has none.
  const prior = a.priorWeight > 0 && features && round > 2 ? tagPrior(previous.shared, previous.sharedTable, features, k, a.featureLambda) : undefined;
  const sums = { rhs, userGram, nodes: n, noisy: params.roundNoise > 0, noiseStd: noiseMultiplier(params, round) * sensitivity(params, round), ...(itemGram ? { itemGram } : {}) };
  const sharedTable = solveItems(sums, previous.counts, a, prior);
  const out: AggregateResult = { stage: 'factors', accepted: n, tableDim: k, shared: previous.shared, counts: previous.counts, sharedTable };
  if (features) Object.assign(out, publishedTable(previous.shared, sharedTable, previous.counts, features, a));
  return out;
}
