import { join } from 'node:path';
import {
  Accountant,
  defaultParams,
  fetchFederation,
  fetchModel,
  itemKeyString,
  join as joinFederation,
  lastRound,
  newIdentity,
  pull,
  runSecureRound,
  simulatedPollMs,
  stepMsFor,
  startHub,
  vocabulary,
  type Listens,
  type SimNode,
} from '@mixtape/federation';
import { buildItemFeatures } from '@mixtape/model';
import { publishFromStore } from '../stages/publish.js';
import type { DemoAssets } from './assets.js';

/** What the demo's federation did. */
export interface DemoFederationResult {
  listeners: number;
  rounds: number;
  epsilon: number;
  epsilonVsHub: number;
  stateDir: string;
  version: number;
}

/**
 * A federation on loopback for the demo: a hub whose vocabulary is the demo catalogue's artists
 * (their genre tags as public features), the made-up listeners the build ships as nodes, and the demo listener
 * itself as one more node publishing from its own store, every round, through the real protocol,
 * securely aggregated as a real federation's rounds are: the hub sees only the noised sum, so the
 * listener's epsilon holds against the hub too. The made-up listeners run their side of each round
 * in this process beside the listener's own publish (a round's steps wait for every node).
 * Its state (identity, ledger, pulled model) lives in the demo's data dir, never the user's own.
 */
export async function runDemoFederation(dataDir: string, fed: DemoAssets['federation'], onRound?: (round: number, rounds: number) => void): Promise<DemoFederationResult> {
  const others = fed.listeners.length;
  const n = others + 1;
  const keys = fed.artists.map((a) => itemKeyString({ kind: 'artist', name: a.name }));
  const vocab = vocabulary(keys, fed.artists.map((a) => a.name));
  const features = buildItemFeatures(keys, { items: fed.artists.flatMap((a, i) => a.tags.map(() => keys[i]!)), features: fed.artists.flatMap((a) => a.tags.map((t) => `tag:${t}`)) });
  // Every node stays (no dropout is simulated), so each step closes as soon as all have answered;
  // the step time only bounds a wait that a slow machine might need.
  const sizedFor = { maxNodes: n, dropout: 0.1 };
  const paramsWith = (stepMs: number) =>
    defaultParams({
      vocabVersion: vocab.version,
      vocabSize: keys.length,
      epsilon: 8,
      minContributors: n,
      als: { sharedItems: keys.length, itemsPerNode: 20, tagDims: 4 },
      secureAggregation: { ...sizedFor, stepMs },
    });
  const params = paramsWith(stepMsFor(paramsWith(3000), n, sizedFor.dropout));
  const hub = await startHub({ port: 0, dir: join(dataDir, 'demo-hub'), params, vocabulary: vocab, features, burst: 10, perMinute: 600 });
  const stateDir = join(dataDir, 'federation');
  try {
    await joinFederation({ hub: hub.url, dir: stateDir, budget: 8 });
    const nodes: SimNode[] = fed.listeners.map((plays) => {
      const sorted = [...plays].sort((a, b) => a[0] - b[0]);
      const x: Listens = { items: Int32Array.from(sorted, (p) => p[0]), plays: Float64Array.from(sorted, (p) => p[1]) };
      return { x, id: newIdentity(), acct: new Accountant(8, params.delta) };
    });
    let mine = { privacy: { epsilon: 0, epsilonVsHub: 0 } };
    for (let r = 1; r <= lastRound(params); r++) {
      onRound?.(r, lastRound(params));
      const info = await fetchFederation(hub.url);
      const previous = await fetchModel(hub.url, info.hubPublicKey, info.round - 1);
      // The listener's own publish and the made-up listeners' side of the round run together.
      const [, own] = await Promise.all([
        runSecureRound({ hub: hub.url, info, previous, nodes, dropout: 0, rand: Math.random }),
        // On the demo's loopback hub the listener asks as often as the made-up nodes (whose questions
        // are shared), not at the hub's pace for 241 nodes on their own machines: every step waits for it.
        publishFromStore({ store: { dataDir }, stateDir, pollMs: simulatedPollMs(n) }),
      ]);
      mine = own;
      for (let i = 0; i < 400 && (await fetchFederation(hub.url)).latestVersion < r; i++) await new Promise((res) => setTimeout(res, 25));
    }
    const pulled = await pull({ dir: stateDir });
    return { listeners: others + 1, rounds: lastRound(params), epsilon: mine.privacy.epsilon, epsilonVsHub: mine.privacy.epsilonVsHub, stateDir, version: pulled.version };
  } finally {
    await hub.stop();
  }
}
