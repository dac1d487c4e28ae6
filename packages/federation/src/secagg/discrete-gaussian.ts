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

/**
 * One draw of N_Z(0, sigma2), sigma2 a positive integer (Algorithm 3), all in BigInt: the reference
 * for `sampleDiscreteGaussian`, which draws the very same values from the same words.
 */
export function sampleDiscreteGaussianBig(src: WordSource, sigma2: bigint): bigint {
  if (sigma2 <= 0n) return 0n;
  const t = isqrt(sigma2) + 1n;
  for (;;) {
    const y = discreteLaplace(src, t);
    const a = (y < 0n ? -y : y) * t - sigma2;
    if (bernoulliExp(src, a * a, 2n * sigma2 * t * t)) return y;
  }
}

/** One draw of N_Z(0, sigma2), sigma2 a positive integer (Algorithm 3). */
export function sampleDiscreteGaussian(src: WordSource, sigma2: bigint): bigint {
  if (sigma2 <= 0n) return 0n;
  return sigma2 > SMALL_SIGMA2 ? sampleDiscreteGaussianBig(src, sigma2) : BigInt(numberSampler(sigma2)(src));
}

/**
 * Above this variance the sampler works in BigInt throughout; at or below it the discrete Laplace
 * draws fit in 32-bit words and the products in 53 bits, so they run on plain numbers, and only the
 * final acceptance test uses BigInt when its denominator 2·sigma2·t² passes 2^53. Every branch
 * consumes the same words in the same order as `sampleDiscreteGaussianBig`, so the draws are equal
 * (secagg.test.ts), and 1.7–4 times as fast (docs/BENCHMARKS.md).
 */
const SMALL_SIGMA2 = 2n ** 40n;
const EXACT = 2 ** 53;

/** A sampler of N_Z(0, sigma2) on numbers, for 0 < sigma2 <= SMALL_SIGMA2. */
function numberSampler(sigma2: bigint): (src: WordSource) => number {
  const s2 = Number(sigma2);
  const t = Number(isqrt(sigma2)) + 1;
  const denBig = 2n * sigma2 * BigInt(t) * BigInt(t);
  const den = Number(denBig);
  return (src) => {
    for (;;) {
      const y = laplaceNumber(src, t);
      const a = Math.abs(y) * t - s2;
      const accept = den < EXACT && a * a < EXACT ? bernoulliExpNumber(src, a * a, den) : bernoulliExp(src, BigInt(a) * BigInt(a), denBig);
      if (accept) return y;
    }
  };
}

/** `uniformBigBelow` for n < 2^53 on numbers, from the same words: the top bits of the fewest whole words, by rejection. */
function uniformBelowNumber(src: WordSource, n: number): number {
  if (n <= 1) return 0;
  if (n <= 4294967296) return uniformBelow(src, n);
  // 64 minus n's bit length (33 to 53, so 11 to 31): the leading zeros of its high word, which n / 2^32 gives exactly.
  const excess = Math.clz32(Math.floor(n / 4294967296));
  for (;;) {
    const hi = src.next32();
    const lo = src.next32();
    const v = hi * 2 ** (32 - excess) + (lo >>> excess);
    if (v < n) return v;
  }
}

/** `bernoulli` on numbers (den < 2^53): the same words as the BigInt one. */
function bernoulliNumber(src: WordSource, num: number, den: number): boolean {
  return (den <= 4294967296 ? uniformBelow(src, den) : uniformBelowNumber(src, den)) < num;
}

/** `bernoulliExpUnit` on numbers; a den·k past 2^53 goes to the BigInt `bernoulli`. */
function bernoulliExpUnitNumber(src: WordSource, num: number, den: number): boolean {
  let k = 1;
  for (;;) {
    const dk = den * k;
    const heads = dk < EXACT ? bernoulliNumber(src, num, dk) : bernoulli(src, BigInt(num), BigInt(den) * BigInt(k));
    if (!heads) return k % 2 === 1;
    k++;
  }
}

/** `bernoulliExp` on numbers (num, den < 2^53). */
function bernoulliExpNumber(src: WordSource, num: number, den: number): boolean {
  while (num > den) {
    if (!bernoulliExpUnitNumber(src, 1, 1)) return false;
    num -= den;
  }
  return bernoulliExpUnitNumber(src, num, den);
}

/** `discreteLaplace` on numbers, t < 2^32. */
function laplaceNumber(src: WordSource, t: number): number {
  // uniformBigBelow(t) for 2 <= t < 2^32: one word, its top `bits(t)` bits.
  const shift = Math.clz32(t);
  for (;;) {
    let u: number;
    do u = src.next32() >>> shift;
    while (u >= t);
    if (!bernoulliExpNumber(src, u, t)) continue;
    let v = 0;
    while (bernoulliExpUnitNumber(src, 1, 1)) v++;
    const y = u + t * v;
    const negative = bernoulliNumber(src, 1, 2);
    if (negative && y === 0) continue;
    return negative ? -y : y;
  }
}

/** Adds independent N_Z(0, sigma2) to every entry, modulo 2^32 (the field the masked sums live in). */
export function addDiscreteGaussian(out: Uint32Array, sigma2: bigint, src: WordSource): void {
  if (sigma2 <= 0n) return;
  if (sigma2 > SMALL_SIGMA2) {
    for (let i = 0; i < out.length; i++) out[i] = (out[i]! + Number(sampleDiscreteGaussianBig(src, sigma2))) >>> 0;
    return;
  }
  const draw = numberSampler(sigma2);
  for (let i = 0; i < out.length; i++) out[i] = (out[i]! + draw(src)) >>> 0;
}
