import { MixtapeError, type ProgressFn } from '@mixtape/core';
import type { Listens } from '../als/node-step.js';
import type { Identity } from '../identity.js';
import type { ModelArrays } from '../model-file.js';
import { SecAggNode } from '../secagg/client.js';
import { addDiscreteGaussian } from '../secagg/discrete-gaussian.js';
import { encodeUpdate } from '../secagg/encode.js';
import { SecAggAbort, type RevealedShare, type RosterView, type SealedShare, type SurvivorView } from '../secagg/messages.js';
import { cryptoWords } from '../secagg/random.js';
import { roundContext, roundPlan } from '../secagg/round-plan.js';
import { encodeStep, vectorBytes } from '../secagg/wire.js';
import { hubRequest, refusalError, type HubResponse } from './http.js';
import { localPayload, type FederationInfo } from './protocol.js';

/** What one node's part in a securely aggregated round cost it. */
export interface SecureRoundResult {
  round: number;
  attempt: number;
  survivors: number;
  bytesUp: number;
  bytesDown: number;
  cpuMs: number;
}

/** Options of one node's secure round; `vanishBefore` makes a simulated node drop out before that step. */
export interface SecureRoundOptions {
  hub: string;
  identity: Identity;
  info: FederationInfo;
  previous: ModelArrays;
  listens: Listens;
  /** Called just before the masked input leaves (the accountant spends there: once sent, the noise is released). */
  beforeInput?: (attempt: number) => void | Promise<void>;
  vanishBefore?: 0 | 1 | 2 | 3;
  /** The hub's invitation, when it admits invited identities only. */
  invitation?: string;
  /** How often to ask the hub whether the next step opened; default: what the hub asks for (`pollMs` in its status), else 200 ms. */
  pollMs?: number;
  /**
   * How the node asks for the round's status: by default its own request each time; a simulation
   * of many nodes in one process passes one shared question (`sharedStatus` in sim/secure-nodes.ts),
   * so that its nodes do not each put the same question to the hub.
   */
  status?: () => Promise<HubResponse>;
  /**
   * Runs each of the node's computations (encoding, each step's crypto): a simulation of many nodes
   * in one process passes a queue, so that one node's step finishes before the next one's starts and
   * answers reach the hub one by one, as from nodes on their own machines, not all at the end.
   */
  serialize?: <T>(f: () => Promise<T>) => Promise<T>;
  /** Where the node is in the round's four steps, and how long it has waited for the other nodes (a step may stay open ten step times). */
  onProgress?: ProgressFn;
}

/**
 * How long a waiting node sleeps between two questions to the hub (before jitter): the caller's
 * own interval if it set one, else what the hub asks for (kept within 0.1–60 s: a hub cannot make
 * a node hammer it or fall asleep), else 200 ms (a hub that does not say).
 */
export function pollEvery(own: number | undefined, hubAsks: unknown): number {
  if (own !== undefined) return own;
  return typeof hubAsks === 'number' && hubAsks > 0 ? Math.min(Math.max(hubAsks, 100), 60_000) : 200;
}

/** The node vanished on purpose (simulated dropout). */
export class Vanished extends Error {}

/**
 * Runs one node through the four steps of a securely aggregated round: advertise keys, share its
 * secrets among its neighbours, encode and noise its update (integers mod 2^32, discrete Gaussian
 * from the OS random source) and send it masked, reveal the shares the survivors need.
 * Throws `round_abandoned` when the hub abandons the attempt and `secagg_refused` when this node
 * refuses a step (too few survivors: the hub could learn too small a sum).
 */
