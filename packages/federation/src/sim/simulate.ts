import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { noProgress, type ProgressFn } from '@mixtape/core';
import { emptyFeatures, type ItemFeatures } from '@mixtape/model';
import { Accountant, type PrivacyReport } from '../accountant.js';
import { listenerContent, listenerVectors, popularityPrior } from '../als/serve.js';
import { tuneBlend } from '../als/blend.js';
import type { Listens } from '../als/node-step.js';
import type { PrivateAlsParams } from '../als/params.js';
import { newIdentity } from '../identity.js';
import { startHub } from '../hub/run.js';
import { defaultParams, largestPayload, lastRound, paramProblems, payloadLength, sharedCount, type FederationParams } from '../params.js';
import { trainPrivateAls } from '../als/train.js';
import { encodeModel, sha256Hex, type ModelHeader, type PublishedModel } from '../model-file.js';
import { vocabulary } from '../vocab.js';
import { buildContribution, fetchFederation, fetchModel, roundCost, sendContribution } from '../client/protocol.js';
import { compareWithCentral, type Comparison } from './compare.js';
import { featuresOf, readFeatureRows, toInteractions, withoutHeldOut, writeFeatureRows } from './dataset.js';
import { spawnHub } from './hub-process.js';
import { contributionBytes, CONTRIBUTION_TABLES, dropPgSchema, freshPgSchema, SECAGG_TABLES } from './pg-schema.js';
import { readInteractions, splitUsers, type UserRows } from './interactions.js';
import { writeModelDir, writeSplit } from './model-dir.js';
import { pool } from './pool.js';
import { runSecureRound } from './secure-nodes.js';
import type { SecureRoundResult } from '../client/secagg-publish.js';
import { seededRandom } from '@mixtape/core';
import { chooseDegree } from '../secagg/graph.js';
import { MixtapeError } from '@mixtape/core';

/** Options of a simulated federation over one interactions file. */
export interface SimulateOptions {
  interactions: string;
  /** Public item features (stand-in for the tags Last.fm and MusicBrainz publish). */
  itemFeatures?: string;
  /** Nodes; users are dealt round-robin to them. 0 = one node per user (every listener a node). */
  clients: number;
  /** Per-listener epsilon over the whole training; 0 or Infinity = no noise. */
  epsilon: number;
  delta?: number;
  out: string;
  als?: Partial<PrivateAlsParams>;
  /** Share of each user's items held out for evaluation; 0 trains on everything (for outside scoring). */
  testFraction?: number;
  seed?: number;
  /** Run the hub in a child process (default) or in this one. */
  hubProcess?: boolean;
  concurrency?: number;
  /** Run every round through secure aggregation (the hub sees only the noised sum). */
  secureAggregation?: boolean;
  /** Under secure aggregation: the share of nodes that vanish each round, each before a random protocol step. */
  dropout?: number;
  /** Under secure aggregation: worker threads the simulated nodes run on (default `simulationThreads`: every core up to four, from 1,000 nodes). */
  threads?: number;
  /** Under secure aggregation: how long a step waits for vanished nodes (ms). */
  stepMs?: number;
  /** Run the nodes against a hub started elsewhere (its vocabulary must be this file's items as `id:` keys); its parameters rule. */
  hub?: string;
  /**
   * Run the hub on this PostgreSQL server instead of its embedded store, in a schema of its own
   * made for the run and dropped after it (so nothing already in that database is touched).
   */
  db?: string;
  /**
   * The largest contribution sent over HTTP (default 64 MiB). A model without noise whose
   * contributions are larger (each item's own Gramian over every played item: 290 MB a node a
   * round on HetRec) has its sums computed in this process instead; a noisy one is refused.
   */
  maxPayloadBytes?: number;
  onProgress?: ProgressFn;
}

/** The default `maxPayloadBytes`. */
export const MAX_SIMULATED_PAYLOAD = 64 << 20;

