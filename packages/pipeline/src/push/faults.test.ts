import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spotify } from '@mixtape/connectors';
import { FakeSpotifyPlaylists } from '../../../../fixtures/src/servers/spotify-playlists.js';
import { FakeDeezerPlaylists } from '../../../../fixtures/src/servers/deezer-playlists.js';
import { FakeListenBrainz } from '../../../../fixtures/src/servers/listenbrainz.js';
import { FakeSubsonic } from '../../../../fixtures/src/servers/subsonic.js';
import { Store } from '../store/store.js';
import { pushPlaylist } from './push.js';
import type { RemotePushSummary } from './remote.js';
import { deezerTarget, listenBrainzTarget, spotifyTarget, subsonicTarget } from './targets.js';
import { seedSyntheticPlaylist, syntheticTrack } from './testing.js';

const env: NodeJS.ProcessEnv = { MIXTAPE_SPOTIFY_RATE: '100000/1s', MIXTAPE_LISTENBRAINZ_RATE: '100000/1s', LISTENBRAINZ_TOKEN: 'lb-token' };
let store: Store;
let sp: FakeSpotifyPlaylists;

beforeEach(async () => {
  store = await Store.open({ dataDir: ':memory:' });
  await seedSyntheticPlaylist(store, { playlistId: 'p:1', name: 'Faults', n: 1_000, without: new Set([10, 500]) });
  sp = new FakeSpotifyPlaylists({ cap: 400 });
  await sp.start();
});
afterEach(async () => {
  store.close();
  await sp.stop();
});

const toSpotify = async () => {
  // Quick backoff so the test does not wait out real-world delays.
  const client = spotify.spotifyClient({ auth: spotify.staticToken('test-token'), apiUrl: `${sp.url}/v1`, env });
  Object.assign(client.options.policy, { baseBackoffMs: 1, maxBackoffMs: 5 });
  return (await pushPlaylist(store, { playlist: 'Faults', to: 'spotify', env, target: spotifyTarget(client, { ...env, MIXTAPE_SPOTIFY_PLAYLIST_CAP: '400' }) })) as unknown as RemotePushSummary;
};
const want = () => Array.from({ length: 1_000 }, (_, i) => i).filter((i) => i !== 10 && i !== 500).map((i) => syntheticTrack(i).spotify_uri);

describe('pushing through a misbehaving service', () => {
  it('ends exact after 429s, 500s, cut-off answers to applied writes and reset connections, with no duplicates', async () => {
    sp.inject({ kind: 'status', status: 429, count: 2, path: /items$/, skip: 3, headers: { 'retry-after': '0' } });
    sp.inject({ kind: 'status', status: 500, count: 1, path: /items$/, skip: 1 });
    sp.inject({ kind: 'truncate', count: 2, path: /items$/, skip: 2 });
    sp.inject({ kind: 'reset', count: 1, path: /items$/, skip: 4 });
    const s = await toSpotify();
    expect(s).toMatchObject({ matched: 998, unmatched: 2 });
    expect(s.unmatched_tracks.map((t) => t.position)).toEqual([10, 500]);
    expect(sp.list().map((p) => p.name)).toEqual(['Faults (1/3)', 'Faults (2/3)', 'Faults (3/3)']);
    expect(sp.list().map((p) => p.uris.length)).toEqual([400, 400, 198]);
    expect(sp.list().flatMap((p) => p.uris)).toEqual(want());
    expect(sp.faults).toEqual([]);
  });

  it('recreates a remote playlist the user deleted', async () => {
    await toSpotify();
    const gone = sp.list()[1]!.id;
    sp.playlists.delete(gone);
    const s = await toSpotify();
    expect(s.parts.map((p) => p.action)).toEqual(['unchanged', 'created', 'unchanged']);
    expect(sp.list().flatMap((p) => p.uris).length).toBe(998);
  });

  it('stops with a clear error when Spotify refuses the write scope', async () => {
    sp.inject({ kind: 'status', status: 403, count: 1, path: /me\/playlists$/ });
    await expect(toSpotify()).rejects.toMatchObject({ code: 'spotify_scope_missing' });
  });
});

