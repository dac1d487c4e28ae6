// Federation benchmark (issue 12): private ALS at population scale.
//   a. HetRec Last.fm 2K, every user a node, per-user 80/20 splits (seeds 42, 1, 7): NDCG@10 of what
//      listeners get at ε 1 / 4 / 8 / no noise, next to the central hybrid, iALS, the listener alone
//      and popularity.
//   b. Synthetic populations fitted to HetRec (sim/population.ts), N = 1,892 / 10,000 / 100,000, at
//      ε 1 / 4 / 8, each against the central hybrid trained on the same population.
//   c. Hub cost on PostgreSQL: a real hub in a child process, contributions built by the client code.
// Every private-ALS setting is privateAlsFor's tier (tuned on a validation split, never on test).
//   npx tsc -b && MIXTAPE_TEST_PG_URL="$(.ci/postgres.sh)" npx tsx bench/federation.ts [--quick] [--no-hub]
// --quick skips N = 100,000 (--sizes 100000 runs only that size in parts b and c); without a PostgreSQL URL
// (or with --no-hub) part c is skipped.
// NOISE_SEED=2 draws another noise for parts a and b; ALS='{"dim":64,"gramFloor":0}' lays settings over
// the sized ones there (to run an earlier tier beside the current one).
import { cpus, loadavg } from 'node:os';
import {
  evaluateScorer,
  featuresWithout,
  factorScorer,
  loadHetrecLastfm,
  splitPerUser,
  trainIals,
  type ContentIndex,
  type Interactions,
  type ItemFeatures,
} from '../packages/model/src/index.js';
import { Rng } from '../packages/core/src/index.js';
import { PRIVATE_ALS_DEFAULTS as P, PRIVATE_ALS_TIERS, privateAlsFor, type PrivateAlsParams } from '../packages/federation/src/als/params.js';
import { trainPrivateAls } from '../packages/federation/src/als/train.js';
import { blendedScorer, listenerContent, listenerVectors, popularityPrior } from '../packages/federation/src/als/serve.js';
import type { Listens } from '../packages/federation/src/als/node-step.js';
import { compareWithCentral } from '../packages/federation/src/sim/compare.js';
import { drawPopulation, fitPopulation, popularityProfile, type PopularityProfile } from '../packages/federation/src/sim/population.js';
import { measureHubCost } from '../packages/federation/src/sim/hub-cost.js';
import { contributionBytes, freshPgSchema, dropPgSchema } from '../packages/federation/src/sim/pg-schema.js';
import { defaultParams } from '../packages/federation/src/params.js';
import { vocabulary } from '../packages/federation/src/vocab.js';

const DIR = '../shared/data/hetrec-lastfm-2k';
const quick = process.argv.includes('--quick');
// --part a|b|c runs one part only (each part's figures stand alone; c needs a PostgreSQL URL).
// --sizes 100000 runs the named population sizes only (parts b and c).
const sizesAt = process.argv.indexOf('--sizes');
const sizesArg = sizesAt > 0 ? process.argv[sizesAt + 1]!.split(',').map(Number) : undefined;
// --hub-rounds 1 measures only the selection round in part c (default 2: selection and one ALS step).
const hubRoundsAt = process.argv.indexOf('--hub-rounds');
const hubRounds = hubRoundsAt > 0 ? Number(process.argv[hubRoundsAt + 1]) : 2;
const partArg = process.argv.indexOf('--part');
const parts = partArg > 0 ? process.argv[partArg + 1]!.split(',') : ['a', 'b', 'c'];
const pgUrl = process.argv.includes('--no-hub') ? undefined : process.env.MIXTAPE_TEST_PG_URL;
const EPS = [1, 4, 8, Number.POSITIVE_INFINITY];
const EVAL_USERS = 2000;
const t0 = performance.now();
const f4 = (x: number) => x.toFixed(4);
const secs = (t: number) => `${((performance.now() - t) / 1000).toFixed(0)} s`;
const epsName = (e: number) => (Number.isFinite(e) ? `ε ${e}` : 'no noise');

