import { describe, expect, it } from 'vitest';
import { deezerClient } from '../deezer/client.js';
import { DeezerPlaylistWriter } from '../deezer-write/client.js';
import { ListenBrainzPlaylists } from '../listenbrainz/client.js';
import { staticToken } from '../spotify/auth.js';
import { spotifyClient } from '../spotify/client.js';

describe('one limiter per service', () => {
  it('is shared by the clients the export, enrichment and push each build for the same service', () => {
    const api = 'http://127.0.0.1:1/v1';
    const exportClient = spotifyClient({ auth: staticToken('t'), apiUrl: api, env: {} });
    const pushClient = spotifyClient({ auth: staticToken('t'), apiUrl: api, env: {} });
    expect(pushClient.limiter).toBe(exportClient.limiter);
    expect(spotifyClient({ auth: staticToken('t'), apiUrl: 'http://127.0.0.1:2/v1', env: {} }).limiter).not.toBe(exportClient.limiter);

    const env = { MIXTAPE_DEEZER_API_URL: 'http://127.0.0.1:3' };
    expect(new DeezerPlaylistWriter('token', { env }).http.limiter).toBe(deezerClient({ env }).limiter);
    // Same origin, another service: budgets are per service.
    expect(deezerClient({ env: { MIXTAPE_DEEZER_API_URL: 'http://127.0.0.1:1' } }).limiter).not.toBe(exportClient.limiter);

    const lb = { apiUrl: 'http://127.0.0.1:4', env: {} };
    expect(new ListenBrainzPlaylists('a', lb).http.limiter).toBe(new ListenBrainzPlaylists('b', lb).http.limiter);
  });
});
