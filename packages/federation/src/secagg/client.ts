import { randomBytes } from 'node:crypto';
import { split } from 'shamir-secret-sharing';
import { nodeIdOf, publicKeyFrom, signMessage, verifyMessage, type Identity } from '../identity.js';
import { agreedKey, applyMask, newAgreementKey, open, seal, type AgreementKey } from './keys.js';
import { advertMessage, commitShare, neighbourBits, SecAggAbort, viewGraph, type Advert, type RevealedShare, type RosterView, type SealedShare, type SurvivorView } from './messages.js';

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
  private view: RosterView | undefined;
  /** Neighbours' adverts in graph order, and the key each pair's shares travel under (one agreement, used both ways). */
  private neighbours: Advert[] = [];
  private readonly shareKey = new Map<string, Buffer>();
  private threshold = 0;
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

  /**
   * Step 1: given its view of the roster (its place, the graph's seed, its neighbours' adverts),
   * Shamir-shares b and the s key among the neighbours, sealed for each.
   */
  async shareKeys(view: RosterView): Promise<SealedShare[]> {
    if (view.context !== this.context) throw new SecAggAbort('bad_roster', 'the roster is for another round');
    if (!Number.isSafeInteger(view.n) || view.n < Math.max(3, view.minSurvivors)) throw new SecAggAbort('too_few_survivors', `${view.n} nodes advertised keys, fewer than the ${Math.max(3, view.minSurvivors)} a round needs`);
    if (!Number.isSafeInteger(view.index) || view.index < 0 || view.index >= view.n || typeof view.seed !== 'string') throw new SecAggAbort('bad_roster', 'the roster view has no valid place for this node');
    const g = viewGraph(view);
    const nb = g.neighbours(view.index);
    const [mine, ...others] = view.adverts;
    if (!mine || mine.id !== this.id || mine.cPk !== b64(this.c.publicRaw) || mine.sPk !== b64(this.s.publicRaw)) throw new SecAggAbort('bad_roster', 'the roster does not carry this node\'s keys');
    if (others.length !== nb.length || new Set(others.map((a) => a.id)).size !== nb.length || others.some((a) => a.id === this.id))
      throw new SecAggAbort('bad_roster', `the roster carries ${others.length} distinct neighbour adverts, the graph gives ${nb.length}`);
    for (const a of others) if (!advertVerifies(view.context, a)) throw new SecAggAbort('bad_roster', `the advert of neighbour ${a.id} does not verify`);
    this.view = view;
    this.neighbours = others;
    this.threshold = g.threshold;
    const bShares = await split(Uint8Array.from(this.b), nb.length, g.threshold);
    const sShares = await split(Uint8Array.from(this.s.privateRaw), nb.length, g.threshold);
    return others.map((to, q) => {
      const key = agreedKey(this.c.privateKey, unb64(to.cPk), 'share', this.context);
      this.shareKey.set(to.id, key);
      const sealed = seal(key, Buffer.concat([bShares[q]!, sShares[q]!]), `${this.context}\0${this.id}\0${to.id}`);
      return { from: this.id, to: to.id, sealed: b64(sealed), commitB: commitShare(this.context, this.id, to.id, 'b', bShares[q]!), commitS: commitShare(this.context, this.id, to.id, 's', sShares[q]!) };
    });
  }

  /**
   * Step 2: opens the shares neighbours sent (their senders are the neighbours that reached step 1),
   * then masks the node's integer input: + PRG(b), and ± PRG(s_uv) with each such neighbour v.
   */
  maskedInput(received: SealedShare[], input: Uint32Array): Uint32Array {
    const byId = new Map(this.neighbours.map((a) => [a.id, a]));
    for (const m of received) {
      const key = this.shareKey.get(m.from);
      if (!key || m.to !== this.id || this.held.has(m.from)) throw new SecAggAbort('bad_share', `a share from ${m.from} is not from a neighbour, not for this node, or repeated`);
      const plain = open(key, unb64(m.sealed), `${this.context}\0${m.from}\0${this.id}`);
      if (!plain || plain.length !== 2 * SHARE_BYTES) throw new SecAggAbort('bad_share', `the share from ${m.from} does not open`);
      const b = plain.subarray(0, SHARE_BYTES);
      const s = plain.subarray(SHARE_BYTES);
      if (commitShare(this.context, m.from, this.id, 'b', b) !== m.commitB || commitShare(this.context, m.from, this.id, 's', s) !== m.commitS)
        throw new SecAggAbort('bad_share', `the share from ${m.from} does not match its commitment`);
      this.held.set(m.from, { b, s });
    }
    // Fewer live neighbours than the threshold: this node's own secrets could not be rebuilt later.
    if (this.held.size < this.threshold) throw new SecAggAbort('too_few_neighbours', `${this.held.size} neighbours shared keys, the threshold is ${this.threshold}`);
    const y = Uint32Array.from(input);
    applyMask(y, this.b, this.context, 1);
    for (const v of this.held.keys()) applyMask(y, agreedKey(this.s.privateKey, unb64(byId.get(v)!.sPk), 'mask', this.context), this.context, this.id < v ? 1 : -1);
    return y;
  }

  /**
   * Step 3: given how many shared keys (step 1) and sent a masked input (step 2), and which of its
   * neighbours did, reveals b-shares of neighbours that sent inputs and s-shares of those that
   * dropped after sharing. Refuses when the survivors are fewer than the minimum: the hub could then
   * learn the sum of too few nodes. (Whether the survivors' graph stays in one piece is the hub's
   * check: a node sees only its neighbours.)
   */
  unmask(sets: SurvivorView): RevealedShare[] {
    const v = this.view!;
    if (!Number.isSafeInteger(sets.sharers) || !Number.isSafeInteger(sets.survivors) || sets.survivors > sets.sharers || sets.sharers > v.n)
      throw new SecAggAbort('inconsistent_sets', 'the survivors are not a subset of the sharers');
    if (sets.survivors < v.minSurvivors) throw new SecAggAbort('too_few_survivors', `${sets.survivors} nodes sent inputs, fewer than the minimum ${v.minSurvivors}`);
    const out: RevealedShare[] = [];
    const raw = Buffer.from(String(sets.neighbours), 'base64url');
    this.neighbours.forEach((a, q) => {
      const h = this.held.get(a.id);
      const bits = neighbourBits(raw, q);
      if (bits.survived && !bits.shared) throw new SecAggAbort('inconsistent_sets', `${a.id} is said to have sent an input without sharing keys`);
      if (!h) return;
      if (bits.survived) out.push({ dealer: a.id, kind: 'b', share: b64(h.b) });
      else if (bits.shared) out.push({ dealer: a.id, kind: 's', share: b64(h.s) });
    });
    return out;
  }
}

/** True when an advert is signed by the identity it names and its id is that identity's. */
export function advertVerifies(context: string, a: Advert): boolean {
  const key = publicKeyFrom(a.identityKey);
  return !!key && nodeIdOf(a.identityKey) === a.id && typeof a.cPk === 'string' && typeof a.sPk === 'string' && verifyMessage(key, advertMessage(context, a), a.signature);
}
