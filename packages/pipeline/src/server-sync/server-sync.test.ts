import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { subsonic } from '@mixtape/connectors';
import { FakeSubsonic, type FakeSong } from '../../../../fixtures/src/servers/subsonic.js';
import { FakeJellyfin } from '../../../../fixtures/src/servers/jellyfin.js';
import { Store } from '../store/store.js';
import { syncJellyfin, syncSubsonic } from './sync.js';

const songs: FakeSong[] = [
  { id: 'so1', title: 'Halo', artist: 'Beyoncé', album: 'I Am', duration: 261, musicBrainzId: 'aaaaaaaa-0000-4000-8000-000000000001' },
  { id: 'so2', title: 'Hello', artist: 'Adele', album: '25', duration: 295 },
  { id: 'so3', title: 'Something', artist: 'The Beatles', album: 'Abbey Road', duration: 182 },
];

let store: Store;
beforeEach(async () => {
  store = await Store.open({ dataDir: ':memory:' });
});
afterEach(() => store.close());

const likes = async () => store.all<{ title: string; at: string }>(
  `SELECT t.title, strftime(f.feedback_at, '%Y-%m-%dT%H:%M:%SZ') AS at FROM feedback f JOIN tracks t USING (track_id) WHERE f.kind = 'like' ORDER BY t.title`);
const played = async () => store.all<{ title: string; at: string }>(
  `SELECT t.title, strftime(f.feedback_at, '%Y-%m-%dT%H:%M:%SZ') AS at FROM feedback f JOIN tracks t USING (track_id) WHERE f.kind = 'played' ORDER BY f.feedback_at, t.title`);

describe('Subsonic as a source', () => {
  it('stars become likes, an un-star undoes only its own like, play counts become evidence', async () => {
    const ss = new FakeSubsonic({ songs: songs.map((s) => ({ ...s })) });
    await ss.start();
    try {
      const env = { SUBSONIC_URL: ss.url, SUBSONIC_USER: 'admin', SUBSONIC_PASSWORD: 'sesame', MIXTAPE_SUBSONIC_RATE: '1000/1s' };
      ss.song('so1').starred = '2026-03-01T10:00:00Z';
      ss.song('so2').starred = '2026-03-02T11:00:00Z';
      Object.assign(ss.song('so3'), { playCount: 4, played: '2026-03-03T12:00:00Z' });
      const first = await syncSubsonic(store, { env });
      expect(first).toMatchObject({ songs: 3, likes_added: 2, likes_removed: 0, played_songs: 1, new_plays: 4, new_tracks: 3 });
      expect(await likes()).toEqual([{ title: 'Halo', at: '2026-03-01T10:00:00Z' }, { title: 'Hello', at: '2026-03-02T11:00:00Z' }]);
      expect(await played()).toEqual([{ title: 'Something', at: '2026-03-03T12:00:00Z' }]);

      // Nothing new: nothing changes.
      expect(await syncSubsonic(store, { env })).toMatchObject({ likes_added: 0, likes_removed: 0, played_songs: 0, new_plays: 0, new_tracks: 0 });

      // A like of Hello from elsewhere (mixtape feedback) at another time survives the un-star.
      const hello = await store.scalar<string>("SELECT track_id FROM tracks WHERE title = 'Hello'");
      await store.run("INSERT INTO feedback (feedback_at, track_id, kind) VALUES ('2026-03-05 09:00:00', $1, 'like')", [hello]);
      delete ss.song('so1').starred;
      delete ss.song('so2').starred;
      Object.assign(ss.song('so3'), { playCount: 6, played: '2026-03-06T08:00:00Z' });
      const third = await syncSubsonic(store, { env });
      expect(third).toMatchObject({ likes_added: 0, likes_removed: 2, played_songs: 1, new_plays: 2 });
      expect(await likes()).toEqual([{ title: 'Hello', at: '2026-03-05T09:00:00Z' }]);
      expect(await played()).toEqual([{ title: 'Something', at: '2026-03-03T12:00:00Z' }, { title: 'Something', at: '2026-03-06T08:00:00Z' }]);
      expect(await store.all("SELECT item_id, starred_at, liked_at, play_count FROM server_songs ORDER BY item_id")).toEqual([
        { item_id: 'so1', starred_at: null, liked_at: null, play_count: 0 },
        { item_id: 'so2', starred_at: null, liked_at: null, play_count: 0 },
        { item_id: 'so3', starred_at: null, liked_at: null, play_count: 6 },
      ]);

      // Starred again: liked again.
      ss.song('so1').starred = '2026-03-07T10:00:00Z';
      expect(await syncSubsonic(store, { env })).toMatchObject({ likes_added: 1, likes_removed: 0 });
      expect(await likes()).toEqual([{ title: 'Halo', at: '2026-03-07T10:00:00Z' }, { title: 'Hello', at: '2026-03-05T09:00:00Z' }]);
      // The password never reaches the store.
      expect(JSON.stringify(await store.all('SELECT * FROM server_songs'))).not.toContain('sesame');
    } finally {
      await ss.stop();
    }
  });

  it('falls back to the password form when the server refuses tokens (error 41), or when told to', async () => {
    const ss = new FakeSubsonic({ songs, tokenAuth: false });
    await ss.start();
    try {
      const config = { url: ss.url, user: 'admin', password: 'sesame' };
      const client = new subsonic.SubsonicClient(config, { env: { MIXTAPE_SUBSONIC_RATE: '1000/1s' } });
      await client.call('ping');
      await client.call('ping');
      expect(client.authMode).toBe('password');
      expect(ss.authForms).toEqual(['password', 'password']);
      // p= carries the hex of the password, never the password itself.
      expect(ss.seen.map((r) => r.query.get('p'))).toEqual([null, 'enc:736573616d65', 'enc:736573616d65']);
      const forced = new subsonic.SubsonicClient({ ...config, auth: 'token' }, { env: {} });
      await expect(forced.call('ping')).rejects.toMatchObject({ code: 'subsonic_auth_failed', suggestion: expect.stringMatching(/SUBSONIC_AUTH/) });
      const told = subsonic.subsonicConfigFromEnv({ SUBSONIC_URL: ss.url, SUBSONIC_USER: 'admin', SUBSONIC_PASSWORD: 'sesame', SUBSONIC_AUTH: 'password' });
      const n = ss.seen.length;
      await new subsonic.SubsonicClient(told, { env: {} }).call('ping');
      expect(ss.seen.slice(n).map((r) => r.query.has('t'))).toEqual([false]);
      expect(() => subsonic.subsonicConfigFromEnv({ SUBSONIC_URL: ss.url, SUBSONIC_USER: 'admin', SUBSONIC_PASSWORD: 'x', SUBSONIC_AUTH: 'md5' })).toThrow(/SUBSONIC_AUTH/);
    } finally {
      await ss.stop();
    }
  });
});

