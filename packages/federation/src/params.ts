import { MixtapeError } from '@mixtape/core';
import { noisePlan, privateAlsFor, type PrivateAlsParams } from './als/params.js';
import { roundSensitivity } from './als/train.js';

/**
 * The rules of one federation, published by the hub at /v1/federation. Nodes check them before
 * training, and the accountant derives the privacy cost of each round from them. Round 1 releases
 * the selection counts; rounds 2..1+als.rounds each release one item step of private ALS.
 */
export interface FederationParams {
  scheme: 'private-als-1';
  /** Vocabulary version: a contribution for another vocabulary is refused. */
  vocabVersion: string;
  vocabSize: number;
  als: PrivateAlsParams;
  /** The per-listener budget of the whole training (counts and every round), at delta; 0 = no noise (JSON has no Infinity). */
  epsilon: number;
  delta: number;
  /** Noise multipliers (std / sensitivity) of the counts and of each round, derived from epsilon. */
  countNoise: number;
  roundNoise: number;
  /** A round is summed once this many contributions were accepted; the noise is split among this many. */
  minContributors: number;
  /** Largest request body the hub reads, in bytes. */
  maxBodyBytes: number;
  /** When set, rounds run secure aggregation (`secagg/`): the hub sees only the noised sum; minContributors is the minimum of survivors. */
  secureAggregation?: SecureAggregationParams;
}

/** The settings of secure aggregation, published with the federation's parameters. */
export interface SecureAggregationParams {
  /** Most nodes one round takes: sizes the integer encoding's headroom (more nodes, coarser integers). */
  maxNodes: number;
  /** Share of nodes the neighbour graph is sized to lose in a round (Bell et al.: more dropout, more neighbours). */
  dropout: number;
  /** Milliseconds each protocol step waits for nodes before it closes with those that answered. */
  stepMs: number;
}

/** Secure aggregation defaults: 0.3 dropout, 60 s a step, rounds of at most 10,000 nodes. */
export const SECURE_AGGREGATION_DEFAULTS: SecureAggregationParams = { maxNodes: 10_000, dropout: 0.3, stepMs: 60_000 };

/**
 * Parameters of a new federation over a vocabulary, at a per-listener epsilon (0 or Infinity: no
 * noise), sized for about `listeners` listeners (default: minContributors) unless `als` says otherwise.
 */
export function defaultParams(
  over: Partial<Omit<FederationParams, 'als'>> & { als?: Partial<PrivateAlsParams>; listeners?: number } & Pick<FederationParams, 'vocabVersion' | 'vocabSize'>,
): FederationParams {
  const epsilon = over.epsilon ?? 8;
  // Only 0 (or Infinity) means no noise: a negative or missing-number epsilon is a mistake, not an opt-out.
  if (Number.isNaN(epsilon) || epsilon < 0)
    throw new MixtapeError('hub_bad_parameters', `Epsilon must be 0 (no noise) or positive, not ${epsilon}`, { suggestion: 'pass --epsilon 8, or 0 for no noise' });
  const als = { ...privateAlsFor(over.listeners ?? over.minContributors ?? 100, epsilon), ...over.als };
  const delta = over.delta ?? 1e-5;
  const plan = noisePlan(als, epsilon > 0 ? epsilon : Number.POSITIVE_INFINITY, delta);
  const p: FederationParams = {
    scheme: 'private-als-1',
    vocabVersion: over.vocabVersion,
    vocabSize: over.vocabSize,
    als,
    epsilon: Number.isFinite(plan.epsilon) ? plan.epsilon : 0,
    delta,
    countNoise: plan.countNoise,
    roundNoise: plan.roundNoise,
    minContributors: over.minContributors ?? 100,
    maxBodyBytes: 0,
    ...(over.secureAggregation ? { secureAggregation: { ...SECURE_AGGREGATION_DEFAULTS, ...over.secureAggregation } } : {}),
  };
  p.maxBodyBytes = over.maxBodyBytes ?? largestPayload(p) * 4 + 8192;
  return p;
}

/** The most words a node sends in any round of these parameters. */
export function largestPayload(p: FederationParams): number {
  return Math.max(...Array.from({ length: lastRound(p) }, (_, r) => payloadLength(p, r + 1)));
}

/** The last round of the training: the counts, then one per ALS step. */
export function lastRound(p: FederationParams): number {
  return 1 + p.als.rounds;
}