export async function secureRound(o: SecureRoundOptions): Promise<SecureRoundResult> {
  const p = o.info.params;
  const round = o.info.round;
  const cost = { bytesUp: 0, bytesDown: 0, cpuMs: 0 };
  // `queued`: a step's heavy part, run through o.serialize; signing a message is not (queued behind
  // every other node's step, the answer would wait for all of them).
  const timed = <T>(f: () => T | Promise<T>, queued = true): Promise<T> => {
    const run = async () => {
      const t = performance.now();
      const r = await f();
      cost.cpuMs += performance.now() - t;
      return r;
    };
    return o.serialize && queued ? o.serialize(run) : run();
  };
  const get = async (path: string): Promise<HubResponse> => {
    const r = await hubRequest(o.hub, path);
    cost.bytesDown += r.bytes.length;
    return r;
  };
  const plan = roundPlan(p, round);
  // The update is computed, encoded and noised when it is masked (step 2), and dropped once sent: a
  // node holds it for one step, and a simulation of many nodes in one process does not hold every
  // node's update at once (10,000 x 1.6 MB at the 5,000+ tier at ε 8).
  const noisedInput = () => {
    const enc = encodeUpdate(localPayload(p, round, o.previous, o.listens), plan, cryptoWords());
    addDiscreteGaussian(enc, BigInt(plan.nodeSigma2), cryptoWords());
    return enc;
  };
  const attempt = await waitForStep(o, get, undefined, 0);
  const base = `v1/rounds/${round}/secagg/${attempt}`;
  const node = new SecAggNode(o.identity, roundContext(o.info.hubPublicKey, p, round, attempt));
  const post = async (step: number, payload: Buffer) => {
    if (o.vanishBefore !== undefined && o.vanishBefore <= step) throw new Vanished(`vanished before step ${step}`);
    const body = await timed(() => encodeStep(o.identity, { vocabVersion: p.vocabVersion, round, attempt, step }, payload), false);
    const r = await hubRequest(o.hub, `${base}/steps/${step}`, { method: 'POST', body, timeoutMs: 120_000 });
    cost.bytesUp += body.length;
    cost.bytesDown += r.bytes.length;
    const code = (r.json as { error?: { code?: string } } | undefined)?.error?.code;
    // A retried POST whose first attempt was stored comes back as a duplicate: it is in.
    if (r.retried && r.status === 409 && code === 'duplicate_contribution') return;
    if (r.status !== 202) throw refusalError(`step ${step} of round ${round}`, r);
  };
  const json = async <T>(path: string): Promise<T> => {
    const r = await get(`${base}/${path}`);
    if (r.status !== 200) throw refusalError(`the ${path} of round ${round}`, r);
    return r.json as T;
  };
  const refused = (err: unknown): never => {
    if (err instanceof SecAggAbort) throw new MixtapeError('secagg_refused', `This node left round ${round}: ${err.message}`, { suggestion: 'publish again in a later round', cause: err });
    throw err;
  };
  try {
    await post(0, Buffer.from(JSON.stringify({ ...node.advert(), ...(o.invitation ? { invitation: o.invitation } : {}) })));
    await waitForStep(o, get, attempt, 1);
    const r = await get(`${base}/roster/${o.identity.id}`);
    if (r.status === 403) throw new MixtapeError('round_closed', `Round ${round} started without this node`, { suggestion: 'publish again in the next round' });
    if (r.status !== 200) throw refusalError(`the roster of round ${round}`, r);
    const roster = r.json as RosterView;
    const sealed = await timed(() => node.shareKeys(roster));
    await post(1, Buffer.from(JSON.stringify(sealed)));
    await waitForStep(o, get, attempt, 2);
    const mine = await json<SealedShare[]>(`shares/${o.identity.id}`);
    const masked = await timed(() => node.maskedInput(mine, noisedInput()));
    if (o.vanishBefore === undefined || o.vanishBefore > 2) await o.beforeInput?.(attempt);
    await post(2, vectorBytes(masked));
    await waitForStep(o, get, attempt, 3);
    const sets = await json<SurvivorView>(`survivors/${o.identity.id}`);
    const reveal: RevealedShare[] = await timed(() => node.unmask(sets));
    await post(3, Buffer.from(JSON.stringify(reveal)));
    return { round, attempt, survivors: sets.survivors, ...cost };
  } catch (err) {
    return refused(err);
  }
}

/** What a node waits for before each step opens. */
const WAITING_FOR = ['waiting for an attempt of the round to open', "secure aggregation, waiting for the other nodes' keys", "secure aggregation, waiting for the other nodes' key shares", "secure aggregation, waiting for the other nodes' masked inputs"];

/** Polls the round's status until `step` is open in `attempt` (the first open step 0 when attempt is undefined). */
async function waitForStep(o: SecureRoundOptions, get: (path: string) => Promise<HubResponse>, attempt: number | undefined, step: number): Promise<number> {
  const round = o.info.round;
  // The hub keeps a step open while answers keep coming, ten step times at most: a node waits that long.
  const since = Date.now();
  const deadline = since + 10 * (o.info.params.secureAggregation?.stepMs ?? 60_000) + 30_000;
  for (;;) {
    const r = o.status ? await o.status() : await get(`v1/rounds/${round}/secagg`);
    if (r.status !== 200) throw refusalError(`the state of round ${round}`, r);
    const st = r.json as { attempt: number; step: number; pollMs?: number };
    if (attempt !== undefined && st.attempt !== attempt)
      throw new MixtapeError('round_abandoned', `Round ${round} was abandoned: too few nodes stayed to the end, and no model was published from it`, { suggestion: 'publish again: the round starts over' });
    if (st.step === step) return st.attempt;
    if (st.step > step) {
      if (attempt === undefined) {
        // Joined mid-attempt: wait for the next one, or fail when the round closes.
      } else throw new MixtapeError('round_closed', `Step ${step} of round ${round} closed before this node answered`, { suggestion: 'publish again in the next round' });
    }
    o.onProgress?.({ unit: 'steps', done: step, total: 4, message: `round ${round}: ${WAITING_FOR[step]} (${Math.round((Date.now() - since) / 1000)} s)` });
    if (Date.now() > deadline) throw new MixtapeError('round_timeout', `Round ${round} did not reach step ${step} in time`, { suggestion: 'the hub may be waiting for more nodes; publish again later' });
    await new Promise((res) => setTimeout(res, pollEvery(o.pollMs, st.pollMs) * (0.5 + Math.random())));
  }
}
