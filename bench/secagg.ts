// Secure aggregation benchmark (issue 14).
//   a. Cost per node per round (bytes up and down, CPU ms) and the hub's unmasking time, n = 10, 100,
//      1,000 real nodes in one process (every key, share, mask and unmasking real; messages pass as
//      the JSON/binary bodies the HTTP protocol sends, without the sockets), 30 % of nodes vanishing
//      before a random step; n = 10,000: one node and its neighbours run for real inside a 10,000-member
//      roster (a node's cost depends on its k neighbours, not on n), the hub's time is extrapolated;
//      n = 1,000 once more with the nodes on two worker threads (bench/secagg-parallel.ts): the round's wall time.
//   b. Quality on HetRec (split seed 42, 1,892 nodes, 30 % dropout per round, 4 noise draws each): NDCG@10 of what listeners
//      get when every round goes through the secure path (randomized rounding to integers mod 2^32,
//      discrete Gaussian noise, the hub's decode) next to plain aggregation at the same noise and the
//      same survivors. Masks cancel exactly (tested), so they are left out here; the summed discrete
//      Gaussian is drawn once per entry with the survivors' total variance (what the hub's sum carries).
//   npx tsc -b && npx tsx bench/secagg.ts [--quick] [--quality-only | --cost-only]
import { cpus, loadavg } from 'node:os';
import { evaluateScorer, loadHetrecLastfm, splitPerUser, type Interactions } from '../packages/model/src/index.js';
import { aggregateRound, type AggregateResult } from '../packages/federation/src/aggregate.js';
import { blendedScorer, listenerContent, listenerVectors, popularityPrior } from '../packages/federation/src/als/serve.js';
import type { Listens } from '../packages/federation/src/als/node-step.js';
import { localPayload } from '../packages/federation/src/client/protocol.js';
import { newIdentity } from '../packages/federation/src/identity.js';
import type { ModelArrays } from '../packages/federation/src/model-file.js';
import { defaultParams, lastRound, noiseMultiplier, sensitivity, type FederationParams } from '../packages/federation/src/params.js';
import { SecAggNode } from '../packages/federation/src/secagg/client.js';
import { addDiscreteGaussian, sampleDiscreteGaussian } from '../packages/federation/src/secagg/discrete-gaussian.js';
import { addInto, decodeSum, encodeUpdate } from '../packages/federation/src/secagg/encode.js';
import { chooseDegree } from '../packages/federation/src/secagg/graph.js';
import { rosterGraph, survivorViewFor, viewFor, type Roster } from '../packages/federation/src/secagg/messages.js';
import { runParallel } from './secagg-parallel.js';
import { cryptoWords, seededWords } from '../packages/federation/src/secagg/random.js';
import { roundPlan } from '../packages/federation/src/secagg/round-plan.js';
import { runInMemory, type DropStep } from '../packages/federation/src/secagg/simulate-round.js';
import { seededRandom } from '../packages/core/src/index.js';
import { vocabulary } from '../packages/federation/src/vocab.js';

