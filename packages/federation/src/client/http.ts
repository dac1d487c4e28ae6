import { HttpClient, isErrorCode, isMixtapeError, MixtapeError, rateFromEnv } from '@mixtape/core';

/** A hub's answer: status and body (JSON parsed when it is JSON). */
export interface HubResponse {
  status: number;
  json: unknown;
  bytes: Buffer;
  headers: Record<string, string>;
  /** True when an earlier attempt may have reached the hub without its answer reaching us (it may have acted on it). */
  retried: boolean;
}

/**
 * The hub's client: the one HttpClient with the hub's limiter (shared by every request to that hub).
 * The hub publishes no rate; it answers 429 with Retry-After when a node sends too much, and the
 * limiter adapts from there. MIXTAPE_HUB_RATE caps it.
 */
function hubClient(base: string): HttpClient {
  return new HttpClient({
    service: 'Federation hub',
    baseUrl: base,
    rate: rateFromEnv('hub', '1000/1s'),
    concurrency: 32,
    // Network errors and 5xx are retried with backoff (the hub may be restarting).
    policy: { maxAttempts: 4, baseBackoffMs: 400, maxBackoffMs: 1600, defaultRetryAfterMs: 2000 },
    timeoutMs: 60_000,
  });
}

/**
 * One request to a hub. Rate limits (429, Retry-After, X-RateLimit-*) are waited out, network
 * errors and 5xx retried; other 4xx are answers and come back to the caller. Contributions are
 * safe to resend: the hub refuses a duplicate, and `retried` tells the caller why it may see one.
 */
export async function hubRequest(base: string, path: string, init: { method?: string; body?: Buffer; timeoutMs?: number } = {}): Promise<HubResponse> {
  try {
    const r = await hubClient(base).request({
      method: init.method ?? 'GET',
      path,
      ...(init.body ? { body: init.body } : {}),
      ...(init.timeoutMs ? { timeoutMs: init.timeoutMs } : {}),
      accept: (status) => status >= 400 && status < 500 && status !== 429,
      idempotent: true,
      keepBytes: true,
    });
    const json = (r.headers['content-type'] ?? '').includes('json') ? r.body : undefined;
    return { status: r.status, json, bytes: r.bytes ?? Buffer.alloc(0), headers: r.headers, retried: r.retried === true };
  } catch (err) {
    if (!isMixtapeError(err) || err.code !== 'service_unavailable') throw err;
    throw new MixtapeError('hub_unreachable', `The federation hub at ${base} did not answer: ${err.message}`, {
      suggestion: 'check the hub URL and that the hub is running; your personal model keeps working meanwhile',
      cause: err,
    });
  }
}

/** The error a hub refusal becomes on the client side. */
export function refusalError(what: string, r: HubResponse): MixtapeError {
  const e = (r.json as { error?: { code?: string; message?: string } } | undefined)?.error;
  // A refusal code this node does not know (a newer hub, or no JSON at all) keeps the generic one.
  const code = `hub_${e?.code}`;
  return new MixtapeError(isErrorCode(code) ? code : 'hub_refused', `The hub refused ${what}: ${e?.message ?? `HTTP ${r.status}`}`, {
    suggestion: r.status === 429 ? 'wait and publish again later' : r.status === 409 ? 'run `mixtape federation pull`, then publish again' : 'check that this node and the hub run compatible versions',
  });
}
