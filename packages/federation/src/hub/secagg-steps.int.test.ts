import { afterEach, describe, expect, it } from 'vitest';
import { fetchFederation, fetchModel } from '../client/protocol.js';
import { newIdentity, type Identity } from '../identity.js';
import type { FederationParams } from '../params.js';
import { SecAggNode } from '../secagg/client.js';
import type { RevealedShare, RosterView, SealedShare, SurvivorView } from '../secagg/messages.js';
import { roundContext, roundPlan } from '../secagg/round-plan.js';
import { encodeStep, vectorBytes } from '../secagg/wire.js';
import { post, testHub, testParams } from '../test-support.js';

/**
 * Secure-aggregation rounds driven step by step over HTTP against a real hub server (sockets, store,
 * step timers), with nodes that crash, answer late, forge shares or speak for one another.
 */
const params = (over: Partial<FederationParams> = {}) => testParams({ minContributors: 4, epsilon: 0, secureAggregation: { maxNodes: 6, dropout: 0.3, stepMs: 1500 }, ...over });

type Hub = Awaited<ReturnType<typeof testHub>>;
let hub: Hub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

const get = async <T>(path: string): Promise<{ status: number; json: T }> => {
  const r = await fetch(`${hub!.url}${path}`);
  return { status: r.status, json: (await r.json()) as T };
};

async function waitStep(step: number, attempt = 0): Promise<void> {
  for (let t = 0; t < 200; t++) {
    const st = (await get<{ attempt: number; step: number }>('/v1/rounds/1/secagg')).json;
    if (st.attempt > attempt || st.step >= step) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`step ${step} did not open`);
}

/** Six nodes of round 1, attempt 0, each able to sign any step. */
async function round() {
  const info = await fetchFederation(hub!.url);
  const p = info.params;
  const ctx = roundContext(info.hubPublicKey, p, 1, 0);
  const ids = Array.from({ length: 6 }, () => newIdentity());
  const nodes = ids.map((id) => new SecAggNode(id, ctx));
  const body = (id: Identity, step: number, payload: Buffer) => encodeStep(id, { vocabVersion: p.vocabVersion, round: 1, attempt: 0, step }, payload);
  const send = (i: number, step: number, payload: Buffer | unknown) => post(hub!.url, `/v1/rounds/1/secagg/0/steps/${step}`, body(ids[i]!, step, Buffer.isBuffer(payload) ? payload : Buffer.from(JSON.stringify(payload))));
  return { p, ctx, ids, nodes, body, send, dim: roundPlan(p, 1).dim };
}

/** Steps 0 and 1 for every node; returns each node's sealed shares. */
async function advertAndShare(r: Awaited<ReturnType<typeof round>>): Promise<SealedShare[][]> {
  for (let i = 0; i < 6; i++) expect((await r.send(i, 0, r.nodes[i]!.advert())).status).toBe(202);
  await waitStep(1);
  const shares: SealedShare[][] = [];
  for (let i = 0; i < 6; i++) {
    const view = await get<RosterView>(`/v1/rounds/1/secagg/0/roster/${r.ids[i]!.id}`);
    expect(view.status).toBe(200);
    shares.push(await r.nodes[i]!.shareKeys(view.json));
  }
  return shares;
}

