import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadOrCreateIdentity, newIdentity } from '../identity.js';
import { SecAggNode } from '../secagg/client.js';
import { roundContext } from '../secagg/round-plan.js';
import { encodeStep } from '../secagg/wire.js';
import { contributionBody, post, testHub, testParams } from '../test-support.js';
import { encodeContribution } from '../codec.js';
import { honestPayload } from '../test-support.js';
import { randomBytes } from 'node:crypto';
import { createInvitation } from './invitation.js';

type Hub = Awaited<ReturnType<typeof testHub>>;
const params = testParams({ minContributors: 50 });
let hub: Hub;
let secure: Hub;
beforeAll(async () => {
  hub = await testHub(params, { admission: { maxPerInvitation: 3 }, burst: 20, perMinute: 600 });
  secure = await testHub(testParams({ minContributors: 5, secureAggregation: { maxNodes: 20, dropout: 0.3, stepMs: 60_000 } }), { admission: { maxPerInvitation: 3 }, burst: 20, perMinute: 600 });
});
afterAll(async () => {
  await hub.stop();
  await secure.stop();
});

const invited = (token: string, identity = newIdentity()) =>
  encodeContribution(identity, { vocabVersion: params.vocabVersion, round: 1, nonce: randomBytes(16).toString('hex'), rows: params.vocabSize, dim: params.als.dim, invitation: token }, honestPayload(params, 1));

describe('admission by invitation', () => {
  it('admits only identities holding an invitation this hub signed, up to its cap', async () => {
    const { identity: key } = await loadOrCreateIdentity(join(hub.dir, 'hub-key.pem'));
    const path = '/v1/rounds/1/contributions';
    expect((await fetch(`${hub.url}/v1/federation`).then((r) => r.json())).admission).toBe('invitation');
    expect((await post(hub.url, path, contributionBody(params, 1))).json.error?.code).toBe('invitation_required');
    // Signed by someone else, or expired.
    expect((await post(hub.url, path, invited(createInvitation(newIdentity())))).json.error?.code).toBe('invitation_required');
    expect((await post(hub.url, path, invited(createInvitation(key, { expires: Date.now() - 1 })))).json.error?.code).toBe('invitation_required');
    // A token for 2 identities admits two, then no more; the operator's cap (3) bounds a token asking for 10.
    const two = createInvitation(key, { max: 2 });
    expect((await post(hub.url, path, invited(two))).status).toBe(202);
    expect((await post(hub.url, path, invited(two))).status).toBe(202);
    expect((await post(hub.url, path, invited(two))).json.error?.code).toBe('invitation_used_up');
    const ten = createInvitation(key, { max: 10 });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await post(hub.url, path, invited(ten))).status);
    expect(codes).toEqual([202, 202, 202, 403]);
  });

  it('asks for the invitation with the advert under secure aggregation', async () => {
    const { identity: key } = await loadOrCreateIdentity(join(secure.dir, 'hub-key.pem'));
    const info = (await fetch(`${secure.url}/v1/federation`).then((r) => r.json())) as { params: typeof params; hubPublicKey: string };
    const ctx = roundContext(info.hubPublicKey, info.params, 1, 0);
    const send = (invitation?: string) => {
      const id = newIdentity();
      const body = Buffer.from(JSON.stringify({ ...new SecAggNode(id, ctx).advert(), ...(invitation ? { invitation } : {}) }));
      return post(secure.url, '/v1/rounds/1/secagg/0/steps/0', encodeStep(id, { vocabVersion: info.params.vocabVersion, round: 1, attempt: 0, step: 0 }, body));
    };
    expect((await send()).json.error?.code).toBe('invitation_required');
    expect((await send(createInvitation(key))).status).toBe(202);
  });
});