describe('ListenBrainz', () => {
  it('reports tracks without MBIDs as unmatched and replaces items on a changed re-push', async () => {
    const lb = new FakeListenBrainz();
    await lb.start();
    try {
      const lenv = { ...env, MIXTAPE_LISTENBRAINZ_API_URL: lb.url };
      const push = async () => (await pushPlaylist(store, { playlist: 'Faults', to: 'listenbrainz', env: lenv, target: listenBrainzTarget(lenv) })) as unknown as RemotePushSummary;
      const first = await push();
      expect(first).toMatchObject({ matched: 998, unmatched: 2 });
      await seedSyntheticPlaylist(store, { playlistId: 'p:1', name: 'Faults', n: 150, order: Array.from({ length: 150 }, (_, i) => 149 - i) });
      const second = await push();
      expect(second.parts).toMatchObject([{ action: 'replaced', remote_id: first.parts[0]!.remote_id }]);
      expect(lb.recordings(first.parts[0]!.remote_id)).toEqual(Array.from({ length: 150 }, (_, i) => 149 - i).filter((i) => i !== 10).map((i) => syntheticTrack(i).mbid));
      expect(lb.playlists.size).toBe(1);
      const bad = { ...lenv, LISTENBRAINZ_TOKEN: 'wrong' };
      await expect(pushPlaylist(store, { playlist: 'Faults', to: 'listenbrainz', env: bad, target: listenBrainzTarget(bad) })).rejects.toMatchObject({ code: 'unauthorized' });
    } finally {
      await lb.stop();
    }
  });
});

describe('Deezer', () => {
  it('says the token was refused, and pushes nothing without one', async () => {
    const dz = new FakeDeezerPlaylists();
    await dz.start();
    try {
      const denv = { ...env, MIXTAPE_DEEZER_RATE: '100000/1s', MIXTAPE_DEEZER_API_URL: dz.url, DEEZER_ACCESS_TOKEN: 'stale' };
      await expect(pushPlaylist(store, { playlist: 'Faults', to: 'deezer', env: denv, target: deezerTarget(denv) })).rejects.toMatchObject({ code: 'deezer_unauthorized' });
      await expect(pushPlaylist(store, { playlist: 'Faults', to: 'deezer', env: {} })).rejects.toMatchObject({ code: 'deezer_not_configured' });
      expect(dz.playlists.size).toBe(0);
    } finally {
      await dz.stop();
    }
  });
});

describe('Subsonic servers without a full listing', () => {
  it('match album by album, or track by track, to the same result', async () => {
    await seedSyntheticPlaylist(store, { playlistId: 'p:small', name: 'Small', n: 30, order: Array.from({ length: 30 }, (_, i) => 29 - i) });
    const songs = Array.from({ length: 28 }, (_, i) => {
      const t = syntheticTrack(i);
      return { id: `so${i}`, title: t.title, artist: t.artist, album: t.album, duration: Math.round(t.duration_ms / 1000) };
    });
    for (const albumListing of [true, false]) {
      const ss = new FakeSubsonic({ songs, emptyQueryListsAll: false, albumListing });
      await ss.start();
      try {
        const senv = { ...env, MIXTAPE_SUBSONIC_RATE: '100000/1s', SUBSONIC_URL: ss.url, SUBSONIC_USER: 'admin', SUBSONIC_PASSWORD: 'sesame' };
        const s = (await pushPlaylist(store, { playlist: 'Small', to: 'subsonic', env: senv, target: subsonicTarget(senv) })) as unknown as RemotePushSummary;
        expect(s).toMatchObject({ matched: 28, unmatched: 2 });
        expect(ss.playlistSongs(s.parts[0]!.remote_id)).toEqual(Array.from({ length: 28 }, (_, i) => `so${27 - i}`));
        expect(ss.count(/search3$/)).toBe(albumListing ? 1 : 31);
      } finally {
        await ss.stop();
      }
    }
  });
});

describe('nothing to push', () => {
  it('creates no empty playlist when no track matches', async () => {
    await seedSyntheticPlaylist(store, { playlistId: 'p:bare', name: 'Bare', n: 3, order: [2000, 2001, 2002], without: new Set([2000, 2001, 2002]) });
    const lb = new FakeListenBrainz();
    await lb.start();
    try {
      const lenv = { ...env, MIXTAPE_LISTENBRAINZ_API_URL: lb.url };
      await expect(pushPlaylist(store, { playlist: 'Bare', to: 'listenbrainz', env: lenv, target: listenBrainzTarget(lenv) })).rejects.toMatchObject({ code: 'nothing_matched', suggestion: expect.stringMatching(/mixtape enrich/) });
      expect(lb.playlists.size).toBe(0);
    } finally {
      await lb.stop();
    }
  });
});
