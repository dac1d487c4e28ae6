import { join } from 'node:path';
import {
  buildContribution,
  defaultParams,
  fetchFederation,
  fetchModel,
  itemKeyString,
  join as joinFederation,
  lastRound,
  newIdentity,
  pull,
  sendContribution,
  startHub,
  vocabulary,
  type Listens,
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
 * itself as one more node publishing from its own store, every round, through the real protocol.
 * Its state (identity, ledger, pulled model) lives in the demo's data dir, never the user's own.
 */
export async function runDemoFederation(dataDir: string, fed: DemoAssets['federation']): Promise<DemoFederationResult> {
  const others = fed.listeners.length;
  const keys = fed.artists.map((a) => itemKeyString({ kind: 'artist', name: a.name }));
  const vocab = vocabulary(keys, fed.artists.map((a) => a.name));
  const features = buildItemFeatures(keys, { items: fed.artists.flatMap((a, i) => a.tags.map(() => keys[i]!)), features: fed.artists.flatMap((a) => a.tags.map((t) => `tag:${t}`)) });
  const params = defaultParams({
    vocabVersion: vocab.version,
    vocabSize: keys.length,
    epsilon: 8,
    minContributors: others + 1,
    als: { sharedItems: keys.length, itemsPerNode: 20, tagDims: 4 },
  });
  const hub = await startHub({ port: 0, dir: join(dataDir, 'demo-hub'), params, vocabulary: vocab, features, burst: 10, perMinute: 600 });
  const stateDir = join(dataDir, 'federation');
  try {
    // The demo's hub runs in this process on simulated listeners' data: plain aggregation is enough there.
    await joinFederation({ hub: hub.url, dir: stateDir, budget: 8, requireSecureAggregation: false });
    const nodes = fed.listeners.map((plays) => {
      const sorted = [...plays].sort((a, b) => a[0] - b[0]);
      const x: Listens = { items: Int32Array.from(sorted, (p) => p[0]), plays: Float64Array.from(sorted, (p) => p[1]) };
      return { x, id: newIdentity() };
    });
    let mine = { privacy: { epsilon: 0, epsilonVsHub: 0 } };
    for (let r = 1; r <= lastRound(params); r++) {
      const info = await fetchFederation(hub.url);
      const previous = await fetchModel(hub.url, info.hubPublicKey, info.round - 1);
      for (const n of nodes) await sendContribution(hub.url, info.round, buildContribution(n.id, info, previous, n.x));
      mine = await publishFromStore({ store: { dataDir }, stateDir });
      for (let i = 0; i < 400 && (await fetchFederation(hub.url)).latestVersion < r; i++) await new Promise((res) => setTimeout(res, 25));
    }
    const pulled = await pull({ dir: stateDir });
    return { listeners: others + 1, rounds: lastRound(params), epsilon: mine.privacy.epsilon, epsilonVsHub: mine.privacy.epsilonVsHub, stateDir, version: pulled.version };
  } finally {
    await hub.stop();
  }
}
