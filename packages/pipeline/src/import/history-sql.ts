import { PLAY_BOUNDS } from '@mixtape/connectors';
import { sqlString } from '../store/bulk.js';
import { PLAY_COLUMNS } from './merge-plays.js';
import type { Store } from '../store/store.js';

const EXTENDED_COLUMNS = `{
  ts: 'VARCHAR', platform: 'VARCHAR', ms_played: 'BIGINT', conn_country: 'VARCHAR',
  master_metadata_track_name: 'VARCHAR', master_metadata_album_artist_name: 'VARCHAR', master_metadata_album_album_name: 'VARCHAR',
  spotify_track_uri: 'VARCHAR', episode_name: 'VARCHAR', episode_show_name: 'VARCHAR', spotify_episode_uri: 'VARCHAR',
  audiobook_title: 'VARCHAR', audiobook_uri: 'VARCHAR', audiobook_chapter_uri: 'VARCHAR', audiobook_chapter_title: 'VARCHAR',
  reason_start: 'VARCHAR', reason_end: 'VARCHAR', shuffle: 'BOOLEAN', skipped: 'BOOLEAN', offline: 'BOOLEAN',
  offline_timestamp: 'DOUBLE', incognito_mode: 'BOOLEAN'
}`;

/** The same columns as DDL, derived so the two lists cannot drift apart. */
const EXTENDED_DDL = [...EXTENDED_COLUMNS.matchAll(/(\w+): '(\w+)'/g)].map((m) => `${m[1]} ${m[2]}`).join(', ');

const ACCOUNT_COLUMNS = `{ endTime: 'VARCHAR', artistName: 'VARCHAR', trackName: 'VARCHAR', podcastName: 'VARCHAR', episodeName: 'VARCHAR', msPlayed: 'BIGINT' }`;

// What identifies the item of an extended-history row, for tracks, episodes and audiobooks alike.
const ITEM_URI = 'coalesce(spotify_track_uri, spotify_episode_uri, audiobook_chapter_uri, audiobook_uri)';
const ITEM_TITLE = 'coalesce(master_metadata_track_name, episode_name, audiobook_chapter_title, audiobook_title)';
const ITEM_ARTIST = 'coalesce(master_metadata_album_artist_name, episode_show_name, audiobook_title)';
const ITEM_ALBUM = 'CASE WHEN master_metadata_track_name IS NOT NULL THEN master_metadata_album_album_name END';

/**
 * Why a staged row cannot become a play, NULL when it can: the rules of connectors' implausiblePlay
 * (kept in SQL so a million rows are checked in place), bound to `boundParams`.
 */
const rejectReason = (playedAt: string, ms: string) => `CASE WHEN ${playedAt} IS NULL THEN 'bad_timestamp'
  WHEN ${playedAt} < make_timestamp($1::BIGINT * 1000) THEN 'played_before_2000'
  WHEN ${playedAt} > make_timestamp($2::BIGINT * 1000) THEN 'played_in_future'
  WHEN ${ms} < 0 THEN 'negative_ms_played'
  WHEN ${ms} > $3::BIGINT THEN 'ms_played_over_24h' END`;

const boundParams = (nowMs: number) => [PLAY_BOUNDS.earliestMs, nowMs + PLAY_BOUNDS.futureSlackMs, PLAY_BOUNDS.maxMsPlayed];

const ACCOUNT_TIME = "try_strptime(endTime, '%Y-%m-%d %H:%M')";

function fileList(files: string[]): string {
  return `[${files.map(sqlString).join(', ')}]`;
}

/**
 * Stages extended-history files (current and 2021 `endsong` layouts) into `stg_ext` with DuckDB's
 * own JSON reader, and account-data files into `stg_acc`. Row ids keep the sources apart; `reject`
 * holds why a row cannot be a play (checked against `nowMs`), NULL for the rows that can.
 */
export async function stageHistory(store: Store, extended: string[], account: Array<{ path: string; podcast: boolean }>, nowMs: number = Date.now()): Promise<void> {
  const bounds = boundParams(nowMs);
  await store.run(`CREATE OR REPLACE TEMP TABLE stg_ext (row_id BIGINT, ${EXTENDED_DDL}, filename VARCHAR, played_at TIMESTAMP, kind VARCHAR, item_h UBIGINT, reject VARCHAR)`);
  if (extended.length > 0) {
    await store.run(`
INSERT INTO stg_ext
SELECT *, hash(kind, ${ITEM_URI}, ${ITEM_TITLE}, ${ITEM_ARTIST}, ${ITEM_ALBUM}), ${rejectReason('played_at', 'ms_played')} FROM (
  SELECT row_number() OVER () AS row_id, *,
    CAST(TRY_CAST(ts AS TIMESTAMPTZ) AS TIMESTAMP) AS played_at,
    CASE WHEN spotify_track_uri IS NOT NULL OR master_metadata_track_name IS NOT NULL THEN 'track'
         WHEN spotify_episode_uri IS NOT NULL OR episode_name IS NOT NULL THEN 'episode'
         WHEN audiobook_chapter_uri IS NOT NULL OR audiobook_uri IS NOT NULL OR audiobook_title IS NOT NULL THEN 'audiobook' END AS kind
  FROM read_json(${fileList(extended)}, format = 'array', columns = ${EXTENDED_COLUMNS}, filename = true, maximum_object_size = 16777216));`, bounds);
  }
  await store.run(`CREATE OR REPLACE TEMP TABLE stg_acc (row_id BIGINT, endTime VARCHAR, artistName VARCHAR, trackName VARCHAR, podcastName VARCHAR, episodeName VARCHAR, msPlayed BIGINT, podcast BOOLEAN, filename VARCHAR, played_at TIMESTAMP, reject VARCHAR)`);
  const music = account.filter((a) => !a.podcast).map((a) => a.path);
  const podcasts = account.filter((a) => a.podcast).map((a) => a.path);
  for (const [files, podcast] of [[music, false], [podcasts, true]] as const) {
    if (files.length === 0) continue;
    await store.run(`
INSERT INTO stg_acc
SELECT *, ${rejectReason('played_at', 'msPlayed')} FROM (
  SELECT 2000000000000 + (SELECT count(*) FROM stg_acc) + row_number() OVER (), endTime, artistName, trackName, podcastName, episodeName, msPlayed, ${podcast}, filename,
    ${ACCOUNT_TIME} AS played_at
  FROM read_json(${fileList(files)}, format = 'array', columns = ${ACCOUNT_COLUMNS}, filename = true));`, bounds);
  }
}

