import { randomFillSync } from 'node:crypto';

const CHUNK = 1 << 16;

/**
 * Adds N(0, sigma^2) to every entry, from the OS's cryptographic random source: noise that protects
 * privacy must not come from a predictable generator such as Math.random.
 */
export function addGaussianNoise(out: Float32Array, sigma: number): void {
  if (sigma <= 0) return;
  const u = new Uint32Array(CHUNK);
  let k = CHUNK;
  const next = (): number => {
    if (k >= CHUNK) {
      randomFillSync(u);
      k = 0;
    }
    // 32 random bits in (0, 1], never 0 so the log below is finite.
    return (u[k++]! + 1) / 4294967296;
  };
  for (let i = 0; i < out.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(next())) * sigma;
    const t = 2 * Math.PI * next();
    out[i] = out[i]! + r * Math.cos(t);
    if (i + 1 < out.length) out[i + 1] = out[i + 1]! + r * Math.sin(t);
  }
}

/** A standard normal draw from a seeded uniform source. */
export function seededNormal(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}
