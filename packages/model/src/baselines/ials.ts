import { noProgress, type ProgressFn } from '@mixtape/core';
import { mapValues, transpose, type Interactions } from '../data/interactions.js';
import { Rng } from '@mixtape/core';
import { AlsPool, shared, sharedCsr, trainThreads } from '../hybrid/als-pool.js';
import { initFactors, type FactorModel } from '../hybrid/factors.js';

/** Hyper-parameters of implicit ALS (Hu, Koren, Volinsky 2008) with frequency-scaled regularization. */
export interface IalsOptions {
  factors?: number;
  iterations?: number;
  /** Base L2 penalty. */
  lambda?: number;
  /** Penalty added per observation of the row (Rendle et al. 2021); 0 gives classic iALS. */
  lambdaPerObs?: number;
  /** Confidence = alpha · log(1 + weight / epsilon). */
  alpha?: number;
  epsilon?: number;
  cgSteps?: number;
  seed?: number;
  /** Threads for the ALS solves (default: MIXTAPE_THREADS, else every core); the result is the same for any count. */
  threads?: number;
  onProgress?: ProgressFn;
}

/** Defaults tuned on HetRec Last.fm 2K (per-user 80/20 split). */
export const IALS_DEFAULTS = { factors: 64, iterations: 10, lambda: 1, lambdaPerObs: 0.3, alpha: 1, epsilon: 10, cgSteps: 3, seed: 1 };

/** Log-damped confidence: heavy listeners' play counts do not drown everyone else's. */
export function logConfidence(alpha: number, epsilon: number): (w: number) => number {
  return (w) => alpha * Math.log1p(w / epsilon);
}

/** Trains iALS with conjugate-gradient half steps on typed arrays. */
export async function trainIals(x: Interactions, options: IalsOptions = {}): Promise<FactorModel> {
  const { onProgress: _p, threads, ...rest } = options;
  const o = { ...IALS_DEFAULTS, ...rest };
  const progress = options.onProgress ?? noProgress;
  const k = o.factors;
  const conf = logConfidence(o.alpha, o.epsilon);
  const r = mapValues(x, conf);
  const rt = transpose(r);
  const rng = new Rng(o.seed);
  const users = shared(initFactors(x.userIds.length, k, 0.01, () => rng.normal()));
  const items = shared(initFactors(x.itemIds.length, k, 0.01, () => rng.normal()));
  const step = { k, lambda: o.lambda, lambdaPerObs: o.lambdaPerObs, cgSteps: o.cgSteps };
  const pool = AlsPool.open({ r: sharedCsr(r), rt: sharedCsr(rt), users, items, prior: new Float32Array(0) }, trainThreads(threads));
  try {
    for (let it = 0; it < o.iterations; it++) {
      await pool.halfStep('users', step);
      await pool.halfStep('items', step);
      progress({ unit: 'iterations', done: it + 1, total: o.iterations, message: 'iALS' });
    }
  } finally {
    await pool.close();
  }
  return { k, userIds: x.userIds, itemIds: x.itemIds, userFactors: users.slice(), itemFactors: items.slice() };
}
