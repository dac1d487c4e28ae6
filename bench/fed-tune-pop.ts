// Tuning harness for private ALS on a synthetic population (sim/population.ts): the population is
// drawn with a different seed from bench/federation.ts (2024) and scored on a validation split cut
// from its training part, so the settings chosen here are never tuned on the benchmark's test split.
//   npx tsx bench/fed-tune-pop.ts N '[{"dim":16},{"sharedItems":3000}]' 8 [--baselines]
// Scores 1,000 validation users; every model trains on all N listeners' training part.
import { contentIndexOf, evaluateScorer, hybridScorer, ItemIndex, loadHetrecLastfm, splitPerUser, trainHybrid, type Interactions } from '../packages/model/src/index.js';
import { Rng } from '../packages/core/src/index.js';
import { PRIVATE_ALS_DEFAULTS, type PrivateAlsParams } from '../packages/federation/src/als/params.js';
import { trainPrivateAls } from '../packages/federation/src/als/train.js';
import { blendedScorer, listenerContent, listenerVectors, popularityPrior } from '../packages/federation/src/als/serve.js';
import { drawPopulation, fitPopulation } from '../packages/federation/src/sim/population.js';
import { tuneBlend } from '../packages/federation/src/als/blend.js';
import { recommendBlend } from './recommend-blend.js';
import type { Listens } from '../packages/federation/src/als/node-step.js';

const n = Number(process.argv[2] ?? 10_000);
const runs = [JSON.parse(process.argv[3] ?? '{}') as Partial<PrivateAlsParams> | Array<Partial<PrivateAlsParams>>].flat();
const eps = Number(process.argv[4] ?? 8);
const ds = loadHetrecLastfm('../shared/data/hetrec-lastfm-2k');
// POP_SEED draws another population (a check of a choice on one it was not made on); 99 by default.
const syn = drawPopulation(await fitPopulation(ds.interactions), n, Number(process.env.POP_SEED ?? 99));
const { train, test: full } = splitPerUser(splitPerUser(syn, { seed: 42 }).train, { seed: 7 });
const scored = sampleUsers(full.userIds.length, 1000, 5);
const test = rowsOf(full, scored);
const nodes: Listens[] = train.userIds.map((_, u) => ({ items: train.indices.slice(train.indptr[u]!, train.indptr[u + 1]!), plays: Float64Array.from(train.values.subarray(train.indptr[u]!, train.indptr[u + 1]!)) }));
const nItems = train.itemIds.length;
const ndcg = async (score: Parameters<typeof evaluateScorer>[0]) => (await evaluateScorer(score, train, test)).ndcg;
/** The numbers of a comma-separated list, or one NaN (tuneBlend's default) when it is not set. */
const orDefault = (list: string | undefined) => (list ? list.split(',').map(Number) : [Number.NaN]);
const secs = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

/** A seeded random sample of m of n users (1: kept): only they are scored. */
function sampleUsers(n: number, m: number, seed: number): Uint8Array {
  const keep = new Uint8Array(n);
  new Rng(seed).shuffle(Int32Array.from({ length: n }, (_, u) => u)).subarray(0, m).forEach((u) => (keep[u] = 1));
  return keep;
}

/** The rows of the kept users, the others emptied. */
function rowsOf(x: Interactions, keep: Uint8Array): Interactions {
  const indptr = new Int32Array(x.userIds.length + 1);
  const idx: number[] = [];
  const val: number[] = [];
  for (let u = 0; u < x.userIds.length; u++) {
    if (keep[u])
      for (let p = x.indptr[u]!; p < x.indptr[u + 1]!; p++) {
        idx.push(x.indices[p]!);
        val.push(x.values[p]!);
      }
    indptr[u + 1] = idx.length;
  }
  return { ...x, indptr, indices: Int32Array.from(idx), values: Float32Array.from(val) };
}

if (process.argv.includes('--baselines')) {
  const t0 = performance.now();
  const h = await trainHybrid(train, ds.features, { seed: 42 });
  const idx = await ItemIndex.create(h.itemFactors, nItems, h.k);
  console.log(`N ${n}: central hybrid ${(await ndcg(hybridScorer(h.userFactors, h.k, idx, train, contentIndexOf(h), h.params.contentBeta))).toFixed(4)} (${secs(t0)})`);
}
for (const o of runs) {
  const p = { ...PRIVATE_ALS_DEFAULTS, ...o };
  const t0 = performance.now();
  const content = listenerContent(ds.features, p);
  const m = trainPrivateAls(nodes, nItems, ds.features, p, eps);
  const users = listenerVectors(m.table, m.tableDim, train, p);
  const res: string[] = [];
  // PRIORS=w1,w2: also score with the public popularity prior (the released counts) at these weights.
  const z = popularityPrior(m.shared, m.counts, nItems);
  for (const beta of (process.env.BETAS ?? `0,${p.contentBeta}`).split(',').map(Number)) {
    for (const w of (process.env.PRIORS ?? `${p.popularityBoost}`).split(',').map(Number)) {
      const prior = w > 0 ? { z, weight: w } : undefined;
      res.push(`${beta}${w > 0 ? `+prior ${w}` : ''}:${(await ndcg(blendedScorer(m.table, m.tableDim, users, train, content, () => beta, prior))).toFixed(4)}`);
    }
  }
  // PERUSER=1: also score each listener's own tuned weight (tuned for the scored listeners only);
  // MARGINS=0.05,0.3, FOLDS=3,5 and GRID=0.4,0.6 try tuneBlend's margin, folds and grid.
  if (process.env.PERUSER) {
    const prior = p.popularityBoost > 0 ? { z, weight: p.popularityBoost } : undefined;
    for (const margin of orDefault(process.env.MARGINS))
      for (const folds of orDefault(process.env.FOLDS)) {
        const t1 = performance.now();
        const betas = tuneBlend(m.table, m.tableDim, rowsOf(train, scored), content, p, {
          ...(Number.isNaN(margin) ? {} : { margin }),
          ...(Number.isNaN(folds) ? {} : { folds }),
          ...(process.env.GRID ? { grid: process.env.GRID.split(',').map(Number) } : {}),
          ...(prior ? { prior } : {}),
        });
        const moved = betas.filter((b, u) => scored[u] && b !== p.contentBeta).length;
        const score = (await ndcg(blendedScorer(m.table, m.tableDim, users, train, content, (u) => betas[u]!, prior))).toFixed(4);
        res.push(`per-listener(margin ${margin}, folds ${folds}):${score} (${moved} of the scored moved, ${secs(t1)})`);
      }
  }
  // PERSONAL=1: also score the weight `recommend` tunes between a listener's own model and the pulled one.
  if (process.env.PERSONAL) res.push(recommendBlend({ table: m.table, k: m.tableDim, shared: m.shared, als: p }, train, test, ds.features));
  console.log(`N ${n} validation, epsilon ${eps}, ${JSON.stringify(o)}: NDCG@10 by blend weight ${res.join(' ')} (${secs(t0)})`);
}