/** What a simulation measured. */
export interface SimulateResult {
  nodes: number;
  rounds: number;
  params: FederationParams;
  privacy: PrivacyReport;
  /** Present when items were held out: listeners' NDCG next to central and alone. */
  comparison?: Comparison;
  /**
   * Bytes a node uploads each round: over HTTP the whole signed contribution body (the mean
   * upload under secure aggregation); in process, where nothing is sent, the payload's floats at
   * 4 bytes each, without the envelope (a few hundred bytes less).
   */
  payloadBytesByRound: number[];
  /** Feature rows left out because their user gave them to an item that user holds out. */
  tagsLeftOut: number;
  /**
   * Under secure aggregation: per round, nodes whose input was summed, attempts, the mean bytes a
   * node sent and received, and the simulating process's CPU time per node (the hub's excluded).
   */
  secure?: Array<{ survivors: number; attempts: number; bytesUp: number; bytesDown: number; cpuMs: number }>;
  contributionsPerSecond: number;
  aggregationMsPerRound: number[];
  /** Where the sums were made: by a hub over HTTP, or (no noise, contributions too large to send) in this process. */
  transport: 'http' | 'in-process';
  /**
   * The hub's own cost over the run where it ran here in a child process: its peak RSS (Linux),
   * and on PostgreSQL the most its contribution and secure-aggregation tables held on disk.
   */
  hubCost?: { store: 'embedded' | 'postgresql'; peakRssBytes?: number; peakHeldBytes?: number };
  seconds: number;
  out: string;
}

/**
 * Runs private ALS over HTTP on loopback against a real hub, every node with its own identity,
 * accountant and data, then writes what listeners get (served by `mixtape model recommend`) and,
 * when items were held out, scores it against the central hybrid and the listener alone.
 */
export async function simulate(o: SimulateOptions): Promise<SimulateResult> {
  // The hub's folder (its store, the vocabulary and features it reads) goes whatever happens.
  const hubDir = await mkdtemp(join(tmpdir(), 'mixtape-hub-'));
  try {
    return await simulateIn(o, hubDir);
  } finally {
    await rm(hubDir, { recursive: true, force: true });
  }
}

