import { MixtapeError, noProgress, type ProgressFn } from '@mixtape/core';
import { compareModels, featuresWithout, fitModel, loadHetrecLastfm, loadModel, prestartTrainingThreads, quantizeModel, Recommender, saveModel, tensorEngine, type Comparison, type HybridOptions } from '@mixtape/model';
import { readInteractionsFile, readItemFeatureRows, readUserIds } from './interactions-file.js';

/** What `mixtape model fit` reports. */
export interface FitSummary {
  out: string;
  users: number;
  items: number;
  interactions: number;
  itemsWithFeatures: number;
  dtype: 'float32' | 'int8';
  factors: number;
  fitSeconds: number;
}

/** Fits the hybrid model on an interactions file (and optional item features) and saves it to `out`. */
export async function fitFromFile(options: {
  interactions: string;
  itemFeatures?: string | undefined;
  out: string;
  quantize?: 'int8' | 'float32' | undefined;
  seed?: number | undefined;
  /** Training threads (default: every core); the model is the same for any count. */
  threads?: number | undefined;
  params?: HybridOptions;
  onProgress?: ProgressFn;
}): Promise<FitSummary> {
  const progress = options.onProgress ?? noProgress;
  // The training threads load their tensor engine while the file is read.
  prestartTrainingThreads(options.threads);
  // This thread's tensor engine starts loading first (its WebAssembly compiles off this thread), then
  // both files are read (plain CSVs on this thread, anything else by DuckDB on its own threads; the
  // features need the item list only afterwards).
  const engine = tensorEngine();
  const [x, featureRows] = await Promise.all([
    readInteractionsFile(options.interactions),
    options.itemFeatures ? readItemFeatureRows(options.itemFeatures) : undefined,
    engine,
  ]);
  progress({ unit: 'interactions', done: x.indices.length, message: options.interactions });
  const features = featureRows?.(x.itemIds);
  let withFeatures = 0;
  if (features) for (let i = 0; i < x.itemIds.length; i++) if (features.indptr[i + 1]! > features.indptr[i]!) withFeatures++;
  if (features && withFeatures === 0) {
    // Training on without them would quietly give a model without its feature part.
    throw new MixtapeError('bad_file', `No item of the interactions file ${options.interactions} has a row in the item features file ${options.itemFeatures}`, {
      suggestion: 'use the same item ids in both files (the features file\'s item column must hold the interactions file\'s item values), or leave --item-features out',
    });
  }
  const t0 = performance.now();
  let artifact = await fitModel(x, features, { ...options.params, ...(options.seed !== undefined ? { seed: options.seed } : {}), ...(options.threads !== undefined ? { threads: options.threads } : {}), onProgress: progress });
  const fitSeconds = (performance.now() - t0) / 1000;
  const dtype = options.quantize ?? 'float32';
  if (dtype === 'int8') artifact = quantizeModel(artifact);
  saveModel(options.out, artifact, { dtype });
  return {
    out: options.out,
    users: x.userIds.length,
    items: x.itemIds.length,
    interactions: x.indices.length,
    itemsWithFeatures: withFeatures,
    dtype,
    factors: artifact.model.k,
    fitSeconds: Math.round(fitSeconds * 100) / 100,
  };
}

/** One line of `mixtape model recommend`. */
export interface UserRecommendations {
  user: string;
  items: string[];
}

/**
 * Loads a model and yields top-k items for each user, one user at a time (so output can stream as
 * JSON lines). Unknown users get an empty list rather than stopping the batch.
 */
export async function* recommendFromModel(options: {
  model: string;
  users?: string | undefined;
  user?: string | undefined;
  k: number;
  excludeSeen?: boolean;
}): AsyncGenerator<UserRecommendations> {
  if (!options.users && !options.user) {
    throw new MixtapeError('missing_users', 'Say whom to recommend for', { suggestion: 'pass --user ID or --users FILE' });
  }
  if (!(options.k > 0)) throw new MixtapeError('bad_k', `--k must be a positive number, got ${options.k}`, { suggestion: 'use --k 10' });
  const ids = options.users ? await readUserIds(options.users) : [options.user!];
  const rec = await Recommender.create(loadModel(options.model));
  const known = new Set(rec.model.userIds);
  try {
    for (const user of ids) {
      if (!known.has(user)) {
        yield { user, items: [] };
        continue;
      }
      const picks = await rec.recommend(rec.listener(user, { excludeSeen: options.excludeSeen ?? false }), options.k);
      yield { user, items: picks.map((p) => p.item) };
    }
  } finally {
    rec.dispose();
  }
}

/** The public datasets `mixtape model eval` knows. */
export const EVAL_DATASETS = ['hetrec-lastfm-2k'] as const;

/** Runs the side-by-side comparison (model and baselines, one split) on a named public dataset. */
export async function evalDataset(options: { dataset: string; path: string; seed?: number | undefined; k?: number | undefined; onProgress?: ProgressFn }): Promise<Comparison> {
  if (options.dataset !== 'hetrec-lastfm-2k') {
    throw new MixtapeError('unknown_dataset', `Unknown dataset ${options.dataset}`, { suggestion: `use one of: ${EVAL_DATASETS.join(', ')}` });
  }
  const ds = loadHetrecLastfm(options.path);
  // HetRec's tags are its users' own: the hybrid sees none that a listener put on a held-out artist.
  return compareModels(ds.interactions, (heldOut) => featuresWithout(ds, heldOut), {
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.k !== undefined ? { k: options.k } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}

/** A comparison as a plain-text table for people. */
export function formatComparison(c: Comparison): string {
  const head = ['model', `NDCG@${c.k}`, `Recall@${c.k}`, `Precision@${c.k}`, 'coverage', 'fit s'];
  const rows = c.rows.map((r) => [r.model, r.ndcg.toFixed(4), r.recall.toFixed(4), r.precision.toFixed(4), r.coverage.toFixed(4), r.fitSeconds.toFixed(2)]);
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((s, i) => s.padEnd(width[i]!)).join('  ').trimEnd();
  const q = c.quantization;
  return [
    `split: per-user random ${c.testInteractions} test / ${c.trainInteractions} train interactions, seed ${c.seed}; ${c.users} users, ${c.items} items`,
    line(head),
    line(width.map((w) => '─'.repeat(w))),
    ...rows.map(line),
    `int8 vs float32: top-${c.k} overlap ${(q.topKOverlap * 100).toFixed(1)}%, NDCG change ${(q.ndcgChange * 100).toFixed(2)}%, item table ${q.bytesInt8} vs ${q.bytesFloat32} bytes`,
  ].join('\n');
}
