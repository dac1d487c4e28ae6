import { noProgress, type ProgressFn } from '@mixtape/core';
import { IALS_DEFAULTS, trainIals, type IalsOptions } from '../baselines/ials.js';
import { itemKnnScorer, trainItemKnn, type ItemKnnOptions } from '../baselines/item-knn.js';
import { popularityScorer } from '../baselines/popularity.js';
import type { Interactions } from '../data/interactions.js';
import { emptyFeatures, type ItemFeatures } from '../data/item-features.js';
import { splitPerUser } from '../data/split.js';
import { contentIndexOf } from '../hybrid/content.js';
import { factorScorer } from '../hybrid/factors.js';
import type { HybridModel } from '../hybrid/model.js';
import { hybridScorer } from '../hybrid/scorer.js';
import { trainHybrid, type HybridOptions } from '../hybrid/train.js';
import { evaluateScorer, type Metrics } from '../metrics/evaluate.js';
import { ItemIndex } from '../serve/item-index.js';
import { quantizeRows, tableBytes } from '../serve/quantize.js';

/** One model's row in a comparison: metrics at K plus its fit time. */
export interface EvalRow extends Metrics {
  model: string;
  fitSeconds: number;
}

/** float32 against int8 for the same model, evaluated by the same code. */
export interface QuantizationReport {
  /** Mean share of each user's top-K that both variants recommend. */
  topKOverlap: number;
  ndcgFloat32: number;
  ndcgInt8: number;
  /** Relative NDCG change, (int8 − float32) / float32. */
  ndcgChange: number;
  bytesFloat32: number;
  bytesInt8: number;
}

/** Everything `mixtape model eval` prints. */
export interface Comparison {
  seed: number;
  k: number;
  users: number;
  items: number;
  trainInteractions: number;
  testInteractions: number;
  rows: EvalRow[];
  quantization: QuantizationReport;
}

/** Options for `compareModels`: the split seed, cut-off, and each model's hyper-parameters. */
export interface CompareOptions {
  seed?: number;
  k?: number;
  testFraction?: number;
  hybrid?: HybridOptions;
  ials?: IalsOptions;
  itemKnn?: ItemKnnOptions;
  onProgress?: ProgressFn;
}

/**
 * The hybrid's item features: fixed, or built for the split from its held-out part (features that
 * come from the same users' own tags must leave out the held-out pairs' taggings, see
 * featuresWithout).
 */
export type SplitFeatures = ItemFeatures | ((heldOut: Interactions) => ItemFeatures);

/**
 * Splits per user (seeded), then fits and evaluates popularity, item-kNN, iALS and the hybrid model
 * (float32 and int8) on that one split with one metric function, in one run.
 */
export async function compareModels(x: Interactions, features: SplitFeatures = emptyFeatures(x.itemIds.length), options: CompareOptions = {}): Promise<Comparison> {
  const seed = options.seed ?? 42;
  const k = options.k ?? 10;
  const progress = options.onProgress ?? noProgress;
  const { train, test } = splitPerUser(x, { seed, ...(options.testFraction ? { testFraction: options.testFraction } : {}) });
  const splitFeatures = typeof features === 'function' ? features(test) : features;
  const rows: EvalRow[] = [];
  const timed = async <T>(f: () => Promise<T> | T): Promise<[T, number]> => {
    const t0 = performance.now();
    const v = await f();
    return [v, (performance.now() - t0) / 1000];
  };
  const add = async (model: string, fitSeconds: number, scorer: Parameters<typeof evaluateScorer>[0]) => {
    const { lists: _lists, ...m } = await evaluateScorer(scorer, train, test, { k });
    rows.push({ model, fitSeconds, ...m });
    progress({ unit: 'models', done: rows.length, total: 5, message: model });
  };
  await add('popularity', 0, popularityScorer(train));
  const [knn, tKnn] = await timed(() => trainItemKnn(train, options.itemKnn));
  await add('item-knn', tKnn, itemKnnScorer(knn, train, options.itemKnn));
  const [ials, tIals] = await timed(() => trainIals(train, { ...IALS_DEFAULTS, seed, ...options.ials }));
  const ialsScorer = await factorScorer(ials);
  await add('ials', tIals, ialsScorer);
  ialsScorer.dispose();
  const [model, tHybrid] = await timed(() => trainHybrid(train, splitFeatures, { seed, ...options.hybrid }));
  const quantization = await compareQuantized(model, train, test, k, (name, m) => {
    rows.push({ model: name, fitSeconds: tHybrid, ...m });
    progress({ unit: 'models', done: rows.length, total: 5, message: name });
  });
  return {
    seed,
    k,
    users: x.userIds.length,
    items: x.itemIds.length,
    trainInteractions: train.indices.length,
    testInteractions: test.indices.length,
    rows,
    quantization,
  };
}

/**
 * Evaluates a hybrid model with its float32 and its int8 item table through the same scorer and
 * metric code; reports top-K overlap, NDCG change and table size.
 */
export async function compareQuantized(
  model: HybridModel,
  train: Interactions,
  test: Interactions,
  k = 10,
  record?: (name: string, metrics: Metrics) => void,
): Promise<QuantizationReport> {
  const content = contentIndexOf(model);
  const nI = model.itemIds.length;
  const f32 = await ItemIndex.create(model.itemFactors, nI, model.k);
  const i8 = await ItemIndex.create(quantizeRows(model.itemFactors, nI, model.k), nI, model.k);
  try {
    const sf = hybridScorer(model.userFactors, model.k, f32, train, content, model.params.contentBeta);
    const sq = hybridScorer(model.userFactors, model.k, i8, train, content, model.params.contentBeta);
    const a = await evaluateScorer(sf, train, test, { k });
    const b = await evaluateScorer(sq, train, test, { k });
    const { lists: la, ...ma } = a;
    const { lists: lb, ...mb } = b;
    record?.('hybrid', ma);
    record?.('hybrid-int8', mb);
    let overlap = 0;
    la.forEach((l, j) => {
      const other = new Set(lb[j]!);
      let same = 0;
      for (const i of l) if (other.has(i)) same++;
      overlap += same / Math.max(1, l.length);
    });
    return {
      topKOverlap: overlap / Math.max(1, la.length),
      ndcgFloat32: a.ndcg,
      ndcgInt8: b.ndcg,
      ndcgChange: a.ndcg === 0 ? 0 : (b.ndcg - a.ndcg) / a.ndcg,
      bytesFloat32: tableBytes(nI, model.k, 'float32'),
      bytesInt8: tableBytes(nI, model.k, 'int8'),
    };
  } finally {
    f32.dispose();
    i8.dispose();
  }
}
