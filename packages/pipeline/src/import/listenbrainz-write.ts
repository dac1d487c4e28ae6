import { implausiblePlay, type listenbrainz } from '@mixtape/connectors';
import { resolveTracks } from '../identity/resolve.js';
import { appendTempTable, type Cell } from '../store/bulk.js';
import type { Store } from '../store/store.js';
import { ITEM_COLUMNS } from './library-stage.js';
import { dropScrobbledElsewhere, dropScrobblesHeardOnSpotify, mergePlays } from './merge-plays.js';

export interface ListensWritten {
  inserted: number;
  /** Listens already stored from ListenBrainz (a re-read page, the overlap window, a re-imported zip). */
  duplicates: number;
  /** Listens already stored from Spotify, Last.fm or a scrobble file: the same listen, kept once. */
  alreadyElsewhere: number;
}

/** Feedback that names no track this store knows, and carries no names to make one from. */
export interface FeedbackWritten {
  likes: number;
  bans: number;
  /** Loves and hates already recorded. */
  duplicates: number;
  unresolved: number;
}

/** The `track_keys` type of a MessyBrainz id: how feedback without an MBID finds its listen's track. */
export const MSID_KEY = 'lb_msid';

/**
 * Writes listens as plays (source `listenbrainz`). Identity: the mapped recording MBID, the ISRC and
 * the Spotify URI (from additional_info) are strong keys; names the rest. A listen's time is its
 * start, as a scrobble's: the same listen from Spotify, Last.fm or a scrobble file is kept once.
 * Implausible times (before 2000, in the future) are counted in `rejected`, not stored.
 */
export async function writeListens(store: Store, page: listenbrainz.ListenRecord[], importId: string, rejected: Record<string, number>): Promise<ListensWritten> {
  const list = page.filter((l) => {
    const reason = implausiblePlay(l.listenedAt * 1000);
    if (reason) rejected[reason] = (rejected[reason] ?? 0) + 1;
    return reason === undefined;
  });
  if (list.length === 0) return { inserted: 0, duplicates: 0, alreadyElsewhere: 0 };
  await appendTempTable(store, 'lb_items', ITEM_COLUMNS, list.map((l, i): Cell[] => [i, 'track', l.spotifyUri, l.recordingMbid, l.isrc, l.title, l.artist, l.album, l.durationMs]));
  await resolveTracks(store, 'lb_items');
  await appendTempTable(store, 'lb_plays', [['row_id', 'BIGINT'], ['played_at', 'TIMESTAMP'], ['msid', 'VARCHAR'], ['artist_mbid', 'VARCHAR']],
    // An artist MBID names the track's artist only when the credit is one artist.
    list.map((l, i): Cell[] => [i, l.listenedAt * 1000, l.msid, l.artistMbids.length === 1 ? l.artistMbids[0]! : null]));
  await store.run(`
INSERT OR IGNORE INTO track_keys SELECT DISTINCT '${MSID_KEY}', p.msid, r.track_id FROM lb_plays p JOIN lb_items_resolved r USING (row_id) WHERE p.msid IS NOT NULL;
UPDATE artists SET mbid = m.mbid FROM (
  SELECT t.artist_id, min(p.artist_mbid) AS mbid FROM lb_plays p JOIN lb_items_resolved r USING (row_id) JOIN tracks t USING (track_id)
  WHERE p.artist_mbid IS NOT NULL AND t.artist_id IS NOT NULL GROUP BY t.artist_id HAVING count(DISTINCT p.artist_mbid) = 1
) m WHERE artists.artist_id = m.artist_id AND artists.mbid IS NULL;
CREATE OR REPLACE TEMP TABLE imp_plays AS
SELECT p.played_at, r.track_id, 'track' AS kind, NULL::BIGINT AS ms_played, 'listenbrainz' AS source, 1 AS precision_s, NULL::BOOLEAN AS skipped,
       NULL::VARCHAR AS reason_start, NULL::VARCHAR AS reason_end, NULL::BOOLEAN AS shuffle, NULL::BOOLEAN AS offline, NULL::TIMESTAMP AS offline_at,
       NULL::BOOLEAN AS incognito, NULL::VARCHAR AS platform, NULL::VARCHAR AS conn_country, p.row_id AS ord
FROM lb_plays p JOIN lb_items_resolved r USING (row_id);`);
  const spotify = await dropScrobblesHeardOnSpotify(store);
  const elsewhere = await dropScrobbledElsewhere(store);
  // Of those, the ones dropped against ListenBrainz's own plays are repeats, not other sources.
  const m = await mergePlays(store, importId);
  await store.run('DROP TABLE imp_plays');
  return { inserted: m.inserted, duplicates: m.duplicates + m.folded + elsewhere.sameSource, alreadyElsewhere: spotify + elsewhere.otherSource };
}