/** Items the shared model covers. */
export function sharedCount(p: FederationParams): number {
  return Math.min(p.als.sharedItems, p.vocabSize);
}

/** Floats in a contribution to `round`: the counts over the vocabulary, or the item-step statistics. */
export function payloadLength(p: FederationParams, round: number): number {
  if (round <= 1) return p.vocabSize;
  const k = p.als.dim;
  const s = sharedCount(p);
  return s * k + k * k + (p.als.itemGram ? s * k * k : 0);
}

/** The L2 bound of an honest contribution to `round` before noise. */
export function sensitivity(p: FederationParams, round: number): number {
  return round <= 1 ? Math.sqrt(p.als.itemsPerNode) : roundSensitivity(p.als);
}

/** The noise multiplier of `round`. */
export function noiseMultiplier(p: FederationParams, round: number): number {
  return round <= 1 ? p.countNoise : p.roundNoise;
}

/** The noise std each node adds to every entry of its contribution, so that a round's sum carries z · sensitivity. */
export function nodeNoiseStd(p: FederationParams, round: number): number {
  return (noiseMultiplier(p, round) * sensitivity(p, round)) / Math.sqrt(p.minContributors);
}

/** Problems with a parameter set, empty when it is usable. */
export function paramProblems(p: FederationParams): string[] {
  const out: string[] = [];
  if (p.scheme !== 'private-als-1') out.push(`scheme ${String(p.scheme)} is not private-als-1`);
  const int = (name: string, v: unknown, max: number) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) out.push(`${name} must be an integer in 1..${max}`);
  };
  const num = (name: string, v: unknown, min: number, max: number) => {
    if (typeof v !== 'number' || Number.isNaN(v) || v < min || v > max) out.push(`${name} must be a number in ${min}..${max}`);
  };
  int('vocabSize', p.vocabSize, 1 << 24);
  int('minContributors', p.minContributors, 1_000_000);
  const a = p.als ?? ({} as PrivateAlsParams);
  int('als.dim', a.dim, 256);
  int('als.rounds', a.rounds, 100);
  int('als.sharedItems', a.sharedItems, 1 << 20);
  int('als.itemsPerNode', a.itemsPerNode, 10_000);
  for (const k of ['alpha', 'maxConfidence', 'clip', 'lambda', 'lambdaItem', 'popularityPenalty', 'featureLambda', 'featurePrior', 'tagDims', 'tagWeight', 'popularityBoost'] as const) num(`als.${k}`, a[k], 0, 1e6);
  num('als.userNorm', a.userNorm ?? 0, 0, 1e6);
  num('als.perUserScale', a.perUserScale ?? 1, 1e-6, 1e6);
  num('als.lambdaPerObs', a.lambdaPerObs ?? 0, 0, 1e6);
  num('als.priorWeight', a.priorWeight ?? 0, 0, 1e6);
  num('als.gramFloor', a.gramFloor ?? 0, 0, 1e6);
  if (a.rescale !== undefined && typeof a.rescale !== 'boolean') out.push('als.rescale must be true or false');
  num('als.countShare', a.countShare, 0.001, 0.999);
  num('als.contentBeta', a.contentBeta, 0, 1);
  num('als.contentIdfPower', a.contentIdfPower, 0, 10);
  num('als.contentItemIdfPower', a.contentItemIdfPower ?? a.contentIdfPower, 0, 10);
  num('epsilon', p.epsilon, 0, Number.POSITIVE_INFINITY);
  num('delta', p.delta, 0, 0.1);
  num('countNoise', p.countNoise, 0, 1e6);
  num('roundNoise', p.roundNoise, 0, 1e6);
  if (typeof p.vocabVersion !== 'string' || p.vocabVersion.length === 0) out.push('vocabVersion must be set');
  const sa = p.secureAggregation;
  if (sa !== undefined) {
    int('secureAggregation.maxNodes', sa.maxNodes, 1_000_000);
    num('secureAggregation.dropout', sa.dropout, 0, 0.9);
    int('secureAggregation.stepMs', sa.stepMs, 3_600_000);
    if (out.length === 0 && sa.maxNodes < p.minContributors) out.push('secureAggregation.maxNodes must be at least minContributors');
    if (out.length === 0 && p.minContributors < 3) out.push('secure aggregation needs minContributors >= 3');
  }
  if (out.length === 0 && a.dim * a.dim * sharedCount(p) > 1 << 28) out.push('als.sharedItems x als.dim is too large for one update');
  return out;
}
