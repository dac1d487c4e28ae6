import { createHash } from 'node:crypto';
import { chooseDegree, graphSeed, harary, type NeighbourGraph } from './graph.js';

/**
 * The messages of one secure-aggregation round (Bonawitz et al., CCS 2017, with the neighbour
 * graph of Bell et al., CCS 2020). Binary values travel as base64url strings so every message is JSON.
 */

/** Step 0: a node's two X25519 public keys (c: encrypts shares; s: pairwise masks), signed with its identity. */
export interface Advert {
  /** The node's id (derived from its Ed25519 identity key). */
  id: string;
  identityKey: string;
  cPk: string;
  sPk: string;
  signature: string;
}

/** Step 1: one node's Shamir shares for one neighbour, sealed for it, with commitments the hub checks later. */
export interface SealedShare {
  from: string;
  to: string;
  sealed: string;
  /** SHA-256 commitments to the two shares (self-mask seed b, mask key s), so a holder cannot hand in a forged share. */
  commitB: string;
  commitS: string;
}

/** Step 3: a share a holder reveals: of b for a dealer that survived, of s for one that dropped after sharing. */
export interface RevealedShare {
  dealer: string;
  kind: 'b' | 's';
  share: string;
}

/** What every node must agree on for a round: the public context and the members who advertised keys. */
export interface Roster {
  /** Binds keys, masks and shares to one hub, federation and round (e.g. hub key, vocabulary version, round). */
  context: string;
  minSurvivors: number;
  /** Dropout rate the neighbour degree is sized for. */
  dropout: number;
  /** Every member's id, sorted, no duplicates: the graph is derived from them. */
  ids: string[];
  /** Adverts by member (the hub's full roster; a node downloads its RosterView). */
  adverts: Advert[];
}

const byIdCache = new WeakMap<Roster, Map<string, Advert>>();

/** A roster's adverts by id (cached per roster object). */
export function advertsById(r: Roster): Map<string, Advert> {
  let m = byIdCache.get(r);
  if (!m) byIdCache.set(r, (m = new Map(r.adverts.map((a) => [a.id, a]))));
  return m;
}

/**
 * What one node downloads of the roster: O(log n), not O(n). The hub sends the member count, the
 * node's place, the graph's seed and the adverts of the node and its neighbours (in the order of
 * `graph.neighbours(index)`), not every id: the node derives its neighbours from (n, seed, index) and
 * checks that each advert is signed by the identity it names. The hub derives the seed from every
 * member's id; a node cannot re-check that without every id (docs/PRIVACY.md: what a hub that lies
 * about the graph can do).
 */
export interface RosterView {
  context: string;
  minSurvivors: number;
  dropout: number;
  n: number;
  index: number;
  seed: string;
  adverts: Advert[];
}

/** The graph of a roster view (the same as the full roster's). */
export function viewGraph(v: Pick<RosterView, 'n' | 'dropout' | 'seed'>): NeighbourGraph {
  return harary(v.n, chooseDegree(v.n, v.dropout), v.seed);
}

/** The view of `nodeId`, or undefined when it is not a member. */
export function viewFor(r: Roster, nodeId: string): RosterView | undefined {
  const i = memberIndex(r).get(nodeId);
  if (i === undefined) return undefined;
  const all = advertsById(r);
  const g = rosterGraph(r);
  return { context: r.context, minSurvivors: r.minSurvivors, dropout: r.dropout, n: r.ids.length, index: i, seed: graphSeed(r.context, r.ids), adverts: [i, ...g.neighbours(i)].map((j) => all.get(r.ids[j]!)!) };
}

/**
 * What a survivor downloads before revealing shares: how many nodes shared and sent inputs, and for
 * each of its neighbours (in graph order) two bits, "shared" and "sent its input": k/4 bytes.
 */
export interface SurvivorView {
  sharers: number;
  survivors: number;
  /** base64url; neighbour q's bits are 2q (shared) and 2q + 1 (survived). */
  neighbours: string;
}

export function survivorViewFor(r: Roster, nodeId: string, sharers: ReadonlySet<string>, survivors: ReadonlySet<string>): SurvivorView | undefined {
  const i = memberIndex(r).get(nodeId);
  if (i === undefined) return undefined;
  const nb = rosterGraph(r).neighbours(i);
  const bits = Buffer.alloc(Math.ceil(nb.length / 4));
  nb.forEach((j, q) => {
    const id = r.ids[j]!;
    if (sharers.has(id)) bits[q >> 2]! |= 1 << ((2 * q) & 7);
    if (survivors.has(id)) bits[q >> 2]! |= 1 << ((2 * q + 1) & 7);
  });
  return { sharers: sharers.size, survivors: survivors.size, neighbours: bits.toString('base64url') };
}

/** Reads neighbour q's two bits from a survivor view's decoded `neighbours`. */
export function neighbourBits(bits: Buffer, q: number): { shared: boolean; survived: boolean } {
  const b = bits[q >> 2] ?? 0;
  return { shared: ((b >> ((2 * q) & 7)) & 1) === 1, survived: ((b >> ((2 * q + 1) & 7)) & 1) === 1 };
}

const indexCache = new WeakMap<Roster, Map<string, number>>();
/** Member id → index in `ids` (cached per roster object). */
export function memberIndex(r: Roster): Map<string, number> {
  let m = indexCache.get(r);
  if (!m) indexCache.set(r, (m = new Map(r.ids.map((id, i) => [id, i]))));
  return m;
}

const graphCache = new WeakMap<Roster, NeighbourGraph>();

/** The exact text a node signs to advertise its keys. */
export function advertMessage(context: string, a: Omit<Advert, 'signature' | 'id'>): string {
  return ['mixtape-secagg-advert-v1', context, a.identityKey, a.cPk, a.sPk].join('\n');
}

/** The neighbour graph every node and the hub derive from a roster. */
export function rosterGraph(r: Roster): NeighbourGraph {
  let g = graphCache.get(r);
  if (!g) graphCache.set(r, (g = viewGraph({ n: r.ids.length, dropout: r.dropout, seed: graphSeed(r.context, r.ids) })));
  return g;
}

/** Commitment to one share: binds it to round, dealer, holder and kind. */
export function commitShare(context: string, dealer: string, holder: string, kind: 'b' | 's', share: Uint8Array): string {
  return createHash('sha256').update(`mixtape-secagg-share\0${context}\0${dealer}\0${holder}\0${kind}\0`).update(share).digest('base64url');
}

/** Problems with a roster's shape (order, duplicates, size), empty when usable (the hub's check of what it built). */
export function rosterProblems(r: Roster): string[] {
  const out: string[] = [];
  if (r.ids.length < Math.max(3, r.minSurvivors)) out.push(`${r.ids.length} nodes advertised keys, fewer than the ${Math.max(3, r.minSurvivors)} a round needs`);
  for (let i = 1; i < r.ids.length; i++) if (!(r.ids[i - 1]! < r.ids[i]!)) out.push('member ids are not sorted without duplicates');
  return out;
}

/** Thrown when a round cannot complete safely: too few survivors, shares or neighbours. */
export class SecAggAbort extends Error {
  constructor(
    readonly code: 'too_few_survivors' | 'too_few_shares' | 'too_few_neighbours' | 'bad_roster' | 'bad_share' | 'inconsistent_sets' | 'split_graph',
    message: string,
  ) {
    super(message);
  }
}
