import type { WordSource } from './random.js';

/**
 * How a round's real-valued updates become integers modulo 2^32, and how much noise each node adds.
 * An update with L2 norm <= clip is scaled by `scale` and rounded at random to integers, which moves
 * every entry by less than 1, so the integer vector's L2 norm is at most clip·scale + √dim: that
 * bound (`sensitivity`) is what the accountant charges, deterministic, with no conditional rounding.
 * Each node adds N_Z(0, nodeSigma2); the sum over `minSurvivors` or more nodes carries at least
 * z² · sensitivity² of variance. The scale leaves headroom so that the sum over up to `maxNodes`
 * nodes, noise included (12 standard deviations), never wraps modulo 2^32.
 */
export interface EncodingPlan {
  dim: number;
  clip: number;
  scale: number;
  /** L2 bound of one node's integer vector. */
  sensitivity: number;
  /** Variance of the discrete Gaussian each node adds (an integer; 0 = no noise). */
  nodeSigma2: number;
  minSurvivors: number;
  maxNodes: number;
}

const HALF = 2 ** 31;
const TAIL = 12;

/**
 * The plan for `dim` entries of L2 norm <= clip, noise multiplier z (std of the sum / sensitivity),
 * at least `minSurvivors` and at most `maxNodes` nodes in a sum.
 */
export function encodingPlan(o: { dim: number; clip: number; noiseMultiplier: number; minSurvivors: number; maxNodes: number }): EncodingPlan {
  const { dim, clip, minSurvivors, maxNodes } = o;
  const z = o.noiseMultiplier;
  if (!(clip > 0) || dim < 1 || minSurvivors < 1 || maxNodes < minSurvivors) throw new Error('encodingPlan: clip > 0, dim >= 1 and 1 <= minSurvivors <= maxNodes are required');
  // Worst case per entry: every node puts its whole norm on it, plus the noise tail of maxNodes nodes.
  const perNode = maxNodes + TAIL * z * Math.sqrt(maxNodes / minSurvivors);
  const sensitivity = Math.floor((HALF - 1) / perNode);
  const scale = (sensitivity - Math.sqrt(dim)) / clip;
  if (!(scale >= 1)) throw new Error(`encodingPlan: ${maxNodes} nodes of ${dim} entries do not fit in 32 bits`);
  const nodeSigma2 = z > 0 ? Math.ceil((z * sensitivity) ** 2 / minSurvivors) : 0;
  return { dim, clip, scale, sensitivity, nodeSigma2, minSurvivors, maxNodes };
}

/**
 * Scales and rounds an update at random (unbiased: floor plus a coin with the fraction's odds),
 * clipping it to the plan's norm first so a bad caller cannot exceed the charged sensitivity.
 */
export function encodeUpdate(x: Float32Array | Float64Array, plan: EncodingPlan, src: WordSource): Uint32Array {
  if (x.length !== plan.dim) throw new Error(`encodeUpdate: ${x.length} entries, the plan has ${plan.dim}`);
  let n2 = 0;
  for (let i = 0; i < x.length; i++) n2 += x[i]! * x[i]!;
  const shrink = Math.sqrt(n2) > plan.clip ? plan.clip / Math.sqrt(n2) : 1;
  const out = new Uint32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]! * shrink * plan.scale;
    const f = Math.floor(v);
    const up = src.next32() < (v - f) * 4294967296 ? 1 : 0;
    out[i] = (f + up) >>> 0;
  }
  return out;
}

/** The real-valued sum from a sum modulo 2^32 (entries read as signed: the headroom keeps |sum| < 2^31). */
export function decodeSum(sum: Uint32Array, plan: EncodingPlan): Float64Array {
  const out = new Float64Array(sum.length);
  for (let i = 0; i < sum.length; i++) out[i] = (sum[i]! | 0) / plan.scale;
  return out;
}

/** Adds b to a modulo 2^32, in place. */
export function addInto(a: Uint32Array, b: Uint32Array): void {
  for (let i = 0; i < a.length; i++) a[i] = (a[i]! + b[i]!) >>> 0;
}

/** Subtracts b from a modulo 2^32, in place. */
export function subtractInto(a: Uint32Array, b: Uint32Array): void {
  for (let i = 0; i < a.length; i++) a[i] = (a[i]! - b[i]!) >>> 0;
}
