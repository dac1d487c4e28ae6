import { MixtapeError } from '@mixtape/core';
import type { HttpClient, HttpEvent } from '../http/client.js';
import { deezerClient } from '../deezer/client.js';
import { declareStream, readAll, type DeclaredStream } from '../http/declare.js';

/** Deezer playlists are capped like Spotify's; tracks are added 100 per request here. */
export const DEEZER_PLAYLIST_CAP = 10_000;
export const DEEZER_ITEMS_PER_REQUEST = 100;

/** The token from DEEZER_ACCESS_TOKEN (Deezer accepts no new apps, so only an existing token works). */
export function deezerTokenFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const token = env.DEEZER_ACCESS_TOKEN;
  if (!token) {
    throw new MixtapeError('deezer_not_configured', 'Pushing to Deezer needs DEEZER_ACCESS_TOKEN', {
      suggestion: 'Deezer accepts no new apps: set DEEZER_ACCESS_TOKEN to a token you already have, or push to another target',
    });
  }
  return token;
}

/** Deezer's OAuth errors (code 300, inside HTTP 200) as a clear error: the token is the user's only way in. */
export function deezerAuthError(_status: number, body: unknown): MixtapeError | undefined {
  const e = (body as { error?: { code?: number; type?: string; message?: string } } | null)?.error;
  if (e?.code !== 300 && e?.type !== 'OAuthException') return undefined;
  return new MixtapeError('deezer_unauthorized', `Deezer refused DEEZER_ACCESS_TOKEN (${e.message ?? 'OAuthException'})`, {
    suggestion: 'set DEEZER_ACCESS_TOKEN to a valid token with the manage_library scope',
  });
}

/** Writes playlists to the Deezer account of DEEZER_ACCESS_TOKEN (https://developers.deezer.com/api/playlist). */
export class DeezerPlaylistWriter {
  readonly http: HttpClient;

  constructor(
    private readonly token: string,
    o: { client?: HttpClient; onEvent?: (e: HttpEvent) => void; env?: NodeJS.ProcessEnv } = {},
  ) {
    // The one Deezer client (rate, retry rule, errors inside HTTP 200) of the catalogue reads.
    this.http = o.client ?? deezerClient({ ...(o.env ? { env: o.env } : {}), ...(o.onEvent ? { onEvent: o.onEvent } : {}) });
  }

  get requests(): number {
    return this.http.stats.requests;
  }

  private async write(method: 'POST' | 'DELETE', path: string, params: Record<string, string>, idempotent = false): Promise<unknown> {
    const res = await this.http.request({ method, path, params: { ...params, access_token: this.token }, idempotent, failOn: deezerAuthError });
    if (res.outcome === 'not_found') throw new MixtapeError('deezer_not_found', `Deezer has no ${path}`, { suggestion: 'run the push again: it creates the playlist anew' });
    return res.body;
  }

  /** Creates a playlist; returns its id. POST /user/me/playlists?title= */
  async create(title: string): Promise<string> {
    const body = (await this.write('POST', 'user/me/playlists', { title })) as { id: number | string };
    return String(body.id);
  }

  /** Tracks in the playlist, or undefined when it is gone. GET /playlist/{id} */
  async count(id: string): Promise<number | undefined> {
    const res = await this.http.request<{ nb_tracks: number }>({ method: 'GET', path: `playlist/${id}`, params: { access_token: this.token }, failOn: deezerAuthError });
    return res.outcome === 'not_found' ? undefined : Number(res.body.nb_tracks);
  }

  /** A playlist's tracks in order, 1000 a page (https://developers.deezer.com/api/playlist/tracks). */
  tracks(id: string): DeclaredStream<{ id: number }> {
    return declareStream<{ id: number }>({
      name: `playlist_tracks:${id}`,
      writeMode: 'replace',
      primaryKey: 'id',
      checkpoint: 'index',
      paginator: {
        kind: 'offset',
        limit: 1000,
        fetch: async (index, limit) => {
          const res = await this.http.request<{ data?: { id: number }[] }>({ method: 'GET', path: `playlist/${id}/tracks`, params: { access_token: this.token, index, limit }, failOn: deezerAuthError });
          return { items: res.body?.data ?? [], raw: res.body };
        },
      },
    });
  }

  /** Track ids in order. */
  async trackIds(id: string): Promise<string[]> {
    return (await readAll(this.tracks(id))).map((t) => String(t.id));
  }

  /** Appends tracks. POST /playlist/{id}/tracks?songs=1,2,3 */
  async append(id: string, trackIds: string[]): Promise<void> {
    await this.write('POST', `playlist/${id}/tracks`, { songs: trackIds.join(',') });
  }

  /** Removes tracks by id. DELETE /playlist/{id}/tracks?songs=1,2,3 */
  async remove(id: string, trackIds: string[]): Promise<void> {
    await this.write('DELETE', `playlist/${id}/tracks`, { songs: trackIds.join(',') }, true);
  }

  /** Renames the playlist. POST /playlist/{id}?title= */
  async rename(id: string, title: string): Promise<void> {
    await this.write('POST', `playlist/${id}`, { title }, true);
  }
}
