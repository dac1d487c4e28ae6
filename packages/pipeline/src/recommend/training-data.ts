import { buildInteractions, buildItemFeatures, IdIndex, type Interactions, type ItemFeatures } from '@mixtape/model';
import { appendTempTable } from '../store/bulk.js';
import type { Store } from '../store/store.js';
import { LISTENER_ID } from './listener-id.js';

/** How listening becomes evidence; every number has a default that suits a Spotify export. */
export interface TrainingDataOptions {
  /** Plays shorter than this (and shorter than half the track) count as skips. Default 30 s. */
  shortPlayMs?: number;
  /** Weight of one fully heard play (a half-heard play counts half). Default 1. */
  playWeight?: number;
  /** Extra confidence for a track saved in the library. Default 3. */
  saveWeight?: number;
  /** Extra confidence per playlist that holds the track. Default 1. */
  playlistWeight?: number;
  /** A gap longer than this starts a new listening session. Default 30 minutes. */
  sessionGapMs?: number;
  /** Sessions with fewer distinct tracks carry no co-listening signal and are dropped. Default 3. */
  minSessionTracks?: number;
  /** Tracks played within this long of the last play are "recent" (not to be recommended again). Default 2 days. */
  recentMs?: number;
  /** Hashed feature slots. */
  slots?: number;
}

/** Everything the model needs from the store, in the model's own types. */
export interface TrainingData {
  /**
   * Row `me` is the listener; rows `session:N` and `playlist:ID` are pseudo-users that carry
   * co-listening. Items are every track in the store (unplayed ones have no row entries).
   */
  interactions: Interactions;
  /** Per-track features: artist, track and artist tags, and similar-track / similar-artist edges. */
  features: ItemFeatures;
  /** Tracks skipped more often than heard: negative evidence for fold-in (kind 'skip', weight = net skips). */
  negatives: Array<{ item: string; skips: number }>;
  /** Tracks heard within `recentMs` of the newest play. */
  recent: string[];
  stats: { plays: number; skips: number; tracks: number; sessions: number; playlists: number; saved: number };
}

/**
 * Spotify's developer policy forbids training models on Web API content: rows the Web API export
 * wrote (source 'spotify_api') never become training data. Only the listener's own data export,
 * scrobbles and open metadata do. Mixtape's own recommendations are not evidence either.
 */
const WEB_API = 'spotify_api';

export { LISTENER_ID };

/**
 * Builds training data from the store: the listener's row weights each track by how much of it was
 * heard (ms_played / duration, capped at 1 a play), plus library saves and playlist membership; skips
 * (`skipped`, `reason_end = 'fwdbtn'`, or a short play) subtract and, where they dominate, become
 * negative evidence instead. A listen without ms_played (Last.fm, ListenBrainz, scrobble files) is a
 * whole play unless marked skipped: scrobblers log a track only once half of it (or 4 minutes) was heard. Listening sessions and playlists become pseudo-users, so one listener's
 * data alone yields co-listening structure for the factorization.
 */
