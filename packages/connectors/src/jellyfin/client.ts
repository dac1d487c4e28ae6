import { HttpClient, MixtapeError, type HttpEvent, type HttpRequest, type HttpResponse } from '@mixtape/core';
import { rateFromEnv } from '../http/rate.js';

/** Connection settings: JELLYFIN_URL, JELLYFIN_TOKEN (an API key or a user's access token), JELLYFIN_USER. */
export interface JellyfinConfig {
  url: string;
  token: string;
  /** A user id (32 hex digits) or name; unset: the token's own user, else the server's only user. */
  user?: string;
}

/** Reads the Jellyfin settings from the environment; a clear error names what is missing. */
export function jellyfinConfigFromEnv(env: NodeJS.ProcessEnv = process.env): JellyfinConfig {
  const missing = ['JELLYFIN_URL', 'JELLYFIN_TOKEN'].filter((k) => !env[k]);
  if (missing.length > 0) {
    throw new MixtapeError('jellyfin_not_configured', `Jellyfin needs ${missing.join(' and ')}`, {
      suggestion: 'set JELLYFIN_URL (e.g. http://localhost:8096), JELLYFIN_TOKEN (Dashboard → API Keys) and JELLYFIN_USER (your user name)',
    });
  }
  return { url: env.JELLYFIN_URL!, token: env.JELLYFIN_TOKEN!, ...(env.JELLYFIN_USER ? { user: env.JELLYFIN_USER } : {}) };
}

const HEX_ID = /^[0-9a-f]{32}$/i;
const DASHED_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A Jellyfin server through one rate-limited client (https://api.jellyfin.org). The token goes in
 * `Authorization: MediaBrowser Token="…"` (the scheme Jellyfin 10.x documents; headers are never
 * logged), and a 401 is a clear `jellyfin_unauthorized` at once: an API key does not refresh.
 */
export class JellyfinClient {
  readonly http: HttpClient;
  private userId: Promise<string> | undefined;

  constructor(
    readonly config: JellyfinConfig,
    o: { onEvent?: (e: HttpEvent) => void; env?: NodeJS.ProcessEnv } = {},
  ) {
    this.http = new HttpClient({
      service: 'Jellyfin',
      baseUrl: config.url.replace(/\/+$/, ''),
      rate: rateFromEnv('jellyfin', '50/1s', o.env),
      concurrency: 2,
      policy: { maxAttempts: 5, baseBackoffMs: 300, maxBackoffMs: 10_000, defaultRetryAfterMs: 2_000 },
      headers: { authorization: `MediaBrowser Client="Mixtape", Device="mixtape", DeviceId="mixtape-cli", Version="1", Token="${config.token.replace(/"/g, '')}"` },
      ...(o.onEvent ? { onEvent: o.onEvent } : {}),
    });
  }

  get requests(): number {
    return this.http.stats.requests;
  }

  /** One request; 401, 403 and 400 become clear errors unless `accept` lists them (e.g. 404 for a playlist gone). */
  async request<T = unknown>(req: Omit<HttpRequest, 'failOn' | 'accept'> & { accept?: number[] }): Promise<HttpResponse<T>> {
    const accepted = req.accept ?? [];
    return this.http.request<T>({
      ...req,
      accept: accepted,
      failOn: (status) => {
        if (accepted.includes(status)) return undefined;
        if (status === 401) {
          return new MixtapeError('jellyfin_unauthorized', `The Jellyfin server at ${this.config.url} refused JELLYFIN_TOKEN (401): it expired or was revoked`, {
            suggestion: 'make a new API key in the Jellyfin dashboard (Administration → API Keys) and set JELLYFIN_TOKEN',
          });
        }
        if (status === 403) {
          return new MixtapeError('jellyfin_error', `The Jellyfin server at ${this.config.url} does not let this token ${req.method} ${req.path.split('?')[0]} (403)`, {
            suggestion: 'use an API key, or the token of the user who owns the playlist',
          });
        }
        if (status === 404) return new MixtapeError('not_found', `The Jellyfin server has no ${req.path.split('?')[0]} (404)`, { suggestion: 'run the push again: a playlist deleted on the server is created anew' });
        if (status === 400) return new MixtapeError('jellyfin_error', `The Jellyfin server refused ${req.method} ${req.path.split('?')[0]} (400)`, { suggestion: 'check the server log; run again with DEBUG=1 for details' });
        return undefined;
      },
    });
  }

  /**
   * The user whose favourites, plays and playlists these are: JELLYFIN_USER as an id, else by name
   * from /Users (https://api.jellyfin.org/#tag/User/operation/GetUsers); unset, /Users/Me (a user's
   * token), else the server's only user. Asked once per client.
   */
  user(): Promise<string> {
    this.userId ??= this.resolveUser();
    return this.userId;
  }

  private async resolveUser(): Promise<string> {
    const want = this.config.user;
    if (want !== undefined && (HEX_ID.test(want) || DASHED_ID.test(want))) return want.replace(/-/g, '').toLowerCase();
    if (want === undefined) {
      const me = await this.request<{ Id?: string }>({ method: 'GET', path: 'Users/Me', accept: [400, 403, 404] });
      if (me.status === 200 && typeof me.body?.Id === 'string') return me.body.Id;
    }
    const users = (await this.request<{ Id: string; Name: string }[]>({ method: 'GET', path: 'Users' })).body;
    const list = Array.isArray(users) ? users : [];
    const found = want !== undefined ? list.find((u) => u.Name.toLowerCase() === want.toLowerCase()) : list.length === 1 ? list[0] : undefined;
    if (!found) {
      throw new MixtapeError('jellyfin_unknown_user', want !== undefined ? `The Jellyfin server has no user "${want}"` : `The Jellyfin server has ${list.length} users: say which is yours`, {
        suggestion: `set JELLYFIN_USER to one of: ${list.map((u) => u.Name).slice(0, 10).join(', ') || '(none listed)'}`,
      });
    }
    return found.Id;
  }
}
