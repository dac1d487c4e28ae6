import { loadHetrecLastfm, splitPerUser, buildContentIndex, evaluateScorer, type Interactions } from '../packages/model/src/index.js';
import { fitPopulation, drawPopulation } from '../packages/federation/src/sim/population.js';
import { PRIVATE_ALS_DEFAULTS } from '../packages/federation/src/als/params.js';
import { trainPrivateAls } from '../packages/federation/src/als/train.js';
import { blendedScorer, listenerVectors } from '../packages/federation/src/als/serve.js';
const ds = loadHetrecLastfm('../shared/data/hetrec-lastfm-2k');
const pop = await fitPopulation(ds.interactions);
const syn = drawPopulation(pop, 10_000, 2024);
const { train, test: full } = splitPerUser(syn, { seed: 42 });
// the same 2,000-user sample as the bench is not needed for a relative comparison: first 2,000 users with tests
const keep = (t: Interactions) => { const indptr = new Int32Array(t.userIds.length + 1); const idx: number[] = []; for (let u = 0; u < t.userIds.length; u++) { if (u < 2000) for (let p = t.indptr[u]!; p < t.indptr[u + 1]!; p++) idx.push(p); indptr[u + 1] = idx.length; } return { ...t, indptr, indices: Int32Array.from(idx, (p) => t.indices[p]!), values: Float32Array.from(idx, (p) => t.values[p]!) }; };
const test = keep(full);
const nodes = train.userIds.map((_, u) => ({ items: train.indices.slice(train.indptr[u]!, train.indptr[u + 1]!), plays: Float64Array.from(train.values.subarray(train.indptr[u]!, train.indptr[u + 1]!)) }));
const content = buildContentIndex(ds.features, 1);
for (const o of JSON.parse(process.argv[2]!)) {
  const P = { ...PRIVATE_ALS_DEFAULTS, ...o };
  const m = trainPrivateAls(nodes, train.itemIds.length, ds.features, P, 8);
  const users = listenerVectors(m.table, m.tableDim, train, P);
  const r = await evaluateScorer(blendedScorer(m.table, m.tableDim, users, train, content, () => P.contentBeta), train, test);
  console.log(JSON.stringify(o), r.ndcg.toFixed(4));
}
