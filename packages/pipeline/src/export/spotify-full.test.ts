import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spotify } from '@mixtape/connectors';
import { FakeSpotify, spotifyCatalog } from '@mixtape/fixtures';
import { Store } from '../store/store.js';
import { exportSpotify } from './spotify.js';

let server: FakeSpotify;
let store: Store;
const client = () => spotify.spotifyClient({ auth: spotify.staticToken('test-token'), apiUrl: `${server.url}/v1`, env: { MIXTAPE_SPOTIFY_RATE: '1000/1s' }, backoff: { baseMs: 20, maxMs: 100 } });
const uris = async (kind: string) => (await store.all<{ uri: string }>('SELECT uri FROM library WHERE kind = $1 ORDER BY uri', [kind])).map((r) => r.uri);
const uri = (kind: string, n: number) => `spotify:${kind}:${spotifyCatalog.spotifyId(kind, n)}`;

beforeEach(async () => {
  store = await Store.open({ dataDir: ':memory:' });
});
afterEach(async () => {
  store.close();
  await server.stop();
});

describe('export spotify --full', () => {
  it('drops saved albums, shows, episodes, followed artists and playlists no longer there; an incremental run keeps them', async () => {
    server = new FakeSpotify({ savedTracks: 10, savedAlbums: 3, savedShows: 2, savedEpisodes: 2, followedArtists: 45, playlists: [3, 2], foreignPlaylists: [] });
    await server.start();
    await exportSpotify({ store, client: client() });
    const gonePlaylist = server.playlists[1]!;
    // On Spotify: the oldest album, show and episode unsaved, five artists unfollowed, a playlist deleted.
    server.opts.savedAlbums = 2;
    server.opts.savedShows = 1;
    server.opts.savedEpisodes = 1;
    server.opts.followedArtists = 40;
    server.playlists.splice(1, 1);

    const inc = await exportSpotify({ store, client: client() });
    expect(inc.removed).toBe(0);
    expect(await store.scalar("SELECT count(*) FROM library WHERE kind = 'artist'")).toBe(45);
    expect(await store.scalar("SELECT count(*) FROM playlists")).toBe(2);

    const s = await exportSpotify({ store, client: client(), full: true });
    expect(s.streams.saved_albums).toMatchObject({ removed: 1, resumed: false });
    expect(s.streams.saved_shows).toMatchObject({ removed: 1 });
    expect(s.streams.saved_episodes).toMatchObject({ removed: 1 });
    expect(s.streams.followed_artists).toMatchObject({ removed: 5 });
    expect(s.streams.playlists).toMatchObject({ removed: 1 });
    expect(s.streams.saved_tracks).toMatchObject({ removed: 0 });
    expect(s.removed).toBe(9);
    expect(await uris('album')).toEqual([uri('album', 0), uri('album', 1)].sort());
    expect(await uris('show')).toEqual([uri('show', 0)]);
    expect(await uris('episode')).toEqual([uri('episode', 0)]);
    const artists = await uris('artist');
    expect(artists).toEqual(Array.from({ length: 40 }, (_, i) => uri('artist', i)).sort());
    // The deleted playlist goes with its items and its checkpoint; the other stays whole.
    const goneKey = `spotify:playlist:${gonePlaylist.id}`;
    expect(await store.scalar('SELECT count(*) FROM playlists WHERE playlist_id = $1', [goneKey])).toBe(0);
    expect(await store.scalar('SELECT count(*) FROM playlist_items WHERE playlist_id = $1', [goneKey])).toBe(0);
    expect(await store.scalar('SELECT count(*) FROM checkpoints WHERE stream = $1', [`spotify.playlist_items:${gonePlaylist.id}`])).toBe(0);
    expect(await store.scalar('SELECT count(*) FROM playlist_items WHERE playlist_id = $1', [`spotify:playlist:${server.playlists[0]!.id}`])).toBe(3);
    expect(s.playlists.total).toBe(1);
  });

  it('a pass resumed after a stop removes nothing; the next whole pass does', async () => {
    server = new FakeSpotify({ savedTracks: 200, playlists: [], foreignPlaylists: [] });
    await server.start();
    await exportSpotify({ store, client: client(), streams: ['saved_tracks'] });
    server.removeSavedTracks([0, 120, 199]);
    server.inject({ kind: 'status', status: 429, body: { error: { status: 429, message: 'QUOTA_EXCEEDED' } }, headers: { 'retry-after': '3600' }, count: 1, path: /\/me\/tracks/, skip: 2 });
    await expect(exportSpotify({ store, client: client(), streams: ['saved_tracks'], full: true })).rejects.toMatchObject({ code: 'quota_exceeded' });
    const resumed = await exportSpotify({ store, client: client(), streams: ['saved_tracks'], full: true });
    expect(resumed.streams.saved_tracks).toMatchObject({ resumed: true, removed: 0 });
    expect(await store.scalar("SELECT count(*) FROM library WHERE kind = 'track'")).toBe(200);
    const whole = await exportSpotify({ store, client: client(), streams: ['saved_tracks'], full: true });
    expect(whole.streams.saved_tracks).toMatchObject({ resumed: false, removed: 3, records: 197 });
    expect(await store.scalar("SELECT count(*) FROM library WHERE kind = 'track'")).toBe(197);
  });
});
