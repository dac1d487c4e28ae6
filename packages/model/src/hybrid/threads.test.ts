import { describe, expect, it } from 'vitest';
import { MixtapeError } from '@mixtape/core';
import { trainIals } from '../baselines/ials.js';
import { mapValues, transpose } from '../data/interactions.js';
import { splitPerUser } from '../data/split.js';
import { syntheticData } from '../data/synthetic.js';
import { alsChunkRows } from './als-batched.js';
import { AlsPool, shared, sharedCsr, trainThreads } from './als-pool.js';
import { trainHybrid } from './train.js';

// More users and items than one chunk, so that both threads get chunks.
const data = syntheticData({ users: 1200, items: 1500, perUser: 12, seed: 21 });
const { train } = splitPerUser(data.interactions, { seed: 6 });
const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('training on worker threads', () => {
  it('gives the same factors, bit for bit, with 1 and 2 threads (hybrid and iALS)', async () => {
    const size = alsChunkRows(train.userIds.length);
    expect(train.userIds.length / size).toBeGreaterThan(15);
    const opts = { factors: 16, iterations: 3, seed: 4 };
    const one = await trainHybrid(train, data.features, { ...opts, threads: 1 });
    const two = await trainHybrid(train, data.features, { ...opts, threads: 2 });
    expect(bits(two.userFactors).equals(bits(one.userFactors))).toBe(true);
    expect(bits(two.itemFactors).equals(bits(one.itemFactors))).toBe(true);
    expect(bits(two.featureTable).equals(bits(one.featureTable))).toBe(true);
    expect(two.params).toEqual(one.params);
    expect('threads' in two.params).toBe(false);
    const a = await trainIals(train, { ...opts, threads: 1 });
    const b = await trainIals(train, { ...opts, threads: 2 });
    expect(bits(b.itemFactors).equals(bits(a.itemFactors))).toBe(true);
    expect(bits(b.userFactors).equals(bits(a.userFactors))).toBe(true);
    // The factors are not all zero (a check that the workers wrote their rows).
    expect(Math.max(...Array.from(b.userFactors.subarray(size * 15 * 16, size * 15 * 16 + 64), Math.abs))).toBeGreaterThan(1e-3);
  });

  it('gives the same factors with 1 and 2 threads with the user-side prior on (its feature step shares the item step)', async () => {
    const opts = { factors: 16, iterations: 3, seed: 4, userPriorWeight: 12 };
    const one = await trainHybrid(train, data.features, { ...opts, threads: 1 });
    const two = await trainHybrid(train, data.features, { ...opts, threads: 2 });
    expect(bits(two.userFactors).equals(bits(one.userFactors))).toBe(true);
    expect(bits(two.itemFactors).equals(bits(one.itemFactors))).toBe(true);
    expect(bits(two.userFeatureTable!).equals(bits(one.userFeatureTable!))).toBe(true);
    const plain = await trainHybrid(train, data.features, { ...opts, userPriorWeight: 0, threads: 1 });
    expect(bits(plain.userFactors).equals(bits(one.userFactors))).toBe(false);
  });

  it('turns an error inside a worker into train_worker_failed with the worker message', async () => {
    const r = mapValues(train, (w) => Math.log1p(w));
    const k = 8;
    const pool = AlsPool.open(
      {
        r: sharedCsr(r),
        rt: sharedCsr(transpose(r)),
        users: shared(new Float32Array(r.userIds.length * k).fill(0.1)),
        items: shared(new Float32Array(r.itemIds.length * k).fill(0.1)),
        prior: new Float32Array(0),
      },
      2,
    );
    try {
      const size = alsChunkRows(r.userIds.length);
      const past = Math.ceil(r.userIds.length / size) + 1;
      const err = await pool.solveChunkOnWorker('users', { k, lambda: 1, cgSteps: 2 }, past).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(MixtapeError);
      expect((err as MixtapeError).code).toBe('train_worker_failed');
      expect((err as MixtapeError).message).toBe(
        `A training worker thread failed: ALS chunk rows ${past * size}..${r.userIds.length} lie outside the ${r.userIds.length} rows of this half step`,
      );
      expect((err as MixtapeError).suggestion).toMatch(/--threads 1/);
      // The pool stays failed: the next half step reports the same error instead of hanging.
      await expect(pool.halfStep('users', { k, lambda: 1, cgSteps: 2 })).rejects.toBe(err);
    } finally {
      await pool.close();
    }
  });

  it('reads the thread count from the option, then MIXTAPE_THREADS, and refuses nonsense', () => {
    const saved = process.env.MIXTAPE_THREADS;
    try {
      process.env.MIXTAPE_THREADS = '3';
      expect(trainThreads()).toBe(3);
      expect(trainThreads(1)).toBe(1);
      process.env.MIXTAPE_THREADS = 'many';
      expect(() => trainThreads()).toThrow(expect.objectContaining({ code: 'bad_threads' }));
      expect(() => trainThreads(0)).toThrow(expect.objectContaining({ code: 'bad_threads' }));
      expect(() => trainThreads(1.5)).toThrow(expect.objectContaining({ code: 'bad_threads' }));
    } finally {
      if (saved === undefined) delete process.env.MIXTAPE_THREADS;
      else process.env.MIXTAPE_THREADS = saved;
    }
  });
});
