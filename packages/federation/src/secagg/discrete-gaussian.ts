import { uniformBelow, uniformBigBelow, type WordSource } from './random.js';

/**
 * The exact discrete Gaussian sampler of Canonne, Kamath & Steinke ("The Discrete Gaussian for
 * Differential Privacy", NeurIPS 2020, Algorithms 1–3), in integer arithmetic only: no floating
 * point touches the noise, so its distribution is exactly N_Z(0, sigma2) up to the random source.
 * sigma2 is an integer (callers round the variance up, which only adds noise).
 */

/** True with probability num/den (0 <= num <= den). */
function bernoulli(src: WordSource, num: bigint, den: bigint): boolean {
  if (den <= 4294967296n) return uniformBelow(src, Number(den)) < Number(num);
  return uniformBigBelow(src, den) < num;
}

/** True with probability exp(-num/den) for 0 <= num/den <= 1 (Algorithm 1). */
function bernoulliExpUnit(src: WordSource, num: bigint, den: bigint): boolean {
  let k = 1n;
  while (bernoulli(src, num, den * k)) k++;
  return k % 2n === 1n;
}

/** True with probability exp(-num/den) for any num/den >= 0. */
export function bernoulliExp(src: WordSource, num: bigint, den: bigint): boolean {
  while (num > den) {
    if (!bernoulliExpUnit(src, 1n, 1n)) return false;
    num -= den;
  }
  return bernoulliExpUnit(src, num, den);
}

/** A discrete Laplace draw with scale t: P(y) ∝ exp(-|y|/t) (Algorithm 2 with s = 1). */
function discreteLaplace(src: WordSource, t: bigint): bigint {
  for (;;) {
    const u = uniformBigBelow(src, t);
    if (!bernoulliExp(src, u, t)) continue;
    let v = 0n;
    while (bernoulliExpUnit(src, 1n, 1n)) v++;
    const y = u + t * v;
    const negative = bernoulli(src, 1n, 2n);
    if (negative && y === 0n) continue;
    return negative ? -y : y;
  }
}

/** Integer square root (floor) of a non-negative BigInt. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x;
}

/** One draw of N_Z(0, sigma2), sigma2 a positive integer (Algorithm 3). */
export function sampleDiscreteGaussian(src: WordSource, sigma2: bigint): bigint {
  if (sigma2 <= 0n) return 0n;
  const t = isqrt(sigma2) + 1n;
  for (;;) {
    const y = discreteLaplace(src, t);
    const a = (y < 0n ? -y : y) * t - sigma2;
    if (bernoulliExp(src, a * a, 2n * sigma2 * t * t)) return y;
  }
}

/** Adds independent N_Z(0, sigma2) to every entry, modulo 2^32 (the field the masked sums live in). */
export function addDiscreteGaussian(out: Uint32Array, sigma2: bigint, src: WordSource): void {
  if (sigma2 <= 0n) return;
  for (let i = 0; i < out.length; i++) out[i] = (out[i]! + Number(sampleDiscreteGaussian(src, sigma2))) >>> 0;
}
