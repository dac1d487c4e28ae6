import { tf, tensorEngine, type Tensor2D } from '../engine/tf.js';
import { Int8Index, std } from './int8-index.js';
import type { Int8Table } from './quantize.js';

/** A ranked pick: item index and its score. */
export interface Scored {
  items: Int32Array;
  scores: Float32Array;
}

/** Top-K over an item table: float32 on the tensor engine, int8 by integer dot products (`Int8Index`). */
export interface ItemIndex {
  readonly rows: number;
  readonly k: number;
  readonly dtype: 'float32' | 'int8';
  /** Scores of every item for m users (row-major m × k in, m × rows out). */
  scoreBatch(users: Float32Array, m: number): Promise<Float32Array>;
  /**
   * The n best items for one user vector, skipping `exclude`, best first. With `content`, the
   * final score is factor + w·(σ_factor/σ_content)·content (see `blendScores`).
   */
  top(user: Float32Array, n: number, exclude?: ArrayLike<number>, content?: { scores: Float32Array; weight: number }): Promise<Scored>;
  /** Frees what the index holds. */
  dispose(): void;
}

export const ItemIndex = {
  /**
   * A float32 table goes on the tensor engine; an int8 table stays int8 (`Int8Index`: integer dot
   * products in WASM SIMD, never dequantized).
   */
  async create(table: Float32Array | Int8Table, rows: number, k: number): Promise<ItemIndex> {
    if (table instanceof Float32Array) return TensorIndex.create(table, rows, k);
    return new Int8Index(table.rows === rows && table.k === k ? table : { ...table, rows, k });
  },
};

/**
 * A float32 item table on the tensor engine, for top-K by matMul, transposed to k × rows (wasm's
 * matMul with transposeB is slow).
 */
export class TensorIndex implements ItemIndex {
  readonly dtype = 'float32' as const;
  private constructor(
    readonly rows: number,
    readonly k: number,
    private readonly itemsT: Tensor2D,
  ) {}

  static async create(table: Float32Array, rows: number, k: number): Promise<TensorIndex> {
    await tensorEngine();
    const t = tf.tidy(() => tf.transpose(tf.tensor2d(table, [rows, k])) as Tensor2D);
    return new TensorIndex(rows, k, t);
  }

  async scoreBatch(users: Float32Array, m: number): Promise<Float32Array> {
    const s = tf.tidy(() => tf.matMul(tf.tensor2d(users, [m, this.k]), this.itemsT));
    const out = (await s.data()) as Float32Array;
    s.dispose();
    return out;
  }

  /** Blend and top-K on the tensor engine, so no catalogue-sized array is allocated in JS per call (GC pauses at p99). */
  async top(user: Float32Array, n: number, exclude: ArrayLike<number> = [], content?: { scores: Float32Array; weight: number }): Promise<Scored> {
    const ex = new Set<number>(Array.from(exclude));
    const want = Math.min(this.rows, n + ex.size);
    let cStd = 0;
    if (content && content.weight > 0) cStd = std(content.scores);
    const [vals, idx] = tf.tidy(() => {
      let s: Tensor2D = tf.matMul(tf.tensor2d(user, [1, this.k]), this.itemsT);
      if (content && content.weight > 0 && cStd > 0) {
        const sd = tf.sqrt(tf.moments(s).variance);
        const g = tf.mul(sd, content.weight / cStd);
        s = tf.add(s, tf.mul(tf.tensor2d(content.scores, [1, this.rows]), g));
      }
      const r = tf.topk(s, want, true);
      return [r.values, r.indices];
    });
    const [v, i] = await Promise.all([vals.data(), idx.data()]);
    tf.dispose([vals, idx]);
    const items: number[] = [];
    const scores: number[] = [];
    for (let j = 0; j < i.length && items.length < n; j++) {
      if (ex.has(i[j]!)) continue;
      items.push(i[j]!);
      scores.push(v[j]!);
    }
    return { items: Int32Array.from(items), scores: Float32Array.from(scores) };
  }

  dispose(): void {
    this.itemsT.dispose();
  }
}