describe('secure aggregation steps over HTTP', () => {
  it('completes with the survivors when one node crashes after sharing and one after its masked input; refuses late and forged messages, and counts nobody twice', async () => {
    hub = await testHub(params(), { burst: 100, perMinute: 6000 });
    const r = await round();
    const shares = await advertAndShare(r);
    // Node 1 deals shares in node 0's name: speaking for another.
    const forgedDealer = shares[0]!.map((s) => ({ ...s }));
    expect((await r.send(1, 1, forgedDealer)).json.error?.code).toBe('speaks_for_another');
    for (let i = 0; i < 6; i++) expect((await r.send(i, 1, shares[i]!)).status).toBe(202);
    await waitStep(2);
    // A late step-0 advert, after step 0 closed, from a node not in the round.
    const stranger = newIdentity();
    const lateAdvert = r.body(stranger, 0, Buffer.from(JSON.stringify(new SecAggNode(stranger, r.ctx).advert())));
    expect((await post(hub.url, '/v1/rounds/1/secagg/0/steps/0', lateAdvert)).json.error?.code).toBe('round_closed');
    // Node 0's advert sent again (its first answer lost on the way): a duplicate, so its client knows it is in.
    expect((await r.send(0, 0, r.nodes[0]!.advert())).json.error?.code).toBe('duplicate_contribution');
    const masked: Buffer[] = [];
    for (let i = 0; i < 6; i++) {
      const inbox = await get<SealedShare[]>(`/v1/rounds/1/secagg/0/shares/${r.ids[i]!.id}`);
      // Each node's input: its index + 1 in every entry, so the sum of the survivors is known.
      masked.push(Buffer.from(vectorBytes(r.nodes[i]!.maskedInput(inbox.json, new Uint32Array(r.dim).fill(i + 1)))));
    }
    // Node 1 crashes here: it shared its keys but never sends its masked input.
    for (const i of [0, 2, 3, 4, 5]) expect((await r.send(i, 2, masked[i]!)).status).toBe(202);
    // The same input again is one input, not two.
    expect((await r.send(0, 2, masked[0]!)).json.error?.code).toBe('duplicate_contribution');
    // Node 3 signs a message with node 4's public key in the header: it cannot speak for node 4.
    const h = r.body(r.ids[3]!, 2, masked[3]!);
    const swapped = encodeStep({ ...r.ids[3]!, publicKeyB64: r.ids[4]!.publicKeyB64 }, { vocabVersion: r.p.vocabVersion, round: 1, attempt: 0, step: 2 }, masked[3]!);
    expect(h.length).toBe(swapped.length);
    expect((await post(hub.url, '/v1/rounds/1/secagg/0/steps/2', swapped)).json.error?.code).toBe('bad_signature');
    // Step 2 closes once nobody answers for a step time (node 1 is gone).
    await waitStep(3);
    const reveals: RevealedShare[][] = [];
    for (const i of [0, 2, 3, 4, 5]) {
      const sets = await get<SurvivorView>(`/v1/rounds/1/secagg/0/survivors/${r.ids[i]!.id}`);
      expect([sets.json.sharers, sets.json.survivors]).toEqual([6, 5]);
      reveals[i] = r.nodes[i]!.unmask(sets.json);
    }
    // A forged share: the right dealer and kind, other bytes; it fails its commitment and is refused.
    const forged = reveals[0]!.map((s, q) => (q === 0 ? { ...s, share: Buffer.alloc(33, 9).toString('base64url') } : s));
    const refused = await r.send(0, 3, forged);
    expect([refused.status, refused.json.error?.code]).toEqual([422, 'share_mismatch']);
    // Node 0 reveals the shares node 2 holds, as if it held them: node 0 holds other commitments.
    const notMine = await r.send(0, 3, reveals[2]!);
    expect(notMine.status).toBe(422);
    // Node 5 crashes after its masked input: it never reveals. The others do.
    for (const i of [0, 2, 3, 4]) expect((await r.send(i, 3, reveals[i]!)).status).toBe(202);
    for (let t = 0; t < 200 && (await fetchFederation(hub.url)).latestVersion < 1; t++) await new Promise((res) => setTimeout(res, 50));
    const info = await fetchFederation(hub.url);
    expect(info.latestVersion).toBe(1);
    const v1 = await fetchModel(hub.url, info.hubPublicKey, 1);
    // The survivors are nodes 0, 2, 3, 4 and 5 (node 5 sent its input before it vanished).
    expect(v1.published.header.accepted).toBe(5);
    // Late: node 1's masked input, after the hub published and opened round 2.
    const late = await r.send(1, 2, masked[1]!);
    expect([late.status, late.json.error?.code]).toEqual([409, 'wrong_round']);
    expect((await r.send(0, 2, masked[0]!)).json.error?.code).toBe('wrong_round');
    const again = await fetchModel(hub.url, info.hubPublicKey, 1);
    expect(again.published.header.accepted).toBe(5);
    expect((await fetchFederation(hub.url)).latestVersion).toBe(1);
  }, 60_000);

  it('abandons the attempt, publishing nothing, when fewer than the minimum cohort send masked inputs', async () => {
    const lines: string[] = [];
    hub = await testHub(params(), { burst: 100, perMinute: 6000, log: (l) => lines.push(l) });
    const r = await round();
    const shares = await advertAndShare(r);
    for (let i = 0; i < 6; i++) expect((await r.send(i, 1, shares[i]!)).status).toBe(202);
    await waitStep(2);
    // Three of six send inputs: fewer than minContributors 4.
    for (const i of [0, 1, 2]) {
      const inbox = await get<SealedShare[]>(`/v1/rounds/1/secagg/0/shares/${r.ids[i]!.id}`);
      expect((await r.send(i, 2, vectorBytes(r.nodes[i]!.maskedInput(inbox.json, new Uint32Array(r.dim))))).status).toBe(202);
    }
    await waitStep(99, 0);
    const st = (await get<{ attempt: number; step: number; abandoned: number }>('/v1/rounds/1/secagg')).json;
    expect(st).toMatchObject({ attempt: 1, step: 0, abandoned: 1 });
    expect(lines.join('\n')).toMatch(/round 1 attempt 0 abandoned: 3 nodes sent inputs, fewer than 4/);
    expect((await fetchFederation(hub.url)).latestVersion).toBe(0);
    // A step-3 message for the abandoned attempt is refused.
    expect((await r.send(0, 3, [])).json.error?.code).toBe('wrong_round');
  }, 60_000);
});
