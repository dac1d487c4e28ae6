import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { userAgent } from '@mixtape/core';
import { hubRequest } from './http.js';

/** A local hub stand-in: runs `handle` for each request and notes when each arrived. */
async function withHub(handle: (req: IncomingMessage, res: ServerResponse, n: number) => void, run: (url: string, arrivals: number[]) => Promise<void>): Promise<void> {
  const arrivals: number[] = [];
  const server = createServer((req, res) => {
    arrivals.push(Date.now());
    req.resume();
    req.on('end', () => handle(req, res, arrivals.length));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrivals);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

describe('hubRequest', () => {
  it("sends Mixtape's User-Agent on reads and on uploads", async () => {
    const seen: string[] = [];
    await withHub((req, res) => {
      seen.push(`${req.method} ${req.headers['user-agent']} ${req.headers['content-type'] ?? '-'}`);
      json(res, 200, {});
    }, async (url) => {
      await hubRequest(url, 'v1/health');
      await hubRequest(url, 'v1/rounds/1/contributions', { method: 'POST', body: Buffer.from('MXC1') });
    });
    expect(seen).toEqual([`GET ${userAgent()} -`, `POST ${userAgent()} application/octet-stream`]);
  });

  it('waits out a 429 for its Retry-After and sends the contribution again', async () => {
    await withHub((_req, res, n) => (n === 1 ? json(res, 429, { error: { code: 'rate_limited', message: 'retry in 1 s' } }, { 'retry-after': '1' }) : json(res, 202, { round: 1, accepted: 1, needed: 2 })), async (url, arrivals) => {
      const r = await hubRequest(url, 'v1/rounds/1/contributions', { method: 'POST', body: Buffer.from('MXC1') });
      expect(r.status).toBe(202);
      expect(r.json).toEqual({ round: 1, accepted: 1, needed: 2 });
      expect(arrivals).toHaveLength(2);
      expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(950);
    });
  });

  it('holds the next request when the hub says its window is used up (X-RateLimit-*)', async () => {
    await withHub((_req, res, n) => json(res, 200, { n }, n === 1 ? { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-in': '1' } : {}), async (url, arrivals) => {
      await hubRequest(url, 'v1/federation');
      await hubRequest(url, 'v1/federation');
      expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(950);
    });
  });

  it('hands other 4xx back as answers, says when a lost answer was sent again, and keeps binary bodies whole', async () => {
    const model = Buffer.from([0x4d, 0x58, 0x4d, 0x31, 0x7b, 0x00, 0xff, 0x5b]);
    await withHub((req, res, n) => {
      if (req.method === 'GET') return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(model);
      if (n === 1) return req.socket.destroy();
      json(res, 409, { error: { code: 'duplicate_contribution', message: 'already stored' } });
    }, async (url) => {
      const r = await hubRequest(url, 'v1/rounds/1/contributions', { method: 'POST', body: Buffer.from('MXC1') });
      expect(r).toMatchObject({ status: 409, retried: true, json: { error: { code: 'duplicate_contribution' } } });
      const body = await hubRequest(url, 'v1/models/1/body');
      expect(body.bytes.equals(model)).toBe(true);
      expect(body.json).toBeUndefined();
    });
  });

  it('says the hub is unreachable after its retries', async () => {
    await withHub((req) => req.socket.destroy(), async (url, arrivals) => {
      await expect(hubRequest(url, 'v1/federation')).rejects.toMatchObject({ code: 'hub_unreachable' });
      expect(arrivals).toHaveLength(4);
    });
  });
});
