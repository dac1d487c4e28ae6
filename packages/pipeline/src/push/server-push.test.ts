import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeJellyfin, type FakeJellyfinSong } from '../../../../fixtures/src/servers/jellyfin.js';
import { FakeSubsonic, type FakeSong } from '../../../../fixtures/src/servers/subsonic.js';
import { Store } from '../store/store.js';
import { pushPlaylist, type PushOptions } from './push.js';
import type { RemotePushSummary, RemoteTarget } from './remote.js';
import { readStates } from './state.js';
import { jellyfinTarget, subsonicTarget } from './targets.js';
import { seedSyntheticPlaylist, syntheticTrack } from './testing.js';

const N = 40;
const jfSongs = (): FakeJellyfinSong[] => Array.from({ length: N }, (_, i) => {
  const t = syntheticTrack(i);
  // Half found by MBID, half by artist and title.
  return { id: `jf${String(i).padStart(30, '0')}`, name: t.title, artist: t.artist, album: t.album, duration: Math.round(t.duration_ms / 1000), ...(i % 2 === 0 ? { mbid: t.mbid } : {}) };
});
const ssSongs = (): FakeSong[] => Array.from({ length: N }, (_, i) => {
  const t = syntheticTrack(i);
  return { id: `so${i}`, title: t.title, artist: t.artist, album: t.album, duration: Math.round(t.duration_ms / 1000), musicBrainzId: t.mbid };
});
const jfId = (i: number) => `jf${String(i).padStart(30, '0')}`;

let store: Store;
let jf: FakeJellyfin;
let ss: FakeSubsonic;
let jenv: NodeJS.ProcessEnv;
let senv: NodeJS.ProcessEnv;
beforeEach(async () => {
  store = await Store.open({ dataDir: ':memory:' });
  await seedSyntheticPlaylist(store, { playlistId: 'p:daily', name: 'Mixtape Daily', n: 30 });
  jf = new FakeJellyfin({ songs: jfSongs() });
  ss = new FakeSubsonic({ songs: ssSongs() });
  await jf.start();
  await ss.start();
  jenv = { JELLYFIN_URL: jf.url, JELLYFIN_TOKEN: 'jf-key', JELLYFIN_USER: 'listener', MIXTAPE_JELLYFIN_RATE: '1000/1s' };
  senv = { SUBSONIC_URL: ss.url, SUBSONIC_USER: 'admin', SUBSONIC_PASSWORD: 'sesame', MIXTAPE_SUBSONIC_RATE: '1000/1s' };
});
afterEach(async () => {
  store.close();
  await jf.stop();
  await ss.stop();
});

const push = async (to: 'jellyfin' | 'subsonic', target?: RemoteTarget, o: Partial<PushOptions> = {}) => {
  const env = to === 'jellyfin' ? jenv : senv;
  return (await pushPlaylist(store, { playlist: 'Mixtape Daily', to, env, target: target ?? (to === 'jellyfin' ? jellyfinTarget(env) : subsonicTarget(env)), ...o })) as unknown as RemotePushSummary;
};
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

describe('Jellyfin as a push target', () => {
  it('creates once, then replaces the items in place under the same id, with the description as overview', async () => {
    const first = await push('jellyfin', undefined, { description: 'Because you played Artist 1', setDescription: true });
    expect(first).toMatchObject({ target: 'Jellyfin', matched: 30, unmatched: 0 });
    const id = first.parts[0]!.remote_id;
    expect(first.parts).toEqual([{ part: 1, name: 'Mixtape Daily', remote_id: id, items: 30, action: 'created' }]);
    expect(jf.playlistItems(id)).toEqual(range(0, 30).map(jfId));
    expect(jf.playlists.get(id)!.overview).toBe('Because you played Artist 1');

    expect((await push('jellyfin')).parts).toEqual([{ part: 1, name: 'Mixtape Daily', remote_id: id, items: 30, action: 'unchanged' }]);
    // Tomorrow's picks: the same playlist holds exactly the new ones, in order.
    await seedSyntheticPlaylist(store, { playlistId: 'p:daily', name: 'Mixtape Daily', n: 40, order: [39, 38, 37, 5, 6, 7, 45] });
    const next = await push('jellyfin', undefined, { description: 'Because you played Artist 7', setDescription: true });
    expect(next).toMatchObject({ matched: 6, unmatched: 1 });
    expect(next.parts).toEqual([{ part: 1, name: 'Mixtape Daily', remote_id: id, items: 6, action: 'replaced' }]);
    expect(jf.playlistItems(id)).toEqual([39, 38, 37, 5, 6, 7].map(jfId));
    expect(jf.playlists.get(id)!.overview).toBe('Because you played Artist 7');
    expect(jf.playlists.size).toBe(1);
  });

  it('says the token expired (401), and writes nothing', async () => {
    const bad = { ...jenv, JELLYFIN_TOKEN: 'expired' };
    await expect(push('jellyfin', jellyfinTarget(bad))).rejects.toMatchObject({ code: 'jellyfin_unauthorized', message: expect.stringMatching(/expired or was revoked/) });
    expect(jf.playlists.size).toBe(0);
  });
});

