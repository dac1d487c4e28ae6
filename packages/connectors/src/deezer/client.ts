import { HttpClient, type HttpEvent } from '../http/client.js';
import { rateFromEnv } from '../http/rate.js';
import type { BodyVerdict } from '../http/retry.js';

export const DEEZER_API_URL = 'https://api.deezer.com';

/**
 * Deezer sends errors inside HTTP 200: code 4 is its quota (a rate limit), 800 "no data" is a
 * not-found answer, 700 is "service busy"; anything else is a request that cannot succeed.
 */
export function deezerBodyVerdict(status: number, body: unknown): BodyVerdict {
  const code = (body as { error?: { code?: number } } | null)?.error?.code;
  if (code === undefined) return status === 404 ? 'not_found' : 'ok';
  if (code === 4) return 'rate_limited';
  if (code === 800) return 'not_found';
  if (code === 700) return 'server';
  return 'client';
}

/** The one Deezer client: 50 requests per 5 s by default (MIXTAPE_DEEZER_RATE), no auth for catalogue reads. */
export function deezerClient(o: { env?: NodeJS.ProcessEnv; onEvent?: (e: HttpEvent) => void } = {}): HttpClient {
  const env = o.env ?? process.env;
  return new HttpClient({
    service: 'Deezer',
    baseUrl: env.MIXTAPE_DEEZER_API_URL || DEEZER_API_URL,
    rate: rateFromEnv('deezer', '50/5s', env),
    concurrency: 8,
    policy: { maxAttempts: 6, baseBackoffMs: 500, maxBackoffMs: 30_000, defaultRetryAfterMs: 5_000, inspectBody: deezerBodyVerdict },
    ...(o.onEvent ? { onEvent: o.onEvent } : {}),
  });
}
