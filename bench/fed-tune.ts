// Tuning harness for private ALS: every figure on a validation split cut from HetRec's training part.
// Run: npx tsx bench/fed-tune.ts '{"dim":16}' 8 [test]
import {
  buildContentIndex,
  evaluateScorer,
  hybridScorer,
  ItemIndex,
  loadHetrecLastfm,
  splitPerUser,
  trainHybrid,
  type Interactions,
} from '../packages/model/src/index.js';
import { PRIVATE_ALS_DEFAULTS, type PrivateAlsParams } from '../packages/federation/src/als/params.js';
import { trainPrivateAls } from '../packages/federation/src/als/train.js';
import { blendedScorer, listenerVectors } from '../packages/federation/src/als/serve.js';
import type { Listens } from '../packages/federation/src/als/node-step.js';

const over = JSON.parse(process.argv[2] ?? '{}') as Partial<PrivateAlsParams> | Array<Partial<PrivateAlsParams>>;
const eps = Number(process.argv[3] ?? 8);
const onTest = process.argv[4] === 'test';
const ds = loadHetrecLastfm('../shared/data/hetrec-lastfm-2k');
const outer = splitPerUser(ds.interactions, { seed: 42 });
const { train, test } = onTest ? outer : splitPerUser(outer.train, { seed: 7 });
const nodes: Listens[] = train.userIds.map((_, u) => ({
  items: train.indices.slice(train.indptr[u]!, train.indptr[u + 1]!),
  plays: Float64Array.from(train.values.subarray(train.indptr[u]!, train.indptr[u + 1]!)),
}));
const content = buildContentIndex(ds.features, Number(process.env.IDF ?? 3));
const nItems = train.itemIds.length;
async function ndcg(score: Parameters<typeof evaluateScorer>[0], tr: Interactions = train) {
  return (await evaluateScorer(score, tr, test)).ndcg;
}
if (process.argv.includes('--baselines')) {
  const t0 = performance.now();
  const h = await trainHybrid(train, ds.features, { seed: 42 });
  const idx = await ItemIndex.create(h.itemFactors, nItems, h.k);
  console.log(`central hybrid ${(await ndcg(hybridScorer(h.userFactors, h.k, idx, train, buildContentIndex(h.features, h.params.contentIdfPower), h.params.contentBeta))).toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  console.log(`listener alone ${(await ndcg(blendedScorer(new Float32Array(nItems), 1, new Float32Array(train.userIds.length), train, content, () => 1))).toFixed(4)}`);
}
let tagEmb: Float32Array | undefined;
for (const o of Array.isArray(over) ? over : [over]) {
  const p = { ...PRIVATE_ALS_DEFAULTS, ...o };
  const t0 = performance.now();
  const m = trainPrivateAls(nodes, nItems, ds.features, p, eps);
  let table = m.table;
  let dim = m.tableDim;
  const tagDims = Number(process.env.TAGDIMS ?? 0);
  if (tagDims > 0) {
    const { tagEmbedding, withTagColumns } = await import('../packages/federation/src/als/tag-embedding.js');
    tagEmb ??= tagEmbedding(ds.features, tagDims);
    table = withTagColumns(m.table, p.dim, tagEmb, tagDims, Number(process.env.TAGW ?? 1));
    dim = p.dim + tagDims;
  }
  const users = listenerVectors(table, dim, train, p);
  const res: string[] = [];
  for (const beta of (process.env.BETAS ?? "0,0.5,0.6,0.7,0.8").split(",").map(Number)) res.push(`${beta}:${(await ndcg(blendedScorer(table, dim, users, train, content, () => beta))).toFixed(4)}`);
  if (process.env.PERUSER) {
    const { tuneBlend } = await import('../packages/federation/src/als/blend.js');
    const betas = tuneBlend(table, dim, train, content, p);
    const hist = new Map<number, number>();
    for (const b of betas) hist.set(b, (hist.get(b) ?? 0) + 1);
    res.push(`per-user:${(await ndcg(blendedScorer(table, dim, users, train, content, (u) => betas[u]!))).toFixed(4)} ${JSON.stringify([...hist].sort((a, b) => a[0] - b[0]))}`);
  }
  console.log(`${onTest ? 'TEST' : 'val'} eps ${eps} ${JSON.stringify(o)}: ${res.join(' ')} (z ${m.noise.roundNoise.toFixed(2)}, ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
if (process.argv.includes('--ials')) {
  const { trainIals, factorScorer } = await import('../packages/model/src/index.js');
  for (const o of [{}, { factors: 16 }]) {
    const m2 = await trainIals(train, { seed: 42, ...o });
    console.log(`iALS ${JSON.stringify(o)} ${(await ndcg(await factorScorer(m2))).toFixed(4)}`);
  }
}