const quick = process.argv.includes('--quick');
const DROPOUT = 0.3;
const kib = (b: number) => `${(b / 1024).toFixed(0)} KiB`;
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} at start`);

const ds = loadHetrecLastfm('../shared/data/hetrec-lastfm-2k');
const nItems = ds.interactions.itemIds.length;
const vocab = vocabulary(ds.interactions.itemIds.map((i) => `id:${i}`));
const paramsFor = (n: number, epsilon: number): FederationParams =>
  defaultParams({ vocabVersion: vocab.version, vocabSize: nItems, epsilon, minContributors: Math.max(3, Math.floor(n * (1 - DROPOUT))), secureAggregation: { maxNodes: n, dropout: DROPOUT, stepMs: 60_000 } });

// a. Cost (--quality-only skips it).
if (!process.argv.includes('--quality-only')) {
const dim = paramsFor(10, 8).vocabSize;
{
  const p = paramsFor(1000, 8);
  const plan = roundPlan(p, 1);
  const t = performance.now();
  const x = new Float32Array(plan.dim);
  for (let i = 0; i < 50; i++) x[i * 7] = 1;
  const enc = encodeUpdate(x, plan, cryptoWords());
  addDiscreteGaussian(enc, BigInt(plan.nodeSigma2), cryptoWords());
  console.log(`\n## a. Cost per node per round; payload = round 1 of HetRec (${dim} entries, ${kib(dim * 4)}), 30 % dropout`);
  console.log(`encode + discrete Gaussian noise (sigma² ${plan.nodeSigma2.toExponential(2)}) of one update: ${(performance.now() - t).toFixed(0)} ms (independent of n)`);
}
const cpuS = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
console.log('n | k (neighbours) | summed | up per node | down per node | node CPU ms (mean, max) | per step, all nodes: keys / share / mask / reveal ms | hub unmask ms | round CPU s (process) | round wall s (one thread)');
const rows: { n: number; k: number; up: number; down: number; cpu: number }[] = [];
let last: { n: number; k: number; hubMs: number } | undefined;
const dropsFor = (n: number) => {
  const rand = seededRandom(n);
  return Array.from({ length: n }, () => (rand() < DROPOUT ? (Math.floor(rand() * 4) as DropStep) : undefined));
};
for (const n of quick ? [10, 100] : [10, 100, 1000]) {
  const drop = dropsFor(n);
  const src = seededWords(`inputs-${n}`);
  const inputs = Array.from({ length: n }, () => Uint32Array.from({ length: dim }, () => src.next32() & 0xffff));
  const t = performance.now();
  const c0 = cpuS();
  const r = await runInMemory(inputs, { minSurvivors: Math.max(3, Math.floor(n * (1 - DROPOUT))), dropout: DROPOUT, drop: (i) => drop[i] });
  const cpu = cpuS() - c0;
  const wall = (performance.now() - t) / 1000;
  const c = r.perNode;
  const mean = (f: (x: (typeof c)[number]) => number) => c.reduce((a, x) => a + f(x), 0) / c.length;
  console.log(`${n} | ${r.degree} | ${r.survivors.length} | ${kib(mean((x) => x.up))} | ${kib(mean((x) => x.down))} | ${mean((x) => x.cpuMs).toFixed(0)}, ${Math.max(...c.map((x) => x.cpuMs)).toFixed(0)} | ${r.stepMs.map((x) => x.toFixed(0)).join(' / ')} | ${r.unmaskMs.toFixed(0)} | ${cpu.toFixed(1)} | ${wall.toFixed(1)}`);
  rows.push({ n, k: r.degree, up: mean((x) => x.up), down: mean((x) => x.down), cpu: mean((x) => x.cpuMs) });
  last = { n, k: r.degree, hubMs: r.unmaskMs };
}
if (!quick) {
  // The same 1,000-node round with the nodes on two worker threads (this machine's two cores), the main thread the hub.
  const n = 1000;
  const drop = dropsFor(n);
  const r = await runParallel(n, dim, { minSurvivors: Math.floor(n * (1 - DROPOUT)), dropout: DROPOUT, drop: (i) => drop[i], workers: 2 });
  console.log(`1000 on 2 worker threads: round wall ${r.wallS.toFixed(1)} s (sum checked), hub ${r.hubMs.toFixed(0)} ms, per step all nodes ${r.stepMs.map((x) => x.toFixed(0)).join(' / ')} ms (wall inside the workers), load average ${loadavg()[0]!.toFixed(1)}`);
}
{
  // n = 10,000: one node (index 0) and its neighbours run for real inside the full roster.
  const n = 10_000;
  const t0 = performance.now();
  const ctx = 'bench-10k';
  const nodes = Array.from({ length: n }, () => new SecAggNode(newIdentity(), ctx));
  const adverts = nodes.map((x) => x.advert()).sort((a, b) => (a.id < b.id ? -1 : 1));
  const roster: Roster = { context: ctx, minSurvivors: Math.floor(n * (1 - DROPOUT)), dropout: DROPOUT, ids: adverts.map((a) => a.id), adverts };
  const g = rosterGraph(roster);
  const byId = new Map(nodes.map((x) => [x.id, x]));
  const me = byId.get(adverts[0]!.id)!;
  const nb = g.neighbours(0).map((j) => byId.get(adverts[j]!.id)!);
  const view = viewFor(roster, me.id)!;
  const rosterBytes = Buffer.byteLength(JSON.stringify(view));
  let t = performance.now();
  const mine = await me.shareKeys(view);
  let cpu = performance.now() - t;
  const sent = (await Promise.all(nb.map((x) => x.shareKeys(viewFor(roster, x.id)!)))).flat().filter((m) => m.to === me.id);
  const all = new Set(roster.ids);
  const sets = survivorViewFor(roster, me.id, all, all)!;
  t = performance.now();
  const y = me.maskedInput(sent, new Uint32Array(dim));
  const reveal = me.unmask(sets);
  cpu += performance.now() - t;
  const up = Buffer.byteLength(JSON.stringify(me.advert())) + Buffer.byteLength(JSON.stringify(mine)) + y.byteLength + Buffer.byteLength(JSON.stringify(reveal));
  const down = rosterBytes + Buffer.byteLength(JSON.stringify(sent)) + Buffer.byteLength(JSON.stringify(sets));
  const hubEst = last ? (last.hubMs * (n / last.n) * g.k) / last.k : NaN;
  console.log(`${n} (one node for real, ${((performance.now() - t0) / 1000).toFixed(0)} s to set up) | ${g.k} | ~${Math.round(n * (1 - 0.75 * DROPOUT))} | ${kib(up)} | ${kib(down)} (roster view ${kib(rosterBytes)}) | ${cpu.toFixed(0)} | — | ~${(hubEst / 1000).toFixed(0)} s (extrapolated from n = ${last?.n}: × n × k) | — | —`);
  rows.push({ n, k: g.k, up, down, cpu });
  console.log(`k by n at 30 % dropout: ${[10, 100, 1000, 10_000, 100_000, 1_000_000].map((m) => `${m}: ${chooseDegree(m, DROPOUT)}`).join(', ')}`);
  // Growth: per-node cost over k (k itself grows like log n); flat columns mean cost ∝ k = O(log n).
  // Up carries the masked vector (the payload, the same at every n) for the nodes that got that far.
  console.log('n | k | log2 n | up / k (B, vector included) | down / k (B) | CPU / k (ms)');
  for (const r of rows) console.log(`${r.n} | ${r.k} | ${Math.log2(r.n).toFixed(1)} | ${(r.up / r.k).toFixed(0)} | ${(r.down / r.k).toFixed(0)} | ${(r.cpu / r.k).toFixed(2)}`);
}
}

