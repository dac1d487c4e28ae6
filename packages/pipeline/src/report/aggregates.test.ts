import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withStore } from '../store/store.js';
import { demoDataDir } from '../test/helpers.js';
import { listeningAggregates } from './aggregates.js';
import { timingNote } from './charts.js';

describe('listening aggregates over the demo listener', () => {
  let demo: Awaited<ReturnType<typeof demoDataDir>>;
  beforeAll(async () => { demo = await demoDataDir(); });
  afterAll(() => demo.cleanup());

  it('totals, top artist and per-month plays equal plain SQL over the same store', async () => {
    await withStore({ dataDir: demo.dir }, async (store) => {
      const a = await listeningAggregates(store);
      const plays = Number(await store.scalar("SELECT count(*) FROM plays WHERE kind = 'track'"));
      expect(plays).toBeGreaterThan(100);
      expect(a.totals.plays).toBe(plays);
      const top = (await store.one<{ artist: string; n: number }>(
        "SELECT t.artist_name AS artist, count(*)::BIGINT AS n FROM plays p JOIN tracks t USING (track_id) WHERE p.kind = 'track' GROUP BY 1 ORDER BY n DESC, sum(p.ms_played) DESC LIMIT 1"))!;
      expect(a.top.artists.byPlays[0]).toMatchObject({ artist: top.artist, plays: top.n });
      expect(a.perMonth.reduce((s, r) => s + Number(r.plays), 0)).toBe(plays);
      expect(a.heatmap.reduce((s, r) => s + Number(r.plays), 0)).toBe(plays);
      expect(a.discovery.reduce((s, r) => s + Number(r.new_artists), 0)).toBe(a.totals.artists);
      expect(a.sources.reduce((s, r) => s + Number(r.plays), 0)).toBe(Number(await store.scalar('SELECT count(*) FROM plays')));
      expect(a.sessions.length).toBeGreaterThan(0);
      expect(a.imports).toHaveLength(1);
    });
  });

  it('--year narrows every section to that year', async () => {
    await withStore({ dataDir: demo.dir }, async (store) => {
      const year = Number(await store.scalar("SELECT year(max(played_at)) FROM plays WHERE kind = 'track'"));
      const a = await listeningAggregates(store, year);
      expect(a.totals.plays).toBe(Number(await store.scalar("SELECT count(*) FROM plays WHERE kind = 'track' AND year(played_at) = $1", [year])));
      expect(a.perMonth.every((r) => String(r.month).startsWith(`${year}-`))).toBe(true);
      expect(a.topByYear.every((r) => r.year === year)).toBe(true);
    });
  });

  it('a scrobbled listen (no ms_played) is neither a short play nor a skip', async () => {
    await withStore({ dataDir: ':memory:' }, async (store) => {
      await store.run(`
INSERT INTO tracks (track_id, title, artist_name, duration_ms) VALUES ('s1', 'A', 'X', 200000), ('s2', 'B', 'X', 200000);
INSERT INTO plays (played_at, track_id, kind, ms_played, source, skipped) VALUES
  ('2024-02-01 10:00:00', 's1', 'track', NULL, 'lastfm', NULL),
  ('2024-02-01 10:04:00', 's2', 'track', 12000, 'spotify-extended', false),
  ('2024-02-01 10:05:00', 's2', 'track', 5000, 'spotify-extended', true);`);
      const a = await listeningAggregates(store);
      expect(Object.fromEntries(a.skips.map((r) => [r.reason, Number(r.plays)]))).toEqual({
        skipped: 1, 'ended early, not skipped': 0, 'short play (under 30 s)': 2, incognito: 0, 'podcast episodes': 0,
      });
    });
  });

  it("counts a scrobble's time as its track's length where that is known, and says so", async () => {
    await withStore({ dataDir: ':memory:' }, async (store) => {
      await store.run(`
INSERT INTO tracks (track_id, title, artist_name, duration_ms) VALUES ('s1', 'A', 'X', 180000), ('s2', 'B', 'X', NULL), ('s3', 'C', 'Y', 240000);
INSERT INTO plays (played_at, track_id, kind, ms_played, source, skipped) VALUES
  ('2024-02-01 10:00:00', 's1', 'track', NULL, 'lastfm', NULL),
  ('2024-02-01 10:03:00', 's1', 'track', NULL, 'listenbrainz', NULL),
  ('2024-02-01 10:06:00', 's2', 'track', NULL, 'lastfm', NULL),
  ('2024-02-01 10:07:00', 's3', 'track', NULL, 'listenbrainz', true),
  ('2024-02-01 10:08:00', 's3', 'track', 1800000, 'spotify-extended', false);`);
      const a = await listeningAggregates(store);
      // 2 × 3 min estimated + 30 min played; the skipped scrobble and the one of unknown length add nothing.
      expect(a.totals).toMatchObject({ plays: 5, hours: 0.6, estimatedHours: 0.1, untimedPlays: 1 });
      expect(a.top.artists.byHours).toEqual([{ artist: 'Y', plays: 2, hours: 0.5 }, { artist: 'X', plays: 3, hours: 0.1 }]);
      expect(timingNote(a.totals)).toBe(' 0.1 of these hours are estimated from track lengths, for scrobbles, which record no listening time; 1 scrobble of a track of unknown length adds none.');
    });
  });

  it('an empty store gives zero totals and empty sections', async () => {
    await withStore({ dataDir: ':memory:' }, async (store) => {
      const a = await listeningAggregates(store);
      expect(a.totals).toMatchObject({ plays: 0, hours: 0, first: null });
      expect(a.perWeek).toEqual([]);
      expect(a.top.artists.byPlays).toEqual([]);
    });
  });
});
