import { join } from 'node:path';
import { compareQuantized, fitModel, PERSONAL_CANDIDATES, prestartTrainingThreads, quantizeModel, saveModel, selectHybrid, splitPerUser, type QuantizationReport } from '@mixtape/model';
import { MixtapeError, noProgress, type ProgressFn } from '@mixtape/core';
import { buildTrainingData, LISTENER_ID } from '../recommend/training-data.js';
import { recordRun } from '../runner/runs.js';
import { ensurePrivateDir, makePrivateTree } from '../store/private-dir.js';
import { withStore, type OpenOptions } from '../store/store.js';

export interface TrainSummary {
  modelId: string;
  path: string;
  dtype: 'float32' | 'int8';
  listener: string;
  stats: { plays: number; skips: number; tracks: number; sessions: number; playlists: number; saved: number };
  rows: number;
  items: number;
  fitSeconds: number;
  /**
   * The settings this listener's own data chose: each candidate fitted on 80 % of the rows and
   * scored (NDCG@10) on the other 20 %; the defaults stay unless another wins clearly.
   */
  settings: { chosen: string; scores: Array<{ name: string; ndcg: number }>; heldOutRows: number };
  /** float32 vs int8 through the same evaluation code, on the same 80/20 split. */
  quantization?: QuantizationReport;
}

/**
 * Trains the personal model on the store (listening events and open metadata only: never on Spotify
 * Web API catalogue data), saves it under the data dir and registers it in `models`.
 */
export async function trainPersonal(options: { store: OpenOptions; dataDir: string; quantize?: 'int8' | 'float32'; seed?: number; threads?: number | undefined; onProgress?: ProgressFn }): Promise<TrainSummary> {
  const progress = options.onProgress ?? noProgress;
  return withStore(options.store, (store) =>
    recordRun(store, 'train', async () => {
      // The training threads load their tensor engine while the store is read.
      prestartTrainingThreads(options.threads);
      const data = await buildTrainingData(store);
      // Plays after this are folded into the listener's vector by `mixtape daily` until the next training.
      const trainedThrough = await store.scalar<string | null>("SELECT strftime(max(played_at), '%Y-%m-%dT%H:%M:%S.%fZ') FROM plays");
      if (data.stats.plays === 0 || !data.interactions.userIds.includes(LISTENER_ID)) {
        throw new MixtapeError('no_plays', 'There are no plays to train on', { suggestion: 'import your history first: mixtape import spotify-export <zip>' });
      }
      const seed = options.seed ?? 42;
      const t = Date.now();
      const threads = options.threads !== undefined ? { threads: options.threads } : {};
      // The listener's own held-out rows choose the settings (the defaults were tuned on HetRec).
      const split = splitPerUser(data.interactions, { seed });
      progress({ unit: 'steps', done: 0, total: PERSONAL_CANDIDATES.length + 1, message: 'choosing settings on your held-out plays' });
      const selection = await selectHybrid(split.train, split.test, data.features, PERSONAL_CANDIDATES, { seed, ...threads });
      progress({ unit: 'steps', done: PERSONAL_CANDIDATES.length, total: PERSONAL_CANDIDATES.length + 1, message: `settings: ${selection.chosen.name}` });
      const artifact = await fitModel(data.interactions, data.features, { seed, ...threads, ...selection.chosen.options, onProgress: progress });
      const fitSeconds = (Date.now() - t) / 1000;
      let quantization: QuantizationReport | undefined;
      const dtype = options.quantize ?? 'int8';
      // Same code for both variants: the chosen model trained on 80 %, float32 and int8 on the held-out 20 %.
      if (dtype === 'int8') quantization = await compareQuantized(selection.model, split.train, split.test, 10);
      const saved = dtype === 'int8' ? quantizeModel(artifact) : artifact;
      saved.extra = { negatives: data.negatives, recent: data.recent, stats: data.stats, trainedThrough };
      const modelId = `personal-${new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}`;
      const dir = join(options.dataDir, 'models');
      ensurePrivateDir(dir);
      const path = join(dir, modelId);
      saveModel(path, saved, { dtype });
      // A model holds the listener's taste vector and history: as private as the database.
      makePrivateTree(path);
      const summary: TrainSummary = {
        modelId,
        path,
        dtype,
        listener: LISTENER_ID,
        stats: data.stats,
        rows: data.interactions.userIds.length,
        items: data.interactions.itemIds.length,
        fitSeconds,
        settings: { chosen: selection.chosen.name, scores: selection.scores, heldOutRows: selection.users },
        ...(quantization ? { quantization } : {}),
      };
      await store.run('INSERT OR REPLACE INTO models VALUES ($1, $2, $3, current_timestamp, $4)', [modelId, 'personal', path, JSON.stringify(summary)]);
      return summary;
    }, (s) => ({ rowsIn: s.stats.plays, rowsOut: s.items })),
  );
}
