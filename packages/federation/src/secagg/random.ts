import { createCipheriv, createHash, randomFillSync } from 'node:crypto';

/** A source of uniform 32-bit words: the OS's random source in production, a keyed stream in tests. */
export interface WordSource {
  next32(): number;
}

const CHUNK = 1 << 14;

/** Words from the OS's cryptographic random source, read in chunks. */
export function cryptoWords(): WordSource {
  const buf = new Uint32Array(CHUNK);
  let k = CHUNK;
  return {
    next32() {
      if (k >= CHUNK) {
        randomFillSync(buf);
        k = 0;
      }
      return buf[k++]!;
    },
  };
}

// One zero piece, never written, feeds every keystream.
const ZEROS = Buffer.alloc(CHUNK * 4);
const IV0 = Buffer.alloc(16);

/**
 * Feeds the AES-128-CTR keystream of a 16-byte key (counter from zero), as little-endian 32-bit
 * words (every JS platform Node runs on is little-endian), to `use` in pieces of at most 16,384
 * words (64 KiB), in order. Never holding the stream whole: a cipher's output for one large buffer
 * is a fresh allocation the size of the mask (page faults on every call, 4–5 ns a byte here), where
 * pieces that stay in cache cost under 1 ns a byte.
 */
export function forKeystreamWords(key: Uint8Array, words: number, use: (piece: Uint32Array, offset: number) => void): void {
  const c = createCipheriv('aes-128-ctr', key.subarray(0, 16), IV0);
  for (let off = 0; off < words; off += CHUNK) {
    const n = Math.min(CHUNK, words - off);
    const bytes = c.update(ZEROS.subarray(0, n * 4));
    use(new Uint32Array(bytes.buffer, bytes.byteOffset, n), off);
  }
}

/** A reproducible word source from a seed string (tests and the public graph permutation only: never noise). */
export function seededWords(seed: string): WordSource {
  const key = createHash('sha256').update(`mixtape-secagg-seeded\0${seed}`).digest().subarray(0, 16);
  // One cipher object: its counter runs on across chunks, so the stream never repeats.
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  let buf = new Uint32Array(0);
  let k = 0;
  return {
    next32() {
      if (k >= buf.length) {
        const bytes = cipher.update(ZEROS);
        buf = new Uint32Array(bytes.buffer, bytes.byteOffset, CHUNK);
        k = 0;
      }
      return buf[k++]!;
    },
  };
}

/** A uniform integer in [0, n) for 1 <= n <= 2^32, without modulo bias. */
export function uniformBelow(src: WordSource, n: number): number {
  if (n <= 1) return 0;
  const limit = 4294967296 - (4294967296 % n);
  for (;;) {
    const w = src.next32();
    if (w < limit) return w % n;
  }
}

/** A uniform BigInt in [0, n), n >= 1, by rejection on the smallest number of whole words. */
export function uniformBigBelow(src: WordSource, n: bigint): bigint {
  if (n <= 1n) return 0n;
  const bits = n.toString(2).length;
  const words = Math.ceil(bits / 32);
  const excess = BigInt(words * 32 - bits);
  for (;;) {
    let v = 0n;
    for (let i = 0; i < words; i++) v = (v << 32n) | BigInt(src.next32());
    v >>= excess;
    if (v < n) return v;
  }
}
