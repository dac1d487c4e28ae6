import { afterEach, describe, expect, it } from 'vitest';
import { FakeServer, type Handler, type Reply } from '../../../../fixtures/src/servers/base.js';
import { seededRandom } from '../rng.js';
import { HttpClient } from './client.js';
import { WRITE_UNCERTAIN } from './types.js';

let server: FakeServer | undefined;
afterEach(async () => server?.stop());

async function serve(replies: Reply[] | Handler): Promise<HttpClient> {
  server = new FakeServer(typeof replies === 'function' ? replies : () => replies.shift() ?? { status: 200, body: { ok: true } });
  await server.start();
  return new HttpClient({
    service: 'Test', baseUrl: server.url, rate: { count: 1000, perMs: 1000 }, concurrency: 1,
    policy: { maxAttempts: 4, baseBackoffMs: 1, maxBackoffMs: 2, defaultRetryAfterMs: 1, random: seededRandom(1) }, auth: { token: async () => 'secret-token' },
  });
}

describe('HttpClient.request (writes)', () => {
  it('sends the JSON body with the auth scheme asked for, and counts the request on the client', async () => {
    let seen: { body: string; auth: string | undefined } | undefined;
    const client = await serve((req, _url, body) => {
      seen = { body, auth: req.headers.authorization };
      return { status: 201, body: { id: 'x' } };
    });
    const res = await client.request<{ id: string }>({ method: 'POST', path: 'things', body: { name: 'a' }, authScheme: 'Token' });
    expect(res.body.id).toBe('x');
    expect(seen).toEqual({ body: '{"name":"a"}', auth: 'Token secret-token' });
    expect(client.stats.requests).toBe(1);
  });

  it('retries a 429 after Retry-After, and a 500 on a write that is safe to repeat', async () => {
    const client = await serve([{ status: 429, headers: { 'retry-after': '0' } }, { status: 500 }, { status: 200, body: { done: 1 } }]);
    const res = await client.request({ method: 'PUT', path: 'x', body: {} });
    expect(res.body).toEqual({ done: 1 });
    expect(server!.count()).toBe(3);
  });

  it('does not repeat an append whose effect is unknown: write_uncertain', async () => {
    const client = await serve([{ status: 502 }]);
    await expect(client.request({ method: 'POST', path: 'x', body: {} })).rejects.toMatchObject({ code: WRITE_UNCERTAIN });
    expect(server!.count()).toBe(1);
    // A 429 is never applied: retried even for appends.
    const again = await serve([{ status: 429, headers: { 'retry-after': '0' } }]);
    await again.request({ method: 'POST', path: 'x', body: {} });
    expect(server!.count()).toBe(2);
  });

  it('waits out a window the service says is used up', async () => {
    const client = await serve([{ status: 200, body: {}, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-in': '1' } }]);
    await client.request({ method: 'GET', path: 'a' });
    await client.request({ method: 'GET', path: 'b' });
    const [a, b] = server!.seen;
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(950);
  });
});
