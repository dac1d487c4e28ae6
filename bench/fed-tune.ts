// Tuning harness for private ALS. Every figure is on a validation split cut from the training part
// of HetRec's seed-42 split (seed 7), never on a test split: this is where PRIVATE_ALS_DEFAULTS
// came from (docs/BENCHMARKS.md, Federation).
//   npx tsx bench/fed-tune.ts '[{"dim":16},{"sharedItems":2000}]' 8 [--baselines]
// Each object overrides the defaults for one run at the given epsilon (0 = no noise). Environment:
// BETAS=0,0.5,0.8 (content blend weights to score), PERUSER=1 (also score per-listener tuned weights;
// MARGINS=0.05,0.3 and FOLDS=3,5 try tuneBlend's margin and folds), PERSONAL=1 (also score the
// weight `recommend` tunes between a listener's own model and the pulled one: bench/recommend-blend.ts;
// TUNE_MARGINS=0,0.3 tries its margins).
import {
  buildContentIndex,
  contentIndexOf,
  evaluateScorer,
  featuresWithout,
  hybridScorer,
  ItemIndex,
  loadHetrecLastfm,
  splitPerUser,
  trainHybrid,
} from '../packages/model/src/index.js';
import { PRIVATE_ALS_DEFAULTS, type PrivateAlsParams } from '../packages/federation/src/als/params.js';
import { trainPrivateAls } from '../packages/federation/src/als/train.js';
import { blendedScorer, listenerContent, listenerVectors, popularityPrior } from '../packages/federation/src/als/serve.js';
import { tuneBlend } from '../packages/federation/src/als/blend.js';
import type { Listens } from '../packages/federation/src/als/node-step.js';
import { recommendBlend } from './recommend-blend.js';

const runs = [JSON.parse(process.argv[2] ?? '{}') as Partial<PrivateAlsParams> | Array<Partial<PrivateAlsParams>>].flat();
const eps = Number(process.argv[3] ?? 8);
const ds = loadHetrecLastfm('../shared/data/hetrec-lastfm-2k');
const outer = splitPerUser(ds.interactions, { seed: 42 });
const { train, test } = splitPerUser(outer.train, { seed: 7 });
// Tags the users put on held-out artists (validation and the outer test part) are left out.
const features = featuresWithout(ds, outer.test, test);
const nodes: Listens[] = train.userIds.map((_, u) => ({
  items: train.indices.slice(train.indptr[u]!, train.indptr[u + 1]!),
  plays: Float64Array.from(train.values.subarray(train.indptr[u]!, train.indptr[u + 1]!)),
}));
const nItems = train.itemIds.length;
const ndcg = async (score: Parameters<typeof evaluateScorer>[0]) => (await evaluateScorer(score, train, test)).ndcg;
/** The numbers of a comma-separated list, or one NaN (tuneBlend's default) when it is not set. */
const orDefault = (list: string | undefined) => (list ? list.split(',').map(Number) : [Number.NaN]);
const secs = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

if (process.argv.includes('--baselines')) {
  const t0 = performance.now();
  const h = await trainHybrid(train, features, { seed: 42 });
  const idx = await ItemIndex.create(h.itemFactors, nItems, h.k);
  console.log(`central hybrid ${(await ndcg(hybridScorer(h.userFactors, h.k, idx, train, contentIndexOf(h), h.params.contentBeta))).toFixed(4)} (${secs(t0)})`);
  for (const [idf, itemIdf] of [[0, 0], [1, 1], [3, 3], [4, 1], [4, 0], [2, 0], [1, 0]] as const) {
    const alone = blendedScorer(new Float32Array(nItems), 1, new Float32Array(train.userIds.length), train, buildContentIndex(features, idf, itemIdf), () => 1);
    console.log(`listener alone, IDF power ${idf} (items ${itemIdf}): ${(await ndcg(alone)).toFixed(4)}`);
  }
}
for (const o of runs) {
  const p = { ...PRIVATE_ALS_DEFAULTS, ...o };
  const t0 = performance.now();
  const content = listenerContent(features, p);
  const m = trainPrivateAls(nodes, nItems, features, p, eps);
  const users = listenerVectors(m.table, m.tableDim, train, p);
  const prior = { z: popularityPrior(m.shared, m.counts, nItems), weight: p.popularityBoost };
  const res: string[] = [];
  for (const beta of (process.env.BETAS ?? `0,${p.contentBeta}`).split(',').map(Number)) {
    res.push(`${beta}:${(await ndcg(blendedScorer(m.table, m.tableDim, users, train, content, () => beta, prior))).toFixed(4)}`);
  }
  if (process.env.PERUSER) {
    for (const margin of orDefault(process.env.MARGINS))
      for (const folds of orDefault(process.env.FOLDS)) {
        const betas = tuneBlend(m.table, m.tableDim, train, content, p, { ...(Number.isNaN(margin) ? {} : { margin }), ...(Number.isNaN(folds) ? {} : { folds }), prior });
        const moved = betas.filter((b) => b !== p.contentBeta).length;
        res.push(`per-listener(margin ${margin}, folds ${folds}):${(await ndcg(blendedScorer(m.table, m.tableDim, users, train, content, (u) => betas[u]!, prior))).toFixed(4)} (${moved} moved)`);
      }
  }
  if (process.env.PERSONAL) res.push(recommendBlend({ table: m.table, k: m.tableDim, shared: m.shared, als: p }, train, test, features));
  console.log(`validation, epsilon ${eps}, ${JSON.stringify(o)}: NDCG@10 by blend weight ${res.join(' ')} (round noise multiplier ${m.noise.roundNoise.toFixed(2)}, ${secs(t0)})`);
}

