import { HttpClient, type HttpEvent, type TokenSource } from '../http/client.js';
import { rateFromEnv } from '../http/rate.js';
import type { BodyVerdict } from '../http/retry.js';

export const SPOTIFY_API_URL = 'https://api.spotify.com/v1';
export const SPOTIFY_ACCOUNTS_URL = 'https://accounts.spotify.com';

/** Base URLs, overridable for tests, mirrors and proxies. */
export function spotifyUrls(env: NodeJS.ProcessEnv = process.env): { api: string; accounts: string } {
  return { api: env.MIXTAPE_SPOTIFY_API_URL || SPOTIFY_API_URL, accounts: env.MIXTAPE_SPOTIFY_ACCOUNTS_URL || SPOTIFY_ACCOUNTS_URL };
}

/** A 429 whose body says QUOTA_EXCEEDED is the app's quota, not a burst. */
export function spotifyBodyVerdict(status: number, body: unknown): BodyVerdict {
  if (status === 429 && /QUOTA_EXCEEDED/i.test(typeof body === 'string' ? body : JSON.stringify(body ?? ''))) return 'quota';
  return 'ok';
}

export interface SpotifyClientOptions {
  auth: TokenSource;
  apiUrl?: string;
  onEvent?: (e: HttpEvent) => void;
  env?: NodeJS.ProcessEnv;
  /** Shorter backoffs for tests. */
  backoff?: { baseMs: number; maxMs: number };
}

/**
 * The one Spotify client, for reads and playlist writes alike. Spotify's limit is a rolling 30 s
 * window whose size it does not publish: 180/30s at most (MIXTAPE_SPOTIFY_RATE overrides), lowered
 * by the shared limiter to what the server allowed after a 429 and raised again after quiet windows.
 */
export function spotifyClient(o: SpotifyClientOptions): HttpClient {
  const env = o.env ?? process.env;
  return new HttpClient({
    service: 'Spotify',
    baseUrl: o.apiUrl ?? spotifyUrls(env).api,
    rate: rateFromEnv('spotify', '180/30s', env),
    concurrency: Number(env.MIXTAPE_SPOTIFY_CONCURRENCY ?? 4),
    auth: o.auth,
    policy: { maxAttempts: 6, baseBackoffMs: o.backoff?.baseMs ?? 500, maxBackoffMs: o.backoff?.maxMs ?? 30_000, defaultRetryAfterMs: 5_000, inspectBody: spotifyBodyVerdict },
    ...(o.onEvent ? { onEvent: o.onEvent } : {}),
  });
}