async function simulateIn(o: SimulateOptions, hubDir: string): Promise<SimulateResult> {
  const t0 = performance.now();
  const progress = o.onProgress ?? noProgress;
  const users = await readInteractions(o.interactions);
  const testFraction = o.testFraction ?? 0.2;
  const { train, test } = testFraction > 0 ? splitUsers(users, testFraction, o.seed ?? 42) : { train: users, test: new Map<string, Set<string>>() };
  const itemIds = [...new Set(users.flatMap((u) => u.items))].sort();
  const vocab = vocabulary(itemIds.map((id) => `id:${id}`), itemIds);
  // Tags a user gave an item they hold out are left out of every model's features, the hub's too.
  const featureRows = o.itemFeatures ? withoutHeldOut(await readFeatureRows(o.itemFeatures), test) : undefined;
  const features: ItemFeatures = featureRows ? featuresOf(featureRows.rows, itemIds, o.itemFeatures) : emptyFeatures(itemIds.length);
  let itemFeaturesPath = o.itemFeatures;
  if (featureRows && featureRows.dropped > 0) {
    itemFeaturesPath = join(hubDir, 'item-features.tsv');
    await writeFeatureRows(itemFeaturesPath, featureRows.rows);
  }
  const index = new Map(itemIds.map((id, i) => [id, i]));
  const nNodes = o.clients > 0 ? Math.min(o.clients, train.length) : train.length;
  const groups: Array<Map<number, number>> = Array.from({ length: nNodes }, () => new Map());
  train.forEach((u, i) => {
    const g = groups[i % nNodes]!;
    u.items.forEach((it, k) => g.set(index.get(it)!, (g.get(index.get(it)!) ?? 0) + u.counts[k]!));
  });
  const data: Listens[] = groups.map((g) => {
    const items = Int32Array.from(g.keys()).sort();
    return { items, plays: Float64Array.from(items, (i) => g.get(i)!) };
  });
  const delta = o.delta ?? 1e-5;
  const noisy = o.epsilon > 0 && Number.isFinite(o.epsilon);
  const dropout = o.dropout ?? 0;
  if (o.hub && o.db) throw new MixtapeError('simulate_bad_options', '--db runs the simulated hub on PostgreSQL; a hub started elsewhere (--hub) keeps its own store', { suggestion: 'give one of --hub and --db' });
  if (dropout > 0 && !o.secureAggregation && !o.hub) throw new MixtapeError('simulate_bad_options', 'Nodes vanish at protocol steps only under secure aggregation', { suggestion: 'add --secure-aggregation, or leave out --dropout' });
  // The step time grows with nNodes and each node's work (simulatedStepMs); the nodes share their
  // questions about the round's status (runSecureRound).
  const sizedFor = { maxNodes: nNodes, dropout: Math.max(dropout, 0.1) };
  // Under dropout the noise is split among the nodes expected to stay, so the sum still carries all of it.
  const minContributors = o.secureAggregation ? Math.max(3, Math.floor(nNodes * (1 - dropout))) : nNodes;
  const paramsWith = (stepMs: number) =>
    defaultParams({ vocabVersion: vocab.version, vocabSize: vocab.keys.length, epsilon: o.epsilon === Number.POSITIVE_INFINITY ? 0 : o.epsilon, delta, minContributors, ...(o.als ? { als: o.als } : {}), ...(o.secureAggregation ? { secureAggregation: { ...sizedFor, stepMs } } : {}) });
  let params = paramsWith(o.stepMs ?? 3000);
  if (o.secureAggregation && o.stepMs === undefined) params = paramsWith(stepMsFor(params, nNodes, sizedFor.dropout, noisy));
  // Settings a hub would refuse are refused here, before any hub starts.
  const problems = o.hub ? [] : paramProblems(params);
  if (problems.length) throw new MixtapeError('hub_bad_parameters', `These federation settings are not usable: ${problems.join('; ')}`, { suggestion: 'change --dim, --rounds or --shared-items' });
  const largest = largestPayload(params) * 4;
  if (!o.hub && largest > (o.maxPayloadBytes ?? MAX_SIMULATED_PAYLOAD)) {
    const size = `${(largest / 2 ** 20).toFixed(0)} MiB`;
    if (noisy || o.secureAggregation) {
      throw new MixtapeError('simulate_payload_too_large', `Each node would send ${size} a round (${sharedCount(params)} shared items x ${params.als.dim} factors${params.als.itemGram ? ', each with its own Gramian' : ''}), too much to simulate over HTTP`, {
        suggestion: noisy ? 'lower --shared-items or --dim' : 'leave out --secure-aggregation: without noise the same sums are then made in this process',
      });
    }
    // No noise: the hub's sums are the plain sums of what the nodes would send, and trainPrivateAls
    // computes them with the hub's own steps (als/exact.test.ts, simulate.test.ts check the two agree).
    progress({ unit: 'rounds', done: 0, total: lastRound(params), message: `no noise: each node would send ${size} a round; summing in this process` });
    const ta = performance.now();
    const m = trainPrivateAls(data, itemIds.length, features, params.als, Number.POSITIVE_INFINITY, delta, (t) =>
      progress({ unit: 'rounds', done: t + 1, total: lastRound(params), message: `item step ${t} of ${params.als.rounds}, in this process` }),
    );
    const header: ModelHeader = { version: lastRound(params), scheme: 'private-als-1', vocabVersion: vocab.version, vocabSize: itemIds.length, dim: params.als.dim, shared: m.shared.length, stage: 'factors', accepted: data.length, fullTable: true, tableDim: m.tableDim };
    const published: PublishedModel = { header, sha256: sha256Hex(encodeModel(header, { shared: m.shared, counts: m.counts, sharedTable: m.sharedTable, table: m.table })), signature: '' };
    const listeners = await listenersGet(o, m.table, m.tableDim, train, test, itemIds, features, params, m.shared, m.counts, published, progress);
    return {
      nodes: nNodes,
      rounds: lastRound(params),
      params,
      // What every node's ledger would hold after the same rounds (no noise: no guarantee).
      privacy: new Accountant(Number.POSITIVE_INFINITY, delta, Array.from({ length: lastRound(params) }, (_, r) => roundCost('in-process', r + 1, params))).report(),
      ...(listeners ? { comparison: listeners } : {}),
      payloadBytesByRound: Array.from({ length: lastRound(params) }, (_, r) => payloadLength(params, r + 1) * 4),
      tagsLeftOut: featureRows?.dropped ?? 0,
      contributionsPerSecond: 0,
      aggregationMsPerRound: [performance.now() - ta],
      transport: 'in-process',
      seconds: (performance.now() - t0) / 1000,
      out: o.out,
    };
  }
  const vocabularyPath = join(hubDir, 'vocabulary.tsv');
  await writeFile(vocabularyPath, `key\tname\n${vocab.keys.map((k, i) => `${k}\t${vocab.names[i]}`).join('\n')}\n`);
  // DEBUG=1 shows the hub's own log (steps closed, attempts abandoned and why) on stderr.
  const hubLog = process.env.DEBUG ? { onLog: (line: string) => process.stderr.write(`hub ${(performance.now() / 1000).toFixed(1)} s: ${line}\n`) } : {};
  // Every simulated node connects from this machine's address, which the hub would otherwise treat
  // as one client behind a NAT (32 connections, older waiting ones dropped).
  const serve = { maxConnectionsPerClient: Math.max(32, nNodes), maxConnections: Math.max(512, nNodes + 64) };
  const hubOpts = { dir: hubDir, params, vocabularyPath, ...(itemFeaturesPath ? { itemFeaturesPath } : {}), burst: 10, perMinute: 600, serve };
  const pgHub = o.db ? await pgSchemaFor(o.db) : undefined;
  const watch = pgHub ? watchHeld(pgHub) : undefined;
  const dbOpt = pgHub ? { db: pgHub.url } : {};
  let hub: { url: string; stop(): Promise<void>; child?: ChildProcess };
  try {
    hub = o.hub ? { url: o.hub, stop: async () => {} } : o.hubProcess === false ? await startHub({ port: 0, ...hubOpts, ...dbOpt }) : await spawnHub({ ...hubOpts, ...dbOpt, ...hubLog });
  } catch (e) {
    await watch?.stop();
    if (pgHub) await dropPgSchema(o.db!, pgHub.schema).catch(() => {});
    throw e;
  }
  if (o.hub) {
    params = (await fetchFederation(o.hub)).params;
    if (params.vocabVersion !== vocab.version)
      throw new MixtapeError('hub_vocabulary_mismatch', `The hub at ${o.hub} serves vocabulary ${params.vocabVersion}, not this file's items (${vocab.version})`, {
        suggestion: `start it with --vocabulary ${vocabularyPath.replace(hubDir, '<the "id:ITEM<TAB>ITEM" lines of this file\'s items>')}`,
      });
  }
  const nodes = data.map((x) => ({ x, id: newIdentity(), acct: new Accountant(noisy && !o.hub ? o.epsilon : Number.POSITIVE_INFINITY, delta) }));
  const payloadBytesByRound: number[] = [];
  const secureStats: NonNullable<SimulateResult['secure']> = [];
  const rand = seededRandom((o.seed ?? 42) ^ 0xd0d0);
  const aggregationMs: number[] = [];
  let sendMs = 0;
  let sent = 0;
  try {
    for (let r = 1; r <= lastRound(params); r++) {
      const info = await fetchFederation(hub.url);
      // Every node would download the same verified version; the simulation fetches it once.
      const previous = await fetchModel(hub.url, info.hubPublicKey, info.round - 1);
      const ts = performance.now();
      let done = 0;
      if (params.secureAggregation) {
        const cpu = process.cpuUsage();
        const st = await runSecureRound({ hub: hub.url, info, previous, nodes, dropout, rand, ...(o.threads !== undefined ? { threads: o.threads } : {}) });
        const used = process.cpuUsage(cpu);
        // This process's CPU over the round, per node: the nodes' work interleaves here, so each
        // node's own timings would also count the others' steps that ran while it waited.
        const cpuMsPerNode = (used.user + used.system) / 1000 / Math.max(1, nodes.length);
        const mean = (f: (x: SecureRoundResult) => number) => st.results.reduce((a, x) => a + f(x), 0) / Math.max(1, st.results.length);
        secureStats.push({ survivors: st.survivors, attempts: st.attempts, bytesUp: mean((x) => x.bytesUp), bytesDown: mean((x) => x.bytesDown), cpuMs: cpuMsPerNode });
        payloadBytesByRound[r - 1] = Math.round(mean((x) => x.bytesUp));
        sent += st.results.length;
      } else await pool(nodes, o.concurrency ?? 8, async (n) => {
        const cost = roundCost(hub.url, info.round, info.params);
        if (!n.acct.allows(cost)) return;
        n.acct.spend(cost);
        const body = buildContribution(n.id, info, previous, n.x);
        payloadBytesByRound[r - 1] = body.length;
        await sendContribution(hub.url, info.round, body);
        sent++;
        progress({ unit: 'contributions', done: ++done, total: nodes.length, message: `round ${r}/${lastRound(params)}` });
      });
      sendMs += performance.now() - ts;
      const ta = performance.now();
      while ((await fetchFederation(hub.url)).latestVersion < r) await new Promise((res) => setTimeout(res, 20));
      aggregationMs.push(performance.now() - ta);
    }
    const final = await fetchModel(hub.url, (await fetchFederation(hub.url)).hubPublicKey, 'latest');
    const table = final.table ?? scatter(final.shared, final.sharedTable, itemIds.length, params.als.dim);
    const k = final.table ? final.published.header.tableDim : params.als.dim;
    const comparison = await listenersGet(o, table, k, train, test, itemIds, features, params, final.shared, final.counts, final.published, progress);
    return {
      nodes: nNodes,
      rounds: lastRound(params),
      params,
      // The listener who spent most (under dropout some sat rounds out).
      privacy: nodes.map((n) => n.acct.report()).reduce((a, b) => (b.epsilon > a.epsilon ? b : a)),
      ...(comparison ? { comparison } : {}),
      payloadBytesByRound,
      tagsLeftOut: featureRows?.dropped ?? 0,
      ...(params.secureAggregation ? { secure: secureStats } : {}),
      contributionsPerSecond: sent / (sendMs / 1000),
      aggregationMsPerRound: aggregationMs,
      transport: 'http',
      ...(o.hub ? {} : { hubCost: { store: pgHub ? 'postgresql' : 'embedded', ...peakRss(hub.child), ...(watch ? { peakHeldBytes: watch.peak() } : {}) } }),
      seconds: (performance.now() - t0) / 1000,
      out: o.out,
    };
  } finally {
    await hub.stop();
    await watch?.stop();
    if (pgHub) await dropPgSchema(o.db!, pgHub.schema).catch(() => {});
  }
}