export async function buildTrainingData(store: Store, options: TrainingDataOptions = {}): Promise<TrainingData> {
  const o = {
    shortPlayMs: 30_000,
    playWeight: 1,
    saveWeight: 3,
    playlistWeight: 1,
    sessionGapMs: 30 * 60_000,
    minSessionTracks: 3,
    recentMs: 2 * 86_400_000,
    ...options,
  };
  await store.run(
    `CREATE OR REPLACE TEMP TABLE _rt_plays AS
     SELECT p.track_id, p.played_at,
       (coalesce(p.skipped, false) OR coalesce(p.reason_end, '') = 'fwdbtn'
         OR (p.ms_played IS NOT NULL AND p.ms_played < $1 AND (t.duration_ms IS NULL OR p.ms_played < t.duration_ms / 2))) AS is_skip,
       CASE WHEN p.ms_played IS NULL THEN 1.0 ELSE least(1.0, p.ms_played::DOUBLE / coalesce(nullif(t.duration_ms, 0), 180000)) END AS heard
     FROM plays p LEFT JOIN tracks t USING (track_id)
     WHERE p.kind = 'track' AND p.source <> '${WEB_API}'`,
    [o.shortPlayMs],
  );
  const own = await store.all<{ track_id: string; heard: number; skips: number; saved: number; lists: number }>(
    `WITH p AS (
       SELECT track_id, sum(CASE WHEN is_skip THEN 0 ELSE heard END) AS heard, count(*) FILTER (WHERE is_skip) AS skips
       FROM _rt_plays GROUP BY track_id),
     s AS (SELECT DISTINCT item_id AS track_id, 1 AS saved FROM library WHERE kind = 'track' AND source <> '${WEB_API}'),
     l AS (SELECT track_id, count(DISTINCT playlist_id) AS lists FROM playlist_items JOIN playlists USING (playlist_id)
           WHERE track_id IS NOT NULL AND playlists.source NOT IN ('${WEB_API}', 'mixtape') GROUP BY track_id)
     SELECT track_id, coalesce(p.heard, 0) AS heard, coalesce(p.skips, 0) AS skips, coalesce(s.saved, 0) AS saved, coalesce(l.lists, 0) AS lists
     FROM p FULL JOIN s USING (track_id) FULL JOIN l USING (track_id)
     ORDER BY track_id`,
  );
  const users: string[] = [];
  const items: string[] = [];
  const weights: number[] = [];
  const negatives: TrainingData['negatives'] = [];
  for (const r of own) {
    const positive = o.playWeight * Number(r.heard) + o.saveWeight * Number(r.saved) + o.playlistWeight * Number(r.lists);
    // A skip cancels about one play's worth of evidence; what is left decides the sign.
    const net = positive - o.playWeight * Number(r.skips);
    if (net > 0) {
      users.push(LISTENER_ID);
      items.push(r.track_id);
      weights.push(net);
    } else if (Number(r.skips) > 0) {
      negatives.push({ item: r.track_id, skips: Math.max(1, Math.round(-net)) });
    }
  }
  const sessions = await store.all<{ session: number; track_id: string; heard: number }>(
    `WITH ordered AS (
       SELECT track_id, heard, played_at,
         CASE WHEN epoch_ms(played_at) - epoch_ms(lag(played_at) OVER (ORDER BY played_at)) > $1 THEN 1 ELSE 0 END AS starts
       FROM _rt_plays WHERE NOT is_skip),
     numbered AS (SELECT track_id, heard, sum(starts) OVER (ORDER BY played_at ROWS UNBOUNDED PRECEDING) AS session FROM ordered),
     kept AS (SELECT session FROM numbered GROUP BY session HAVING count(DISTINCT track_id) >= $2)
     SELECT session, track_id, sum(heard) AS heard FROM numbered JOIN kept USING (session)
     GROUP BY session, track_id ORDER BY session, track_id`,
    [o.sessionGapMs, o.minSessionTracks],
  );
  const sessionIds = new Set<number>();
  for (const r of sessions) {
    sessionIds.add(Number(r.session));
    users.push(`session:${r.session}`);
    items.push(r.track_id);
    weights.push(Math.max(0.1, Number(r.heard)));
  }
  const lists = await store.all<{ playlist_id: string; track_id: string }>(
    `SELECT DISTINCT playlist_id, track_id FROM playlist_items JOIN playlists USING (playlist_id)
     WHERE track_id IS NOT NULL AND playlists.source NOT IN ('${WEB_API}', 'mixtape') ORDER BY playlist_id, track_id`,
  );
  for (const r of lists) {
    users.push(`playlist:${r.playlist_id}`);
    items.push(r.track_id);
    weights.push(1);
  }
  // Every known track is an item, played or not: unplayed ones (from the library of others, similar
  // tracks found by enrichment) are the "new to you" candidates, scored through their features.
  // Tracks known only through the Web API are left out.
  const catalogue = await store.all<{ track_id: string }>(`
    SELECT track_id FROM tracks WHERE kind = 'track' AND (track_id NOT IN (SELECT track_id FROM spotify_catalog WHERE track_id IS NOT NULL) OR track_id IN (
      SELECT track_id FROM plays WHERE source <> '${WEB_API}'
      UNION SELECT item_id FROM library WHERE source <> '${WEB_API}'
      UNION SELECT track_id FROM playlist_items JOIN playlists USING (playlist_id) WHERE playlists.source <> '${WEB_API}'
      UNION SELECT to_id FROM "similar" WHERE kind = 'track'
      UNION SELECT track_id FROM track_tags))
    ORDER BY track_id`);
  const interactions = buildInteractions({ users, items, weights }, new IdIndex(catalogue.map((r) => r.track_id)), new IdIndex([LISTENER_ID]));
  const features = await trackFeatures(store, interactions.itemIds, o.slots);
  const recent = await store.all<{ track_id: string }>(
    `SELECT DISTINCT track_id FROM _rt_plays WHERE played_at >= (SELECT max(played_at) FROM _rt_plays) - to_milliseconds($1::BIGINT) ORDER BY track_id`,
    [o.recentMs],
  );
  const stats = await store.one<{ plays: number; skips: number }>(`SELECT count(*) FILTER (WHERE NOT is_skip) AS plays, count(*) FILTER (WHERE is_skip) AS skips FROM _rt_plays`);
  await store.run('DROP TABLE IF EXISTS _rt_plays');
  return {
    interactions,
    features,
    negatives,
    recent: recent.map((r) => r.track_id),
    stats: {
      plays: Number(stats?.plays ?? 0),
      skips: Number(stats?.skips ?? 0),
      tracks: interactions.itemIds.length,
      sessions: sessionIds.size,
      playlists: new Set(lists.map((l) => l.playlist_id)).size,
      saved: own.filter((r) => Number(r.saved) > 0).length,
    },
  };
}

