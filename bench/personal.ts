/**
 * The personal model's quality on one listener's store: the training data `mixtape train` builds
 * (the listener, their sessions and playlists as rows; artists, tags and similarity edges as item
 * features), split 80/20 per row with several seeds, the hybrid fitted on each training part and
 * scored on its held-out part by the model package's metric code: the settings `mixtape train`
 * chooses for the listener (chosen here on a validation split cut from the training part, never on
 * the test part), each candidate setting, the hybrid without item features, and popularity. The
 * store is copied first, so the data dir is never written.
 *
 *   npx tsx bench/personal.ts DATA_DIR [seeds=1,2,3,4,5]
 *
 * DATA_DIR: a data dir with a database, e.g. one kept by `mixtape demo --keep DIR`.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyFeatures, evaluateScorer, heldOutNdcg, PERSONAL_CANDIDATES, popularityScorer, selectHybrid, splitPerUser, type HybridOptions, type Interactions, type ItemFeatures } from '../packages/model/src/index.js';
import { Store, storeFile } from '../packages/pipeline/src/store/store.js';
import { buildTrainingData } from '../packages/pipeline/src/recommend/training-data.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: npx tsx bench/personal.ts DATA_DIR [seeds=1,2,3,4,5]');
const seeds = (process.argv[3] ?? '1,2,3,4,5').split(',').map(Number);
const work = mkdtempSync(join(tmpdir(), 'mixtape-personal-'));
try {
  copyFileSync(storeFile({ dataDir: dir }), join(work, 'mixtape.duckdb'));
  const store = await Store.open({ dataDir: work });
  const data = await buildTrainingData(store);
  store.close();
  const x = data.interactions;
  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), node ${process.version}, load average ${loadavg()[0]!.toFixed(1)}`);
  console.log(`store ${dir}: ${x.userIds.length} rows (listener, sessions, playlists), ${x.itemIds.length} tracks, ${x.indices.length} row-track pairs, ${data.features.indices.length} feature entries`);
  console.log('seed | chosen per listener (choice) | hybrid NDCG@10 | factors and features | factors only | without features | popularity');
  const sums = [0, 0, 0, 0, 0, 0];
  for (const seed of seeds) {
    const { train, test } = splitPerUser(x, { seed });
    // As `mixtape train` chooses, on a validation split cut from the training part only.
    const val = splitPerUser(train, { seed: seed + 1000 });
    const { chosen } = await selectHybrid(val.train, val.test, data.features, PERSONAL_CANDIDATES, { seed });
    const ndcg = [await hybridNdcg(train, test, data.features, seed, chosen.options)];
    for (const c of PERSONAL_CANDIDATES) ndcg.push(await hybridNdcg(train, test, data.features, seed, c.options));
    ndcg.push(await hybridNdcg(train, test, emptyFeatures(x.itemIds.length, data.features.slots), seed), await popularityNdcg(train, test));
    ndcg.forEach((v, i) => (sums[i]! += v));
    console.log(`${seed} | ${ndcg[0]!.toFixed(4)} (${chosen.name}) | ${ndcg.slice(1).map((v) => v.toFixed(4)).join(' | ')}`);
  }
  console.log(`mean | ${sums.map((v) => (v / seeds.length).toFixed(4)).join(' | ')}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

async function hybridNdcg(train: Interactions, test: Interactions, features: ItemFeatures, seed: number, options: HybridOptions = {}): Promise<number> {
  return (await heldOutNdcg(train, test, features, { seed, ...options })).ndcg;
}

async function popularityNdcg(train: Interactions, test: Interactions): Promise<number> {
  return (await evaluateScorer(popularityScorer(train), train, test)).ndcg;
}