/** Adds staged history rows to the resolver input `imp_items`. */
export async function historyItems(store: Store): Promise<void> {
  await store.run(`
-- One resolver row per distinct item: a million plays name a few thousand tracks.
-- Rejected rows name no track: a row from 2099 must not add one.
CREATE OR REPLACE TEMP TABLE ext_rep AS SELECT item_h, min(row_id) AS row_id FROM stg_ext WHERE reject IS NULL GROUP BY item_h;
INSERT INTO imp_items
SELECT row_id, kind, ${ITEM_URI}, NULL, NULL, ${ITEM_TITLE}, ${ITEM_ARTIST}, ${ITEM_ALBUM}, NULL
FROM stg_ext SEMI JOIN ext_rep USING (row_id);
INSERT INTO imp_items
SELECT row_id, CASE WHEN podcast OR podcastName IS NOT NULL THEN 'episode' ELSE 'track' END, NULL, NULL, NULL,
  coalesce(trackName, episodeName), coalesce(artistName, podcastName), NULL, NULL
FROM stg_acc WHERE reject IS NULL;`);
}

/** Defines the candidate plays `imp_plays` (a view) from staged history joined to resolved track ids. */
export async function historyPlays(store: Store): Promise<void> {
  await store.run(`
CREATE OR REPLACE TEMP TABLE ext_track AS SELECT x.item_h, r.track_id FROM ext_rep x JOIN imp_items_resolved r USING (row_id);
CREATE OR REPLACE TEMP VIEW imp_plays (${PLAY_COLUMNS}, ord) AS
SELECT e.played_at, r.track_id, e.kind, e.ms_played,
  CASE WHEN e.filename LIKE '%endsong%' OR e.filename LIKE '%endvideo%' THEN 'spotify-endsong' ELSE 'spotify-extended' END, 1,
  e.skipped, nullif(e.reason_start, ''), nullif(e.reason_end, ''), e.shuffle, e.offline,
  -- endsong files give offline_timestamp in milliseconds, current files in seconds.
  CASE WHEN e.offline_timestamp IS NULL OR e.offline_timestamp <= 0 THEN NULL
       WHEN e.offline_timestamp > 100000000000 THEN to_timestamp(e.offline_timestamp / 1000)::TIMESTAMP
       ELSE to_timestamp(e.offline_timestamp)::TIMESTAMP END,
  e.incognito_mode, nullif(e.platform, ''), nullif(e.conn_country, ''), e.row_id
FROM stg_ext e JOIN ext_track r USING (item_h)
WHERE e.reject IS NULL
UNION ALL
SELECT a.played_at, r.track_id, i.kind, a.msPlayed, 'spotify-account', 60,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, a.row_id
FROM stg_acc a JOIN imp_items_resolved r USING (row_id) JOIN imp_items i USING (row_id)
WHERE a.reject IS NULL;`);
}

/** Counts history rows that could not become plays, by reason. */
export async function historyRejects(store: Store): Promise<Record<string, number>> {
  const rows = await store.all<{ reason: string; n: number }>(`
SELECT reason, count(*) AS n FROM (
  SELECT coalesce(e.reject, 'no_track_metadata') AS reason
  FROM stg_ext e LEFT JOIN (SELECT x.item_h, r.track_id FROM ext_rep x JOIN imp_items_resolved r USING (row_id)) r USING (item_h)
  WHERE r.track_id IS NULL OR e.reject IS NOT NULL
  UNION ALL
  SELECT coalesce(a.reject, 'no_track_metadata')
  FROM stg_acc a LEFT JOIN imp_items_resolved r USING (row_id)
  WHERE r.track_id IS NULL OR a.reject IS NOT NULL
) GROUP BY reason ORDER BY reason`);
  return Object.fromEntries(rows.map((r) => [r.reason, r.n]));
}

/** Each staged history file whose rows never carry the keys of its kind: another kind of file under this name. */
export async function historyWrongShape(store: Store): Promise<Array<{ filename: string; kind: string; keys: string }>> {
  return store.all<{ filename: string; kind: string; keys: string }>(`
SELECT filename, 'extended streaming history' AS kind, 'ts, ms_played' AS keys FROM stg_ext GROUP BY filename HAVING count(*) FILTER (ts IS NOT NULL AND ms_played IS NOT NULL) = 0
UNION ALL
SELECT filename, 'account-data streaming history', 'endTime, msPlayed' FROM stg_acc GROUP BY filename HAVING count(*) FILTER (endTime IS NOT NULL AND msPlayed IS NOT NULL) = 0
ORDER BY filename`);
}
