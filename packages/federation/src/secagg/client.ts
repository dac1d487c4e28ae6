import { randomBytes } from 'node:crypto';
import { split } from 'shamir-secret-sharing';
import { nodeIdOf, publicKeyFrom, signMessage, verifyMessage, type Identity } from '../identity.js';
import { addInto, subtractInto } from './encode.js';
import { componentSize, type NeighbourGraph } from './graph.js';
import { agreedKey, expandMask, newAgreementKey, open, seal, type AgreementKey } from './keys.js';
import { advertMessage, advertsById, commitShare, rosterGraph, rosterProblems, SecAggAbort, type Advert, type RevealedShare, type Roster, type SealedShare } from './messages.js';

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const unb64 = (s: string) => Buffer.from(s, 'base64url');
const SHARE_BYTES = 33;

/**
 * One node's side of one round. Holds the round's secrets (two X25519 keys, the self-mask seed b)
 * in memory only; they die with the round. Each step checks what the hub sends before answering,
 * and never reveals both secrets of one neighbour.
 */
export class SecAggNode {
  readonly id: string;
  private readonly c: AgreementKey = newAgreementKey();
  private readonly s: AgreementKey = newAgreementKey();
  private readonly b: Buffer = randomBytes(32);
  private roster: Roster | undefined;
  private graph: NeighbourGraph | undefined;
  private me = -1;
  /** Shares this node holds, by dealer id. */
  private readonly held = new Map<string, { b: Buffer; s: Buffer }>();

  constructor(
    private readonly identity: Identity,
    readonly context: string,
  ) {
    this.id = identity.id;
  }

  /** Step 0: the signed advert of this round's public keys. */
  advert(): Advert {
    const a = { identityKey: this.identity.publicKeyB64, cPk: b64(this.c.publicRaw), sPk: b64(this.s.publicRaw) };
    return { id: this.id, ...a, signature: signMessage(this.identity, advertMessage(this.context, a)) };
  }

  /** Step 1: after the hub publishes who advertised, Shamir-shares b and the s key among the neighbours, sealed for each. */
  async shareKeys(roster: Roster): Promise<SealedShare[]> {
    if (roster.context !== this.context) throw new SecAggAbort('bad_roster', 'the roster is for another round');
    const problems = rosterProblems(roster);
    if (problems.length > 0) throw new SecAggAbort(problems[0]!.includes('fewer') ? 'too_few_survivors' : 'bad_roster', problems.join('; '));
    const me = roster.ids.indexOf(this.id);
    const byId = advertsById(roster);
    const mine = byId.get(this.id);
    if (!mine || mine.cPk !== b64(this.c.publicRaw) || mine.sPk !== b64(this.s.publicRaw)) throw new SecAggAbort('bad_roster', 'the roster does not carry this node\'s keys');
    const g = rosterGraph(roster);
    const nb = g.neighbours(me);
    for (const j of nb) {
      const a = byId.get(roster.ids[j]!);
      if (!a || !advertVerifies(roster.context, a)) throw new SecAggAbort('bad_roster', `the advert of neighbour ${roster.ids[j]} is missing or does not verify`);
    }
    this.roster = roster;
    this.graph = g;
    this.me = me;
    const bShares = await split(Uint8Array.from(this.b), nb.length, g.threshold);
    const sShares = await split(Uint8Array.from(this.s.privateRaw), nb.length, g.threshold);
    return nb.map((j, q) => {
      const to = byId.get(roster.ids[j]!)!;
      const key = agreedKey(this.c.privateKey, unb64(to.cPk), 'share', this.context);
      const sealed = seal(key, Buffer.concat([bShares[q]!, sShares[q]!]), `${this.context}\0${this.id}\0${to.id}`);
      return { from: this.id, to: to.id, sealed: b64(sealed), commitB: commitShare(this.context, this.id, to.id, 'b', bShares[q]!), commitS: commitShare(this.context, this.id, to.id, 's', sShares[q]!) };
    });
  }

