/**
 * Federation benchmark (issue 6): HetRec Last.fm 2K with every user a node (1,892 nodes), the real
 * protocol over loopback HTTP against a hub in a child process, without noise and at epsilon 8 per
 * node over the whole training, each against the same model trained centrally; then hub
 * throughput on its own (pre-built signed contributions, 16 senders).
 *
 *   npx tsc -b && npx tsx bench/federation.ts [rounds=3] [repeats of the ε = 8 run=3] [rows=32768] [dim=16]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultParams, simulate, type SimulateResult } from '@mixtape/federation';
import { spawnHub } from '../packages/federation/dist/sim/hub-process.js';
import { contributionBody } from '../packages/federation/dist/test-support.js';

const here = fileURLToPath(import.meta.url);
const FILE = resolve(here, '../../../shared/data/hetrec-lastfm-2k/user_artists.dat');
const [rounds = 3, repeats = 3, rows = 1 << 15, dim = 16] = process.argv.slice(2).map(Number);

function line(label: string, r: SimulateResult): string {
  const f = (x: number) => x.toFixed(4);
  return `${label.padEnd(14)} central ndcg@10 ${f(r.central.ndcg10)}  federated ${f(r.federated.ndcg10)}  ratio ${r.ratioNdcg10.toFixed(3)}  recall@10 ${f(r.central.recall10)} / ${f(r.federated.recall10)}  eps ${Number.isFinite(r.privacy.epsilon) ? r.privacy.epsilon.toFixed(2) : 'none'}  ${r.contributionsPerSecond.toFixed(1)} contrib/s  aggregation ${r.aggregationMsPerRound.map((m) => (m / 1000).toFixed(1)).join('/')} s  payload ${r.payloadBytesByRound.map((b) => (b / 1e6).toFixed(2)).join("/")} MB  total ${r.seconds.toFixed(0)} s`;
}

async function throughput(n: number, concurrency: number): Promise<{ perSecond: number; bytes: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'mixtape-hub-bench-'));
  const params = defaultParams({ rows, dim, minContributors: n + 1, noiseMultiplier: 1.4 });
  const hub = await spawnHub({ dir, params, burst: 10, perMinute: 600 });
  try {
    const bodies = Array.from({ length: n }, () => contributionBody(params, 1));
    let next = 0;
    let ok = 0;
    const t = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < bodies.length) {
          const b = bodies[next++]!;
          const res = await fetch(`${hub.url}/v1/rounds/1/contributions`, { method: 'POST', body: b, headers: { 'content-type': 'application/octet-stream' } });
          await res.arrayBuffer();
          if (res.status === 202) ok++;
        }
      }),
    );
    return { perSecond: ok / ((performance.now() - t) / 1000), bytes: bodies[0]!.length };
  } finally {
    await hub.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}; table ${rows} x ${dim}, ${rounds} rounds`);
const out = await mkdtemp(join(tmpdir(), 'mixtape-fed-bench-'));
const noNoise = await simulate({ interactions: FILE, clients: 0, rounds, epsilon: 0, out: join(out, 'plain'), rows, dim });
console.log(line('no noise', noNoise));
// The noise is fresh each run, so the ε = 8 run is repeated to show the spread.
const ratios: number[] = [];
let eps8: SimulateResult | undefined;
for (let i = 0; i < repeats; i++) {
  eps8 = await simulate({ interactions: FILE, clients: 0, rounds, epsilon: 8, out: join(out, 'eps8'), rows, dim, central: noNoise.central });
  ratios.push(eps8.ratioNdcg10);
  console.log(line(`epsilon 8 #${i + 1}`, eps8));
}
const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
console.log(`epsilon 8 ratio over ${ratios.length} runs: mean ${mean.toFixed(3)}, min ${Math.min(...ratios).toFixed(3)}, max ${Math.max(...ratios).toFixed(3)}`);
if (!eps8) throw new Error('no epsilon 8 run');
console.log(`epsilon 8: noise multiplier ${eps8.params.noiseMultiplier.toFixed(3)}; epsilon against the hub itself (own noise only) ${eps8.privacy.epsilonVsHub.toExponential(2)}`);
const tp = await throughput(400, 16);
console.log(`hub alone: ${tp.perSecond.toFixed(1)} accepted contributions/s (400 pre-signed ${(tp.bytes / 1e6).toFixed(2)} MB contributions, 16 senders, fsync'd)`);
await rm(out, { recursive: true, force: true });
