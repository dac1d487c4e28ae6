import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '@mixtape/core';
import { loadModel, saveModel } from '../artifact/artifact.js';
import { splitPerUser } from '../data/split.js';
import { syntheticData } from '../data/synthetic.js';
import { fitModel } from '../fit.js';
import { choleskySolve, foldIn, foldInContext } from '../serve/fold-in.js';
import { Recommender } from '../serve/recommender.js';
import { gramian } from './als.js';
import { HYBRID_DEFAULTS } from './train.js';
import { profileRow, userFeatures, userPriorOf } from './user-features.js';

const dir = mkdtempSync(join(tmpdir(), 'mixtape-user-prior-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const data = syntheticData({ users: 200, items: 300, perUser: 20, seed: 5 });
const { train } = splitPerUser(data.interactions, { seed: 2 });
const fitted = fitModel(train, data.features, { factors: 16, iterations: 5, seed: 9, userPriorWeight: 12 });

const cosine = (a: Float32Array, b: Float32Array) => {
  let d = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return d / Math.sqrt(na * nb);
};

describe('the user-side feature prior', () => {
  // Item 0: slots 1 (0.75), 2 (0.25); item 1: slot 2 (1); item 2: no features.
  const features = { slots: 4, indptr: Int32Array.from([0, 2, 3, 3]), indices: Int32Array.from([1, 2, 2]), weights: Float32Array.from([0.75, 0.25, 1]) };

  it('profiles a listener as the mean of the feature rows of what they played', () => {
    expect(profileRow(features, [0, 1, 2])).toEqual({ slots: [1, 2], weights: [0.375, 0.625] });
    const x = { userIds: ['a', 'b'], itemIds: ['i0', 'i1', 'i2'], indptr: Int32Array.from([0, 1, 3]), indices: Int32Array.from([0, 1, 2]), values: Float32Array.from([1, 1, 1]) };
    const uf = userFeatures(x, features);
    expect(Array.from(uf.indptr)).toEqual([0, 2, 3]);
    expect(Array.from(uf.indices)).toEqual([1, 2, 2]);
    expect(Array.from(uf.weights)).toEqual([0.75, 0.25, 1]);
    // Through a table whose slot rows are (t, 10t): 0.375·(1, 10) + 0.625·(2, 20).
    const table = Float32Array.from([0, 0, 1, 10, 2, 20, 3, 30]);
    expect(Array.from(userPriorOf(features, table, 2, [0, 1]))).toEqual([1.625, 16.25]);
  });

  it('fold-in solves the user step with the prior: (A + μI) x = b + μq', () => {
    const rng = new Rng(6);
    const k = 5;
    const items = Float32Array.from({ length: 12 * k }, () => rng.normal());
    const q = Float32Array.from({ length: k }, () => rng.normal());
    const x = foldIn(foldInContext(items, 12, k, 1, 0.5), [{ item: 3, confidence: 2, preference: 1 }], { vector: q, weight: 7 });
    const a = gramian(items, 12, k);
    const b = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      a[i * k + i]! += 1 + 0.5 + 7;
      b[i] = 3 * items[3 * k + i]! + 7 * q[i]!;
      for (let j = 0; j < k; j++) a[i * k + j]! += 2 * items[3 * k + i]! * items[3 * k + j]!;
    }
    const want = choleskySolve(a, b, k);
    for (let i = 0; i < k; i++) expect(x[i]).toBeCloseTo(want[i]!, 4);
  });

  it('is off by default; when on, it is saved with the model and fold-in serves a known user as trained', async () => {
    const a = await fitted;
    expect(HYBRID_DEFAULTS.userPriorWeight).toBe(0);
    expect((await fitModel(train, data.features, { factors: 16, iterations: 1, seed: 9 })).model.userFeatureTable).toBe(undefined);
    expect(a.model.userFeatureTable?.length).toBe(data.features.slots * 16);
    saveModel(join(dir, 'm'), a);
    const loaded = loadModel(join(dir, 'm'));
    expect(loaded.model.userFeatureTable).toEqual(a.model.userFeatureTable);
    expect(loaded.model.params.userPriorWeight).toBe(12);
    // Folding a known user back in from their history lands on the trained vector only with the prior.
    const rec = await Recommender.create(loaded);
    const noPrior = await Recommender.create({ ...loaded, model: { ...loaded.model, params: { ...loaded.model.params, userPriorWeight: 0 } } });
    const k = a.model.k;
    const near: number[] = [];
    const without: number[] = [];
    for (const user of ['u1', 'u3', 'u7', 'u42']) {
      const u = a.model.userIds.indexOf(user);
      const trained = a.model.userFactors.slice(u * k, (u + 1) * k);
      near.push(cosine(trained, rec.listenerFromFeedback([], { baseUser: user }).vector));
      without.push(cosine(trained, noPrior.listenerFromFeedback([], { baseUser: user }).vector));
    }
    expect(Math.min(...near)).toBeGreaterThan(0.98);
    expect(Math.min(...near)).toBeGreaterThan(Math.max(...without));
    rec.dispose();
    noPrior.dispose();
  });

  it('loads a model saved before the user-side prior existed without one', async () => {
    const a = await fitted;
    saveModel(join(dir, 'old'), { ...a, model: { ...a.model, userFeatureTable: undefined } });
    const path = join(dir, 'old', 'manifest.json');
    const m = JSON.parse(readFileSync(path, 'utf8'));
    delete m.params.userPriorWeight;
    writeFileSync(path, JSON.stringify(m));
    const old = loadModel(join(dir, 'old'));
    expect(old.model.params.userPriorWeight).toBe(0);
    expect(old.model.userFeatureTable).toBe(undefined);
    const rec = await Recommender.create(old);
    const l = rec.listenerFromFeedback([{ item: 'i0', kind: 'like' }]);
    const ctx = foldInContext(old.model.itemFactors, old.model.itemIds.length, old.model.k, old.model.params.lambda, old.model.params.lambdaPerObs);
    expect(Array.from(l.vector)).toEqual(Array.from(foldIn(ctx, [{ item: 0, confidence: 8, preference: 1 }])));
    rec.dispose();
  });
});
