// Model benchmark: quality on HetRec Last.fm 2K (one split, every model), int8 vs float32, and
// serving latency on a synthetic 100,000-item int8 catalogue. Run: npx tsx bench/model.ts [HETREC_DIR]
import { cpus, loadavg } from 'node:os';
import {
  contentIndexOf,
  compareModels,
  evaluateScorer,
  featuresWithout,
  hybridScorer,
  ItemIndex,
  fitModel,
  loadHetrecLastfm,
  quantizeModel,
  Recommender,
  splitPerUser,
  tensorEngine,
  type ModelArtifact,
} from '../packages/model/src/index.js';
import { percentile, syntheticModel, timeCalls } from './synthetic-catalogue.js';

const dir = process.argv[2] ?? '../shared/data/hetrec-lastfm-2k';
const seed = 42;

const backend = await tensorEngine();
console.log(`node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), tensor backend ${backend}`);

// 1. Quality: one split, every model, the same metric code. HetRec's tags are its users' own: the
// features leave out every tag a user put on one of their own held-out artists.
const ds = loadHetrecLastfm(dir);
const cmp = await compareModels(ds.interactions, (heldOut) => featuresWithout(ds, heldOut), { seed });
console.log(`\nHetRec Last.fm 2K, per-user random 80/20 split, seed ${seed}: ${cmp.trainInteractions} train / ${cmp.testInteractions} test`);
console.log('model        NDCG@10  Recall@10  Prec@10  coverage  fit s');
for (const r of cmp.rows) {
  console.log(`${r.model.padEnd(12)} ${r.ndcg.toFixed(4)}   ${r.recall.toFixed(4)}     ${r.precision.toFixed(4)}   ${r.coverage.toFixed(4)}    ${r.fitSeconds.toFixed(2)}`);
}
const ials = cmp.rows.find((r) => r.model === 'ials')!;
const hybrid = cmp.rows.find((r) => r.model === 'hybrid')!;
console.log(`hybrid vs tuned iALS: NDCG@10 ${((hybrid.ndcg / ials.ndcg - 1) * 100).toFixed(1)}%`);
const q = cmp.quantization;
console.log(`int8 vs float32: top-10 overlap ${(q.topKOverlap * 100).toFixed(1)}%, NDCG@10 ${q.ndcgFloat32.toFixed(4)} -> ${q.ndcgInt8.toFixed(4)} (${(q.ndcgChange * 100).toFixed(2)}%), item table ${q.bytesFloat32} -> ${q.bytesInt8} bytes`);

// 2. Ablation on the same split: what each part of the hybrid adds.
const { train, test } = splitPerUser(ds.interactions, { seed });
const features = featuresWithout(ds, test);
console.log('\nablation (same split):');
for (const [name, opts] of [
  ['factors only (tag prior, per-user confidence)', { contentBeta: 0 }],
  ['without per-user confidence scale', { perUserScale: 0 }],
  ['without tag prior on item vectors', { priorWeight: 0 }],
] as const) {
  const m = (await fitModel(train, features, { seed, ...opts })).model;
  const idx = await ItemIndex.create(m.itemFactors, m.itemIds.length, m.k);
  const r = await evaluateScorer(hybridScorer(m.userFactors, m.k, idx, train, contentIndexOf(m), m.params.contentBeta), train, test);
  idx.dispose();
  console.log(`  ${name.padEnd(48)} NDCG@10 ${r.ndcg.toFixed(4)}`);
}

// 3. Fit time of the hybrid model alone on the training split: wall clock and process CPU time.
const fits: string[] = [];
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await fitModel(train, features, { seed });
  const c = process.cpuUsage(c0);
  fits.push(`${((performance.now() - t0) / 1000).toFixed(2)} s wall / ${((c.user + c.system) / 1e6).toFixed(2)} s CPU`);
}
console.log(`\nhybrid fit on HetRec train split (load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores): ${fits.join('; ')}`);

// 4. Serving: top-50 over a synthetic 100k-item int8 catalogue, and feedback -> new recommendations.
const nItems = 100_000;
const k = 64;
const { model, history: uniq } = syntheticModel(nItems, k, (await fitModel(train, features, { seed, iterations: 1 })).model.params);
const itemIds = model.itemIds;
const artifact: ModelArtifact = quantizeModel({
  model,
  history: { userIds: ['listener'], itemIds, indptr: Int32Array.from([0, uniq.length]), indices: uniq, values: new Float32Array(uniq.length).fill(10) },
});
const rec = await Recommender.create(artifact, { dtype: 'int8' });
const listener = rec.listener('listener', { excludeSeen: true });
for (let i = 0; i < 20; i++) await rec.recommend(listener, 50);
const t = await timeCalls(() => rec.recommend(listener, 50));
console.log(`\n(load average ${loadavg()[0]!.toFixed(1)})`);
console.log(`top-50 over ${nItems} int8 items (k=${k}, content part on, 200-item history): p50 ${t.p50.toFixed(2)} ms, p99 ${t.p99.toFixed(2)} ms wall; CPU time p50 ${t.cpu50.toFixed(2)} ms, p99 ${t.cpu99.toFixed(2)} ms`);

const events: Array<{ item: string; kind: 'like' | 'skip' | 'ban' | 'played' }> = Array.from(uniq.slice(0, 50), (i) => ({ item: itemIds[i]!, kind: 'played' as const }));
const fb: number[] = [];
const fbCpu: number[] = [];
let changed = 0;
let prev = (await rec.recommend(rec.listenerFromFeedback(events, { excludeSeen: true }), 50)).map((r) => r.item);
for (let i = 0; i < 200; i++) {
  const kind = (['like', 'skip', 'ban', 'played'] as const)[i % 4]!;
  events.push({ item: prev[i % 10]!, kind });
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const next = (await rec.recommend(rec.listenerFromFeedback(events, { excludeSeen: true }), 50)).map((r) => r.item);
  const c = process.cpuUsage(c0);
  fb.push(performance.now() - t0);
  fbCpu.push((c.user + c.system) / 1000);
  if (next.join() !== prev.join()) changed++;
  prev = next;
}
console.log(`feedback -> new top-50 (fold-in of ${events.length} events + rescoring ${nItems} int8 items): p50 ${percentile(fb, 50).toFixed(2)} ms, p99 ${percentile(fb, 99).toFixed(2)} ms wall; CPU time p50 ${percentile(fbCpu, 50).toFixed(2)} ms, p99 ${percentile(fbCpu, 99).toFixed(2)} ms; ranking changed in ${changed}/200`);
rec.dispose();
