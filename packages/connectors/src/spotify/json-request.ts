import Bottleneck from 'bottleneck';
import { MixtapeError, userAgent } from '@mixtape/core';
import type { HttpClient, HttpResponse } from '../http/client.js';
import { decideRetry, type Outcome, type RetryPolicy } from '../http/retry.js';

// The shared HttpClient sends no request bodies yet; writes (POST/PUT/DELETE with JSON) go through
// this helper, which keeps that client's base URL, auth, headers, stats, events and its one retry
// rule (decideRetry), with a limiter at the same rate. Move it into http/ once the client takes bodies.
const limiters = new WeakMap<HttpClient, Bottleneck>();
const pauses = new WeakMap<HttpClient, number>();

function limiterOf(client: HttpClient): Bottleneck {
  let l = limiters.get(client);
  if (!l) {
    const { rate, concurrency, safetyMs } = client.options;
    l = new Bottleneck({ maxConcurrent: concurrency, minTime: Math.ceil((rate.perMs + (safetyMs ?? 50)) / rate.count) });
    limiters.set(client, l);
  }
  return l;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface JsonRequest {
  method: 'POST' | 'PUT' | 'DELETE' | 'GET';
  path: string;
  params?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Header used for the token: `Bearer` (default) or `Token` (ListenBrainz). */
  authScheme?: string;
  /** Statuses returned to the caller as answers instead of errors. */
  accept?: number[];
  /**
   * Whether sending it twice is harmless. An append is not: after a network error or a 5xx it may
   * or may not have happened, so it is not retried here; `write_uncertain` is thrown and the caller
   * re-reads the playlist to learn which.
   */
  idempotent?: boolean;
  /** A service's own reading of an answer: an error to throw as is (e.g. Deezer's OAuthException inside a 200). */
  failOn?: (status: number, body: unknown) => MixtapeError | undefined;
}

/** Thrown when a write that is not safe to repeat failed in a way that leaves its effect unknown. */
export const WRITE_UNCERTAIN = 'write_uncertain';

/** Sends one JSON request through a service's client rules; retries as `decideRetry` says. */
export async function requestJson<T = unknown>(client: HttpClient, req: JsonRequest): Promise<HttpResponse<T>> {
  const url = client.url(req.path, req.params);
  const o = client.options;
  const policy: RetryPolicy = { ...o.policy, service: o.service, canRefresh: o.auth?.refresh !== undefined };
  for (let attempt = 1; attempt <= policy.maxAttempts * 3 + 1; attempt++) {
    const wait = (pauses.get(client) ?? 0) - Date.now();
    if (wait > 0) await sleep(wait);
    const { outcome, token } = await limiterOf(client).schedule(() => send(client, url, req));
    if (outcome.kind === 'response') holdForWindow(client, outcome.headers);
    const own = outcome.kind === 'response' ? req.failOn?.(outcome.status, outcome.body) : undefined;
    if (own) throw own;
    if (outcome.kind === 'response' && req.accept?.includes(outcome.status)) {
      return { status: outcome.status, body: outcome.body as T, headers: outcome.headers, url: client.safeUrl(url), outcome: 'accepted' };
    }
    const d = decideRetry(outcome, attempt, policy);
    const unsure = outcome.kind === 'error' || (outcome.status >= 500 && outcome.status !== 503);
    if (d.retry && unsure && !(req.idempotent ?? req.method !== 'POST')) {
      throw new MixtapeError(WRITE_UNCERTAIN, `${o.service} did not confirm ${req.method} ${client.safeUrl(url)} (${d.reason})`, {
        suggestion: 'run the same command again: it checks what was written and resumes',
      });
    }
    if (d.done && outcome.kind === 'response') return { status: outcome.status, body: outcome.body as T, headers: outcome.headers, url: client.safeUrl(url), outcome: d.done };
    if (!d.retry) throw d.stop ?? new MixtapeError('request_failed', `${o.service} request failed: ${d.reason}`);
    client.stats.retries++;
    if (d.pauseAll) client.stats.rateLimited++;
    o.onEvent?.({ type: d.pauseAll ? 'pause' : 'retry', service: o.service, url: client.safeUrl(url), reason: d.reason, waitMs: d.waitMs });
    if (d.refresh) await o.auth?.refresh?.(token);
    if (d.pauseAll) pauses.set(client, Math.max(pauses.get(client) ?? 0, Date.now() + d.waitMs));
    else if (d.waitMs > 0) await sleep(d.waitMs);
  }
  throw new MixtapeError('service_unavailable', `${o.service} kept failing for ${client.safeUrl(url)}`);
}

/**
 * Services that announce their window (ListenBrainz: X-RateLimit-Remaining / X-RateLimit-Reset-In,
 * https://listenbrainz.readthedocs.io/en/latest/users/api/index.html#rate-limiting) are waited out
 * when it is used up, before they answer 429.
 */
function holdForWindow(client: HttpClient, headers: Record<string, string>): void {
  const remaining = Number(headers['x-ratelimit-remaining']);
  const resetIn = Number(headers['x-ratelimit-reset-in']);
  if (headers['x-ratelimit-remaining'] !== undefined && remaining <= 0 && Number.isFinite(resetIn) && resetIn > 0) {
    pauses.set(client, Math.max(pauses.get(client) ?? 0, Date.now() + resetIn * 1000));
  }
}

async function send(client: HttpClient, url: string, req: JsonRequest): Promise<{ outcome: Outcome; token?: string | undefined }> {
  const o = client.options;
  client.stats.requests++;
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': userAgent(), ...o.headers };
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  let token: string | undefined;
  try {
    if (o.auth) {
      token = await o.auth.token();
      headers.authorization = `${req.authScheme ?? 'Bearer'} ${token}`;
    }
    const init: RequestInit = { method: req.method, headers, signal: AbortSignal.timeout(o.timeoutMs ?? 30_000) };
    if (req.body !== undefined) init.body = JSON.stringify(req.body);
    const res = await fetch(url, init);
    const text = await res.text();
    const h: Record<string, string> = {};
    res.headers.forEach((v, k) => (h[k] = v));
    let body: unknown = text;
    if (text.length > 0 && /^\s*[[{]/.test(text)) {
      try {
        body = JSON.parse(text);
      } catch {
        // A cut-off body on a write: the write may have happened; the caller verifies on resume.
        if (res.ok) return { outcome: { kind: 'error', error: Object.assign(new Error('truncated body'), { code: 'truncated_body' }) }, token };
      }
    }
    o.onEvent?.({ type: 'request', service: o.service, url: client.safeUrl(url), status: res.status });
    return { outcome: { kind: 'response', status: res.status, headers: h, body }, token };
  } catch (error) {
    if (error instanceof MixtapeError) throw error;
    return { outcome: { kind: 'error', error }, token };
  }
}
