import { join } from 'node:path';
import { statSync } from 'node:fs';
import { MixtapeError } from '@mixtape/core';
import { spotify, type TokenSource } from '@mixtape/connectors';
import { configDir } from '../store/paths.js';

/** Where the Spotify refresh token lives: a 0600 file in the config dir. */
export function spotifyTokenPath(dir?: string): string {
  return join(configDir(dir), 'spotify-token.json');
}

/**
 * The token source for API calls: SPOTIFY_ACCESS_TOKEN as is (headless runs), else the stored
 * refresh token, refreshed ahead of expiry, with rotated refresh tokens saved back to the file.
 */
export function spotifyTokenSource(env: NodeJS.ProcessEnv = process.env, dir?: string): TokenSource {
  if (env.SPOTIFY_ACCESS_TOKEN) return spotify.staticToken(env.SPOTIFY_ACCESS_TOKEN);
  const path = spotifyTokenPath(dir);
  const stored = spotify.readTokenFile(path);
  if (!stored) {
    throw new MixtapeError('not_logged_in', 'Mixtape is not logged in to Spotify', {
      suggestion: 'run `mixtape auth spotify --client-id YOUR_CLIENT_ID`, or set SPOTIFY_ACCESS_TOKEN',
    });
  }
  return new spotify.SpotifyTokens(stored, spotify.spotifyUrls(env).accounts, (t) => spotify.writeTokenFile(path, t));
}

export interface LoginResult {
  loggedIn: true;
  clientId: string;
  tokenFile: string;
  scope?: string;
}

/** Runs the PKCE login and stores the refresh token; the login URL goes to `onUrl`. */
export async function loginSpotify(o: { clientId?: string | undefined; port: number; onUrl: (url: string) => void; openBrowser: boolean; env?: NodeJS.ProcessEnv; configDir?: string }): Promise<LoginResult> {
  const env = o.env ?? process.env;
  const clientId = o.clientId ?? env.SPOTIFY_CLIENT_ID;
  if (!clientId) {
    throw new MixtapeError('missing_client_id', 'A Spotify client id is needed to log in', {
      suggestion: 'create an app at https://developer.spotify.com/dashboard with redirect URI http://127.0.0.1:8888/callback, then pass --client-id or set SPOTIFY_CLIENT_ID',
    });
  }
  const tokens = await spotify.loginWithPkce({ clientId, accountsUrl: spotify.spotifyUrls(env).accounts, port: o.port, onUrl: o.onUrl, openBrowser: o.openBrowser });
  const path = spotifyTokenPath(o.configDir);
  spotify.writeTokenFile(path, tokens);
  const out: LoginResult = { loggedIn: true, clientId, tokenFile: path };
  if (tokens.scope !== undefined) out.scope = tokens.scope;
  return out;
}

export interface AuthStatus {
  spotify: { loggedIn: boolean; via: 'environment' | 'token file' | 'none'; tokenFile: string; clientId?: string; fileMode?: string; savedAt?: string; accessTokenExpiresAt?: string };
}

/** What is stored, without any secret. */
export function spotifyAuthStatus(env: NodeJS.ProcessEnv = process.env, dir?: string): AuthStatus {
  const path = spotifyTokenPath(dir);
  if (env.SPOTIFY_ACCESS_TOKEN) return { spotify: { loggedIn: true, via: 'environment', tokenFile: path } };
  const stored = spotify.readTokenFile(path);
  if (!stored) return { spotify: { loggedIn: false, via: 'none', tokenFile: path } };
  const s: AuthStatus['spotify'] = { loggedIn: true, via: 'token file', tokenFile: path, clientId: stored.client_id, fileMode: (statSync(path).mode & 0o777).toString(8).padStart(4, '0') };
  if (stored.saved_at) s.savedAt = stored.saved_at;
  if (stored.expires_at) s.accessTokenExpiresAt = new Date(stored.expires_at).toISOString();
  return { spotify: s };
}

/** Forgets the stored tokens. */
export function logoutSpotify(dir?: string): { loggedOut: boolean; tokenFile: string } {
  const path = spotifyTokenPath(dir);
  return { loggedOut: spotify.deleteTokenFile(path), tokenFile: path };
}
