import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Hub } from './hub.js';
import { openApiDocument } from './openapi.js';

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(data.length), ...extra });
  res.end(data);
}

function sendError(res: ServerResponse, status: number, code: string, message: string, extra: Record<string, string> = {}): void {
  sendJson(res, status, { error: { code, message } }, extra);
}

/** Reads a body up to `max` bytes; undefined (after answering 413) when it is larger. */
async function readBody(req: IncomingMessage, res: ServerResponse, max: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  const tooLarge = () => {
    sendError(res, 413, 'body_too_large', `request body is over the ${max}-byte limit`, { connection: 'close' });
    req.resume();
    res.on('finish', () => req.destroy());
  };
  if (Number.isFinite(declared) && declared > max) {
    tooLarge();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) {
      tooLarge();
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}

/** Routes /v1/… to the hub. Every failure is answered; nothing a client sends can stop the server. */
export function hubHandler(hub: Hub): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(hub, req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'internal_error', 'the hub failed on this request; it is still up');
      else res.destroy();
      void err;
    });
  };
}

async function handle(hub: Hub, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://hub');
  const path = url.pathname.replace(/\/+$/, '');
  const method = req.method ?? 'GET';
  let m: RegExpExecArray | null;
  if (method === 'GET' && path === '/v1/health') {
    sendJson(res, 200, { status: 'ok', round: await hub.openRound() });
  } else if (method === 'GET' && path === '/v1/openapi.json') {
    sendJson(res, 200, openApiDocument(`http://${req.headers.host ?? 'localhost'}`));
  } else if (method === 'GET' && path === '/v1/federation') {
    const round = await hub.openRound();
    const accepted = await hub.acceptedInRound(round);
    sendJson(res, 200, { params: hub.params, round, accepted, latestVersion: round - 1, hubPublicKey: hub.publicKey });
  } else if (method === 'GET' && path === '/v1/vocabulary') {
    const body = hub.vocabularyBody();
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
    res.end(body);
  } else if (method === 'POST' && (m = /^\/v1\/rounds\/(\d{1,9})\/contributions$/.exec(path))) {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (type !== 'application/octet-stream') {
      req.resume();
      sendError(res, 415, 'unsupported_media_type', 'contributions are application/octet-stream');
      return;
    }
    const body = await readBody(req, res, hub.params.maxBodyBytes);
    if (!body) return;
    const r = await hub.submit(Number(m[1]), body);
    if (!('code' in r)) sendJson(res, 202, r);
    else sendError(res, r.status, r.code, r.message, r.status === 429 ? { 'retry-after': r.message.replace(/\D+/g, '') || '1' } : {});
  } else if (method === 'GET' && (m = /^\/v1\/models\/(latest|\d{1,9})(\/body)?$/.exec(path))) {
    const n = m[1] === 'latest' ? (await hub.openRound()) - 1 : Number(m[1]);
    const v = await hub.version(n);
    if (!v) {
      sendError(res, 404, 'no_such_version', `version ${n} is not published`);
    } else if (m[2]) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(v.body.length), 'x-mixtape-sha256': v.published.sha256 });
      res.end(v.body);
    } else {
      sendJson(res, 200, { ...v.published, hubPublicKey: hub.publicKey });
    }
  } else if (path.startsWith('/v1/')) {
    req.resume();
    sendError(res, 404, 'not_found', `no endpoint ${method} ${path}; see /v1/openapi.json`);
  } else {
    req.resume();
    sendError(res, 404, 'not_found', 'the API lives under /v1/ (see /v1/openapi.json)');
  }
}

/** Starts an HTTP server for the hub; resolves with its URL once listening. */
export async function listen(hub: Hub, port: number, host = '127.0.0.1'): Promise<{ server: Server; url: string }> {
  const server = createServer({ requestTimeout: 120_000, headersTimeout: 30_000 }, hubHandler(hub));
  server.keepAliveTimeout = 5_000;
  // Bodies are read into memory (up to maxBodyBytes each), so cap how many can be in flight.
  server.maxConnections = 512;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return { server, url: `http://${host}:${addr.port}` };
}
