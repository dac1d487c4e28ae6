import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectionGuard } from './connections.js';
import type { Hub } from './hub.js';
import { openApiDocument } from './openapi.js';
import type { HubRefusalCode } from './validate.js';

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(data.length), ...extra });
  res.end(data);
}

function sendError(res: ServerResponse, status: number, code: HubRefusalCode, message: string, extra: Record<string, string> = {}): void {
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

type Route = { pattern: RegExp; allow: string[]; serve: (hub: Hub, req: IncomingMessage, res: ServerResponse, m: RegExpExecArray) => Promise<void> };

// HEAD is GET without the body (Node drops the body of a HEAD answer by itself).
const ROUTES: Route[] = [
  { pattern: /^\/v1\/health$/, allow: ['GET', 'HEAD'], serve: async (hub, _req, res) => sendJson(res, 200, { status: 'ok', round: await hub.openRound() }) },
  { pattern: /^\/v1\/openapi\.json$/, allow: ['GET', 'HEAD'], serve: async (_hub, req, res) => sendJson(res, 200, openApiDocument(`http://${req.headers.host ?? 'localhost'}`)) },
  {
    pattern: /^\/v1\/federation$/,
    allow: ['GET', 'HEAD'],
    serve: async (hub, _req, res) => {
      const round = await hub.openRound();
      const accepted = await hub.acceptedInRound(round);
      sendJson(res, 200, { params: hub.params, round, accepted, latestVersion: round - 1, hubPublicKey: hub.publicKey, admission: hub.admission });
    },
  },
  {
    pattern: /^\/v1\/vocabulary$/,
    allow: ['GET', 'HEAD'],
    serve: async (hub, _req, res) => {
      const body = hub.vocabularyBody();
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
      res.end(body);
    },
  },
  { pattern: /^\/v1\/rounds\/(\d{1,9})\/contributions$/, allow: ['POST'], serve: contribute },
  { pattern: /^\/v1\/models\/(latest|\d{1,9})(\/body)?$/, allow: ['GET', 'HEAD'], serve: model },
  { pattern: /^\/v1\/rounds\/(\d{1,9})\/secagg$/, allow: ['GET', 'HEAD'], serve: secaggStatus },
  { pattern: /^\/v1\/rounds\/(\d{1,9})\/secagg\/(\d{1,4})\/(roster|roster\/[A-Za-z0-9_-]{22}|survivors\/[A-Za-z0-9_-]{22}|shares\/[A-Za-z0-9_-]{22})$/, allow: ['GET', 'HEAD'], serve: secaggRead },
  { pattern: /^\/v1\/rounds\/(\d{1,9})\/secagg\/(\d{1,4})\/steps\/([0-3])$/, allow: ['POST'], serve: secaggStep },
];

// A step-1 body carries up to 254 sealed shares of a few hundred bytes: more than a tiny federation's update.
const STEP_BODY_FLOOR = 256 * 1024;

async function secaggStatus(hub: Hub, _req: IncomingMessage, res: ServerResponse, m: RegExpExecArray): Promise<void> {
  if (!hub.secagg) return sendError(res, 404, 'no_secure_aggregation', 'this federation does not run secure aggregation; POST contributions instead');
  const st = await hub.secagg.status();
  if (Number(m[1]) !== st.round) return sendError(res, 409, 'wrong_round', `round ${m[1]} is not open; the open round is ${st.round}`);
  sendJson(res, 200, st);
}

async function secaggRead(hub: Hub, _req: IncomingMessage, res: ServerResponse, m: RegExpExecArray): Promise<void> {
  if (!hub.secagg) return sendError(res, 404, 'no_secure_aggregation', 'this federation does not run secure aggregation');
  const round = Number(m[1]);
  const attempt = Number(m[2]);
  const what = m[3]!;
  const [kind, node] = what.split('/');
  const body =
    kind === 'roster' ? await hub.secagg.roster(round, attempt, node) : kind === 'survivors' ? await hub.secagg.survivors(round, attempt, node!) : await hub.secagg.inbox(round, attempt, node!);
  if (body === null) return sendError(res, 403, 'not_in_round', `${node} did not advertise keys in round ${round} attempt ${attempt}`);
  if (body === undefined) return sendError(res, 409, 'step_not_open', `the ${what.split('/')[0]} of round ${round} attempt ${attempt} is not out yet; poll /v1/rounds/${round}/secagg`);
  sendJson(res, 200, body);
}

async function secaggStep(hub: Hub, req: IncomingMessage, res: ServerResponse, m: RegExpExecArray): Promise<void> {
  if (!hub.secagg) {
    req.resume();
    return sendError(res, 404, 'no_secure_aggregation', 'this federation does not run secure aggregation');
  }
  if ((req.headers['content-type'] ?? '').split(';')[0]!.trim() !== 'application/octet-stream') {
    req.resume();
    return sendError(res, 415, 'unsupported_media_type', 'protocol messages are application/octet-stream');
  }
  const body = await readBody(req, res, Math.max(hub.params.maxBodyBytes, STEP_BODY_FLOOR));
  if (!body) return;
  const r = await hub.secagg.submit({ round: Number(m[1]), attempt: Number(m[2]), step: Number(m[3]) }, body);
  if (!('code' in r)) sendJson(res, 202, r);
  else sendError(res, r.status, r.code, r.message, r.status === 429 ? { 'retry-after': r.message.replace(/\D+/g, '') || '1' } : {});
}

async function contribute(hub: Hub, req: IncomingMessage, res: ServerResponse, m: RegExpExecArray): Promise<void> {
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
}

async function model(hub: Hub, _req: IncomingMessage, res: ServerResponse, m: RegExpExecArray): Promise<void> {
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
}

async function handle(hub: Hub, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://hub');
  const path = url.pathname.replace(/\/+$/, '');
  const method = req.method ?? 'GET';
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    if (route.allow.includes(method)) return route.serve(hub, req, res, m);
    req.resume();
    const allow = route.allow.join(', ');
    sendError(res, 405, 'method_not_allowed', `${path} does not take ${method}; use ${allow} (see /v1/openapi.json)`, { allow });
    return;
  }
  req.resume();
  if (path.startsWith('/v1/')) sendError(res, 404, 'not_found', `no endpoint ${method} ${path}; see /v1/openapi.json`);
  else sendError(res, 404, 'not_found', 'the API lives under /v1/ (see /v1/openapi.json)');
}

