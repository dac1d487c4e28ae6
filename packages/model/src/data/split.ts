import { MixtapeError } from '@mixtape/core';
import { fromTriples, type Interactions } from './interactions.js';
import { Rng } from '@mixtape/core';

/** A train/test pair over the same user and item index maps. */
export interface Split {
  train: Interactions;
  test: Interactions;
}

/**
 * Per-user random split: for each user, round(testFraction × n) of their items (chosen with a
 * seeded shuffle) go to test, the rest to train. Users with a single item stay wholly in train.
 */
export function splitPerUser(x: Interactions, options: { testFraction?: number; seed?: number } = {}): Split {
  const frac = options.testFraction ?? 0.2;
  if (!(frac > 0 && frac < 1)) {
    throw new MixtapeError('bad_split', `Test fraction ${frac} must lie strictly between 0 and 1`, { suggestion: 'use 0.2 for an 80/20 split' });
  }
  const rng = new Rng(options.seed ?? 42);
  const tr: [number[], number[], number[]] = [[], [], []];
  const te: [number[], number[], number[]] = [[], [], []];
  for (let u = 0; u < x.userIds.length; u++) {
    const s = x.indptr[u]!;
    const n = x.indptr[u + 1]! - s;
    const order = rng.shuffle(Int32Array.from({ length: n }, (_, k) => s + k));
    const nTest = n < 2 ? 0 : Math.round(frac * n);
    for (let k = 0; k < n; k++) {
      const p = order[k]!;
      const dst = k < nTest ? te : tr;
      dst[0].push(u);
      dst[1].push(x.indices[p]!);
      dst[2].push(x.values[p]!);
    }
  }
  return {
    train: fromTriples(x.userIds, x.itemIds, tr[0], tr[1], tr[2]),
    test: fromTriples(x.userIds, x.itemIds, te[0], te[1], te[2]),
  };
}
