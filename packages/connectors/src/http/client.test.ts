import { afterEach, describe, expect, it } from 'vitest';
import { FakeServer, RollingWindow } from '@mixtape/fixtures';
import { HttpClient } from './client.js';
import { cursorPages, nextLinkPages, offsetPages } from './paging.js';

let server: FakeServer | undefined;
afterEach(async () => server?.stop());

const policy = { maxAttempts: 4, baseBackoffMs: 20, maxBackoffMs: 200, defaultRetryAfterMs: 200 };

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
    const t429 = server.seen.find((r) => r.status === 429)!.at;
    const gaps = server.seen.map((r) => r.at - t429).filter((d) => d > 50);
    expect(gaps.length).toBeGreaterThan(0);
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

describe('paging strategies', () => {
  it('offset paging stops at total and validates its inputs', async () => {
    const data = Array.from({ length: 23 }, (_, i) => i);
    const pages = [];
    for await (const p of offsetPages(async (o, l) => ({ items: data.slice(o, o + l), total: data.length, raw: null }), { limit: 10 })) pages.push(p);
    expect(pages.map((p) => [p.at, p.next, p.items.length])).toEqual([[0, 10, 10], [10, 20, 10], [20, undefined, 3]]);
    await expect(offsetPages(async () => ({ items: [], raw: null }), { limit: 0 }).next()).rejects.toThrow(/limit/);
  });
  it('cursor paging follows cursors and refuses a repeated one', async () => {
    const seen: (string | undefined)[] = [];
    for await (const p of cursorPages(async (c) => ({ items: [c ?? 'start'], next: c === undefined ? 'a' : c === 'a' ? 'b' : undefined, raw: null }))) seen.push(p.at);
    expect(seen).toEqual([undefined, 'a', 'b']);
    const loop = cursorPages(async () => ({ items: [1], next: 'x', raw: null }), { start: 'x' });
    await expect(loop.next()).rejects.toThrow(/same cursor/);
  });
  it('next-link paging follows links until null', async () => {
    const urls: string[] = [];
    for await (const p of nextLinkPages(async (u) => ({ items: [u], next: u === 'p1' ? 'p2' : null, raw: null }), { first: 'p1' })) urls.push(p.at);
    expect(urls).toEqual(['p1', 'p2']);
  });
});
