import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testParams, testVocabulary } from '../test-support.js';
import { startHub, type RunningHub } from './run.js';

let dir: string;
let hub: RunningHub;
let port: number;
const sockets: Socket[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixtape-hub-conn-'));
  // The shipped defaults: 32 connections per client, 5 s for headers, 10 s idle.
  hub = await startHub({ port: 0, dir, params: testParams(), vocabulary: testVocabulary });
  port = Number(new URL(hub.url).port);
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
});
afterAll(async () => {
  await hub.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A connection that sends `send` (nothing by default) and then stays quiet. */
async function open(p: number, send = '', localAddress = '127.0.0.1'): Promise<Socket & { closedAt?: number }> {
  const s: Socket & { closedAt?: number } = createConnection({ port: p, host: '127.0.0.1', localAddress });
  sockets.push(s);
  s.on('error', () => {});
  s.on('close', () => (s.closedAt = Date.now()));
  s.on('data', () => {});
  await new Promise<void>((resolve) => {
    s.once('connect', () => resolve());
    s.once('close', () => resolve());
  });
  if (send && !s.destroyed) s.write(send);
  return s;
}

async function until(what: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!what() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return what();
}

describe('the hub under idle connections', () => {
  it('answers a normal request at once while one client holds 512 idle connections', async () => {
    const idle = await Promise.all(Array.from({ length: 512 }, () => open(port)));
    // The hub serves 32 of them and keeps 128 more waiting: the rest are closed, not left to hold a slot.
    expect(await until(() => idle.filter((s) => s.closedAt === undefined).length <= 32 * 5, 2_000)).toBe(true);
    const t0 = Date.now();
    const res = await fetch(`${hub.url}/v1/health`, { signal: AbortSignal.timeout(2_000) });
    expect(res.status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(2_000);
    // Another client is not affected at all.
    const other = await open(port, 'GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', '127.0.0.2');
    let reply = '';
    other.on('data', (d: Buffer) => (reply += d.toString()));
    expect(await until(() => /^HTTP\/1.1 200/.test(reply), 2_000)).toBe(true);
  });

  it('closes connections that send nothing, stall in their headers, or idle after a request', async () => {
    const t0 = Date.now();
    const silent = await open(port);
    const slowHeaders = await open(port, 'GET /v1/health HTTP/1.1\r\nHost: x\r\n');
    const keptAlive = await open(port, 'GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n');
    const all = [silent, slowHeaders, keptAlive];
    expect(await until(() => all.every((s) => s.closedAt !== undefined), 8_000)).toBe(true);
    // Headers are due within 5 s (checked each second); a kept-alive socket goes after 5 s.
    for (const s of all) expect(s.closedAt! - t0).toBeLessThan(7_500);
  });

  it('answers a known path with the wrong method with 405 and an Allow header', async () => {
    const cases: [string, string, string][] = [
      ['PUT', '/v1/health', 'GET, HEAD'],
      ['DELETE', '/v1/federation', 'GET, HEAD'],
      ['GET', '/v1/rounds/1/contributions', 'POST'],
      ['POST', '/v1/models/latest', 'GET, HEAD'],
      ['PATCH', '/v1/models/3/body', 'GET, HEAD'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await fetch(`${hub.url}${path}`, { method, ...(method === 'GET' ? {} : { body: 'x' }) });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow')).toBe(allow);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('method_not_allowed');
      expect(body.error.message).toContain(allow);
    }
    expect((await fetch(`${hub.url}/v1/health`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${hub.url}/v1/nothing`, { method: 'PUT' })).status).toBe(404);
  });
});

describe('a hub whose client is at its connection limit', () => {
  it('holds new connections until one of the client\'s busy ones ends, newest first, and keeps four times the limit waiting', async () => {
    const small = await startHub({ port: 0, dir: join(dir, 'small'), params: testParams(), vocabulary: testVocabulary, serve: { maxConnectionsPerClient: 2 } });
    try {
      const p = Number(new URL(small.url).port);
      const upload = `POST /v1/rounds/1/contributions HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\nMXC1`;
      const busy = [await open(p, upload), await open(p, upload)];
      await new Promise((r) => setTimeout(r, 200));
      // Both slots are busy uploading: new connections wait, up to four times the limit; past that the oldest goes.
      const waiting = await Promise.all(Array.from({ length: 8 }, () => open(p)));
      await new Promise((r) => setTimeout(r, 100));
      expect(waiting.every((s) => s.closedAt === undefined)).toBe(true);
      const third = await open(p, 'GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      let reply = '';
      third.on('data', (d: Buffer) => (reply += d.toString()));
      expect(await until(() => waiting[0]!.closedAt !== undefined, 1_000)).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
      expect([...busy, third, ...waiting.slice(1)].every((s) => s.closedAt === undefined)).toBe(true);
      expect(reply).toBe('');
      // One upload gives up: the newest waiting request gets its slot and is answered.
      busy[0]!.destroy();
      expect(await until(() => /^HTTP\/1.1 200/.test(reply), 2_000)).toBe(true);
      // Another client was never held up.
      const other = await open(p, 'GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', '127.0.0.2');
      let otherReply = '';
      other.on('data', (d: Buffer) => (otherReply += d.toString()));
      expect(await until(() => /^HTTP\/1.1 200/.test(otherReply), 2_000)).toBe(true);
    } finally {
      // stop() lets requests in flight finish: end the stalled upload first.
      for (const s of sockets) s.destroy();
      await small.stop();
    }
  });
});
