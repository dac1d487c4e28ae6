import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spotify } from '@mixtape/connectors';
import { FakeSpotifyPlaylists } from '../../../../fixtures/src/servers/spotify-playlists.js';
import { FakeDeezerPlaylists } from '../../../../fixtures/src/servers/deezer-playlists.js';
import { FakeListenBrainz } from '../../../../fixtures/src/servers/listenbrainz.js';
import { FakeSubsonic, type FakeSong } from '../../../../fixtures/src/servers/subsonic.js';
import type { FakeServer } from '../../../../fixtures/src/servers/base.js';
import { Store } from '../store/store.js';
import { pushPlaylist, type PushSummary } from './push.js';
import type { RemotePushSummary, RemoteTarget } from './remote.js';
import { deezerTarget, listenBrainzTarget, spotifyTarget, subsonicTarget } from './targets.js';
import { seedSyntheticPlaylist, syntheticTrack } from './testing.js';

const N = 25_000;

/** The Subsonic library: every track, 4 in 5 with their MBID, the rest found by (varied) names only. */
function library(n: number): FakeSong[] {
  return Array.from({ length: n }, (_, i) => {
    const t = syntheticTrack(i);
    const s: FakeSong = { id: `so${i}`, title: t.title, artist: t.artist, album: t.album, duration: Math.round(t.duration_ms / 1000) + 1 };
    if (i % 5 !== 0) s.musicBrainzId = t.mbid;
    else if (i % 10 === 0) Object.assign(s, { title: `${t.title} (Remastered 2011)`, artist: `The ${t.artist}` });
    return s;
  });
}

type Kind = 'spotify' | 'deezer' | 'listenbrainz' | 'subsonic';
interface Harness {
  server: FakeServer;
  target: () => RemoteTarget;
  /** Remote playlists in creation order: name and items. */
  remote: () => { name: string; items: string[] }[];
  /** The id the service uses for synthetic track i. */
  idOf: (i: number) => string;
  parts: number;
  /** Write requests a fresh push needs at the least. */
  minimum: number;
}

let store: Store;
const harness = {} as Record<Kind, Harness>;
const env: NodeJS.ProcessEnv = {
  MIXTAPE_SPOTIFY_RATE: '100000/1s', MIXTAPE_DEEZER_RATE: '100000/1s', MIXTAPE_LISTENBRAINZ_RATE: '100000/1s', MIXTAPE_SUBSONIC_RATE: '100000/1s',
  LISTENBRAINZ_TOKEN: 'lb-token', DEEZER_ACCESS_TOKEN: 'dz-token', SUBSONIC_USER: 'admin', SUBSONIC_PASSWORD: 'sesame',
};

beforeAll(async () => {
  store = await Store.open({ dataDir: ':memory:' });
  await seedSyntheticPlaylist(store, { playlistId: 'spotify:playlist:big', name: 'Big', n: N });
  const sp = new FakeSpotifyPlaylists();
  const dz = new FakeDeezerPlaylists();
  const lb = new FakeListenBrainz();
  const ss = new FakeSubsonic({ songs: library(N) });
  for (const s of [sp, dz, lb, ss]) await s.start();
  Object.assign(env, { MIXTAPE_DEEZER_API_URL: dz.url, MIXTAPE_LISTENBRAINZ_API_URL: lb.url, SUBSONIC_URL: ss.url });
  harness.spotify = {
    server: sp, parts: 3, minimum: 3 + 250, idOf: (i) => syntheticTrack(i).spotify_uri,
    target: () => spotifyTarget(spotify.spotifyClient({ auth: spotify.staticToken('test-token'), apiUrl: `${sp.url}/v1`, env })),
    remote: () => sp.list().map((p) => ({ name: p.name, items: p.uris })),
  };
  harness.deezer = {
    server: dz, parts: 3, minimum: 3 + 250, idOf: (i) => String(syntheticTrack(i).deezer_id), target: () => deezerTarget(env),
    remote: () => [...dz.playlists.values()].map((p) => ({ name: p.title, items: p.tracks.map(String) })),
  };
  harness.listenbrainz = {
    server: lb, parts: 1, minimum: 1 + 250, idOf: (i) => syntheticTrack(i).mbid, target: () => listenBrainzTarget(env),
    remote: () => [...lb.playlists.values()].map((p) => ({ name: p.title, items: p.recordings })),
  };
  harness.subsonic = {
    server: ss, parts: 1, minimum: 1 + 125, idOf: (i) => `so${i}`, target: () => subsonicTarget(env),
    remote: () => [...ss.playlists.values()].map((p) => ({ name: p.name, items: p.songIds })),
  };
});

afterAll(async () => {
  store?.close();
  for (const h of Object.values(harness)) await h.server.stop();
});

