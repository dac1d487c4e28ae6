import { MixtapeError } from '@mixtape/core';
import { HttpClient, type HttpEvent } from '../http/client.js';
import { rateFromEnv } from '../http/rate.js';
import { JSPF_PLAYLIST_EXT, RECORDING_URL } from '../playlist-files/jspf.js';

export const LISTENBRAINZ_API_URL = 'https://api.listenbrainz.org';
/** Recordings one create or add request may carry (the server's MAX_RECORDINGS_PER_ADD). */
export const LISTENBRAINZ_ITEMS_PER_REQUEST = 100;

/** The token from LISTENBRAINZ_TOKEN; a clear error when it is missing. */
export function listenBrainzTokenFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const token = env.LISTENBRAINZ_TOKEN;
  if (!token) {
    throw new MixtapeError('listenbrainz_not_configured', 'Pushing to ListenBrainz needs LISTENBRAINZ_TOKEN', {
      suggestion: 'copy your user token from https://listenbrainz.org/settings/ into LISTENBRAINZ_TOKEN',
    });
  }
  return token;
}

/**
 * The one ListenBrainz client, for reads and writes alike: 30 requests per 10 s at most
 * (MIXTAPE_LISTENBRAINZ_RATE), below which the shared limiter follows the server's own
 * X-RateLimit-Remaining / X-RateLimit-Reset-In headers and its 429s. The token is optional for
 * reads (a token raises the server's limit) and never logged.
 */
export function listenBrainzClient(o: { token?: string | undefined; apiUrl?: string; onEvent?: (e: HttpEvent) => void; env?: NodeJS.ProcessEnv } = {}): HttpClient {
  const env = o.env ?? process.env;
  const token = o.token;
  return new HttpClient({
    service: 'ListenBrainz',
    baseUrl: o.apiUrl ?? (env.MIXTAPE_LISTENBRAINZ_API_URL || LISTENBRAINZ_API_URL),
    rate: rateFromEnv('listenbrainz', '30/10s', env),
    concurrency: 1,
    policy: { maxAttempts: 5, baseBackoffMs: 500, maxBackoffMs: 20_000, defaultRetryAfterMs: 10_000 },
    ...(token ? { auth: { token: async () => token } } : {}),
    ...(o.onEvent ? { onEvent: o.onEvent } : {}),
  });
}

const track = (mbid: string) => ({ identifier: [RECORDING_URL + mbid] });

/** ListenBrainz playlists (https://listenbrainz.readthedocs.io/en/latest/users/api/playlist.html). */
export class ListenBrainzPlaylists {
  readonly http: HttpClient;

  constructor(token: string, o: { apiUrl?: string; onEvent?: (e: HttpEvent) => void; env?: NodeJS.ProcessEnv } = {}) {
    this.http = listenBrainzClient({ ...o, token });
  }

  get requests(): number {
    return this.http.stats.requests;
  }

  /** Creates a playlist of recording MBIDs (at most 100 here); returns its MBID. POST /1/playlist/create */
  async create(title: string, annotation: string, mbids: string[] = [], isPublic = false): Promise<string> {
    const body = { playlist: { title, annotation, track: mbids.map(track), extension: { [JSPF_PLAYLIST_EXT]: { public: isPublic } } } };
    const res = await this.http.request<{ playlist_mbid: string }>({ method: 'POST', path: '1/playlist/create', body, authScheme: 'Token' });
    return res.body.playlist_mbid;
  }

  /** Recordings in the playlist, or undefined when it is gone. GET /1/playlist/{mbid} */
  async count(mbid: string): Promise<number | undefined> {
    return (await this.info(mbid))?.count;
  }

  /** The playlist's title, annotation and number of recordings, or undefined when it is gone. GET /1/playlist/{mbid} */
  async info(mbid: string): Promise<{ title: string; annotation: string; count: number } | undefined> {
    const res = await this.http.request<{ playlist: { title?: string; annotation?: string; track: unknown[] } }>({ method: 'GET', path: `1/playlist/${mbid}`, params: { fetch_metadata: false }, authScheme: 'Token' });
    if (res.outcome === 'not_found') return undefined;
    const p = res.body.playlist;
    return { title: p.title ?? '', annotation: p.annotation ?? '', count: p.track.length };
  }

  /** The recording MBIDs in order. */
  async recordings(mbid: string): Promise<string[]> {
    const res = await this.http.request<{ playlist: { track: { identifier: string | string[] }[] } }>({ method: 'GET', path: `1/playlist/${mbid}`, params: { fetch_metadata: false }, authScheme: 'Token' });
    return res.body.playlist.track.map((t) => [t.identifier].flat()[0]!.replace(RECORDING_URL, ''));
  }

  /** Appends up to 100 recordings. POST /1/playlist/{mbid}/item/add */
  async append(mbid: string, mbids: string[]): Promise<void> {
    await this.http.request({ method: 'POST', path: `1/playlist/${mbid}/item/add`, body: { playlist: { track: mbids.map(track) } }, authScheme: 'Token' });
  }

  /** Removes `count` recordings from `index` on. POST /1/playlist/{mbid}/item/delete */
  async remove(mbid: string, index: number, count: number): Promise<void> {
    if (count <= 0) return;
    await this.http.request({ method: 'POST', path: `1/playlist/${mbid}/item/delete`, body: { index, count }, authScheme: 'Token', idempotent: false });
  }

  /** Renames the playlist; its annotation is kept (the body has no annotation key). POST /1/playlist/edit/{mbid} */
  async rename(mbid: string, title: string): Promise<void> {
    await this.http.request({ method: 'POST', path: `1/playlist/edit/${mbid}`, body: { playlist: { title } }, authScheme: 'Token', idempotent: true });
  }

  /**
   * Replaces the playlist's annotation (its description). The server validates the body as a whole
   * playlist, so the title goes with it. POST /1/playlist/edit/{mbid}
   */
  async describe(mbid: string, title: string, annotation: string): Promise<void> {
    await this.http.request({ method: 'POST', path: `1/playlist/edit/${mbid}`, body: { playlist: { title, annotation } }, authScheme: 'Token', idempotent: true });
  }
}
