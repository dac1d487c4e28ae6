import { newIdentity } from '../identity.js';
import { SecAggNode } from './client.js';
import { rosterGraph, SecAggAbort, survivorViewFor, viewFor, type Advert, type RevealedShare, type Roster, type SealedShare } from './messages.js';
import { commitmentsOf, shareProblem, splitProblem, unmaskSum } from './unmask.js';

/** The step a node vanishes before: 0 never advertises, 1 never shares, 2 never sends its input, 3 never reveals. */
export type DropStep = 0 | 1 | 2 | 3;

/** One round run in memory, every message passing through plain objects as it would through a hub. */
export interface InMemoryRound {
  sum: Uint32Array;
  survivors: string[];
  ids: string[];
  /** The masked vector each survivor sent (what a hub sees of it). */
  masked: Map<string, Uint32Array>;
  /** Per node that took part: JSON bytes it sent and received, and milliseconds of its own computation. */
  perNode: { up: number; down: number; cpuMs: number }[];
  /** Node CPU ms per step (0 keys and advert, 1 share, 2 mask, 3 reveal), summed over nodes. */
  stepMs: number[];
  unmaskMs: number;
  degree: number;
}

const size = (x: unknown) => Buffer.byteLength(JSON.stringify(x));

/**
 * Runs secure aggregation over `inputs` (already encoded and noised) with the given drop steps; the
 * hub's side is `unmaskSum`. Throws SecAggAbort when the round cannot complete. A shared roster is
 * what every node downloads, so its size counts as down for each (the graph's seed needs every id).
 */
export async function runInMemory(inputs: Uint32Array[], o: { minSurvivors: number; dropout: number; drop?: (i: number) => DropStep | undefined; context?: string }): Promise<InMemoryRound> {
  const context = o.context ?? 'in-memory';
  const nodes = inputs.map(() => new SecAggNode(newIdentity(), context));
  const cost = nodes.map(() => ({ up: 0, down: 0, cpuMs: 0 }));
  const alive = (i: number, step: DropStep) => (o.drop?.(i) ?? 4) > step;
  const stepMs = [0, 0, 0, 0];
  const timed = <T>(i: number, step: number, f: () => T): T => {
    const t = performance.now();
    const r = f();
    cost[i]!.cpuMs += performance.now() - t;
    stepMs[step]! += performance.now() - t;
    return r;
  };
  const adverts: Advert[] = [];
  nodes.forEach((n, i) => {
    if (!alive(i, 0)) return;
    const a = timed(i, 0, () => n.advert());
    cost[i]!.up += size(a);
    adverts.push(a);
  });
  adverts.sort((a, b) => (a.id < b.id ? -1 : 1));
  const roster: Roster = { context, minSurvivors: o.minSurvivors, dropout: o.dropout, ids: adverts.map((a) => a.id), adverts };
  const byId = new Map(nodes.map((n, i) => [n.id, i]));
  const step1: SealedShare[] = [];
  const sharers = new Set<string>();
  for (const a of adverts) {
    const i = byId.get(a.id)!;
    // Each node gets its place, the graph's seed and its own and its neighbours' adverts, as over HTTP.
    const mine = viewFor(roster, a.id)!;
    cost[i]!.down += size(mine);
    if (!alive(i, 1)) continue;
    const t = performance.now();
    const out = await nodes[i]!.shareKeys(mine);
    cost[i]!.cpuMs += performance.now() - t;
    stepMs[1]! += performance.now() - t;
    cost[i]!.up += size(out);
    step1.push(...out);
    sharers.add(a.id);
  }
  const inbox = new Map<string, SealedShare[]>();
  for (const m of step1) inbox.set(m.to, [...(inbox.get(m.to) ?? []), m]);
  const masked = new Map<string, Uint32Array>();
  for (const id of sharers) {
    const i = byId.get(id)!;
    const mine = inbox.get(id) ?? [];
    cost[i]!.down += size(mine);
    if (!alive(i, 2)) continue;
    const y = timed(i, 2, () => nodes[i]!.maskedInput(mine, inputs[i]!));
    cost[i]!.up += y.byteLength;
    masked.set(id, y);
  }
  const survivors = [...masked.keys()].sort();
  const survivorSet = new Set(survivors);
  if (survivors.length < o.minSurvivors) throw new SecAggAbort('too_few_survivors', `${survivors.length} nodes sent inputs, fewer than the minimum ${o.minSurvivors}`);
  const split = splitProblem(roster, survivors);
  if (split) throw new SecAggAbort('split_graph', split);
  const commitments = commitmentsOf(step1);
  const revealed = new Map<string, RevealedShare[]>();
  for (const id of survivors) {
    const i = byId.get(id)!;
    const view = survivorViewFor(roster, id, sharers, survivorSet)!;
    cost[i]!.down += size(view);
    if (!alive(i, 3)) continue;
    const r = timed(i, 3, () => nodes[i]!.unmask(view));
    cost[i]!.up += size(r);
    for (const s of r) if (shareProblem(context, commitments, id, s)) throw new SecAggAbort('bad_share', shareProblem(context, commitments, id, s)!);
    revealed.set(id, r);
  }
  const t = performance.now();
  const sum = await unmaskSum({ roster, sharers, masked, revealed }, inputs[0]!.length);
  const unmaskMs = performance.now() - t;
  return { sum, survivors, ids: nodes.map((n) => n.id), masked, perNode: cost.filter((_, i) => alive(i, 0)), stepMs, unmaskMs, degree: rosterGraph(roster).k };
}
