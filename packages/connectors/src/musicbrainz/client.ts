import { userAgent } from '@mixtape/core';
import { HttpClient, type HttpEvent } from '../http/client.js';
import { rateFromEnv } from '../http/rate.js';
import type { BodyVerdict } from '../http/retry.js';
import type { JsonGetter } from '../http/getter.js';

export const MUSICBRAINZ_API_URL = 'https://musicbrainz.org/ws/2';

/** MusicBrainz answers 503 when a client goes over 1 request per second: a rate limit, not an outage. */
export function musicbrainzBodyVerdict(status: number): BodyVerdict {
  return status === 503 ? 'rate_limited' : 'ok';
}

/** The User-Agent MusicBrainz asks for (application, version, contact): Mixtape's, plus MIXTAPE_CONTACT when set. */
export function musicbrainzUserAgent(env: NodeJS.ProcessEnv = process.env): string {
  return userAgent(env.MIXTAPE_CONTACT || undefined);
}

/** The one MusicBrainz client: 1 request per second by default (MIXTAPE_MUSICBRAINZ_RATE). */
export function musicbrainzClient(o: { env?: NodeJS.ProcessEnv; onEvent?: (e: HttpEvent) => void } = {}): HttpClient {
  const env = o.env ?? process.env;
  return new HttpClient({
    service: 'MusicBrainz',
    baseUrl: env.MIXTAPE_MUSICBRAINZ_API_URL || MUSICBRAINZ_API_URL,
    rate: rateFromEnv('musicbrainz', '1/1s', env),
    concurrency: 2,
    headers: { 'user-agent': musicbrainzUserAgent(env) },
    policy: { maxAttempts: 6, baseBackoffMs: 1000, maxBackoffMs: 30_000, defaultRetryAfterMs: 2_000, inspectBody: musicbrainzBodyVerdict },
    ...(o.onEvent ? { onEvent: o.onEvent } : {}),
  });
}

export interface MbRecording {
  id: string;
  title: string;
  length?: number;
  artists: { id: string; name: string }[];
  tags: { name: string; count: number }[];
}

type Json = Record<string, unknown>;

/** Recordings with this ISRC, with artist credits and tags (https://musicbrainz.org/doc/MusicBrainz_API#Non-MBID_Lookups). */
export async function recordingsByIsrc(api: JsonGetter, isrc: string): Promise<MbRecording[] | undefined> {
  const r = await api.get<{ recordings?: Json[] }>(`/isrc/${encodeURIComponent(isrc)}`, { params: { fmt: 'json', inc: 'artists+tags' } });
  if (r.outcome !== 'ok') return undefined;
  return (r.body.recordings ?? []).map((rec) => ({
    id: String(rec.id),
    title: String(rec.title ?? ''),
    ...(typeof rec.length === 'number' ? { length: rec.length } : {}),
    artists: ((rec['artist-credit'] as Json[] | undefined) ?? []).map((c) => c.artist as Json).filter(Boolean).map((a) => ({ id: String(a.id), name: String(a.name) })),
    tags: ((rec.tags as Json[] | undefined) ?? []).map((t) => ({ name: String(t.name), count: Number(t.count ?? 0) })),
  }));
}
