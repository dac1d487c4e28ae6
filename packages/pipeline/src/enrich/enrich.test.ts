import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deezer, lastfm, musicbrainz } from '@mixtape/connectors';
import { userAgent } from '@mixtape/core';
import { FakeDeezer, FakeLastfm, FakeMusicBrainz } from '@mixtape/fixtures';
import { httpCacheStatus } from '../http-cache/cache.js';
import { Store } from '../store/store.js';
import { enrichTracks } from './enrich.js';
import { seedCatalogue } from './seed.test-helper.js';

// Windows of a second, as the real services have: the client's 4% margin (40 ms) covers the jitter of a busy test machine.
const dz = new FakeDeezer({ rate: { count: 250, windowMs: 1000 } });
const lf = new FakeLastfm({ rate: { count: 150, windowMs: 1000 } });
const mb = new FakeMusicBrainz({ rate: { count: 60, windowMs: 1000 } });
let env: Record<string, string>;

beforeAll(async () => {
  await Promise.all([dz.start(), lf.start(), mb.start()]);
  env = {
    MIXTAPE_DEEZER_API_URL: dz.url, MIXTAPE_DEEZER_RATE: '250/1s',
    MIXTAPE_LASTFM_API_URL: `${lf.url}/2.0/`, MIXTAPE_LASTFM_RATE: '150/1s', LASTFM_API_KEY: 'test-key',
    MIXTAPE_MUSICBRAINZ_API_URL: `${mb.url}/ws/2`, MIXTAPE_MUSICBRAINZ_RATE: '60/1s',
  };
});
afterAll(() => Promise.all([dz.stop(), lf.stop(), mb.stop()]));

const clients = () => ({ deezer: deezer.deezerClient({ env }), lastfm: lastfm.lastfmClient({ env }).client, musicbrainz: musicbrainz.musicbrainzClient({ env }) });

describe('enrichTracks', () => {
  it('enriches from the three services within their limits, then asks nothing again', async () => {
    const store = await Store.open({ dataDir: ':memory:' });
    await seedCatalogue(store, 100);
    // Three tracks of unknown length (a scrobble's track): the services fill it in, where they know the track.
    await store.run("UPDATE tracks SET duration_ms = NULL WHERE track_id IN ('tk00000001', 'tk00000009', 'tk00000019'); UPDATE tracks SET duration_ms = 123456 WHERE track_id = 'tk00000002'");
    const s = await enrichTracks({ store, env, clients: clients() });
    expect(await store.all("SELECT track_id, duration_ms FROM tracks WHERE track_id IN ('tk00000001', 'tk00000009', 'tk00000019') ORDER BY 1")).toEqual([
      { track_id: 'tk00000001', duration_ms: 121000 }, { track_id: 'tk00000009', duration_ms: 129000 }, { track_id: 'tk00000019', duration_ms: null },
    ]);
    // A length already known is kept, even where the services say otherwise.
    expect(await store.scalar("SELECT duration_ms FROM tracks WHERE track_id = 'tk00000002'")).toBe(123456);
    // Deezer: n % 20 == 19 exists nowhere; n % 10 == 9 only by search; every 25th track has no ISRC.
    const dzs = s.sources.deezer!;
    expect(dzs.tracks).toBe(100);
    expect(dzs.notFound).toBe(5);
    expect(dzs.matchedSearch).toBe(7);
    expect(dzs.matchedIsrc).toBe(88);
    expect(dzs.failed).toBe(0);
    expect(await store.scalar('SELECT count(*) FROM deezer_tracks')).toBe(95);
    expect(await store.scalar("SELECT deezer_id FROM tracks WHERE track_id = 'tk00000009'")).toBe(FakeDeezer.trackId(9));
    expect(await store.scalar("SELECT bpm FROM deezer_tracks WHERE track_id = 'tk00000009'")).toBe(99);
    expect(await store.scalar("SELECT count(*) FROM track_tags WHERE source = 'deezer'")).toBe(95);
    expect(Number(await store.scalar(`SELECT count(*) FROM "similar" WHERE source = 'deezer' AND kind = 'artist'`))).toBeGreaterThan(0);
    // Last.fm: tags and similar tracks, artist tags once per artist.
    expect(s.sources.lastfm).toMatchObject({ tracks: 100, enriched: 95, notFound: 5, failed: 0 });
    expect(Number(await store.scalar(`SELECT count(*) FROM "similar" WHERE source = 'lastfm' AND kind = 'track'`))).toBe(95 * 3);
    expect(Number(await store.scalar("SELECT count(DISTINCT artist_id) FROM artist_tags WHERE source = 'lastfm'"))).toBe(100);
    // MusicBrainz: by ISRC only.
    // Tracks without an ISRC wait for Deezer: three get one there (24, 49, 74), 99 exists nowhere.
    expect(s.sources.musicbrainz).toMatchObject({ matchedIsrc: 95, noIsrc: 1, notFound: 4, failed: 0 });
    expect(await store.scalar("SELECT mbid FROM tracks WHERE track_id = 'tk00000001'")).toBe('aaaaaaaa-0000-4000-8000-000000000001');
    // Every request of the run names Mixtape, as MusicBrainz requires.
    for (const srv of [dz, lf, mb]) expect(new Set(srv.seen.map((r) => r.userAgent))).toEqual(new Set([userAgent()]));
    // Never over a limit.
    for (const srv of [dz, lf, mb]) expect(srv.seen.filter((r) => r.overLimit).length).toBe(0);
    const cache = await httpCacheStatus(store);
    expect(cache.entries).toBeGreaterThan(200);
    expect(cache.notFound).toBeGreaterThan(0);

    const before = dz.count() + lf.count() + mb.count();
    const again = await enrichTracks({ store, env, clients: clients() });
    expect(dz.count() + lf.count() + mb.count()).toBe(before);
    expect(again.sources.deezer!.tracks).toBe(0);
    store.close();
  });

  it('counts a rate-limit error inside HTTP 200 as a 429 and keeps going; --refresh asks again', async () => {
    const store = await Store.open({ dataDir: ':memory:' });
    await seedCatalogue(store, 10);
    dz.inject({ kind: 'status', status: 200, body: { error: { type: 'Exception', message: 'Quota limit exceeded', code: 4 } }, headers: { 'retry-after': '0' }, count: 2 });
    const s = await enrichTracks({ store, env, clients: clients(), sources: ['deezer'] });
    expect(s.sources.deezer).toMatchObject({ rateLimited: 2, failed: 0, enriched: 10 });
    const n = dz.count();
    const r = await enrichTracks({ store, env, clients: clients(), sources: ['deezer'], refresh: true, limit: 3 });
    expect(r.sources.deezer!.tracks).toBe(3);
    expect(dz.count()).toBeGreaterThan(n);
    store.close();
  });

  it('takes at most --limit tracks a source has not answered, the limit bound as a parameter', async () => {
    const store = await Store.open({ dataDir: ':memory:' });
    await seedCatalogue(store, 10);
    const first = await enrichTracks({ store, env, clients: clients(), sources: ['deezer'], limit: 4.9 });
    expect(first.sources.deezer!.tracks).toBe(4);
    const rest = await enrichTracks({ store, env, clients: clients(), sources: ['deezer'], limit: 100 });
    expect(rest.sources.deezer!.tracks).toBe(6);
    expect((await enrichTracks({ store, env, clients: clients(), sources: ['deezer'], refresh: true, limit: 0 })).sources.deezer!.tracks).toBe(0);
    store.close();
  });
});

