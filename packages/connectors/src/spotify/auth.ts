import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MixtapeError, userAgent } from '@mixtape/core';
import type { TokenSource } from '../http/client.js';
import { authorizeUrl, createPkce } from './pkce.js';
import type { StoredTokens } from './token-file.js';

interface TokenAnswer {
  access_token: string;
  refresh_token?: string;
  expires_in: number;
  scope?: string;
}

/** POST to the accounts token endpoint (https://developer.spotify.com/documentation/web-api/tutorials/code-pkce-flow). */
async function tokenRequest(accountsUrl: string, form: Record<string, string>): Promise<TokenAnswer> {
  let res: Response;
  try {
    res = await fetch(accountsUrl.replace(/\/+$/, '') + '/api/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': userAgent() },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (cause) {
    throw new MixtapeError('auth_unreachable', `Cannot reach the Spotify accounts service at ${accountsUrl}`, { suggestion: 'check your network or MIXTAPE_SPOTIFY_ACCOUNTS_URL', cause });
  }
  const body = (await res.json().catch(() => ({}))) as Partial<TokenAnswer> & { error?: string; error_description?: string };
  if (!res.ok || typeof body.access_token !== 'string') {
    throw new MixtapeError('auth_failed', `Spotify refused the login (${body.error ?? res.status}: ${body.error_description ?? 'no details'})`, {
      suggestion: 'run `mixtape auth spotify` again; check the client id and that the redirect URI is registered in your Spotify app',
    });
  }
  return body as TokenAnswer;
}

function toStored(clientId: string, t: TokenAnswer, previousRefresh?: string): StoredTokens {
  const refresh = t.refresh_token ?? previousRefresh;
  if (!refresh) throw new MixtapeError('auth_failed', 'Spotify gave no refresh token', { suggestion: 'run `mixtape auth spotify` again' });
  const out: StoredTokens = { client_id: clientId, refresh_token: refresh, access_token: t.access_token, expires_at: Date.now() + t.expires_in * 1000 };
  if (t.scope !== undefined) out.scope = t.scope;
  return out;
}

export interface LoginOptions {
  clientId: string;
  accountsUrl: string;
  /** Loopback port registered in the Spotify app (0 picks a free one: fine for tests only). */
  port: number;
  /** Shown to the user; the login URL is passed here. */
  onUrl: (url: string) => void;
  openBrowser?: boolean;
  timeoutMs?: number;
}

/** Opens a URL in the desktop browser where one exists; silent where none does. */
function tryOpen(url: string): void {
  if (process.platform !== 'darwin' && process.platform !== 'win32' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return;
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    spawn(cmd, [url], { stdio: 'ignore', detached: true }).on('error', () => {}).unref();
  } catch {
    // No browser: the URL was printed.
  }
}

/**
 * Authorization code with PKCE: listens on http://127.0.0.1:PORT/callback (Spotify refuses
 * `localhost`), prints the login URL, waits for the redirect, exchanges the code.
 */
export async function loginWithPkce(o: LoginOptions): Promise<StoredTokens> {
  const pkce = createPkce();
  const state = randomBytes(12).toString('base64url');
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (cause) => reject(new MixtapeError('auth_port_busy', `Port ${o.port} on 127.0.0.1 is busy`, { suggestion: 'free that port or pass --port with the port registered in your Spotify app', cause })));
    server.listen(o.port, '127.0.0.1', resolve);
  });
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
  try {
    const code = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new MixtapeError('auth_timeout', 'No login arrived in time', { suggestion: 'run `mixtape auth spotify` again and open the printed URL' })), o.timeoutMs ?? 300_000);
      server.on('request', (req, res) => {
        const url = new URL(req.url ?? '/', redirectUri);
        if (url.pathname !== '/callback') {
          res.writeHead(404).end();
          return;
        }
        const error = url.searchParams.get('error');
        const ok = !error && url.searchParams.get('state') === state && url.searchParams.get('code');
        res.writeHead(ok ? 200 : 400, { 'content-type': 'text/plain' }).end(ok ? 'Mixtape is logged in. You can close this tab.' : 'Login failed; see the terminal.');
        clearTimeout(timer);
        if (ok) resolve(url.searchParams.get('code')!);
        else reject(new MixtapeError('auth_failed', `Spotify login failed (${error ?? 'state mismatch'})`, { suggestion: 'run `mixtape auth spotify` again' }));
      });
      const url = authorizeUrl(o.accountsUrl, { clientId: o.clientId, redirectUri, challenge: pkce.challenge, state });
      o.onUrl(url);
      if (o.openBrowser) tryOpen(url);
    });
    const t = await tokenRequest(o.accountsUrl, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: o.clientId, code_verifier: pkce.verifier });
    return toStored(o.clientId, t);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/** Exchanges a refresh token; a rotated refresh token in the answer replaces the old one. */
export async function refreshTokens(accountsUrl: string, stored: StoredTokens): Promise<StoredTokens> {
  const t = await tokenRequest(accountsUrl, { grant_type: 'refresh_token', refresh_token: stored.refresh_token, client_id: stored.client_id });
  return toStored(stored.client_id, t, stored.refresh_token);
}

/** A token source over stored tokens: refreshes ahead of expiry and after a 401, saves rotations. */
export class SpotifyTokens implements TokenSource {
  private pending: Promise<string> | undefined;
  constructor(
    private stored: StoredTokens,
    private readonly accountsUrl: string,
    private readonly save: (t: StoredTokens) => void,
  ) {}

  async token(): Promise<string> {
    if (this.stored.access_token && (this.stored.expires_at ?? 0) > Date.now() + 30_000) return this.stored.access_token;
    return this.refresh();
  }

  /** One refresh at a time: concurrent 401s share it (a second one would use a rotated-away token). */
  refresh(failed?: string): Promise<string> {
    // Another request already refreshed after this one's token failed: use the new token.
    if (failed !== undefined && this.stored.access_token && failed !== this.stored.access_token && !this.pending) return Promise.resolve(this.stored.access_token);
    this.pending ??= (async () => {
      try {
        this.stored = await refreshTokens(this.accountsUrl, this.stored);
        this.save(this.stored);
        return this.stored.access_token!;
      } finally {
        this.pending = undefined;
      }
    })();
    return this.pending;
  }
}

/** A fixed token from the environment (SPOTIFY_ACCESS_TOKEN): used as is, never refreshed. */
export function staticToken(token: string): TokenSource {
  return { token: async () => token };
}
