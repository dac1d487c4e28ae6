import { MixtapeError } from '@mixtape/core';
import { HttpClient, type HttpEvent } from '../http/client.js';
import { rateFromEnv } from '../http/rate.js';
import type { BodyVerdict } from '../http/retry.js';

export const LASTFM_API_URL = 'https://ws.audioscrobbler.com/2.0/';

/**
 * Last.fm errors come as `{error, message}`, often inside HTTP 200 (https://www.last.fm/api/errorcodes):
 * 29 is its rate limit, 6 "not found" is an answer, 8/11/16 are temporary, the rest cannot succeed.
 */
export function lastfmBodyVerdict(_status: number, body: unknown): BodyVerdict {
  const code = (body as { error?: unknown } | null)?.error;
  if (typeof code !== 'number') return 'ok';
  if (code === 29) return 'rate_limited';
  if (code === 6) return 'not_found';
  if (code === 8 || code === 11 || code === 16) return 'server';
  return 'client';
}

/** The one Last.fm client: 5 requests per second by default (MIXTAPE_LASTFM_RATE); the key never logged. */
export function lastfmClient(o: { env?: NodeJS.ProcessEnv; onEvent?: (e: HttpEvent) => void } = {}): { client: HttpClient; apiKey: string } {
  const env = o.env ?? process.env;
  const apiKey = env.LASTFM_API_KEY;
  if (!apiKey) {
    throw new MixtapeError('missing_api_key', 'LASTFM_API_KEY is not set', { suggestion: 'get a key at https://www.last.fm/api/account/create and set LASTFM_API_KEY' });
  }
  const client = new HttpClient({
    service: 'Last.fm',
    baseUrl: env.MIXTAPE_LASTFM_API_URL || LASTFM_API_URL,
    rate: rateFromEnv('lastfm', '5/1s', env),
    concurrency: 4,
    secretParams: ['api_key', 'sk'],
    policy: { maxAttempts: 6, baseBackoffMs: 500, maxBackoffMs: 30_000, defaultRetryAfterMs: 2_000, inspectBody: lastfmBodyVerdict },
    ...(o.onEvent ? { onEvent: o.onEvent } : {}),
  });
  return { client, apiKey };
}
