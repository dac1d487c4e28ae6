import { createHash, randomBytes } from 'node:crypto';

/** A PKCE pair (RFC 7636, S256): the verifier stays here, the challenge goes in the login URL. */
export interface Pkce {
  verifier: string;
  challenge: string;
}

/** A fresh verifier of 64 URL-safe characters and its S256 challenge. */
export function createPkce(): Pkce {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: s256(verifier) };
}

/** BASE64URL(SHA256(verifier)), no padding, as RFC 7636 §4.2 defines it. */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export const SPOTIFY_SCOPES = [
  'user-read-private',
  'user-read-email',
  'user-library-read',
  'user-follow-read',
  'user-top-read',
  'user-read-recently-played',
  'playlist-read-private',
  'playlist-read-collaborative',
  // `mixtape playlist push --to spotify` creates and fills playlists.
  'playlist-modify-private',
  'playlist-modify-public',
];

/** The authorize URL (https://developer.spotify.com/documentation/web-api/tutorials/code-pkce-flow). */
export function authorizeUrl(accountsUrl: string, o: { clientId: string; redirectUri: string; challenge: string; state: string; scopes?: string[] }): string {
  const u = new URL(accountsUrl.replace(/\/+$/, '') + '/authorize');
  u.searchParams.set('client_id', o.clientId);
  u.searchParams.set('response_type', 'code');
  u.searchParams.set('redirect_uri', o.redirectUri);
  u.searchParams.set('code_challenge_method', 'S256');
  u.searchParams.set('code_challenge', o.challenge);
  u.searchParams.set('state', o.state);
  u.searchParams.set('scope', (o.scopes ?? SPOTIFY_SCOPES).join(' '));
  return u.toString();
}