/**
 * Item features of tracks: their artist (strongest), their own tags, their artist's tags (weaker),
 * and similarity edges, which put a shared feature on both ends so similar tracks and tracks by
 * similar artists get close vectors even without co-listening. A tag weighs 1 + its stored weight
 * (in [0, 1]: Last.fm's count / 100, MusicBrainz's count / the track's largest, 1 from Deezer), so
 * the strength a source gives a tag carries into the features.
 */
export async function trackFeatures(store: Store, trackIds: readonly string[], slots?: number): Promise<ItemFeatures> {
  await appendTempTable(store, '_rt_items', [['track_id', 'VARCHAR']], trackIds.map((id) => [id]));
  const rows = await store.all<{ track_id: string; feature: string; weight: number }>(
    `WITH t AS (SELECT i.track_id, coalesce(tr.artist_id, 'name:' || mt_norm(tr.artist_name)) AS artist
                FROM _rt_items i LEFT JOIN tracks tr USING (track_id))
     SELECT track_id, 'artist:' || artist AS feature, 3.0 AS weight FROM t WHERE artist IS NOT NULL AND artist <> 'name:'
     UNION ALL
     SELECT tt.track_id, 'tag:' || lower(tt.tag), 1 + least(greatest(coalesce(tt.weight, 0), 0), 1) FROM track_tags tt JOIN _rt_items USING (track_id)
     UNION ALL
     SELECT t.track_id, 'tag:' || lower(atg.tag), 0.5 * (1 + least(greatest(coalesce(atg.weight, 0), 0), 1)) FROM t JOIN artist_tags atg ON atg.artist_id = t.artist
     UNION ALL
     SELECT track_id, 'near:' || track_id, 1.0 FROM _rt_items WHERE track_id IN (SELECT from_id FROM "similar" WHERE kind = 'track' UNION SELECT to_id FROM "similar" WHERE kind = 'track')
     UNION ALL
     SELECT s.from_id, 'near:' || s.to_id, coalesce(s.weight, 1) FROM "similar" s JOIN _rt_items i ON i.track_id = s.from_id WHERE s.kind = 'track'
     UNION ALL
     SELECT s.to_id, 'near:' || s.from_id, coalesce(s.weight, 1) FROM "similar" s JOIN _rt_items i ON i.track_id = s.to_id WHERE s.kind = 'track'
     UNION ALL
     SELECT t.track_id, 'artist:' || s.to_id, 1.5 * coalesce(s.weight, 1) FROM t JOIN "similar" s ON s.from_id = t.artist AND s.kind = 'artist'`,
  );
  await store.run('DROP TABLE IF EXISTS _rt_items');
  return buildItemFeatures(
    trackIds,
    { items: rows.map((r) => r.track_id), features: rows.map((r) => r.feature), weights: rows.map((r) => Number(r.weight)) },
    slots,
  );
}
