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
  /** Sorted by id, no duplicates. */
  adverts: Advert[];
}

/** The exact text a node signs to advertise its keys. */
export function advertMessage(context: string, a: Omit<Advert, 'signature' | 'id'>): string {
  return ['mixtape-secagg-advert-v1', context, a.identityKey, a.cPk, a.sPk].join('\n');
}

/** The neighbour graph every node and the hub derive from a roster. */
export function rosterGraph(r: Roster): NeighbourGraph {
  const ids = r.adverts.map((a) => a.id);
  const n = ids.length;
  return harary(n, chooseDegree(n, r.dropout), graphSeed(r.context, ids));
}

/** Commitment to one share: binds it to round, dealer, holder and kind. */
export function commitShare(context: string, dealer: string, holder: string, kind: 'b' | 's', share: Uint8Array): string {
  return createHash('sha256').update(`mixtape-secagg-share\0${context}\0${dealer}\0${holder}\0${kind}\0`).update(share).digest('base64url');
}

/** Problems with a roster's shape (order, duplicates, size), empty when usable. */
export function rosterProblems(r: Roster): string[] {
  const out: string[] = [];
  if (r.adverts.length < Math.max(3, r.minSurvivors)) out.push(`${r.adverts.length} nodes advertised keys, fewer than the ${Math.max(3, r.minSurvivors)} a round needs`);
  for (let i = 1; i < r.adverts.length; i++) if (!(r.adverts[i - 1]!.id < r.adverts[i]!.id)) out.push('adverts are not sorted by id without duplicates');
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
