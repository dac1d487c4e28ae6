// One worker thread of bench/secagg-parallel.ts: hosts a slice of a round's nodes (their secrets never
// leave it) and answers the hub's steps for them, timing each node's own computation.
import { parentPort, workerData } from 'node:worker_threads';
import { newIdentity } from '../packages/federation/src/identity.js';
import { SecAggNode } from '../packages/federation/src/secagg/client.js';
import type { RosterView, SealedShare, SurvivorView } from '../packages/federation/src/secagg/messages.js';
import { seededWords } from '../packages/federation/src/secagg/random.js';

const { context, first, count, dim, seed } = workerData as { context: string; first: number; count: number; dim: number; seed: string };
const nodes = new Map<string, { node: SecAggNode; index: number }>();
const timed = <T>(f: () => T): [T, number] => {
  const t = performance.now();
  return [f(), performance.now() - t];
};

type Ask = { step: 0 } | { step: 1; views: RosterView[] } | { step: 2; inbox: [string, SealedShare[]][] } | { step: 3; sets: [string, SurvivorView][] };

parentPort!.on('message', async (m: Ask) => {
  if (m.step === 0) {
    const out = [];
    for (let i = first; i < first + count; i++) {
      const [node, t0] = timed(() => new SecAggNode(newIdentity(), context));
      const [advert, t1] = timed(() => node.advert());
      nodes.set(node.id, { node, index: i });
      out.push({ index: i, advert, ms: t0 + t1 });
    }
    parentPort!.postMessage(out);
  } else if (m.step === 1) {
    const out = [];
    for (const v of m.views) {
      const id = v.adverts[0]!.id;
      const t = performance.now();
      const shares = await nodes.get(id)!.node.shareKeys(v);
      out.push({ id, shares, ms: performance.now() - t });
    }
    parentPort!.postMessage(out);
  } else if (m.step === 2) {
    const out = [];
    for (const [id, mine] of m.inbox) {
      const { node, index } = nodes.get(id)!;
      // Each node's input: a reproducible vector from its index (what the hub's sum is checked against).
      const src = seededWords(`${seed}-${index}`);
      const input = Uint32Array.from({ length: dim }, () => src.next32() & 0xffff);
      const [y, ms] = timed(() => node.maskedInput(mine, input));
      out.push({ id, y, ms });
    }
    parentPort!.postMessage(out, out.map((o) => o.y.buffer as ArrayBuffer));
  } else {
    parentPort!.postMessage(m.sets.map(([id, s]) => {
      const [reveal, ms] = timed(() => nodes.get(id)!.node.unmask(s));
      return { id, reveal, ms };
    }));
  }
});
