import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSpotify } from '@mixtape/fixtures';
import { loginWithPkce, SpotifyTokens } from './auth.js';
import { spotifyClient } from './client.js';
import { createPkce, s256 } from './pkce.js';
import { readTokenFile, writeTokenFile, type StoredTokens } from './token-file.js';

let server: FakeSpotify;
beforeEach(async () => {
  server = new FakeSpotify({ accessTokenTtlMs: 60 * 60_000 });
  await server.start();
});
afterEach(() => server.stop());

/** Plays the browser: follows the authorize redirect to the loopback callback. */
async function consent(url: string): Promise<void> {
  const r = await fetch(url, { redirect: 'manual' });
  const location = r.headers.get('location');
  expect(location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback\?code=/);
  await fetch(location!);
}

describe('PKCE', () => {
  it('derives the S256 challenge of RFC 7636 appendix B', () => {
    expect(s256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    const p = createPkce();
    expect(p.verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
  });
});

describe('Spotify login and tokens', () => {
  it('logs in through the loopback redirect and stores tokens in a 0600 file', async () => {
    let seenUrl = '';
    const tokens = await loginWithPkce({ clientId: 'cid', accountsUrl: server.url, port: 0, onUrl: (u) => { seenUrl = u; void consent(u); } });
    expect(seenUrl).toMatch(/code_challenge_method=S256/);
    expect(seenUrl).toMatch(/redirect_uri=http%3A%2F%2F127\.0\.0\.1%3A\d+%2Fcallback/);
    expect(tokens.refresh_token).toBe(server.issuedRefreshTokens[0]);
    const path = join(mkdtempSync(join(tmpdir(), 'mt-auth-')), 'cfg', 'spotify-token.json');
    writeTokenFile(path, tokens);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readTokenFile(path)?.refresh_token).toBe(tokens.refresh_token);
  });

  it('refreshes once after a 401, saves the rotated refresh token, and keeps exporting', async () => {
    const tokens = await loginWithPkce({ clientId: 'cid', accountsUrl: server.url, port: 0, onUrl: (u) => void consent(u) });
    const saved: StoredTokens[] = [];
    const source = new SpotifyTokens(tokens, server.url, (t) => saved.push(t));
    const client = spotifyClient({ auth: source, apiUrl: `${server.url}/v1`, env: { MIXTAPE_SPOTIFY_RATE: '1000/1s' } });
    expect((await client.get('/me')).status).toBe(200);
    server.expireTokens();
    // Concurrent requests all see 401 but share one refresh (a second would use a rotated-away token).
    const all = await Promise.all([client.get('/me'), client.get('/me/tracks', { params: { limit: 5 } }), client.get('/me')]);
    expect(all.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(saved.length).toBe(1);
    expect(saved[0]!.refresh_token).toBe(server.issuedRefreshTokens[1]);
    expect(saved[0]!.refresh_token).not.toBe(tokens.refresh_token);
  });

  it('stops with unauthorized when the refresh token is no longer valid', async () => {
    const source = new SpotifyTokens({ client_id: 'cid', refresh_token: 'rt-stale', access_token: 'bad', expires_at: Date.now() + 3600_000 }, server.url, () => {});
    server.staticToken = undefined;
    const client = spotifyClient({ auth: source, apiUrl: `${server.url}/v1`, env: { MIXTAPE_SPOTIFY_RATE: '1000/1s' } });
    await expect(client.get('/me')).rejects.toMatchObject({ code: 'auth_failed' });
  });
});
