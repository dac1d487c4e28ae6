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
  /** Adverts by member: all of them at the hub; a node gets its own and its neighbours' (O(log n)). */
  adverts: Advert[];
}

const byIdCache = new WeakMap<Roster, Map<string, Advert>>();

/** A roster's adverts by id (cached per roster object). */
export function advertsById(r: Roster): Map<string, Advert> {
  let m = byIdCache.get(r);
  if (!m) byIdCache.set(r, (m = new Map(r.adverts.map((a) => [a.id, a]))));
  return m;
}

/** What one node downloads: every id (the graph needs them), but only its own and its neighbours' adverts. */
export function rosterFor(r: Roster, nodeId: string): Roster | undefined {
  const i = r.ids.indexOf(nodeId);
  if (i < 0) return undefined;
  const all = advertsById(r);
  return { ...r, adverts: [i, ...rosterGraph(r).neighbours(i)].map((j) => all.get(r.ids[j]!)!) };
}

/** A subset of the members as a bitmap over their index in `ids`, base64url (n/8 bytes instead of n ids). */
export function toBitmap(ids: string[], members: Iterable<string>): string {
  const index = new Map(ids.map((id, i) => [id, i]));
  const bits = Buffer.alloc(Math.ceil(ids.length / 8));
  for (const m of members) {
    const i = index.get(m);
    if (i !== undefined) bits[i >> 3]! |= 1 << (i & 7);
  }
  return bits.toString('base64url');
}

export function fromBitmap(ids: string[], b64: string): string[] {
  const bits = Buffer.from(b64, 'base64url');
  return ids.filter((_, i) => ((bits[i >> 3] ?? 0) >> (i & 7)) & 1);
}

/** The exact text a node signs to advertise its keys. */
export function advertMessage(context: string, a: Omit<Advert, 'signature' | 'id'>): string {
  return ['mixtape-secagg-advert-v1', context, a.identityKey, a.cPk, a.sPk].join('\n');
}

/** The neighbour graph every node and the hub derive from a roster. */
export function rosterGraph(r: Roster): NeighbourGraph {
  const n = r.ids.length;
  return harary(n, chooseDegree(n, r.dropout), graphSeed(r.context, r.ids));
}

/** Commitment to one share: binds it to round, dealer, holder and kind. */
export function commitShare(context: string, dealer: string, holder: string, kind: 'b' | 's', share: Uint8Array): string {
  return createHash('sha256').update(`mixtape-secagg-share\0${context}\0${dealer}\0${holder}\0${kind}\0`).update(share).digest('base64url');
}

/** Problems with a roster's shape (order, duplicates, size), empty when usable. */
export function rosterProblems(r: Roster): string[] {
  const out: string[] = [];
  if (r.ids.length < Math.max(3, r.minSurvivors)) out.push(`${r.ids.length} nodes advertised keys, fewer than the ${Math.max(3, r.minSurvivors)} a round needs`);
  for (let i = 1; i < r.ids.length; i++) if (!(r.ids[i - 1]! < r.ids[i]!)) out.push('member ids are not sorted without duplicates');
  return out;
}

/** Thrown when a round cannot complete safely: too few survivors, shares or neighbours. */
export class SecAggAbort extends Error {
  constructor(
    readonly code: 'too_few_survivors' | 'too_few_shares' | 'too_few_neighbours' | 'bad_roster' | 'bad_share' | 'inconsistent_sets',
    message: string,
  ) {
    super(message);
  }
}
