import { HttpClient, MixtapeError } from '@mixtape/core';
import { rateFromEnv } from '../http/rate.js';
import type { SubsonicConfig } from './client.js';

/** What Navidrome's own API says of a playlist that the Subsonic API does not: its M3U file and sync flag. */
export interface NavidromePlaylist {
  path: string;
  sync: boolean;
}

/**
 * Navidrome's own REST API (the one its web UI uses: POST /auth/login, then /api/playlist/{id} with
 * the token as a Bearer; Navidrome maps `x-nd-authorization` onto `Authorization`), read only to
 * learn whether a playlist is synced from an M3U file: the Subsonic API does not say. A server
 * without it (not Navidrome, or a proxy that passes only /rest) gives undefined, and the push goes
 * on with what the Subsonic API says.
 */
export class NavidromeApi {
  /** With the session token; `plain` (no token) only logs in. */
  readonly http: HttpClient;
  private readonly plain: HttpClient;
  private token: Promise<string | undefined> | undefined;

  constructor(private readonly config: SubsonicConfig, o: { env?: NodeJS.ProcessEnv } = {}) {
    const base = {
      service: 'Navidrome',
      baseUrl: config.url.replace(/\/+$/, ''),
      rate: rateFromEnv('subsonic', '50/1s', o.env),
      concurrency: 1,
      policy: { maxAttempts: 3, baseBackoffMs: 300, maxBackoffMs: 5_000, defaultRetryAfterMs: 2_000 },
    };
    this.plain = new HttpClient(base);
    this.http = new HttpClient({ ...base, auth: { token: async () => (await this.token) ?? '' } });
  }

  private login(): Promise<string | undefined> {
    this.token ??= (async () => {
      const res = await this.plain.request<{ token?: string }>({ method: 'POST', path: 'auth/login', body: { username: this.config.user, password: this.config.password }, accept: (s) => s >= 400 && s < 500 });
      return res.status === 200 && typeof res.body?.token === 'string' ? res.body.token : undefined;
    })().catch(() => undefined);
    return this.token;
  }

  /** The playlist's path and sync flag, or undefined when this server has no such API. */
  async playlist(id: string): Promise<NavidromePlaylist | undefined> {
    if ((await this.login()) === undefined) return undefined;
    const res = await this.http.get<{ path?: string; sync?: boolean }>(`api/playlist/${encodeURIComponent(id)}`, { accept: (s) => s >= 400 && s < 500 });
    if (res.status !== 200 || typeof res.body !== 'object' || res.body === null) return undefined;
    return { path: typeof res.body.path === 'string' ? res.body.path : '', sync: res.body.sync === true };
  }
}

/** The refusal for a playlist synced from an M3U file: a push into it would be undone by the next scan. */
export function m3uSyncedError(name: string, path: string | undefined): MixtapeError {
  return new MixtapeError('playlist_synced_from_file', `The playlist "${name}" on the Navidrome server is synced from the M3U file ${path ?? '(unknown path)'}: the next scan would overwrite anything pushed into it`, {
    suggestion: 'turn off "Auto-import" (sync) for that playlist in Navidrome, or push under another name',
  });
}