const push = async (kind: Kind, playlist: string, o: { target?: RemoteTarget; stopAfterRequests?: number } = {}) =>
  (await pushPlaylist(store, { playlist, to: kind, env, target: o.target ?? harness[kind].target(), ...(o.stopAfterRequests ? { stopAfterRequests: o.stopAfterRequests } : {}) })) as PushSummary & RemotePushSummary;

const expected = (kind: Kind, order: number[]) => order.map(harness[kind].idOf);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** Requests that change something: any non-GET, and Subsonic's GET create/updatePlaylist. */
const writes = (s: FakeServer) => s.seen.filter((r) => r.method !== 'GET' || /(create|update|delete)Playlist/.test(r.path)).length;

describe.each(['spotify', 'deezer', 'listenbrainz', 'subsonic'] as Kind[])('push of 25,000 tracks to %s', (kind) => {
  it('arrives complete and in order, in parts where capped, with the fewest writes', async () => {
    const h = harness[kind];
    const s = await push(kind, 'Big');
    expect(s.matched).toBe(N);
    expect(s.unmatched).toBe(0);
    expect(s.parts.map((p) => p.action)).toEqual(Array(h.parts).fill('created'));
    const remote = h.remote();
    expect(remote.map((r) => r.name)).toEqual(h.parts === 1 ? ['Big'] : ['Big (1/3)', 'Big (2/3)', 'Big (3/3)']);
    if (h.parts === 3) expect(remote.map((r) => r.items.length)).toEqual([10_000, 10_000, 5_000]);
    expect(remote.flatMap((r) => r.items)).toEqual(expected(kind, range(N)));
    expect(s.write_requests).toBe(h.minimum);
    expect(s.minimum_write_requests).toBe(h.minimum);
  });

  it('a second push creates nothing and writes nothing', async () => {
    const h = harness[kind];
    const before = h.remote().length;
    const w0 = writes(h.server);
    const s = await push(kind, 'Big');
    expect(s.parts.map((p) => p.action)).toEqual(Array(h.parts).fill('unchanged'));
    expect(h.remote().length).toBe(before);
    expect(writes(h.server)).toBe(w0);
    expect(s.write_requests).toBe(h.parts);
  });

  it('a push stopped mid-way resumes to the exact final state', async () => {
    const h = harness[kind];
    const id = `spotify:playlist:resume-${kind}`;
    const order = range(N).map((i) => (i * 7919) % N);
    await seedSyntheticPlaylist(store, { playlistId: id, name: `Resume ${kind}`, n: N, order });
    const before = h.remote().length;
    const stop = kind === 'subsonic' ? 50 + 70 : 140;
    await expect(push(kind, id, { stopAfterRequests: stop })).rejects.toMatchObject({ code: 'push_interrupted' });
    // A write that landed but whose checkpoint was lost: the fake applies it, the client dies.
    const t = h.target();
    let appends = 0;
    const dying: RemoteTarget = { ...t, append: async (rid, ids) => {
      await t.append(rid, ids);
      if (++appends === 3) throw new Error('killed after the request, before the checkpoint');
    } };
    await expect(push(kind, id, { target: dying })).rejects.toThrow(/killed/);
    const s = await push(kind, id);
    // Parts finished before the stop stay as they are; nothing is rewritten from the start.
    expect(s.parts.some((p) => p.action === 'resumed')).toBe(true);
    expect(s.parts.every((p) => p.action === 'resumed' || p.action === 'created' || p.action === 'unchanged')).toBe(true);
    const mine = h.remote().slice(before);
    expect(mine.length).toBe(h.parts);
    expect(mine.flatMap((r) => r.items)).toEqual(expected(kind, order));
  });

  it('a changed playlist updates the same remote playlists and empties surplus parts', async () => {
    const h = harness[kind];
    const before = h.remote().length;
    const order = range(12_000).reverse();
    await seedSyntheticPlaylist(store, { playlistId: 'spotify:playlist:big', name: 'Big', n: 12_000, order });
    const s = await push(kind, 'Big');
    expect(h.remote().length).toBe(before);
    const mine = h.remote().slice(0, h.parts);
    if (h.parts === 3) {
      expect(mine.map((r) => r.name)).toEqual(['Big (1/2)', 'Big (2/2)', 'Big (3/3)']);
      expect(mine[2]!.items).toEqual([]);
      expect(s.parts.map((p) => p.action)).toEqual(['replaced', 'replaced', 'emptied']);
    }
    expect(mine.flatMap((r) => r.items)).toEqual(expected(kind, order));
    await seedSyntheticPlaylist(store, { playlistId: 'spotify:playlist:big', name: 'Big', n: N });
  });
});