describe.each(['jellyfin', 'subsonic'] as const)('earlier gaps, on %s', (to) => {
  const remote = () => (to === 'jellyfin' ? [...jf.playlists.keys()] : [...ss.playlists.keys()]);
  const items = (id: string) => (to === 'jellyfin' ? jf.playlistItems(id) : ss.playlistSongs(id));
  const drop = (id: string) => (to === 'jellyfin' ? jf.playlists.delete(id) : ss.playlists.delete(id));
  const want = (n: number) => range(0, n).map(to === 'jellyfin' ? jfId : (i: number) => `so${i}`);
  const target = () => (to === 'jellyfin' ? jellyfinTarget(jenv) : subsonicTarget(senv));

  it('recreates a playlist deleted on the server, and says so', async () => {
    const first = await push(to);
    drop(first.parts[0]!.remote_id);
    const again = await push(to);
    expect(again.parts[0]).toMatchObject({ action: 'created', recreated: true, items: 30 });
    expect(again.parts[0]!.remote_id).not.toBe(first.parts[0]!.remote_id);
    expect(remote()).toEqual([again.parts[0]!.remote_id]);
    expect(items(again.parts[0]!.remote_id)).toEqual(want(30));
    expect((await readStates(store, 'p:daily', target().key)).get(0)).toMatchObject({ remote_id: again.parts[0]!.remote_id, status: 'done', written: 30 });
  });

  it('recreates a playlist deleted while the push runs', async () => {
    await push(to);
    await seedSyntheticPlaylist(store, { playlistId: 'p:daily', name: 'Mixtape Daily', n: 20 });
    const t = target();
    // Deleted on the server right after the push looked at it, before the write.
    const racing: RemoteTarget = { ...t, count: async (id) => {
      const n = await t.count(id);
      drop(id);
      return n;
    } };
    const s = await push(to, racing);
    expect(s.parts[0]).toMatchObject({ action: 'created', recreated: true, items: 20 });
    expect(remote()).toEqual([s.parts[0]!.remote_id]);
    expect(items(s.parts[0]!.remote_id)).toEqual(want(20));
  });

  it('adopts the playlist created just before a crash instead of making a second one', async () => {
    const t = target();
    const crashing: RemoteTarget = { ...t, create: async (name, d) => {
      await t.create(name, d);
      throw new Error('killed after the create, before the id was recorded');
    } };
    await expect(push(to, crashing)).rejects.toThrow(/killed/);
    expect(remote().length).toBe(1);
    const orphan = remote()[0]!;
    const s = await push(to);
    expect(s.parts).toEqual([{ part: 1, name: 'Mixtape Daily', remote_id: orphan, items: 30, action: 'adopted' }]);
    expect(remote()).toEqual([orphan]);
    expect(items(orphan)).toEqual(want(30));
    expect((await push(to)).parts[0]).toMatchObject({ remote_id: orphan, action: 'unchanged' });
  });
});

describe('Navidrome playlists synced from an M3U file', () => {
  it('are refused with a clear message, and left as they were', async () => {
    const m3u = ss.addPlaylist({ name: 'Mixtape Daily', songIds: ['so1', 'so2'], path: '/music/playlists/daily.m3u', sync: true });
    await expect(push('subsonic', undefined, { adoptByName: true })).rejects.toMatchObject({
      code: 'playlist_synced_from_file',
      message: expect.stringMatching(/"Mixtape Daily".*\/music\/playlists\/daily\.m3u/),
      suggestion: expect.stringMatching(/Auto-import/),
    });
    expect(ss.playlistSongs(m3u)).toEqual(['so1', 'so2']);
    expect(ss.playlists.size).toBe(1);
    // Imported once but not synced: taken over and filled.
    ss.playlists.get(m3u)!.sync = false;
    const s = await push('subsonic', undefined, { adoptByName: true, description: 'daily picks', setDescription: true });
    expect(s.parts).toEqual([{ part: 1, name: 'Mixtape Daily', remote_id: m3u, items: 30, action: 'adopted' }]);
    expect(ss.playlistSongs(m3u)).toEqual(range(0, 30).map((i) => `so${i}`));
    expect(ss.playlists.get(m3u)!.comment).toBe('daily picks');
    // Sync switched on later: the next change is refused too.
    ss.playlists.get(m3u)!.sync = true;
    await seedSyntheticPlaylist(store, { playlistId: 'p:daily', name: 'Mixtape Daily', n: 10 });
    await expect(push('subsonic')).rejects.toMatchObject({ code: 'playlist_synced_from_file' });
    expect(ss.playlistSongs(m3u)).toEqual(range(0, 30).map((i) => `so${i}`));
  });

  it('refuses a read-only (smart) playlist', async () => {
    ss.addPlaylist({ name: 'Mixtape Daily', songIds: [], readonly: true });
    await expect(push('subsonic', undefined, { adoptByName: true })).rejects.toMatchObject({ code: 'playlist_read_only' });
  });
});
