import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Listens } from '../als/node-step.js';
import { buildContribution, fetchFederation, fetchModel, sendContribution } from '../client/protocol.js';
import { newIdentity } from '../identity.js';
import type { FederationParams } from '../params.js';
import type { Vocabulary } from '../vocab.js';
import { spawnHub } from './hub-process.js';
import { pool } from './pool.js';

/** What one round cost a hub in its own process. */
export interface RoundCost {
  round: number;
  contributions: number;
  /** Bytes one node uploads (its signed contribution) and downloads (the previous version's body) in this round. */
  uploadBytes: number;
  downloadBytes: number;
  /** Wall time from the first contribution sent to the last accepted (clients and hub share the machine). */
  submitSeconds: number;
  /** The hub's own aggregation time (read back, sum, item step, tail, sign, store), from its log. */
  aggregationMs: number;
  /** The hub process's resident memory after the round and its peak so far (VmRSS, VmHWM). */
  hubRssMb: number;
  hubPeakMb: number;
  /** The most the store held for the round while it was open (sampled twice a second), when the caller can measure it. */
  peakStoredMb?: number;
}

/** Options of a hub cost run: the hub is spawned with these parameters; every node sends every round. */
export interface HubCostOptions {
  params: FederationParams;
  vocabulary: Vocabulary;
  itemFeaturesPath?: string;
  /** postgres:// URL of the store (a fresh schema per run is the caller's business); the embedded store without. */
  db?: string;
  nodes: Listens[];
  /** Rounds to run (1 = the selection only; every ALS round after the first costs the same). */
  rounds: number;
  concurrency?: number;
  /** Bytes the store holds for contributions now (e.g. the PostgreSQL tables' total size), sampled during each round. */
  storedBytes?: () => Promise<number>;
  /** Hears each round's cost as soon as it is known (a long run's early rounds survive a kill). */
  onRound?: (cost: RoundCost) => void;
}

/** Kilobyte-accurate memory figures of a process, from /proc (Linux); NaN elsewhere. */
export function processMemoryMb(pid: number): { rss: number; peak: number } {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return { rss: Number.NaN, peak: Number.NaN };
  }
}

/**
 * Runs `rounds` rounds of a real hub (child process) with every node's contribution built by the
 * client code (its payload, noise share and signature) and posted over loopback HTTP, and reports
 * what each round cost the hub. Nodes do not pull the model each: one download per round stands for all.
 */
export async function measureHubCost(o: HubCostOptions): Promise<RoundCost[]> {
  const dir = await mkdtemp(join(tmpdir(), 'mixtape-hub-cost-'));
  const vocabularyPath = join(dir, 'vocabulary.tsv');
  await writeFile(vocabularyPath, `key\tname\n${o.vocabulary.keys.map((k, i) => `${k}\t${o.vocabulary.names[i]}`).join('\n')}\n`);
  const aggregation = new Map<number, number>();
  const hub = await spawnHub({
    dir,
    params: o.params,
    vocabularyPath,
    ...(o.itemFeaturesPath ? { itemFeaturesPath: o.itemFeaturesPath } : {}),
    ...(o.db ? { db: o.db } : {}),
    burst: 10,
    perMinute: 600,
    onLog: (text) => {
      for (const m of text.matchAll(/round (\d+): \d+ contributions, \d+ shared items, (\d+) ms/g)) aggregation.set(Number(m[1]), Number(m[2]));
    },
  });
  const ids = o.nodes.map(() => newIdentity());
  const out: RoundCost[] = [];
  try {
    for (let r = 1; r <= o.rounds; r++) {
      const info = await fetchFederation(hub.url);
      const previous = await fetchModel(hub.url, info.hubPublicKey, info.round - 1);
      let upload = 0;
      const t0 = performance.now();
      let peakStored = 0;
      let sampling = true;
      const sampler = (async () => {
        while (o.storedBytes && sampling) {
          peakStored = Math.max(peakStored, await o.storedBytes());
          await new Promise((res) => setTimeout(res, 500));
        }
      })();
      await pool(o.nodes.map((_, j) => j), o.concurrency ?? 16, async (j) => {
        const body = buildContribution(ids[j]!, info, previous, o.nodes[j]!);
        upload = body.length;
        await sendContribution(hub.url, info.round, body);
      });
      const submitSeconds = (performance.now() - t0) / 1000;
      sampling = false;
      await sampler;
      while (!aggregation.has(r)) await new Promise((res) => setTimeout(res, 20));
      const mem = processMemoryMb(hub.child.pid!);
      const cost: RoundCost = {
        round: r,
        contributions: o.nodes.length,
        uploadBytes: upload,
        downloadBytes: previous.body.length,
        submitSeconds,
        aggregationMs: aggregation.get(r)!,
        hubRssMb: mem.rss,
        hubPeakMb: mem.peak,
        ...(o.storedBytes ? { peakStoredMb: peakStored / 2 ** 20 } : {}),
      };
      out.push(cost);
      o.onRound?.(cost);
    }
    return out;
  } finally {
    await hub.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