  /**
   * Step 2: opens the shares neighbours sent (their senders are the neighbours that reached step 1),
   * then masks the node's integer input: + PRG(b), and ± PRG(s_uv) with each such neighbour v.
   */
  maskedInput(received: SealedShare[], input: Uint32Array): Uint32Array {
    const r = this.roster!;
    const g = this.graph!;
    const byId = advertsById(r);
    const neighbours = new Map(g.neighbours(this.me).map((j) => [r.ids[j]!, byId.get(r.ids[j]!)!]));
    for (const m of received) {
      const from = neighbours.get(m.from);
      if (!from || m.to !== this.id || this.held.has(m.from)) throw new SecAggAbort('bad_share', `a share from ${m.from} is not from a neighbour, not for this node, or repeated`);
      const key = agreedKey(this.c.privateKey, unb64(from.cPk), 'share', this.context);
      const plain = open(key, unb64(m.sealed), `${this.context}\0${m.from}\0${this.id}`);
      if (!plain || plain.length !== 2 * SHARE_BYTES) throw new SecAggAbort('bad_share', `the share from ${m.from} does not open`);
      const b = plain.subarray(0, SHARE_BYTES);
      const s = plain.subarray(SHARE_BYTES);
      if (commitShare(this.context, m.from, this.id, 'b', b) !== m.commitB || commitShare(this.context, m.from, this.id, 's', s) !== m.commitS)
        throw new SecAggAbort('bad_share', `the share from ${m.from} does not match its commitment`);
      this.held.set(m.from, { b, s });
    }
    // Fewer live neighbours than the threshold: this node's own secrets could not be rebuilt later.
    if (this.held.size < g.threshold) throw new SecAggAbort('too_few_neighbours', `${this.held.size} neighbours shared keys, the threshold is ${g.threshold}`);
    const y = Uint32Array.from(input);
    addInto(y, expandMask(this.b, y.length, this.context));
    for (const v of this.held.keys()) {
      const mask = expandMask(agreedKey(this.s.privateKey, unb64(neighbours.get(v)!.sPk), 'mask', this.context), y.length, this.context);
      if (this.id < v) addInto(y, mask);
      else subtractInto(y, mask);
    }
    return y;
  }

  /**
   * Step 3: given who shared keys (step 1) and who sent a masked input (step 2), reveals b-shares of
   * neighbours that sent inputs and s-shares of those that dropped after sharing. Refuses when the
   * survivors, or the part of the graph joined to this node among them, are fewer than the minimum:
   * the hub could then learn the sum of too few nodes.
   */
  unmask(sharers: string[], survivors: string[]): RevealedShare[] {
    const r = this.roster!;
    const g = this.graph!;
    const shared = new Set(sharers);
    const alive = new Set(survivors);
    if (alive.size !== survivors.length || [...alive].some((u) => !shared.has(u)) || !alive.has(this.id))
      throw new SecAggAbort('inconsistent_sets', 'the survivors are not a subset of the sharers that includes this node');
    if (alive.size < r.minSurvivors) throw new SecAggAbort('too_few_survivors', `${alive.size} nodes sent inputs, fewer than the minimum ${r.minSurvivors}`);
    const index = new Map(r.ids.map((id, i) => [id, i]));
    const aliveIdx = new Set([...alive].map((u) => index.get(u)!).filter((i) => i !== undefined));
    if (componentSize(g, aliveIdx, this.me) < r.minSurvivors)
      throw new SecAggAbort('too_few_survivors', 'the survivors joined to this node in the neighbour graph are fewer than the minimum');
    const out: RevealedShare[] = [];
    for (const [dealer, h] of this.held) {
      if (alive.has(dealer)) out.push({ dealer, kind: 'b', share: b64(h.b) });
      else if (shared.has(dealer)) out.push({ dealer, kind: 's', share: b64(h.s) });
    }
    return out;
  }
}

/** True when an advert is signed by the identity it names and its id is that identity's. */
export function advertVerifies(context: string, a: Advert): boolean {
  const key = publicKeyFrom(a.identityKey);
  return !!key && nodeIdOf(a.identityKey) === a.id && typeof a.cPk === 'string' && typeof a.sPk === 'string' && verifyMessage(key, advertMessage(context, a), a.signature);
}