/** How the hub's HTTP server treats connections; every field has a default sized for the public internet. */
export interface ServeOptions {
  host?: string;
  /** Open connections one remote address may hold (default 32). */
  maxConnectionsPerClient?: number;
  /** Open connections in all (default 512): bodies are read into memory, up to maxBodyBytes each. */
  maxConnections?: number;
  /** Time a client has to send its request headers (default 5 s). */
  headersTimeoutMs?: number;
  /** A socket with no traffic for this long is closed (default 10 s); a kept-alive one after half of it. */
  idleTimeoutMs?: number;
}

/** Starts an HTTP server for the hub; resolves with its URL once listening. */
export async function listen(hub: Hub, port: number, o: ServeOptions = {}): Promise<{ server: Server; url: string; guard: ConnectionGuard }> {
  const host = o.host ?? '127.0.0.1';
  const idle = o.idleTimeoutMs ?? 10_000;
  const headersTimeout = o.headersTimeoutMs ?? 5_000;
  // A full contribution must arrive at 32 kB/s or better (the idle timeout catches a stalled one sooner).
  const requestTimeout = Math.max(60_000, Math.ceil(hub.params.maxBodyBytes / 32));
  // Node checks the header and request deadlines on this interval (30 s by default).
  const server = createServer({ headersTimeout, requestTimeout, connectionsCheckingInterval: Math.min(1_000, headersTimeout) }, hubHandler(hub));
  server.keepAliveTimeout = Math.ceil(idle / 2);
  server.setTimeout(idle);
  const guard = new ConnectionGuard({ perClient: o.maxConnectionsPerClient ?? 32, total: o.maxConnections ?? 512 });
  guard.attach(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return { server, url: `http://${host}:${addr.port}`, guard };
}
