import { afterEach, describe, expect, it } from 'vitest';
import { FakeServer, RollingWindow } from '../../../../fixtures/src/servers/base.js';
import { seededRandom } from '../rng.js';
import { HttpClient } from './client.js';

let server: FakeServer | undefined;
afterEach(async () => server?.stop());

// Seeded jitter, so every run waits the same (production draws it from Math.random).
const policy = { maxAttempts: 4, baseBackoffMs: 20, maxBackoffMs: 200, defaultRetryAfterMs: 200, random: seededRandom(1) };

describe('HttpClient limiter', () => {
  it('never lets a rolling window hold more than the allowed count, and reaches the rate', async () => {
    const window = new RollingWindow(10, 500);
    server = new FakeServer(() => (window.hit() > 0 ? { status: 429, body: {}, headers: { 'retry-after': '1', 'x-over-limit': '1' } } : { status: 200, body: { ok: true } }));
    const url = await server.start();
    const client = new HttpClient({ service: 'Test', baseUrl: url, rate: { count: 10, perMs: 500 }, concurrency: 4, policy, safetyMs: 50 });
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 40 }, (_, i) => client.get(`/x/${i}`)));
    const secs = (Date.now() - t0) / 1000;
    expect(server.seen.filter((r) => r.status === 429).length).toBe(0);
    const at = server.seen.map((r) => r.at).sort((a, b) => a - b);
    for (let i = 10; i < at.length; i++) expect(at[i]! - at[i - 10]!).toBeGreaterThanOrEqual(500);
    // 40 requests at 10 per 0.5 s in bursts: three waits of a window plus the 50 ms safety (1.65 s)
    // and some round trips, not a fourth wait (which alone would take it to 2.2 s).
    expect(secs).toBeGreaterThan(1.5);
    expect(secs).toBeLessThan(2.15);
  });

  it('pauses every request for Retry-After after a 429 and redacts secrets in events', async () => {
    let n = 0;
    server = new FakeServer(() => (++n === 2 ? { status: 429, body: {}, headers: { 'retry-after': '1' } } : { status: 200, body: {} }));
    const url = await server.start();
    const events: string[] = [];
    const client = new HttpClient({ service: 'Test', baseUrl: url, rate: { count: 100, perMs: 1000 }, concurrency: 4, policy, secretParams: ['api_key'], onEvent: (e) => events.push(e.url) });
    await Promise.all(Array.from({ length: 6 }, (_, i) => client.get('/y', { params: { api_key: 'SECRET123', i } })));
    // Requests already in flight may land just after the 429; nothing new leaves until Retry-After has passed.
    const refused = server.seen.find((r) => r.status === 429)!;
    const t429 = refused.at;
    const gaps = server.seen.map((r) => r.at - t429).filter((d) => d > 50);
    // The refused request itself comes again, once, after the pause: 6 answered plus the 429.
    expect(server.seen).toHaveLength(7);
    const retry = server.seen.filter((r) => r.query.get('i') === refused.query.get('i') && r !== refused);
    expect(retry.map((r) => r.status)).toEqual([200]);
    expect(retry[0]!.at - t429).toBeGreaterThanOrEqual(950);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(950);
    expect(events.join(' ')).not.toContain('SECRET123');
    expect(client.stats.rateLimited).toBe(1);
  });

  it('treats an error inside HTTP 200 as a rate limit', async () => {
    let n = 0;
    server = new FakeServer(() => (++n === 1 ? { status: 200, body: { error: { code: 4, message: 'Quota limit exceeded' } } } : { status: 200, body: { id: 1 } }));
    const url = await server.start();
    const client = new HttpClient({ service: 'Test', baseUrl: url, rate: { count: 100, perMs: 1000 }, concurrency: 1, policy: { ...policy, inspectBody: (_s, b) => ((b as { error?: { code?: number } }).error?.code === 4 ? 'rate_limited' : 'ok') } });
    expect((await client.get('/t')).body).toEqual({ id: 1 });
    expect(client.stats.rateLimited).toBe(1);
  });
});

describe('one limiter per service, for reads and writes', () => {
  it('pauses the reads of a service after a 429 on one of its writes, and lowers its rate for both', async () => {
    let writes = 0;
    server = new FakeServer((req) => (req.method === 'POST' && ++writes === 1 ? { status: 429, body: {}, headers: { 'retry-after': '1' } } : { status: 200, body: { ok: true } }));
    const url = await server.start();
    // Two clients, as the playlist push and the export each build their own: one service, one limiter.
    const options = { service: 'Shared', baseUrl: url, rate: { count: 100, perMs: 1000 }, concurrency: 4, policy };
    let paused!: () => void;
    const pause = new Promise<void>((r) => (paused = r));
    const writer = new HttpClient({ ...options, onEvent: (e) => e.type === 'pause' && paused() });
    const reader = new HttpClient(options);
    expect(reader.limiter).toBe(writer.limiter);
    const write = writer.request({ method: 'POST', path: 'playlists/1/items', body: { uris: ['a'] } });
    // The read starts once the writer has its 429 in hand.
    await pause;
    await reader.get('me/tracks');
    await write;
    const t429 = server.seen.find((r) => r.status === 429)!.at;
    const read = server.seen.find((r) => r.method === 'GET')!;
    expect(read.at - t429).toBeGreaterThanOrEqual(950);
    expect(server.seen.map((r) => `${r.method} ${r.status}`)).toEqual(['POST 429', 'POST 200', 'GET 200']);
    expect(reader.currentRate.count).toBe(50);
  });

  it('waits out X-RateLimit-Remaining: 0 until X-RateLimit-Reset, for another client of the service too', async () => {
    let n = 0;
    const reset = String(Math.floor(Date.now() / 1000) + 2);
    server = new FakeServer(() => (++n === 1 ? { status: 200, body: {}, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset } } : { status: 200, body: {} }));
    const url = await server.start();
    const options = { service: 'Headers', baseUrl: url, rate: { count: 100, perMs: 1000 }, concurrency: 1, policy };
    await new HttpClient(options).get('a');
    await new HttpClient(options).request({ method: 'PUT', path: 'b', body: {} });
    const [a, b] = server.seen;
    // The reset is a UNIX second: the window ends at that second, whatever the milliseconds now.
    expect(b!.at).toBeGreaterThanOrEqual(Number(reset) * 1000 - 5);
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(900);
  });

  it('honours a Retry-After given as an HTTP date', async () => {
    let n = 0;
    const until = new Date(Math.ceil(Date.now() / 1000) * 1000 + 2000);
    server = new FakeServer(() => (++n === 1 ? { status: 429, body: {}, headers: { 'retry-after': until.toUTCString() } } : { status: 200, body: { ok: 1 } }));
    const url = await server.start();
    const client = new HttpClient({ service: 'Dates', baseUrl: url, rate: { count: 100, perMs: 1000 }, concurrency: 1, policy });
    expect((await client.get('x')).body).toEqual({ ok: 1 });
    expect(server.seen[1]!.at).toBeGreaterThanOrEqual(until.getTime() - 5);
  });
});
