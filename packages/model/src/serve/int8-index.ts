import { topK } from '../metrics/top-k.js';
import { Int8Kernel } from './int8-kernel.js';
import type { ItemIndex, Scored } from './item-index.js';
import type { Int8Table } from './quantize.js';

/**
 * An int8 item table served as int8: one byte per factor plus a float32 scale per row, scored by
 * integer dot products (`Int8Kernel`), blended with the content part and ranked by a bounded heap
 * in JS. Nothing is dequantized: at 100k × 64 the table is 6.4 MB where float32 takes 25.6 MB
 * (and the tensor engine's transposed copy as much again).
 */
export class Int8Index implements ItemIndex {
  readonly dtype = 'int8' as const;
  readonly rows: number;
  readonly k: number;
  readonly kernel: Int8Kernel;

  constructor(table: Int8Table, options: { simd?: boolean } = {}) {
    this.rows = table.rows;
    this.k = table.k;
    this.kernel = new Int8Kernel(table, options);
  }

  async scoreBatch(users: Float32Array, m: number): Promise<Float32Array> {
    const out = new Float32Array(m * this.rows);
    for (let j = 0; j < m; j++) out.set(this.kernel.score(users, j * this.k, this.k), j * this.rows);
    return out;
  }

  async top(user: Float32Array, n: number, exclude: ArrayLike<number> = [], content?: { scores: Float32Array; weight: number }): Promise<Scored> {
    const s = this.kernel.score(user, 0, this.k);
    if (content && content.weight > 0) {
      const cStd = std(content.scores);
      if (cStd > 0) {
        const g = (std(s) * content.weight) / cStd;
        const c = content.scores;
        for (let i = 0; i < s.length; i++) s[i]! += g * c[i]!;
      }
    }
    const items = topK(s, Math.min(n, this.rows), Int32Array.from(exclude).sort());
    return { items, scores: Float32Array.from(items, (i) => s[i]!) };
  }

  /** Nothing to free by hand: the WASM memory goes with the object. */
  dispose(): void {}
}

/** Standard deviation of scores (the spread the blend scales by), shared by both item indexes. */
export function std(a: Float32Array): number {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < a.length; i++) {
    s += a[i]!;
    s2 += a[i]! * a[i]!;
  }
  const m = s / a.length;
  return Math.sqrt(Math.max(0, s2 / a.length - m * m));
}
