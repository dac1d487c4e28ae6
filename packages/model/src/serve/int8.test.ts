import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '@mixtape/core';
import { loadModel, saveModel } from '../artifact/artifact.js';
import { splitPerUser } from '../data/split.js';
import { syntheticData } from '../data/synthetic.js';
import { fitModel, quantizeModel } from '../fit.js';
import { foldIn, foldInContext } from './fold-in.js';
import { Int8Index } from './int8-index.js';
import { Int8Kernel } from './int8-kernel.js';
import { ItemIndex } from './item-index.js';
import { dequantizeRows, quantizeRows } from './quantize.js';
import { Recommender } from './recommender.js';

const dir = mkdtempSync(join(tmpdir(), 'mixtape-int8-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const data = syntheticData({ users: 150, items: 400, perUser: 20, seed: 8 });
const { train } = splitPerUser(data.interactions, { seed: 3 });
const fitted = fitModel(train, data.features, { factors: 24, iterations: 4, seed: 2 });

function floatScores(table: Float32Array, rows: number, k: number, u: Float32Array): Float64Array {
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) for (let a = 0; a < k; a++) out[i]! += u[a]! * table[i * k + a]!;
  return out;
}

describe('int8 serving', () => {
  it('WASM SIMD and plain JS kernels give the same Int32 sums, also when k is not a multiple of 8', () => {
    const rng = new Rng(4);
    for (const k of [13, 64]) {
      const t = Float32Array.from({ length: 500 * k }, () => rng.normal());
      const q = quantizeRows(t, 500, k);
      const simd = new Int8Kernel(q);
      const js = new Int8Kernel(q, { simd: false });
      expect(simd.simd).toBe(true);
      expect(js.simd).toBe(false);
      expect(simd.stride).toBe(Math.ceil(k / 8) * 8);
      const u = Float32Array.from({ length: k }, () => rng.normal());
      expect(Array.from(simd.score(u, 0, k))).toEqual(Array.from(js.score(u, 0, k)));
    }
  });

  it('ranks as the float32 reference does, up to the quantization error bound', async () => {
    const a = await fitted;
    const { k, itemIds } = a.model;
    const rows = itemIds.length;
    const q = quantizeRows(a.model.itemFactors, rows, k);
    const index = new Int8Index(q);
    for (let u = 0; u < 30; u++) {
      const user = a.model.userFactors.slice(u * k, (u + 1) * k);
      const ref = floatScores(a.model.itemFactors, rows, k, user);
      const got = index.kernel.score(user, 0, k);
      let l1 = 0;
      let max = 0;
      for (let j = 0; j < k; j++) {
        l1 += Math.abs(user[j]!);
        max = Math.max(max, Math.abs(user[j]!));
      }
      // Item codes are within half a step (scale_i / 2) of the value; the int16 query within max/32767/2.
      let worst = -Infinity;
      for (let i = 0; i < rows; i++) {
        let rowL1 = 0;
        for (let j = 0; j < k; j++) rowL1 += Math.abs(a.model.itemFactors[i * k + j]!);
        const bound = (l1 * q.scales[i]!) / 2 + (max / 32767 / 2) * rowL1 + 1e-6;
        worst = Math.max(worst, Math.abs(got[i]! - ref[i]!) - bound);
      }
      expect(worst).toBeLessThanOrEqual(0);
      const top = await index.top(user, 10);
      const refOrder = Array.from(ref.keys()).sort((x, y) => ref[y]! - ref[x]!);
      // The same top 10, except where the reference's own scores are closer than twice the error.
      const tenth = ref[refOrder[9]!]!;
      const sure = refOrder.filter((i) => ref[i]! > tenth + 2 * ((l1 * q.scales[i]!) / 2 + 1e-3));
      for (const i of sure) expect(Array.from(top.items)).toContain(i);
    }
  });

  it('serves a saved int8 model from an Int8Array (held once, a quarter of float32) and agrees with float32', async () => {
    const a = await fitted;
    saveModel(join(dir, 'i8'), quantizeModel(a));
    const loaded = loadModel(join(dir, 'i8'));
    const rec = await Recommender.create(loaded);
    const { rows, k } = { rows: a.model.itemIds.length, k: a.model.k };
    expect(rec.dtype).toBe('int8');
    expect(rec.index).toBeInstanceOf(Int8Index);
    const kernel = (rec.index as Int8Index).kernel;
    expect(kernel.codes).toBeInstanceOf(Int8Array);
    expect(kernel.codes.byteLength).toBe(rows * k);
    expect(loaded.int8!.codes).toBe(kernel.codes);
    // One byte per factor and a float32 scale per row (k = 24 here: 28 bytes a row where float32 takes 96).
    expect(kernel.codes.byteLength + kernel.scales.byteLength).toBe(rows * (k + 4));
    expect(loaded.model.itemFactors.length).toBe(rows * k);
    const f32 = await Recommender.create(a);
    expect(f32.index.dtype).toBe('float32');
    let same = 0;
    for (const u of ['u1', 'u7', 'u30', 'u99']) {
      const x = (await rec.recommend(rec.listener(u, { excludeSeen: true }), 10)).map((r) => r.item);
      const y = (await f32.recommend(f32.listener(u, { excludeSeen: true }), 10)).map((r) => r.item);
      same += x.filter((i) => y.includes(i)).length;
    }
    expect(same).toBeGreaterThanOrEqual(38);
    f32.dispose();
  });

  it('folds in against the int8 table as against its dequantized float32 copy', async () => {
    const a = await fitted;
    const { k, itemIds } = a.model;
    const q = quantizeRows(a.model.itemFactors, itemIds.length, k);
    const evidence = [
      { item: 3, confidence: 8, preference: 1 as const },
      { item: 40, confidence: 2, preference: 1 as const },
      { item: 41, confidence: 30, preference: 0 as const },
    ];
    const x = foldIn(foldInContext(q, itemIds.length, k), evidence);
    const y = foldIn(foldInContext(dequantizeRows(q), itemIds.length, k), evidence);
    for (let j = 0; j < k; j++) expect(x[j]).toBeCloseTo(y[j]!, 5);
  });

  it('ItemIndex.create keeps an int8 table int8 and a float32 table on the tensor engine', async () => {
    const a = await fitted;
    const { k, itemIds } = a.model;
    const i8 = await ItemIndex.create(quantizeRows(a.model.itemFactors, itemIds.length, k), itemIds.length, k);
    const f = await ItemIndex.create(a.model.itemFactors, itemIds.length, k);
    expect([i8.dtype, f.dtype]).toEqual(['int8', 'float32']);
    const u = a.model.userFactors.subarray(0, k);
    const both = new Float32Array(2 * k);
    both.set(u);
    both.set(a.model.userFactors.subarray(k, 2 * k), k);
    const batch = await i8.scoreBatch(both, 2);
    expect(batch.length).toBe(2 * itemIds.length);
    expect(Array.from(batch.subarray(0, itemIds.length))).toEqual(Array.from((i8 as Int8Index).kernel.score(u, 0, k)));
    f.dispose();
  });
});
