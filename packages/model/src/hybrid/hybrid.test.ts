import { describe, expect, it } from 'vitest';
import { popularityScorer } from '../baselines/popularity.js';
import { trainIals } from '../baselines/ials.js';
import { mapValues } from '../data/interactions.js';
import { Rng } from '@mixtape/core';
import { splitPerUser } from '../data/split.js';
import { syntheticData } from '../data/synthetic.js';
import { evaluateScorer } from '../metrics/evaluate.js';
import { ItemIndex } from '../serve/item-index.js';
import { alsHalfStepBatched } from './als-batched.js';
import { alsHalfStep } from './als.js';
import { contentIndexOf } from './content.js';
import { factorScorer, initFactors } from './factors.js';
import { hybridScorer } from './scorer.js';
import { trainHybrid } from './train.js';

const data = syntheticData({ users: 300, items: 400, perUser: 20, seed: 11 });
const { train, test } = splitPerUser(data.interactions, { seed: 5 });
const opts = { factors: 16, iterations: 6, seed: 3 };

describe('hybrid model', () => {
  it('beats popularity and classic iALS is in the same league on synthetic taste groups', async () => {
    const model = await trainHybrid(train, data.features, opts);
    const index = await ItemIndex.create(model.itemFactors, model.itemIds.length, model.k);
    const content = contentIndexOf(model);
    const hybrid = await evaluateScorer(hybridScorer(model.userFactors, model.k, index, train, content, model.params.contentBeta), train, test);
    const pop = await evaluateScorer(popularityScorer(train), train, test);
    const ials = await evaluateScorer(await factorScorer(await trainIals(train, opts)), train, test);
    index.dispose();
    expect(hybrid.ndcg).toBeGreaterThan(pop.ndcg * 1.5);
    expect(ials.ndcg).toBeGreaterThan(pop.ndcg);
    expect(hybrid.coverage).toBeGreaterThan(pop.coverage);
  });

  it('is deterministic for a seed and differs across seeds', async () => {
    const a = await trainHybrid(train, data.features, opts);
    const b = await trainHybrid(train, data.features, opts);
    const c = await trainHybrid(train, data.features, { ...opts, seed: 4 });
    expect(Buffer.from(a.itemFactors.buffer).equals(Buffer.from(b.itemFactors.buffer))).toBe(true);
    expect(Buffer.from(a.userFactors.buffer).equals(Buffer.from(b.userFactors.buffer))).toBe(true);
    expect(Buffer.from(a.itemFactors.buffer).equals(Buffer.from(c.itemFactors.buffer))).toBe(false);
  });

  it('gives an item with tags but no plays a vector near items of the same tag', async () => {
    // Drop every interaction of item 0 so it is cold; its group tag is shared by items 8, 16, …
    const cold = { ...train, values: Float32Array.from(train.values, (v, p) => (train.indices[p] === 0 ? 0 : v)) };
    const rows = Array.from(cold.indices).map((i, p) => ({ i, p })).filter(({ p }) => cold.values[p]! > 0);
    const x = { ...cold, indices: Int32Array.from(rows, (r) => r.i), values: Float32Array.from(rows, (r) => cold.values[r.p]!), indptr: recount(cold, rows.map((r) => r.p)) };
    const m = await trainHybrid(x, data.features, { ...opts, priorWeight: 5 });
    const k = m.k;
    const cos = (a: number, b: number) => {
      let d = 0, na = 0, nb = 0;
      for (let j = 0; j < k; j++) {
        d += m.itemFactors[a * k + j]! * m.itemFactors[b * k + j]!;
        na += m.itemFactors[a * k + j]! ** 2;
        nb += m.itemFactors[b * k + j]! ** 2;
      }
      return d / Math.sqrt(na * nb);
    };
    const same = [8, 16, 24, 32].map((j) => cos(0, j));
    const other = [1, 2, 3, 4].map((j) => cos(0, j));
    expect(Math.min(...same)).toBeGreaterThan(Math.max(...other));
  });

  it('batched CG half step matches the per-row one', async () => {
    const r = mapValues(train, (w) => Math.log1p(w / 10));
    const rng = new Rng(1);
    const y = initFactors(r.itemIds.length, 8, 0.1, () => rng.normal());
    const x1 = initFactors(r.userIds.length, 8, 0.1, () => rng.normal());
    const x2 = Float32Array.from(x1);
    const step = { k: 8, lambda: 1, lambdaPerObs: 0.3, cgSteps: 8 };
    alsHalfStep(r, y, x1, step);
    await alsHalfStepBatched(r, y, x2, step);
    for (let i = 0; i < x1.length; i++) expect(x2[i]).toBeCloseTo(x1[i]!, 3);
  });
});

function recount(x: { indptr: Int32Array }, kept: number[]): Int32Array {
  const keep = new Set(kept);
  const out = new Int32Array(x.indptr.length);
  for (let u = 0; u + 1 < x.indptr.length; u++) {
    let n = 0;
    for (let p = x.indptr[u]!; p < x.indptr[u + 1]!; p++) if (keep.has(p)) n++;
    out[u + 1] = out[u]! + n;
  }
  return out;
}