/**
 * The step time of a simulated secure round. The nodes' steps run one at a time on this machine,
 * so a step lasts about nNodes times one node's work. In step 2 that is computing, encoding and
 * noising the update (about 600 ns a word with noise: 0.12 s a node at 196,096 words, 20 without),
 * masking it once per neighbour (about 10 ns a word and neighbour, measured at 41 nodes of 5.6 M
 * words before the masks got faster, kept as headroom), and sending and storing it at the hub
 * (about 250 ns a word: at 10,000 nodes of 196,096 words on PostgreSQL, masking and storing took
 * 115 ms a node). The step time (the quiet that closes a step) must outlast one node's work, and
 * the ten step times a step may stay open the whole step, with room to spare (that 10,000-node
 * step 2 once closed 61 s before its cap). Polling nodes must not swamp the hub: 1,892 nodes
 * polling every 0.1 s were 19,000 requests a second, and the hub closed steps before the nodes had
 * answered; 41 nodes with 5.6 M words each (no noise, every item's own Gramian) found the 3 s step
 * closed before the first had masked its input.
 */
export function simulatedStepMs(nNodes: number, degree: number, words: number, noisy = true): number {
  const nodeMs = (words * ((degree + 1) * 10 + 250 + (noisy ? 700 : 20))) / 1e6;
  return Math.ceil(Math.max(3000, nNodes * 10, 3 * nodeMs, (nNodes * nodeMs) / 5));
}

