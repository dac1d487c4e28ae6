import { catalogTrack } from '@mixtape/fixtures';
import { resolveTracks } from '../identity/resolve.js';
import type { Store } from '../store/store.js';

/** Catalogue number of the daily fixtures' track `i`: artist i % artists, its (i / artists)-th track (same names as the fake services). */
export const dailyTrackN = (i: number, artists: number) => (i % artists) + 997 * Math.floor(i / artists);

/**
 * A listener for daily tests and benchmarks: `artists` artists with `perArtist` tracks each (named
 * as the fake services name catalogue tracks), `plays` plays in sessions of 10 over the last
 * 10..70 days, most of them on the first half of the artists; `recent` tracks heard 2 days ago, and
 * `favourites` of those in the library. Returns the track ids by number.
 */
export async function seedDailyListener(store: Store, o: { artists: number; perArtist: number; plays: number; recent: number[]; favourites: number[] }): Promise<Map<number, string>> {
  const n = o.artists * o.perArtist;
  await store.run(`CREATE OR REPLACE TEMP TABLE _daily_cat (row_id BIGINT, kind VARCHAR, uri VARCHAR, mbid VARCHAR, isrc VARCHAR, title VARCHAR, artist VARCHAR, album VARCHAR, duration_ms BIGINT)`);
  const rows = Array.from({ length: n }, (_, i) => {
    const t = catalogTrack(dailyTrackN(i, o.artists));
    return { i, title: t.title, artist: t.artist, album: t.album, ms: t.durationMs };
  });
  await store.run(`INSERT INTO _daily_cat SELECT r.i, 'track', NULL, NULL, NULL, r.title, r.artist, r.album, r.ms
    FROM (SELECT unnest(from_json($1::JSON, '[{"i":"BIGINT","title":"VARCHAR","artist":"VARCHAR","album":"VARCHAR","ms":"BIGINT"}]'), recursive := true)) r`, [JSON.stringify(rows)]);
  await resolveTracks(store, '_daily_cat');
  const liked = Math.max(1, Math.floor(n / 2));
  // Session s (10 plays, 3 minutes apart) on day 10 + s % 60; 4 in 5 plays on the liked half.
  await store.run(`INSERT INTO plays (played_at, track_id, kind, ms_played, source)
    SELECT current_timestamp::TIMESTAMP - to_days((10 + (p // 10) % 60)::INTEGER) - to_minutes((p // 600)::BIGINT * 35) + to_minutes(((p % 10) * 3)::BIGINT),
      r.track_id, 'track', 180000, 'spotify'
    FROM range($1::BIGINT) t(p) JOIN _daily_cat_resolved r ON r.row_id = CASE WHEN p % 5 < 4 THEN (p * 7919) % $2 ELSE $2 + (p * 104729) % ($3 - $2) END`, [o.plays, liked, n]);
  for (const [k, i] of o.recent.entries()) {
    await store.run(`INSERT INTO plays (played_at, track_id, kind, ms_played, source) SELECT current_timestamp::TIMESTAMP - INTERVAL 2 DAY + to_minutes($2::BIGINT * 3), track_id, 'track', 180000, 'spotify' FROM _daily_cat_resolved WHERE row_id = $1`, [i, k]);
  }
  for (const i of o.favourites) {
    await store.run(`INSERT OR REPLACE INTO library (source, kind, item_id, added_at) SELECT 'spotify', 'track', track_id, current_timestamp::TIMESTAMP - INTERVAL 90 DAY FROM _daily_cat_resolved WHERE row_id = $1`, [i]);
  }
  const ids = await store.all<{ row_id: number; track_id: string }>('SELECT row_id, track_id FROM _daily_cat_resolved');
  return new Map(ids.map((r) => [Number(r.row_id), r.track_id]));
}
