import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastfm } from '@mixtape/connectors';
import { FakeLastfm } from '@mixtape/fixtures';
import { Store } from '../store/store.js';
import { syncLastfm } from './lastfm-sync.js';

const server = new FakeLastfm({ scrobbles: 450, loved: 3, rate: { count: 50, windowMs: 100 } });
let env: Record<string, string>;
beforeAll(async () => {
  await server.start();
  env = { MIXTAPE_LASTFM_API_URL: `${server.url}/2.0/`, MIXTAPE_LASTFM_RATE: '50/100ms', LASTFM_API_KEY: 'test-key' };
});
afterAll(() => server.stop());

const sync = (store: Store) => {
  const { client, apiKey } = lastfm.lastfmClient({ env });
  return syncLastfm({ store, user: 'rj', client, apiKey });
};

describe('syncLastfm', () => {
  it('imports every scrobble once, skips now-playing, then only new ones', async () => {
    const store = await Store.open({ dataDir: ':memory:' });
    const s = await sync(store);
    expect(s).toMatchObject({ scrobbles: 450, inserted: 450, pages: 3, loved: 3 });
    expect(await store.scalar("SELECT count(*) FROM plays WHERE source = 'lastfm'")).toBe(450);
    // The now-playing row (Track 4999) has no date and is not a play.
    expect(await store.scalar("SELECT count(*) FROM plays p JOIN tracks t USING (track_id) WHERE t.title = 'Track 4999'")).toBe(0);
    expect(await store.scalar("SELECT max(played_at)::VARCHAR FROM plays")).toBe(new Date(server.newest * 1000).toISOString().replace('T', ' ').replace('.000Z', ''));
    expect(await store.scalar("SELECT mbid FROM tracks WHERE title = 'Track 7'")).toBe('00000000-0000-4000-8000-000000000007');
    expect(await store.scalar("SELECT count(*) FROM library WHERE source = 'lastfm'")).toBe(3);
    server.addScrobbles(5);
    server.seen.length = 0;
    const again = await sync(store);
    expect(again).toMatchObject({ scrobbles: 5, inserted: 5, pages: 1 });
    expect(server.seen.filter((r) => r.query.get('method')?.toLowerCase() === 'user.getrecenttracks').length).toBe(1);
    expect(await store.scalar("SELECT count(*) FROM plays WHERE source = 'lastfm'")).toBe(455);
    store.close();
  });

  it('rejects scrobbles dated before 2000 or in the future, counting them, so the next sync still starts from the newest real one', async () => {
    const store = await Store.open({ dataDir: ':memory:' });
    const row = (name: string, uts: number) => ({ artist: { name: 'Band', mbid: '' }, name, mbid: '', album: { '#text': '' }, date: { uts: String(uts), '#text': '' } });
    // A server that ignores the from/to window and sends what a damaged account holds.
    const track = [row('Real', 1_700_000_000), row('Future', 4_102_444_800), row('Past', -100)];
    server.inject({ kind: 'status', status: 200, count: 1, body: { recenttracks: { track, '@attr': { user: 'rj', page: '1', perPage: '200', totalPages: '1', total: '3' } } } });
    const s = await sync(store);
    expect(s).toMatchObject({ scrobbles: 3, inserted: 1, rejected: { played_in_future: 1, played_before_2000: 1 } });
    expect(await store.all("SELECT title FROM tracks WHERE artist_name = 'Band'")).toEqual([{ title: 'Real' }]);
    expect(await store.scalar("SELECT max(played_at)::VARCHAR FROM plays WHERE source = 'lastfm'")).toBe('2023-11-14 22:13:20');
    store.close();
  });

  it('counts a scrobble of a listen already imported from Spotify once', async () => {
    const store = await Store.open({ dataDir: ':memory:' });
    const first = server.scrobble(0);
    // A Spotify play of the same track that ended 200 s after the scrobble's start, 200 s long.
    await store.run(`INSERT INTO tracks (track_id, kind, title, artist_name, name_key) VALUES ('tsp', 'track', 'Track ${first.n}', 'Artist ${first.n % 997}', mt_name_key('track', 'Artist ${first.n % 997}', 'Track ${first.n}'))`);
    await store.run(`INSERT INTO track_keys VALUES ('name', mt_name_key('track', 'Artist ${first.n % 997}', 'Track ${first.n}'), 'tsp')`);
    await store.run(`INSERT INTO plays (played_at, track_id, kind, ms_played, source, precision_s) VALUES (make_timestamp(${(first.uts + 200) * 1_000_000}), 'tsp', 'track', 200000, 'spotify_extended', 1)`);
    const s = await sync(store);
    expect(s.alreadyFromSpotify).toBe(1);
    expect(await store.scalar('SELECT count(*) FROM plays')).toBe(server.scrobbleCount);
    store.close();
  });
});