describe('Jellyfin as a source', () => {
  it('favourites become likes and un-favouriting undoes them; PlayCount is evidence; a bad token is a clear error', async () => {
    const jf = new FakeJellyfin({
      songs: [
        { id: 'j1', name: 'Halo', artist: 'Beyoncé', album: 'I Am', duration: 261, mbid: 'aaaaaaaa-0000-4000-8000-000000000001', favorite: true },
        { id: 'j2', name: 'Hello', artist: 'Adele', album: '25', duration: 295, playCount: 3, lastPlayed: '2026-04-01T20:00:00.0000000Z' },
        { id: 'j3', name: 'Unheard', artist: 'Nobody', album: 'X', duration: 100 },
      ],
    });
    await jf.start();
    try {
      const env = { JELLYFIN_URL: jf.url, JELLYFIN_TOKEN: 'jf-key', JELLYFIN_USER: 'Listener', MIXTAPE_JELLYFIN_RATE: '1000/1s' };
      const now = new Date('2026-04-02T06:00:00Z');
      expect(await syncJellyfin(store, { env, now })).toMatchObject({ songs: 2, likes_added: 1, played_songs: 1, new_plays: 3, new_tracks: 2 });
      expect(await likes()).toEqual([{ title: 'Halo', at: '2026-04-02T06:00:00Z' }]);
      expect(await played()).toEqual([{ title: 'Hello', at: '2026-04-01T20:00:00Z' }]);
      // The same recording (by MBID) that Subsonic or a Spotify export knows is the same track.
      expect(await store.scalar("SELECT count(*)::INTEGER FROM tracks WHERE mbid = 'aaaaaaaa-0000-4000-8000-000000000001'")).toBe(1);
      jf.song('j1').favorite = false;
      expect(await syncJellyfin(store, { env, now })).toMatchObject({ likes_added: 0, likes_removed: 1, played_songs: 0 });
      expect(await likes()).toEqual([]);
      // Every request carried the token in the MediaBrowser header, never in the URL.
      expect(jf.seen.every((r) => !r.query.has('api_key') && ![...r.query.values()].includes('jf-key'))).toBe(true);
      await expect(syncJellyfin(store, { env: { ...env, JELLYFIN_TOKEN: 'expired' } })).rejects.toMatchObject({ code: 'jellyfin_unauthorized', message: expect.stringMatching(/JELLYFIN_TOKEN/) });
      await expect(syncJellyfin(store, { env: { ...env, JELLYFIN_USER: 'nobody' } })).rejects.toMatchObject({ code: 'jellyfin_unknown_user', suggestion: expect.stringMatching(/listener, guest/) });
      await expect(syncJellyfin(store, { env: { JELLYFIN_URL: jf.url } })).rejects.toMatchObject({ code: 'jellyfin_not_configured' });
      expect(await store.scalar("SELECT count(*)::INTEGER FROM feedback WHERE kind = 'like'")).toBe(0);
    } finally {
      await jf.stop();
    }
  });
});
