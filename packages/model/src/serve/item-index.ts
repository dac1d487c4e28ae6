import { tf, tensorEngine } from '../engine/tf.js';
import type { Int8Table } from './quantize.js';

/** A ranked pick: item index and its score. */
export interface Scored {
  items: Int32Array;
  scores: Float32Array;
}

/**
 * The item table on the tensor engine, for top-K by matMul. An int8 table keeps its codes (exact
 * small integers, held as float32 because tfjs has no int8 matMul) and applies the per-row scale
 * after the product: score = scale_i · (u · code_i). float32 and int8 go through the same code.
 */
export class ItemIndex {
  private constructor(
    readonly rows: number,
    readonly k: number,
    readonly dtype: 'float32' | 'int8',
    private readonly itemsT: tf.Tensor2D,
    private readonly scales: tf.Tensor2D | undefined,
  ) {}

  /** Uploads a float32 (rows × k) or int8 table, transposed to k × rows (wasm's matMul with transposeB is slow). */
  static async create(table: Float32Array | Int8Table, rows: number, k: number): Promise<ItemIndex> {
    await tensorEngine();
    if (table instanceof Float32Array) {
      const t = tf.tidy(() => tf.transpose(tf.tensor2d(table, [rows, k])) as tf.Tensor2D);
      return new ItemIndex(rows, k, 'float32', t, undefined);
    }
    const t = tf.tidy(() => tf.transpose(tf.tensor2d(Float32Array.from(table.codes), [rows, k])) as tf.Tensor2D);
    return new ItemIndex(rows, k, 'int8', t, tf.tensor2d(table.scales, [1, rows]));
  }

  /** Scores of every item for m users (row-major m × k in, m × rows out). */
  async scoreBatch(users: Float32Array, m: number): Promise<Float32Array> {
    const s = tf.tidy(() => {
      const p = tf.matMul(tf.tensor2d(users, [m, this.k]), this.itemsT);
      return this.scales ? tf.mul(p, this.scales) : p;
    });
    const out = (await s.data()) as Float32Array;
    s.dispose();
    return out;
  }

  /**
   * The n best items for one user vector, skipping `exclude`, best first. With `content`, the
   * final score is factor + w·(σ_factor/σ_content)·content (see `blendScores`), computed on the
   * tensor engine so that no catalogue-sized array is allocated in JS per call (those showed up
   * as GC pauses at p99).
   */
  async top(user: Float32Array, n: number, exclude: ArrayLike<number> = [], content?: { scores: Float32Array; weight: number }): Promise<Scored> {
    const ex = new Set<number>(Array.from(exclude));
    const want = Math.min(this.rows, n + ex.size);
    let cStd = 0;
    if (content && content.weight > 0) cStd = std(content.scores);
    const [vals, idx] = tf.tidy(() => {
      let s: tf.Tensor2D = tf.matMul(tf.tensor2d(user, [1, this.k]), this.itemsT);
      if (this.scales) s = tf.mul(s, this.scales);
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

  /** Frees the tensors. */
  dispose(): void {
    this.itemsT.dispose();
    this.scales?.dispose();
  }
}

function std(a: Float32Array): number {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < a.length; i++) {
    s += a[i]!;
    s2 += a[i]! * a[i]!;
  }
  const m = s / a.length;
  return Math.sqrt(Math.max(0, s2 / a.length - m * m));
}