// b. Quality (--cost-only skips it).
if (!process.argv.includes('--cost-only')) {
console.log('\n## b. HetRec Last.fm 2K, 1,892 nodes, split seed 42, 30 % of nodes vanish each round (the same ones for both); NDCG@10 over all test users');
const { train, test } = splitPerUser(ds.interactions, { seed: 42 });
const nodes: Listens[] = train.userIds.map((_, u) => ({ items: train.indices.slice(train.indptr[u]!, train.indptr[u + 1]!), plays: Float64Array.from(train.values.subarray(train.indptr[u]!, train.indptr[u + 1]!)) }));
const content = listenerContent(ds.features, paramsFor(10, 8).als);

async function train2(p: FederationParams, secure: boolean, rep: number): Promise<AggregateResult> {
  // The survivors depend on the round only (the same for both paths); the plain noise on the repetition.
  const rand = seededRandom(7);
  const noiseRand = seededRandom(1000 + rep);
  const normal = () => Math.sqrt(-2 * Math.log(1 - noiseRand())) * Math.cos(2 * Math.PI * noiseRand());
  let prev: ModelArrays = { shared: new Int32Array(0), counts: new Float32Array(0), sharedTable: new Float32Array(0) };
  let res: AggregateResult | undefined;
  for (let r = 1; r <= lastRound(p); r++) {
    // Vanishing before step 0, 1 or 2 (three quarters of the dropouts) leaves a node out of the sum.
    const survivors = nodes.filter(() => !(rand() < DROPOUT && rand() < 0.75));
    const plan = roundPlan(p, r);
    let sum: Float32Array;
    if (secure) {
      const acc = new Uint32Array(plan.dim);
      const words = cryptoWords();
      for (const x of survivors) addInto(acc, encodeUpdate(localPayload(p, r, prev, x), plan, words));
      const s2 = BigInt(plan.nodeSigma2) * BigInt(survivors.length);
      if (s2 > 0n) for (let i = 0; i < acc.length; i++) acc[i] = (acc[i]! + Number(sampleDiscreteGaussian(words, s2))) >>> 0;
      sum = Float32Array.from(decodeSum(acc, plan));
    } else {
      const acc = new Float64Array(plan.dim);
      for (const x of survivors) localPayload(p, r, prev, x).forEach((v, i) => (acc[i]! += v));
      // Each survivor adds its share N(0, (z c)² / minContributors), as plain nodes do.
      const std = noiseMultiplier(p, r) * sensitivity(p, r) * Math.sqrt(survivors.length / p.minContributors);
      sum = Float32Array.from(acc, (v) => v + std * normal());
    }
    res = await aggregateRound(p, async (visit) => visit('sum', sum), r, r > 1 ? prev : undefined, ds.features, survivors.length);
    prev = res;
  }
  return res!;
}

async function ndcg(m: AggregateResult, p: FederationParams): Promise<number> {
  const table = m.table!;
  const users = listenerVectors(table, m.tableDim, train, p.als);
  const prior = { z: popularityPrior(m.shared, m.counts, nItems), weight: p.als.popularityBoost };
  return (await evaluateScorer(blendedScorer(table, m.tableDim, users, train, content, () => p.als.contentBeta, prior), train, test as Interactions)).ndcg;
}

const REPS = quick ? 1 : 4;
console.log(`ε | plain (mean of ${REPS} noise draws, min–max) | secure (same) | secure ÷ plain | time`);
// ε 0 = no noise: the two paths then differ only by the integer encoding.
// --eps 8,4 picks the budgets (0: no noise; its tier sends each item's Gramian, heavy here).
const epsArg = process.argv.indexOf('--eps');
for (const eps of epsArg > 0 ? process.argv[epsArg + 1]!.split(',').map(Number) : quick ? [0, 8] : [0, 8, 4]) {
  const t = performance.now();
  const p = paramsFor(nodes.length, eps);
  const plain: number[] = [];
  const secure: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    plain.push(await ndcg(await train2(p, false, rep), p));
    secure.push(await ndcg(await train2(p, true, rep), p));
  }
  const m = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const show = (v: number[]) => `${m(v).toFixed(4)} (${Math.min(...v).toFixed(4)}–${Math.max(...v).toFixed(4)})`;
  console.log(`${eps || 'no noise'} | ${show(plain)} | ${show(secure)} | ${(m(secure) / m(plain)).toFixed(3)} | ${((performance.now() - t) / 1000).toFixed(0)} s`);
}
}