console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} at start`);
console.log(`private ALS: ${JSON.stringify(P)}, sized by privateAlsFor(listeners, ε): ${JSON.stringify(PRIVATE_ALS_TIERS)}; δ = 1e-5; the noise seed is P.seed\n`);

function nodesOf(x: Interactions): Listens[] {
  return x.userIds.map((_, u) => ({ items: x.indices.slice(x.indptr[u]!, x.indptr[u + 1]!), plays: Float64Array.from(x.values.subarray(x.indptr[u]!, x.indptr[u + 1]!)) }));
}

/** The test rows of a fixed random sample of users (all when there are at most `n`): models train on everyone, are scored on these. */
function sampleTest(test: Interactions, n: number, seed: number): Interactions {
  const users = test.userIds.length;
  if (users <= n) return test;
  const keep = new Uint8Array(users);
  new Rng(seed).shuffle(Int32Array.from({ length: users }, (_, u) => u)).subarray(0, n).forEach((u) => (keep[u] = 1));
  const indptr = new Int32Array(users + 1);
  const idx: number[] = [];
  for (let u = 0; u < users; u++) {
    if (keep[u]) for (let p = test.indptr[u]!; p < test.indptr[u + 1]!; p++) idx.push(p);
    indptr[u + 1] = idx.length;
  }
  return { ...test, indptr, indices: Int32Array.from(idx, (p) => test.indices[p]!), values: Float32Array.from(idx, (p) => test.values[p]!) };
}

/**
 * The settings a federation of n listeners gets at eps, with NOISE_SEED (another noise draw) and
 * ALS (a JSON object of settings laid over them, e.g. '{"dim":64,"gramFloor":0}') where given.
 */
function sizedAls(n: number, eps: number) {
  return { ...privateAlsFor(n, eps), ...(process.env.NOISE_SEED ? { seed: Number(process.env.NOISE_SEED) } : {}), ...(JSON.parse(process.env.ALS ?? '{}') as object) };
}

/** NDCG@10 of what listeners get from private ALS at ε: the shared table, their own vector, their content blend. */
async function listenersGet(
  nodes: Listens[],
  train: Interactions,
  test: Interactions,
  features: ItemFeatures,
  eps: number,
  als = sizedAls(nodes.length, eps),
): Promise<{ ndcg: number; table: Float32Array; k: number; users: Float32Array; prior: { z: Float32Array; weight: number } }> {
  const m = trainPrivateAls(nodes, train.itemIds.length, features, als, eps);
  const users = listenerVectors(m.table, m.tableDim, train, als);
  const prior = { z: popularityPrior(m.shared, m.counts, train.itemIds.length), weight: als.popularityBoost };
  const c = contentFor(features, als);
  const r = await evaluateScorer(blendedScorer(m.table, m.tableDim, users, train, c, () => als.contentBeta, prior), train, test);
  return { ndcg: r.ndcg, table: m.table, k: m.tableDim, users, prior };
}

/** The content index at a tier's IDF powers (tiers may differ from the defaults). */
const contentIndexes = new WeakMap<ItemFeatures, Map<string, ContentIndex>>();
function contentFor(features: ItemFeatures, als: PrivateAlsParams): ContentIndex {
  const key = `${als.contentIdfPower}/${als.contentItemIdfPower}`;
  if (!contentIndexes.has(features)) contentIndexes.set(features, new Map());
  const byPowers = contentIndexes.get(features)!;
  if (!byPowers.has(key)) byPowers.set(key, listenerContent(features, als)!);
  return byPowers.get(key)!;
}

/** Everyone at the default blend weight here (per-listener tuning is in `simulate`; it changed NDCG by under 1 %). */
const defaultBlend = (users: number, beta = P.contentBeta) => new Float32Array(users).fill(beta);

const ds = loadHetrecLastfm(DIR);

// a. HetRec, every user a node.
if (parts.includes('a')) {
  console.log('## a. HetRec Last.fm 2K, 1,892 nodes, per-user 80/20 split; NDCG@10 over all test users');
  console.log('seed | central hybrid | iALS | listener alone | popularity | ' + EPS.map(epsName).join(' | ') + ' | no noise, ε 8 settings | ε 8 ÷ central | ε 8 ÷ alone');
  const rowsA: number[][] = [];
  for (const seed of [42, 1, 7]) {
    const t = performance.now();
    const { train, test } = splitPerUser(ds.interactions, { seed });
    // The tags users put on their own held-out artists are left out of every model's features.
    const features = featuresWithout(ds, test);
    const nodes = nodesOf(train);
    const fed = new Map<number, number>();
    for (const eps of EPS.filter((e) => e !== 8)) fed.set(eps, (await listenersGet(nodes, train, test, features, eps)).ndcg);
    const e8 = await listenersGet(nodes, train, test, features, 8);
    const c = await compareWithCentral(e8.table, e8.k, e8.users, train, test, features, defaultBlend(train.userIds.length), P.contentBeta, privateAlsFor(nodes.length, 8), e8.prior);
    fed.set(8, c.listeners.ndcg);
    const ials = await factorScorer(await trainIals(train, { seed: 42 }));
    const ialsNdcg = (await evaluateScorer(ials, train, test)).ndcg;
    ials.dispose();
    const same = (await listenersGet(nodes, train, test, features, Number.POSITIVE_INFINITY, privateAlsFor(nodes.length, 8))).ndcg;
    const row = [c.central.ndcg, ialsNdcg, c.alone.ndcg, c.popularity.ndcg, ...EPS.map((e) => fed.get(e)!), same, c.vsCentral, c.vsAlone];
    rowsA.push(row);
    console.log(`${seed} | ${row.map(f4).join(' | ')}   (${secs(t)})`);
  }
  const spread = (j: number) => {
    const v = rowsA.map((r) => r[j]!);
    return `${f4(v.reduce((a, b) => a + b, 0) / v.length)} (${f4(Math.min(...v))}–${f4(Math.max(...v))})`;
  };
  console.log(`mean (min–max) | ${rowsA[0]!.map((_, j) => spread(j)).join(' | ')}`);
  console.log(`ratios vs central hybrid, mean: ${EPS.map((e, i) => `${epsName(e)} ${(rowsA.reduce((a, r) => a + r[4 + i]! / r[0]!, 0) / rowsA.length).toFixed(3)}`).join(', ')}`);
  console.log(`no noise with the ε 8 settings ÷ central hybrid, mean: ${(rowsA.reduce((a, r) => a + r[4 + EPS.length]! / r[0]!, 0) / rowsA.length).toFixed(3)}`);
  console.log(`ratios vs listener alone, mean: ${EPS.map((e, i) => `${epsName(e)} ${(rowsA.reduce((a, r) => a + r[4 + i]! / r[2]!, 0) / rowsA.length).toFixed(3)}`).join(', ')}\n`);
}

// b. Synthetic populations.
let t = performance.now();
const population = parts.includes('b') || (pgUrl && parts.includes('c')) ? await fitPopulation(ds.interactions) : undefined;
const populations = new Map<number, Interactions>();
if (parts.includes('b')) {
  const profile = (p: PopularityProfile) => `${p.users} listeners, ${p.pairs} pairs, ${p.meanLength.toFixed(1)} items each, top 1% of items hold ${(100 * p.topShare).toFixed(1)}% of pairs, Gini ${p.gini.toFixed(3)}`;
  console.log(`## b. Synthetic populations (taste model fitted to all of HetRec in ${secs(t)}); split seed 42; ε 8 etc. per listener`);
  console.log(`HetRec itself: ${profile(popularityProfile(ds.interactions))}`);
  const sizes = sizesArg ?? (quick ? [1892, 10_000] : [1892, 10_000, 100_000]);
  console.log('N | scored users | central hybrid | listener alone | popularity | ε 1 | ε 4 | ε 8 | ε 1 ÷ central | ε 4 ÷ central | ε 8 ÷ central | ε 8 ÷ alone | time');
  for (const n of sizes) {
    t = performance.now();
    const syn = drawPopulation(population!, n, 2024);
    populations.set(n, syn);
    console.log(`  N ${n}: ${profile(popularityProfile(syn))} (drawn in ${secs(t)})`);
    const { train, test: fullTest } = splitPerUser(syn, { seed: 42 });
    const test = sampleTest(fullTest, EVAL_USERS, 11);
    const nodes = nodesOf(train);
    const fed = new Map<number, number>();
    for (const eps of [1, 4]) fed.set(eps, (await listenersGet(nodes, train, test, ds.features, eps)).ndcg);
    const e8 = await listenersGet(nodes, train, test, ds.features, 8);
    const c = await compareWithCentral(e8.table, e8.k, e8.users, train, test, ds.features, defaultBlend(train.userIds.length, privateAlsFor(n, 8).contentBeta), P.contentBeta, privateAlsFor(nodes.length, 8), e8.prior);
    const r = [1, 4].map((e) => fed.get(e)!);
    console.log(`${n} | ${c.central.users} | ${f4(c.central.ndcg)} | ${f4(c.alone.ndcg)} | ${f4(c.popularity.ndcg)} | ${r.map(f4).join(' | ')} | ${f4(c.listeners.ndcg)} | ${r.map((x) => (x / c.central.ndcg).toFixed(3)).join(' | ')} | ${c.vsCentral.toFixed(3)} | ${c.vsAlone.toFixed(3)} | ${secs(t)}`);
  }
}

