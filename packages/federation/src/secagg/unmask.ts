import { createPrivateKey } from 'node:crypto';
import { combine } from 'shamir-secret-sharing';
import { addInto } from './encode.js';
import { smallestComponent } from './graph.js';
import { agreedKey, applyMask } from './keys.js';
import { advertsById, commitShare, memberIndex, rosterGraph, SecAggAbort, type RevealedShare, type Roster, type SealedShare } from './messages.js';

const unb64 = (s: string) => Buffer.from(s, 'base64url');
// PKCS#8 prefix of a raw X25519 private key (RFC 8410).
const X25519_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');

/** The commitments of step 1, by dealer and holder, as the hub keeps them. */
export type Commitments = Map<string, { commitB: string; commitS: string }>;

export const commitmentKey = (dealer: string, holder: string) => `${dealer}\0${holder}`;

/** Indexes step-1 messages by dealer and holder. */
export function commitmentsOf(shares: Iterable<SealedShare>): Commitments {
  const m: Commitments = new Map();
  for (const s of shares) m.set(commitmentKey(s.from, s.to), { commitB: s.commitB, commitS: s.commitS });
  return m;
}

/** Why a revealed share is refused, or undefined when it matches the commitment the dealer made for this holder. */
export function shareProblem(context: string, commitments: Commitments, holder: string, r: RevealedShare): string | undefined {
  const c = commitments.get(commitmentKey(r.dealer, holder));
  if (!c) return `${r.dealer} dealt no share to ${holder}`;
  if (r.kind !== 'b' && r.kind !== 's') return 'kind must be b or s';
  if (typeof r.share !== 'string' || !/^[A-Za-z0-9_-]{44}$/.test(r.share)) return 'a share is 33 bytes in base64url';
  return commitShare(context, r.dealer, holder, r.kind, unb64(r.share)) === (r.kind === 'b' ? c.commitB : c.commitS) ? undefined : `the ${r.kind}-share of ${r.dealer} does not match its commitment`;
}

/**
 * Why the survivors may not be unmasked, or undefined: the hub can unmask each connected piece of the
 * survivors' neighbour graph on its own, so each must hold the minimum (nodes see only their neighbours
 * and cannot check it; an honest hub abandons the attempt before asking for shares).
 */
export function splitProblem(roster: Roster, survivors: Iterable<string>): string | undefined {
  const index = memberIndex(roster);
  const alive = new Set<number>();
  for (const u of survivors) {
    const i = index.get(u);
    if (i !== undefined) alive.add(i);
  }
  const smallest = smallestComponent(rosterGraph(roster), alive);
  return smallest < roster.minSurvivors ? `the survivors' neighbour graph has a piece of ${smallest} nodes, fewer than the minimum ${roster.minSurvivors}` : undefined;
}

/** What the hub has at the end of a round. */
export interface UnmaskInput {
  roster: Roster;
  /** Nodes whose step-1 shares were delivered. */
  sharers: Set<string>;
  /**
   * Step-2 masked vectors, by node (the survivors); or, for a hub that streams them from storage
   * rather than holding them all, the survivors and the sum of their masked vectors (mod 2^32).
   */
  masked: Map<string, Uint32Array> | { survivors: ReadonlySet<string>; sum: Uint32Array };
  /** Step-3 revealed shares, by holder; each already checked with shareProblem. */
  revealed: Map<string, RevealedShare[]>;
}

/**
 * The sum of the survivors' inputs modulo 2^32, and nothing else: rebuilds each survivor's
 * self-mask seed and each dropped sharer's mask key from `threshold` verified shares, removes the
 * self masks and the pairwise masks survivors added for dropped neighbours; the pairwise masks
 * between survivors cancel in the sum. Aborts when a secret has too few shares.
 */
export async function unmaskSum(x: UnmaskInput, dim: number): Promise<Uint32Array> {
  const { roster, sharers } = x;
  const masked = x.masked instanceof Map ? new Set(x.masked.keys()) : x.masked.survivors;
  const sum = new Uint32Array(dim);
  if (x.masked instanceof Map) {
    for (const [u, y] of x.masked) {
      if (y.length !== dim) throw new SecAggAbort('bad_share', `the masked input of ${u} has ${y.length} entries, not ${dim}`);
      addInto(sum, y);
    }
  } else {
    if (x.masked.sum.length !== dim) throw new SecAggAbort('bad_share', `the masked inputs' sum has ${x.masked.sum.length} entries, not ${dim}`);
    sum.set(x.masked.sum);
  }
  if (masked.size < roster.minSurvivors) throw new SecAggAbort('too_few_survivors', `${masked.size} masked inputs, fewer than the minimum ${roster.minSurvivors}`);
  const g = rosterGraph(roster);
  const index = memberIndex(roster);
  const why = splitProblem(roster, masked);
  if (why) throw new SecAggAbort('split_graph', why);
  const byId = advertsById(roster);
  const byDealer = new Map<string, Uint8Array[]>();
  for (const list of x.revealed.values())
    for (const r of list) {
      const want = masked.has(r.dealer) ? 'b' : sharers.has(r.dealer) ? 's' : undefined;
      if (r.kind !== want) continue;
      const l = byDealer.get(r.dealer) ?? [];
      l.push(Uint8Array.from(unb64(r.share)));
      byDealer.set(r.dealer, l);
    }
  const secret = async (dealer: string): Promise<Uint8Array> => {
    const l = byDealer.get(dealer) ?? [];
    if (l.length < g.threshold) throw new SecAggAbort('too_few_shares', `${l.length} shares of ${dealer}'s secret came back, ${g.threshold} are needed`);
    return combine(l.slice(0, g.threshold));
  };
  for (const u of masked) applyMask(sum, await secret(u), roster.context, -1);
  for (const d of sharers) {
    if (masked.has(d)) continue;
    const i = index.get(d);
    if (i === undefined) continue;
    const raw = await secret(d);
    const priv = createPrivateKey({ key: Buffer.concat([X25519_PKCS8, raw]), format: 'der', type: 'pkcs8' });
    const pub = Buffer.from(priv.export({ format: 'jwk' }).x!, 'base64url');
    if (!pub.equals(unb64(byId.get(d)!.sPk))) throw new SecAggAbort('bad_share', `the rebuilt mask key of ${d} is not the one it advertised`);
    for (const j of g.neighbours(i)) {
      const u = byId.get(roster.ids[j]!)!;
      if (!masked.has(u.id)) continue;
      // u added +mask when u < d, -mask otherwise: take it back.
      applyMask(sum, agreedKey(priv, unb64(u.sPk), 'mask', roster.context), roster.context, u.id < d ? -1 : 1);
    }
  }
  return sum;
}
