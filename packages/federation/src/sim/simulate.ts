import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { noProgress, type ProgressFn } from '@mixtape/core';
import { Accountant, noiseMultiplierFor, type PrivacyReport } from '../accountant.js';
import { newIdentity } from '../identity.js';
import { defaultParams, startHub } from '../hub/run.js';
import type { FederationParams } from '../params.js';
import { confidence, type Interactions } from '../trainer.js';
import { rowOf, vocabulary } from '../vocab.js';
import { buildContribution, fetchFederation, fetchModel, roundCost, sendContribution } from '../client/protocol.js';
import { trainCentral } from './central.js';
import { evaluateTable, type Catalogue } from './evaluate.js';
import { spawnHub } from './hub-process.js';
import { readInteractions, splitUsers } from './interactions.js';
import type { Metrics } from './metrics.js';
import { writeModelDir, writeSplit } from './model-dir.js';

/** Options of a simulated federation over one interactions file. */
export interface SimulateOptions {
  interactions: string;
  /** Nodes; users are dealt round-robin to them. 0 = one node per user. */
  clients: number;
  rounds: number;
  /** Per-node epsilon over the whole training; 0 or Infinity = no noise. */
  epsilon: number;
  delta?: number;
  out: string;
  rows?: number;
  dim?: number;
  trimFraction?: number;
  testFraction?: number;
  seed?: number;
  /** Run the hub in a child process (default) or in this one. */
  hubProcess?: boolean;
  concurrency?: number;
  /** Central metrics of an earlier run on the same file, split, rounds and shape (skips retraining). */
  central?: Metrics;
  onProgress?: ProgressFn;
}

/** What a simulation measured. */
export interface SimulateResult {
  nodes: number;
  rounds: number;
  params: FederationParams;
  central: Metrics;
  federated: Metrics;
  ratioNdcg10: number;
  privacy: PrivacyReport;
  /** Size of one contribution in each round (round 1 carries every row; later ones the kept rows). */
  payloadBytesByRound: number[];
  contributionsPerSecond: number;
  aggregationMsPerRound: number[];
  seconds: number;
  out: string;
}

async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

/**
 * Splits the users of a file into nodes and runs the real protocol over HTTP on loopback against
 * a real hub, then trains the same model centrally and evaluates both on the same held-out items.
 */
export async function simulate(o: SimulateOptions): Promise<SimulateResult> {
  const t0 = performance.now();
  const progress = o.onProgress ?? noProgress;
  const users = await readInteractions(o.interactions);
  const { train, test } = splitUsers(users, o.testFraction ?? 0.2, o.seed ?? 42);
  const rows = o.rows ?? 1 << 15;
  const vocab = vocabulary(rows);
  const items = [...new Set(users.flatMap((u) => u.items))].sort();
  const rowMap = new Map(items.map((it) => [it, rowOf(vocab, { kind: 'id', value: it })]));
  const catalogue: Catalogue = { items, rows: Int32Array.from(items, (it) => rowMap.get(it)!), rowOf: rowMap };
  const nNodes = o.clients > 0 ? Math.min(o.clients, train.length) : train.length;
  const groups: Array<Map<number, number>> = Array.from({ length: nNodes }, () => new Map());
  train.forEach((u, i) => {
    const g = groups[i % nNodes]!;
    u.items.forEach((it, k) => g.set(rowMap.get(it)!, (g.get(rowMap.get(it)!) ?? 0) + u.counts[k]!));
  });
  const data: Interactions[] = groups.map((g) => ({ rows: Int32Array.from(g.keys()), weights: confidence([...g.values()]) }));
  const delta = o.delta ?? 1e-5;
  const noisy = o.epsilon > 0 && Number.isFinite(o.epsilon);
  const params = defaultParams({
    rows,
    dim: o.dim ?? 16,
    noiseMultiplier: noisy ? noiseMultiplierFor(o.epsilon, delta, o.rounds) : 0,
    minContributors: nNodes,
    trimFraction: o.trimFraction ?? 0.02,
  });
  const hubDir = await mkdtemp(join(tmpdir(), 'mixtape-hub-'));
  const hub = o.hubProcess === false ? await startHub({ port: 0, dir: hubDir, params, burst: 10, perMinute: 600 }) : await spawnHub({ dir: hubDir, params, burst: 10, perMinute: 600 });
  const nodes = data.map((x) => ({ x, id: newIdentity(), acct: new Accountant(noisy ? o.epsilon : Number.POSITIVE_INFINITY, delta) }));
  const payloadBytesByRound: number[] = [];
  let sendMs = 0;
  let sent = 0;
  const aggregationMs: number[] = [];
  try {
    for (let r = 1; r <= o.rounds; r++) {
      const info = await fetchFederation(hub.url);
      // Every node would download the same verified version; the simulation fetches it once.
      const model = await fetchModel(hub.url, info.hubPublicKey, info.round - 1);
      const ts = performance.now();
      let done = 0;
      await pool(nodes, o.concurrency ?? 8, async (n) => {
        const cost = roundCost(hub.url, info.round, info.params);
        if (!n.acct.allows(cost)) return;
        n.acct.spend(cost);
        const body = buildContribution(n.id, info, model, n.x);
        payloadBytesByRound[r - 1] = body.length;
        await sendContribution(hub.url, info.round, body);
        sent++;
        progress({ unit: 'contributions', done: ++done, total: nodes.length, message: `round ${r}/${o.rounds}` });
      });
      sendMs += performance.now() - ts;
      const ta = performance.now();
      while ((await fetchFederation(hub.url)).latestVersion < r) await new Promise((res) => setTimeout(res, 50));
      aggregationMs.push(performance.now() - ta);
    }
    const final = await fetchModel(hub.url, (await fetchFederation(hub.url)).hubPublicKey, 'latest');
    const federated = evaluateTable(final.table, params.dim, catalogue, train, test);
    const central = o.central ? undefined : await trainCentral(params, data, o.rounds);
    const centralMetrics = o.central ?? evaluateTable(central!.table, params.dim, catalogue, train, test);
    await mkdir(dirname(o.out), { recursive: true });
    writeModelDir(o.out, { table: final.table, params, catalogue, version: final.published, train });
    // What independent metric code needs: the held-out pairs, the training pairs, and the central
    // model in the same format (OUT/central), so both can be served by `mixtape model recommend`.
    if (central) writeModelDir(join(o.out, 'central'), { table: central.table, params, catalogue, version: { ...final.published, sha256: 'central' }, train });
    await writeSplit(o.out, train, test);
    return {
      nodes: nNodes,
      rounds: o.rounds,
      params,
      central: centralMetrics,
      federated,
      ratioNdcg10: federated.ndcg10 / centralMetrics.ndcg10,
      privacy: nodes[0]!.acct.report(),
      payloadBytesByRound,
      contributionsPerSecond: sent / (sendMs / 1000),
      aggregationMsPerRound: aggregationMs,
      seconds: (performance.now() - t0) / 1000,
      out: o.out,
    };
  } finally {
    await hub.stop();
    await rm(hubDir, { recursive: true, force: true });
  }
}