/**
 * Loves (score 1) become likes and hates (-1) bans in `feedback`, as `mixtape feedback` records
 * them. The track is found by recording MBID, then by the MessyBrainz id of a stored listen, then
 * by names where the feedback carries them; a love already recorded at the same time is not added twice.
 */
export async function writeFeedback(store: Store, list: listenbrainz.FeedbackRecord[]): Promise<FeedbackWritten> {
  const out: FeedbackWritten = { likes: 0, bans: 0, duplicates: 0, unresolved: 0 };
  if (list.length === 0) return out;
  await appendTempTable(store, 'lb_fb_items', ITEM_COLUMNS, list.filter((f) => f.title !== null && f.artist !== null).map((f): Cell[] => [list.indexOf(f), 'track', null, f.recordingMbid, null, f.title, f.artist, null, null]));
  await resolveTracks(store, 'lb_fb_items');
  await appendTempTable(store, 'lb_fb', [['row_id', 'BIGINT'], ['feedback_at', 'TIMESTAMP'], ['kind', 'VARCHAR'], ['mbid', 'VARCHAR'], ['msid', 'VARCHAR']],
    list.map((f, i): Cell[] => [i, f.createdAt * 1000, f.score === 1 ? 'like' : 'ban', f.recordingMbid, f.msid]));
  await store.run(`
CREATE OR REPLACE TEMP TABLE lb_fb_resolved AS
SELECT f.feedback_at, f.kind, coalesce(
    (SELECT track_id FROM track_keys k WHERE k.key_type = 'mbid' AND k.key = f.mbid),
    (SELECT track_id FROM track_keys k WHERE k.key_type = '${MSID_KEY}' AND k.key = f.msid),
    r.track_id) AS track_id
FROM lb_fb f LEFT JOIN lb_fb_items_resolved r USING (row_id);`);
  await store.run(`
CREATE OR REPLACE TEMP TABLE lb_fb_new AS
SELECT DISTINCT r.feedback_at, r.track_id, r.kind,
       EXISTS (SELECT 1 FROM feedback x WHERE x.track_id = r.track_id AND x.kind = r.kind AND x.feedback_at = r.feedback_at) AS dup
FROM lb_fb_resolved r WHERE r.track_id IS NOT NULL;
INSERT INTO feedback (feedback_at, track_id, kind, arm) SELECT feedback_at, track_id, kind, NULL FROM lb_fb_new WHERE NOT dup;`);
  const c = (await store.one<{ likes: number; bans: number; dupes: number }>(
    `SELECT count(*) FILTER (NOT dup AND kind = 'like') AS likes, count(*) FILTER (NOT dup AND kind = 'ban') AS bans, count(*) FILTER (dup) AS dupes FROM lb_fb_new`,
  ))!;
  out.unresolved = Number(await store.scalar('SELECT count(*) FROM lb_fb_resolved WHERE track_id IS NULL'));
  out.likes = Number(c.likes);
  out.bans = Number(c.bans);
  out.duplicates = Number(c.dupes);
  return out;
}