// c. Hub cost on PostgreSQL.
if (!pgUrl || !parts.includes('c')) {
  console.log('\n## c. Hub cost: skipped (set MIXTAPE_TEST_PG_URL, e.g. from .ci/postgres.sh)');
} else {
  console.log('\n## c. Hub cost on PostgreSQL, ε 8, minContributors = N, 16 concurrent senders; round 1 = selection counts, round 2 = one ALS step (rounds 3-6 cost the same)');
  console.log('N | round | upload per node | download per node | submit s (contributions/s) | aggregation ms | hub RSS MB after | hub peak MB | most held in PostgreSQL');
  const itemIds = ds.interactions.itemIds;
  const vocab = vocabulary(itemIds.map((id) => `id:${id}`), [...itemIds]);
  for (const n of sizesArg ?? [1892, 10_000]) {
    const syn = populations.get(n) ?? drawPopulation(population!, n, 2024);
    const params = defaultParams({ vocabVersion: vocab.version, vocabSize: vocab.keys.length, epsilon: 8, minContributors: n });
    const db = await freshPgSchema(pgUrl);
    try {
      const storedBytes = () => contributionBytes(pgUrl, db.schema);
      // Each round's line is printed as soon as that round is aggregated: a run stopped later keeps it.
      await measureHubCost({ params, vocabulary: vocab, itemFeaturesPath: `${DIR}/user_taggedartists.dat`, db: db.url, nodes: nodesOf(syn), rounds: hubRounds, storedBytes, onRound: (r) =>
        console.log(
          `${n} | ${r.round} | ${(r.uploadBytes / 1024).toFixed(1)} KiB | ${(r.downloadBytes / 1024).toFixed(1)} KiB | ${r.submitSeconds.toFixed(1)} (${(r.contributions / r.submitSeconds).toFixed(0)}/s) | ${r.aggregationMs} | ${r.hubRssMb.toFixed(0)} | ${r.hubPeakMb.toFixed(0)} | ${r.peakStoredMb!.toFixed(0)} MB (${((r.contributions * r.uploadBytes) / 2 ** 20).toFixed(0)} MB uploaded)`,
        ) });
    } finally {
      await dropPgSchema(pgUrl, db.schema);
    }
  }
}
console.log(`\ntotal ${secs(t0)}`);
