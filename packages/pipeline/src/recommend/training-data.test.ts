import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../store/store.js';
import { explore, featureSlot, fitModel, quantizeModel, Recommender } from '@mixtape/model';
import { buildTrainingData, LISTENER_ID } from './training-data.js';

describe('training data from the store', () => {
  let store: Store;
  beforeAll(async () => {
    store = await Store.open({ dataDir: ':memory:' });
    await store.run(`
INSERT INTO artists VALUES ('a1', 'Slowdive', 'slowdive', NULL, NULL, NULL), ('a2', 'Ride', 'ride', NULL, NULL, NULL);
INSERT INTO tracks (track_id, title, artist_name, artist_id, duration_ms) VALUES
  ('t1', 'Alison', 'Slowdive', 'a1', 200000), ('t2', 'Vapour Trail', 'Ride', 'a2', 250000),
  ('t3', 'Noise', 'Ride', 'a2', 100000), ('t4', 'Saved Only', 'Slowdive', 'a1', 180000), ('t5', 'Listed', 'Ride', 'a2', 180000);
INSERT INTO plays (played_at, track_id, kind, ms_played, source, skipped, reason_end) VALUES
  ('2024-01-01 10:00:00', 't1', 'track', 200000, 'test', false, 'trackdone'),
  ('2024-01-01 10:04:00', 't2', 'track', 125000, 'test', false, 'trackdone'),
  ('2024-01-01 10:07:00', 't3', 'track', 90000, 'test', NULL, 'fwdbtn'),
  ('2024-01-01 10:09:00', 't3', 'track', 5000, 'test', NULL, 'endplay'),
  ('2024-01-01 10:10:00', 't5', 'track', 180000, 'test', false, 'trackdone'),
  ('2024-01-03 09:00:00', 't1', 'track', 100000, 'test', true, 'trackdone'),
  ('2024-01-05 09:00:00', 't1', 'track', 200000, 'test', false, 'trackdone');
INSERT INTO library (source, kind, item_id, name) VALUES ('test', 'track', 't4', 'Saved Only');
INSERT INTO playlists (playlist_id, source, name) VALUES ('p1', 'test', 'Mine');
INSERT INTO playlist_items (playlist_id, position, track_id) VALUES ('p1', 0, 't5'), ('p1', 1, 't4');
INSERT INTO artist_tags VALUES ('a1', 'shoegaze', 1, 'lastfm'), ('a2', 'shoegaze', 0.8, 'lastfm');
INSERT INTO track_tags VALUES ('t1', 'dreamy', 0.5, 'lastfm');
INSERT INTO "similar" VALUES ('t1', 't2', 'track', 0.8, 'lastfm'), ('a1', 'a2', 'artist', 0.9, 'lastfm');`);
  });
  afterAll(() => store.close());

  it('weights heard fractions, saves and playlists, and turns dominant skips into negatives', async () => {
    const d = await buildTrainingData(store);
    const x = d.interactions;
    expect(x.userIds[0]).toBe(LISTENER_ID);
    const me = new Map<string, number>();
    for (let p = x.indptr[0]!; p < x.indptr[1]!; p++) me.set(x.itemIds[x.indices[p]!]!, x.values[p]!);
    // t1: two full plays, one skip (-1) = 1; t2: half heard = 0.5; t4: saved (3) + a playlist (1); t5: play + playlist.
    expect(me.get('t1')).toBeCloseTo(1, 5);
    expect(me.get('t2')).toBeCloseTo(0.5, 5);
    expect(me.get('t4')).toBeCloseTo(4, 5);
    expect(me.get('t5')).toBeCloseTo(2, 5);
    expect(me.has('t3')).toBe(false);
    expect(d.negatives).toEqual([{ item: 't3', skips: 2 }]);
    expect(d.stats).toMatchObject({ plays: 4, skips: 3, playlists: 1, saved: 1 });
    expect(d.recent).toEqual(['t1']);
  });

  it('counts a listen without ms_played (scrobbles, ListenBrainz) as a whole play, and only a marked skip as a skip', async () => {
    const s = await Store.open({ dataDir: ':memory:' });
    try {
      await s.run(`
INSERT INTO tracks (track_id, title, artist_name, duration_ms) VALUES
  ('s1', 'A', 'X', 200000), ('s2', 'B', 'X', NULL), ('s3', 'C', 'Y', 240000), ('s4', 'D', 'Y', 240000);
INSERT INTO plays (played_at, track_id, kind, ms_played, source, skipped) VALUES
  ('2024-02-01 10:00:00', 's1', 'track', NULL, 'lastfm', NULL),
  ('2024-02-01 10:04:00', 's2', 'track', NULL, 'listenbrainz', NULL),
  ('2024-02-01 10:08:00', 's3', 'track', NULL, 'scrobbler-log', NULL),
  ('2024-02-02 10:00:00', 's1', 'track', NULL, 'lastfm', NULL),
  ('2024-02-03 10:00:00', 's4', 'track', NULL, 'scrobbler-log', true);`);
      const d = await buildTrainingData(s);
      const x = d.interactions;
      const row = (u: number) => Object.fromEntries(Array.from(x.indices.subarray(x.indptr[u]!, x.indptr[u + 1]!), (i, j) => [x.itemIds[i]!, x.values[x.indptr[u]! + j]!]));
      expect(x.userIds).toEqual([LISTENER_ID, 'session:0']);
      expect(row(0)).toEqual({ s1: 2, s2: 1, s3: 1 });
      // The first three listens are one session; the next day's single listen makes none.
      expect(row(1)).toEqual({ s1: 1, s2: 1, s3: 1 });
      expect(d.negatives).toEqual([{ item: 's4', skips: 1 }]);
      expect(d.stats).toMatchObject({ plays: 4, skips: 1, sessions: 1 });
    } finally {
      s.close();
    }
  });

  it('adds a session and each playlist as pseudo-users for co-listening', async () => {
    const d = await buildTrainingData(store);
    const x = d.interactions;
    expect(x.userIds).toEqual([LISTENER_ID, 'session:0', 'playlist:p1']);
    const row = (u: number) => Array.from(x.indices.subarray(x.indptr[u]!, x.indptr[u + 1]!), (i) => x.itemIds[i]).sort();
    expect(row(1)).toEqual(['t1', 't2', 't5']);
    expect(row(2)).toEqual(['t4', 't5']);
  });

  it('gives tracks artist, tag and similarity features that link related tracks', async () => {
    const d = await buildTrainingData(store, { slots: 1 << 16 });
    const f = d.features;
    const slots = (id: string) => {
      const i = d.interactions.itemIds.indexOf(id);
      return new Set(Array.from(f.indices.subarray(f.indptr[i]!, f.indptr[i + 1]!)));
    };
    const shared = (a: string, b: string) => [...slots(a)].filter((s) => slots(b).has(s)).length;
    expect(shared('t1', 't4')).toBeGreaterThanOrEqual(2); // same artist, same artist tag
    expect(shared('t1', 't2')).toBeGreaterThanOrEqual(2); // similar tracks, similar artists, shared tag
    expect(slots('t1').size).toBeGreaterThan(slots('t5').size);
  });

  it('weighs a tag by the strength its source gave it, stored in [0, 1]', async () => {
    const slots = 1 << 16;
    const d = await buildTrainingData(store, { slots });
    const f = d.features;
    const ids = d.interactions.itemIds;
    const weight = (track: string, feature: string) => {
      const i = ids.indexOf(track);
      const s = featureSlot(feature, slots);
      for (let p = f.indptr[i]!; p < f.indptr[i + 1]!; p++) if (f.indices[p] === s) return f.weights[p]!;
      throw new Error(`${track} has no ${feature}`);
    };
    // Row weights are log1p(w) / Σ log1p: a track tag weighs 1 + w, an artist tag half of that, the artist 3.
    expect(weight('t1', 'tag:dreamy') / weight('t1', 'tag:shoegaze')).toBeCloseTo(Math.log1p(1.5) / Math.log1p(1), 5);
    // Shoegaze is Slowdive's top tag (1) and weaker on Ride (0.8): each track's artist feature is the yardstick.
    const slowdive = weight('t4', 'tag:shoegaze') / weight('t4', 'artist:a1');
    const ride = weight('t2', 'tag:shoegaze') / weight('t2', 'artist:a2');
    expect(slowdive).toBeCloseTo(Math.log1p(1) / Math.log1p(3), 5);
    expect(ride).toBeCloseTo(Math.log1p(0.9) / Math.log1p(3), 5);
  });

  it('feeds the model: fit, fold in negatives, recommend and explore for the listener', async () => {
    const d = await buildTrainingData(store);
    const rec = await Recommender.create(quantizeModel(await fitModel(d.interactions, d.features, { factors: 4, iterations: 2 })));
    const listener = rec.listenerFromFeedback(d.negatives.map((n) => ({ item: n.item, kind: 'skip' as const, weight: n.skips })), { baseUser: LISTENER_ID });
    const top = await rec.recommend(listener, 5);
    expect(top.map((r) => r.item).sort()).toEqual(['t1', 't2', 't3', 't4', 't5']);
    const known = new Set(Array.from(listener.positives, (i) => d.interactions.itemIds[i]));
    const picks = explore(top.map((r) => ({ ...r, known: known.has(r.item) })), { count: 3, skip: new Set(d.recent) });
    expect(picks).toHaveLength(3);
    expect(picks.map((p) => p.item)).not.toContain('t1');
    rec.dispose();
  });

  it('scores unplayed tracks through their features: same artist and tags before strangers', async () => {
    await store.run(`
INSERT INTO artists VALUES ('a3', 'Polka Band', 'polka band', NULL, NULL, NULL);
INSERT INTO tracks (track_id, title, artist_name, artist_id, duration_ms) VALUES
  ('t6', 'Unplayed Slowdive', 'Slowdive', 'a1', 200000), ('t0', 'Unplayed Polka', 'Polka Band', 'a3', 200000);
INSERT INTO artist_tags VALUES ('a3', 'polka', 100, 'lastfm');`);
    const d = await buildTrainingData(store);
    // 't0' sorts first, so without feature signal a tie would put the stranger ahead.
    expect(d.interactions.itemIds).toContain('t6');
    const rec = await Recommender.create(await fitModel(d.interactions, d.features, { factors: 4, iterations: 3 }));
    const top = await rec.recommend(rec.listener(LISTENER_ID, { excludeSeen: true }), 3);
    const order = top.map((r) => r.item);
    expect(order).toContain('t0');
    expect(order.indexOf('t6')).toBeLessThan(order.indexOf('t0'));
    rec.dispose();
  });
});

