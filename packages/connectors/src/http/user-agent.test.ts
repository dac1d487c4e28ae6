import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { MIXTAPE_VERSION, userAgent } from '@mixtape/core';
import { catalogTrack, FakeDeezer, FakeDeezerPlaylists, FakeLastfm, FakeListenBrainz, FakeMusicBrainz, FakeSpotify, FakeSubsonic, type FakeServer } from '@mixtape/fixtures';
import { deezerClient } from '../deezer/client.js';
import { DeezerPlaylistWriter } from '../deezer-write/client.js';
import { lastfmClient } from '../lastfm/client.js';
import { ListenBrainzPlaylists } from '../listenbrainz/client.js';
import { musicbrainzClient, recordingsByIsrc } from '../musicbrainz/client.js';
import { refreshTokens } from '../spotify/auth.js';
import { spotifyClient } from '../spotify/client.js';
import { staticToken } from '../spotify/auth.js';
import { SubsonicClient } from '../subsonic/client.js';

const servers: FakeServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
});

async function started<T extends FakeServer>(s: T): Promise<T> {
  servers.push(s);
  await s.start();
  return s;
}

/** Every request the server saw, with the User-Agent it came with. */
const agents = (s: FakeServer) => s.seen.map((r) => `${r.method} ${r.path}: ${r.userAgent}`);
const expectAll = (s: FakeServer, ua: string) => {
  expect(s.seen.length).toBeGreaterThan(0);
  expect(agents(s)).toEqual(s.seen.map((r) => `${r.method} ${r.path}: ${ua}`));
};

const UA = `mixtape/${MIXTAPE_VERSION} (+https://github.com/mixtape-music/mixtape)`;

describe('the User-Agent of every request', () => {
  it('is mixtape/<version> (+project URL), with the CLI package version', () => {
    expect(userAgent()).toBe(UA);
    const cli = JSON.parse(readFileSync(new URL('../../../cli/package.json', import.meta.url), 'utf8')) as { version: string };
    expect(MIXTAPE_VERSION).toBe(cli.version);
  });

  it('goes to Spotify: API reads, JSON requests and the accounts token endpoint', async () => {
    const s = await started(new FakeSpotify());
    const client = spotifyClient({ auth: staticToken(s.issueAccessToken()), apiUrl: `${s.url}/v1`, env: {} });
    expect((await client.get('me')).status).toBe(200);
    expect((await client.request({ method: 'GET', path: 'me' })).status).toBe(200);
    // A refresh token the server does not know: refused, but the request went out and was seen.
    await expect(refreshTokens(s.url, { client_id: 'c', refresh_token: 'rt-unknown', access_token: 'x', expires_at: 0 })).rejects.toMatchObject({ code: 'auth_failed' });
    expect(s.seen.map((r) => r.path)).toEqual(['/v1/me', '/v1/me', '/api/token']);
    expectAll(s, UA);
  });

  it('goes to Deezer: catalogue reads and playlist writes', async () => {
    const read = await started(new FakeDeezer());
    await deezerClient({ env: { MIXTAPE_DEEZER_API_URL: read.url } }).get(`track/isrc:${catalogTrack(1).isrc}`);
    expectAll(read, UA);
    const write = await started(new FakeDeezerPlaylists());
    await new DeezerPlaylistWriter(write.token, { env: { MIXTAPE_DEEZER_API_URL: write.url } }).create('Road trip');
    expectAll(write, UA);
  });

  it('goes to Last.fm', async () => {
    const s = await started(new FakeLastfm());
    const { client, apiKey } = lastfmClient({ env: { LASTFM_API_KEY: s.apiKey, MIXTAPE_LASTFM_API_URL: `${s.url}/2.0/` } });
    await client.get('', { params: { method: 'user.getlovedtracks', user: s.user, api_key: apiKey, format: 'json' } });
    expectAll(s, UA);
  });

  it('goes to MusicBrainz, with MIXTAPE_CONTACT added when set', async () => {
    const s = await started(new FakeMusicBrainz({ rate: { count: 100, windowMs: 1000 } }));
    expect(await recordingsByIsrc(musicbrainzClient({ env: { MIXTAPE_MUSICBRAINZ_API_URL: `${s.url}/ws/2`, MIXTAPE_MUSICBRAINZ_RATE: '100/1s' } }), catalogTrack(1).isrc)).toHaveLength(1);
    expectAll(s, UA);
    s.seen.length = 0;
    await recordingsByIsrc(musicbrainzClient({ env: { MIXTAPE_MUSICBRAINZ_API_URL: `${s.url}/ws/2`, MIXTAPE_MUSICBRAINZ_RATE: '100/1s', MIXTAPE_CONTACT: 'me@example.org' } }), catalogTrack(1).isrc);
    expectAll(s, `mixtape/${MIXTAPE_VERSION} (+https://github.com/mixtape-music/mixtape; me@example.org)`);
  });

  it('goes to Subsonic: reads and writes', async () => {
    const s = await started(new FakeSubsonic());
    const client = new SubsonicClient({ url: s.url, user: s.user, password: s.password });
    await client.call('ping');
    await client.call('createPlaylist', { name: 'Road trip' }, { write: true });
    expect(s.seen).toHaveLength(2);
    expectAll(s, UA);
  });

  it('goes to ListenBrainz', async () => {
    const s = await started(new FakeListenBrainz());
    const lb = new ListenBrainzPlaylists(s.token, { apiUrl: s.url, env: {} });
    const mbid = await lb.create('Road trip', 'made by mixtape');
    await lb.count(mbid);
    expect(s.seen).toHaveLength(2);
    expectAll(s, UA);
  });
});
