import { resolveTracks } from '../identity/resolve.js';
import { ITEM_COLUMNS } from '../import/library-stage.js';
import { appendTempTable, type Cell } from '../store/bulk.js';
import type { Store } from '../store/store.js';

/** One song as a media server describes it, with the listener's own data on it. */
export interface ServerSongState {
  id: string;
  title?: string | undefined;
  artist?: string | undefined;
  album?: string | undefined;
  durationMs?: number | undefined;
  mbid?: string | undefined;
  isrc?: string | undefined;
  /** ISO time the song was starred or made a favourite; undefined when it is not. */
  starredAt?: string | undefined;
  playCount: number;
  /** ISO time. */
  lastPlayed?: string | undefined;
}

/** What one sync changed. */
export interface ServerSyncCounts {
  server: string;
  /** Songs starred or played that the server listed. */
  songs: number;
  likes_added: number;
  /** Likes this server had added, taken back because the song is no longer starred. */
  likes_removed: number;
  /** Songs whose play count grew since the last sync (one 'played' event each). */
  played_songs: number;
  /** Plays the server counted since the last sync, over all songs. */
  new_plays: number;
  new_tracks: number;
}

const ms = (iso: string | undefined): number | null => {
  if (iso === undefined) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
};

/**
 * Folds a server's view of the listener's songs into the store, in one transaction: a new star is
 * a like (unless the track is already liked from elsewhere); a star gone takes back the like this
 * server added and nothing else (`starsComplete`: the list holds every starred song); a grown play
 * count is one 'played' event at the last-played time, and the counters are kept in server_songs.
 */
export async function recordServerSongs(store: Store, server: string, songs: ServerSongState[], o: { starsComplete: boolean; now?: Date }): Promise<ServerSyncCounts> {
  const now = (o.now ?? new Date()).getTime();
  // Naive UTC, as the appender writes epoch ms into TIMESTAMP columns.
  const nowTs = new Date(now).toISOString().replace('T', ' ').replace('Z', '');
  return store.transaction(async () => {
    const known = new Set((await store.all<{ item_id: string }>('SELECT item_id FROM server_songs WHERE server = $1', [server])).map((r) => r.item_id));
    const wanted = songs.filter((s) => s.starredAt !== undefined || s.playCount > 0 || known.has(s.id));
    await appendTempTable(store, 'srv_items', ITEM_COLUMNS, wanted.map((s, i): Cell[] => [i + 1, 'track', null, s.mbid ?? null, s.isrc ?? null, s.title ?? null, s.artist ?? null, s.album ?? null, s.durationMs ?? null]));
    const { newTracks } = await resolveTracks(store, 'srv_items');
    await appendTempTable(store, 'srv_state', [['row_id', 'BIGINT'], ['item_id', 'VARCHAR'], ['starred_at', 'TIMESTAMP'], ['play_count', 'BIGINT'], ['last_played', 'TIMESTAMP']],
      wanted.map((s, i): Cell[] => [i + 1, s.id, s.starredAt !== undefined ? (ms(s.starredAt) ?? now) : null, s.playCount, ms(s.lastPlayed)]));
    await store.run(`
CREATE OR REPLACE TEMP TABLE srv_now AS
SELECT s.item_id, r.track_id, s.starred_at, s.play_count, s.last_played,
       o.starred_at AS old_starred, o.liked_at AS old_liked, coalesce(o.play_count, 0) AS old_count, o.last_played AS old_played
FROM srv_state s JOIN srv_items_resolved r USING (row_id)
LEFT JOIN server_songs o ON o.server = $1 AND o.item_id = s.item_id`, [server]);
    // New stars, on tracks no like covers yet: one like each, at the time of the star.
    await store.run(`
CREATE OR REPLACE TEMP TABLE srv_likes AS
SELECT DISTINCT ON (track_id) item_id, track_id, starred_at FROM srv_now n
WHERE starred_at IS NOT NULL AND old_starred IS NULL
  AND NOT EXISTS (SELECT 1 FROM feedback f WHERE f.track_id = n.track_id AND f.kind = 'like')`);
    await store.run(`INSERT INTO feedback (feedback_at, track_id, kind, arm) SELECT starred_at, track_id, 'like', NULL FROM srv_likes`);
    const likesAdded = Number(await store.scalar('SELECT count(*) FROM srv_likes'));
    // Stars gone: the like this server added goes, found by its exact time; likes from elsewhere stay.
    let likesRemoved = 0;
    {
      // Listed without a star, or (when the list holds every star) not listed at all.
      const gone = await store.all<{ item_id: string; track_id: string; liked_at: string | null }>(
        `SELECT o.item_id, o.track_id, strftime(o.liked_at, '%Y-%m-%d %H:%M:%S.%f') AS liked_at FROM server_songs o LEFT JOIN srv_now n USING (item_id)
         WHERE o.server = $1 AND o.starred_at IS NOT NULL AND (CASE WHEN n.item_id IS NULL THEN $2 ELSE n.starred_at IS NULL END)`, [server, o.starsComplete]);
      for (const g of gone) {
        if (g.liked_at !== null) {
          const before = Number(await store.scalar('SELECT count(*) FROM feedback'));
          await store.run(`DELETE FROM feedback WHERE rowid = (SELECT min(rowid) FROM feedback WHERE track_id = $1 AND kind = 'like' AND arm IS NULL AND feedback_at = $2::TIMESTAMP)`, [g.track_id, g.liked_at]);
          likesRemoved += before - Number(await store.scalar('SELECT count(*) FROM feedback'));
        }
        await store.run('UPDATE server_songs SET starred_at = NULL, liked_at = NULL, synced_at = $3::TIMESTAMP WHERE server = $1 AND item_id = $2', [server, g.item_id, nowTs]);
      }
    }
    // Grown play counts: one 'played' event each, when the server last heard it.
    await store.run(`
INSERT INTO feedback (feedback_at, track_id, kind, arm)
SELECT coalesce(last_played, $1::TIMESTAMP), track_id, 'played', NULL FROM srv_now WHERE play_count > old_count`, [nowTs]);
    const played = await store.one<{ songs: number; plays: number }>('SELECT count(*)::INTEGER AS songs, coalesce(sum(play_count - old_count), 0)::INTEGER AS plays FROM srv_now WHERE play_count > old_count');
    await store.run(`
INSERT OR REPLACE INTO server_songs (server, item_id, track_id, starred_at, liked_at, play_count, last_played, synced_at)
SELECT $1, n.item_id, n.track_id, n.starred_at,
       CASE WHEN n.starred_at IS NULL THEN NULL WHEN l.item_id IS NOT NULL THEN n.starred_at ELSE n.old_liked END,
       greatest(n.play_count, n.old_count), coalesce(n.last_played, n.old_played), $2::TIMESTAMP
FROM srv_now n LEFT JOIN srv_likes l USING (item_id)`, [server, nowTs]);
    for (const t of ['srv_items', 'srv_items_resolved', 'srv_state', 'srv_now', 'srv_likes']) await store.run(`DROP TABLE IF EXISTS ${t}`);
    return {
      server, songs: wanted.length, likes_added: likesAdded, likes_removed: likesRemoved,
      played_songs: played?.songs ?? 0, new_plays: played?.plays ?? 0, new_tracks: newTracks,
    };
  });
}