/**
 * The step time for nNodes nodes all run in one process under these parameters (their step time
 * aside): `simulatedStepMs` for the largest update over the rounds and the neighbour count that the
 * dropout asks for.
 */
export function stepMsFor(p: FederationParams, nNodes: number, dropout: number, noisy = true): number {
  return simulatedStepMs(nNodes, chooseDegree(nNodes, dropout), largestPayload(p), noisy);
}

/** A fresh schema for the simulated hub; a server that cannot be reached is a clear error. */
async function pgSchemaFor(db: string): Promise<{ schema: string; url: string }> {
  try {
    return await freshPgSchema(db);
  } catch (e) {
    throw new MixtapeError('hub_db_unreachable', `Could not make a schema for the simulated hub on PostgreSQL: ${(e as Error).message}`, {
      suggestion: 'check --db (postgres://user:password@host:port/database) and that the user may CREATE SCHEMA there',
    });
  }
}

/** Samples, once a second, what the hub's contribution and secure-aggregation tables hold on disk. */
function watchHeld(pg: { schema: string; url: string }): { peak(): number; stop(): Promise<void> } {
  let peak = 0;
  let busy: Promise<void> = Promise.resolve();
  const sample = () => {
    busy = contributionBytes(pg.url, pg.schema, [...CONTRIBUTION_TABLES, ...SECAGG_TABLES])
      .then((b) => void (peak = Math.max(peak, b)))
      .catch(() => {});
  };
  const timer = setInterval(sample, 1000);
  return {
    peak: () => peak,
    stop: async () => {
      clearInterval(timer);
      await busy;
    },
  };
}

