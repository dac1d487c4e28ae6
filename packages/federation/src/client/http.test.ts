import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { userAgent } from '@mixtape/core';
import { hubRequest } from './http.js';

describe('hubRequest', () => {
  it("sends Mixtape's User-Agent on reads and on uploads", async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.headers['user-agent']} ${req.headers['content-type'] ?? '-'}`);
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await hubRequest(url, 'v1/health');
      await hubRequest(url, 'v1/rounds/1/contributions', { method: 'POST', body: Buffer.from('MXC1') });
      expect(seen).toEqual([`GET ${userAgent()} -`, `POST ${userAgent()} application/octet-stream`]);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