describe('training data never comes from the Spotify Web API', () => {
  it('leaves out plays, saves, playlists and tracks that only the Web API export wrote', async () => {
    const store = await Store.open({ dataDir: ':memory:' });
    try {
      await store.run(`
INSERT INTO tracks (track_id, title, artist_name, duration_ms) VALUES ('t1', 'Own', 'A', 200000), ('w1', 'Api Play', 'B', 200000), ('w2', 'Api Saved', 'B', 200000), ('w3', 'Api Listed', 'B', 200000);
INSERT INTO plays (played_at, track_id, kind, ms_played, source) VALUES
  ('2024-01-01 10:00:00', 't1', 'track', 200000, 'spotify-extended'),
  ('2024-01-01 11:00:00', 'w1', 'track', 200000, 'spotify_api');
INSERT INTO library (source, kind, item_id, name) VALUES ('spotify_api', 'track', 'w2', 'Api Saved');
INSERT INTO playlists (playlist_id, source, name) VALUES ('sp1', 'spotify_api', 'From the API');
INSERT INTO playlist_items (playlist_id, position, track_id) VALUES ('sp1', 0, 'w3'), ('sp1', 1, 't1');
INSERT INTO spotify_catalog (uri, track_id, kind, fetched_at) VALUES ('spotify:track:w1', 'w1', 'track', now()), ('spotify:track:w2', 'w2', 'track', now()), ('spotify:track:w3', 'w3', 'track', now());`);
      const d = await buildTrainingData(store);
      expect(d.interactions.itemIds).toEqual(['t1']);
      expect(d.interactions.userIds).toEqual([LISTENER_ID]);
      expect(d.stats.plays).toBe(1);
    } finally {
      store.close();
    }
  });
});