/** The peak resident memory of a child process (Linux's VmHWM); nothing where /proc is not there. */
function peakRss(child: ChildProcess | undefined): { peakRssBytes?: number } {
  if (!child?.pid) return {};
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    return m ? { peakRssBytes: Number(m[1]) * 1024 } : {};
  } catch {
    return {};
  }
}

/** A vocabulary-wide table from the shared rows alone (no public features: the tail stays zero). */
function scatter(shared: Int32Array, sharedTable: Float32Array, n: number, k: number): Float32Array {
  const t = new Float32Array(n * k);
  shared.forEach((i, r) => t.set(sharedTable.subarray(r * k, (r + 1) * k), i * k));
  return t;
}

/**
 * What listeners get from the final table: each listener's vector from their own history only (as
 * their machine computes it) and their blend weight, written as a model directory; scored against
 * the central hybrid and the listener alone when items were held out.
 */
async function listenersGet(
  o: SimulateOptions,
  table: Float32Array,
  k: number,
  train: UserRows[],
  test: Map<string, Set<string>>,
  itemIds: string[],
  features: ItemFeatures,
  params: FederationParams,
  shared: Int32Array,
  counts: Float32Array,
  version: PublishedModel,
  progress: ProgressFn,
): Promise<Comparison | undefined> {
  const history = toInteractions(train, itemIds);
  const userFactors = listenerVectors(table, k, history, params.als);
  const content = listenerContent(features, params.als);
  const itemPopularity = popularityPrior(shared, counts, itemIds.length);
  const prior = { z: itemPopularity, weight: params.als.popularityBoost };
  const userBlend = tuneBlend(table, k, history, content, params.als, { prior });
  await mkdir(dirname(o.out), { recursive: true });
  writeModelDir(o.out, { itemIds, table, k, userFactors, userBlend, itemPopularity, history, features, als: params.als, version, epsilon: params.epsilon });
  await writeSplit(o.out, train, test);
  if (test.size === 0) return undefined;
  progress({ unit: 'models', done: 0, total: 1, message: 'scoring against the central hybrid and the listener alone' });
  const testRows = train.map((u) => ({ user: u.user, items: [...(test.get(u.user) ?? [])], counts: [...(test.get(u.user) ?? [])].map(() => 1) }));
  return compareWithCentral(table, k, userFactors, history, toInteractions(testRows, itemIds), features, userBlend, params.als.contentBeta, params.als, prior);
}
