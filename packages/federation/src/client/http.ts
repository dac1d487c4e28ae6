import { isErrorCode, MixtapeError, userAgent } from '@mixtape/core';

/** A hub's answer: status and body (JSON parsed when it is JSON). */
export interface HubResponse {
  status: number;
  json: unknown;
  bytes: Buffer;
  headers: Headers;
  /** True when an earlier attempt failed in the network (the hub may have acted on it). */
  retried: boolean;
}

/**
 * One request to a hub. Network errors and 5xx are retried with backoff (the hub may be
 * restarting); 4xx are answers and come back to the caller.
 */
export async function hubRequest(
  base: string,
  path: string,
  init: { method?: string; body?: Buffer; timeoutMs?: number; retries?: number } = {},
): Promise<HubResponse> {
  const url = new URL(path, base.endsWith('/') ? base : `${base}/`).toString();
  const retries = init.retries ?? 3;
  let last: unknown;
  let retried = false;
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
    try {
      const res = await fetch(url, {
        method: init.method ?? 'GET',
        headers: { 'user-agent': userAgent(), ...(init.body ? { 'content-type': 'application/octet-stream' } : {}) },
        ...(init.body ? { body: init.body } : {}),
        signal: AbortSignal.timeout(init.timeoutMs ?? 60_000),
      });
      const bytes = Buffer.from(await res.arrayBuffer());
      if (res.status >= 500 && attempt < retries) {
        last = new Error(`HTTP ${res.status}`);
        continue;
      }
      const json = (res.headers.get('content-type') ?? '').includes('json') ? (JSON.parse(bytes.toString('utf8')) as unknown) : undefined;
      return { status: res.status, json, bytes, headers: res.headers, retried };
    } catch (err) {
      last = err;
      retried = true;
    }
  }
  throw new MixtapeError('hub_unreachable', `The federation hub at ${base} did not answer (${String((last as Error)?.message ?? last)})`, {
    suggestion: 'check the hub URL and that the hub is running; your personal model keeps working meanwhile',
    cause: last,
  });
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
