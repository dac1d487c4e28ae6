// A secure-aggregation round with its nodes spread over worker threads (bench/secagg-worker.ts), the
// main thread playing the hub: the nodes of a round are independent parties, so they run side by side
// as they would on their own machines. Every key, share, mask and unmasking is real; bytes are those of
// the JSON and binary bodies the HTTP protocol sends. The sum is checked against the plain sum.
import { Worker } from 'node:worker_threads';
import { addInto } from '../packages/federation/src/secagg/encode.js';
import { survivorViewFor, viewFor, type Advert, type RevealedShare, type Roster, type SealedShare } from '../packages/federation/src/secagg/messages.js';
import { seededWords } from '../packages/federation/src/secagg/random.js';
import type { DropStep } from '../packages/federation/src/secagg/simulate-round.js';
import { commitmentsOf, shareProblem, splitProblem, unmaskSum } from '../packages/federation/src/secagg/unmask.js';

export interface ParallelRound {
  degree: number;
  survivors: number;
  perNode: { up: number; down: number; cpuMs: number }[];
  /** Node CPU ms per step (0 keys and advert, 1 share, 2 mask, 3 reveal), summed over nodes. */
  stepMs: number[];
  hubMs: number;
  wallS: number;
}

// Node 20 does not load a .ts worker by itself: the worker registers tsx first.
const WORKER = `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(new URL('./secagg-worker.ts', import.meta.url).href)}); })`;
const size = (x: unknown) => Buffer.byteLength(JSON.stringify(x));

export async function runParallel(n: number, dim: number, o: { minSurvivors: number; dropout: number; drop: (i: number) => DropStep | undefined; workers: number }): Promise<ParallelRound> {
  const t0 = performance.now();
  const context = `parallel-${n}`;
  const seed = `inputs-${n}`;
  const per = Math.ceil(n / o.workers);
  const ws = Array.from({ length: o.workers }, (_, w) => new Worker(WORKER, { eval: true, workerData: { context, first: w * per, count: Math.max(0, Math.min(per, n - w * per)), dim, seed } }));
  const ask = <T>(w: Worker, m: unknown) => new Promise<T>((res, rej) => { w.once('message', res); w.once('error', rej); w.postMessage(m); });
  const all = <T>(msgs: unknown[]) => Promise.all(ws.map((w, i) => ask<T[]>(w, msgs[i]))).then((r) => r.flat());
  const cost = new Map<string, { up: number; down: number; cpuMs: number; index: number }>();
  const stepMs = [0, 0, 0, 0];
  const alive = (i: number, step: DropStep) => (o.drop(i) ?? 4) > step;
  try {
    const a0 = await all<{ index: number; advert: Advert; ms: number }>(ws.map(() => ({ step: 0 })));
    const adverts: Advert[] = [];
    for (const x of a0) {
      cost.set(x.advert.id, { up: 0, down: 0, cpuMs: x.ms, index: x.index });
      stepMs[0]! += x.ms;
      if (!alive(x.index, 0)) continue;
      cost.get(x.advert.id)!.up += size(x.advert);
      adverts.push(x.advert);
    }
    adverts.sort((a, b) => (a.id < b.id ? -1 : 1));
    const roster: Roster = { context, minSurvivors: o.minSurvivors, dropout: o.dropout, ids: adverts.map((a) => a.id), adverts };
    const hubT = performance.now();
    const byWorker = (id: string) => Math.floor(cost.get(id)!.index / per);
    const split = <T>(items: [string, T][]) => ws.map((_, w) => items.filter(([id]) => byWorker(id) === w));
    const views = adverts.map((a) => [a.id, viewFor(roster, a.id)!] as [string, ReturnType<typeof viewFor> & object]);
    let hubMs = performance.now() - hubT;
    for (const [id, v] of views) cost.get(id)!.down += size(v);
    const sharing = views.filter(([id]) => alive(cost.get(id)!.index, 1));
    const s1 = await all<{ id: string; shares: SealedShare[]; ms: number }>(split(sharing).map((l) => ({ step: 1, views: l.map(([, v]) => v) })));
    const sharers = new Set<string>();
    const inbox = new Map<string, SealedShare[]>();
    const step1: SealedShare[] = [];
    for (const x of s1) {
      const c = cost.get(x.id)!;
      c.cpuMs += x.ms;
      c.up += size(x.shares);
      stepMs[1]! += x.ms;
      sharers.add(x.id);
      step1.push(...x.shares);
      for (const s of x.shares) inbox.set(s.to, [...(inbox.get(s.to) ?? []), s]);
    }
    const masking = [...sharers].map((id) => [id, inbox.get(id) ?? []] as [string, SealedShare[]]);
    for (const [id, l] of masking) cost.get(id)!.down += size(l);
    const s2 = await all<{ id: string; y: Uint32Array; ms: number }>(split(masking.filter(([id]) => alive(cost.get(id)!.index, 2))).map((l) => ({ step: 2, inbox: l })));
    const masked = new Map<string, Uint32Array>();
    for (const x of s2) {
      const c = cost.get(x.id)!;
      c.cpuMs += x.ms;
      c.up += x.y.byteLength;
      stepMs[2]! += x.ms;
      masked.set(x.id, x.y);
    }
    let t = performance.now();
    const survivors = new Set(masked.keys());
    const why = survivors.size < o.minSurvivors ? `${survivors.size} survivors` : splitProblem(roster, survivors);
    if (why) throw new Error(`round abandoned: ${why}`);
    const sets = [...survivors].map((id) => [id, survivorViewFor(roster, id, sharers, survivors)!] as [string, NonNullable<ReturnType<typeof survivorViewFor>>]);
    const commitments = commitmentsOf(step1);
    hubMs += performance.now() - t;
    for (const [id, s] of sets) cost.get(id)!.down += size(s);
    const s3 = await all<{ id: string; reveal: RevealedShare[]; ms: number }>(split(sets.filter(([id]) => alive(cost.get(id)!.index, 3))).map((l) => ({ step: 3, sets: l })));
    t = performance.now();
    const revealed = new Map<string, RevealedShare[]>();
    for (const x of s3) {
      const c = cost.get(x.id)!;
      c.cpuMs += x.ms;
      c.up += size(x.reveal);
      stepMs[3]! += x.ms;
      for (const r of x.reveal) if (shareProblem(context, commitments, x.id, r)) throw new Error(`a share does not verify: ${shareProblem(context, commitments, x.id, r)}`);
      revealed.set(x.id, x.reveal);
    }
    const sum = await unmaskSum({ roster, sharers, masked, revealed }, dim);
    hubMs += performance.now() - t;
    // The check: the unmasked sum is the plain sum of the survivors' inputs.
    const want = new Uint32Array(dim);
    for (const id of survivors) {
      const src = seededWords(`${seed}-${cost.get(id)!.index}`);
      addInto(want, Uint32Array.from({ length: dim }, () => src.next32() & 0xffff));
    }
    if (!Buffer.from(sum.buffer).equals(Buffer.from(want.buffer))) throw new Error('the unmasked sum is not the sum of the survivors\' inputs');
    const perNode = [...cost.values()].filter((c) => alive(c.index, 0));
    return { degree: viewFor(roster, adverts[0]!.id)!.adverts.length - 1, survivors: survivors.size, perNode, stepMs, hubMs, wallS: (performance.now() - t0) / 1000 };
  } finally {
    await Promise.all(ws.map((w) => w.terminate()));
  }
}
