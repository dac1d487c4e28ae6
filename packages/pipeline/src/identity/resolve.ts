import type { Store } from '../store/store.js';
import { artistIdSql } from './artist-id.js';

/**
 * Identity resolution, set-based in SQL. The input table has one row per item seen in a source:
 * `row_id BIGINT, kind VARCHAR ('track'|'episode'|'audiobook'), uri, mbid, isrc, title, artist,
 * album VARCHAR, duration_ms BIGINT`. The output table `<input>_resolved(row_id, track_id)` maps
 * every row with a title or a strong id to a Mixtape track id; new tracks and artists are created.
 *
 * Rules: a strong id (Spotify URI, then MusicBrainz recording id, then ISRC) already known wins.
 * Otherwise the normalized "kind|artist|title" key finds a track, unless that track already holds a
 * different id of the same type (two Spotify URIs are two recordings: never merged). Track ids are
 * derived from the first key that created them, so the same input gives the same ids everywhere.
 */
export async function resolveTracks(store: Store, input: string): Promise<{ newTracks: number }> {
  const out = `${input}_resolved`;
  const before = Number(await store.scalar('SELECT count(*) FROM tracks'));
  await store.run(`
-- Resolve each distinct item once (a history repeats the same few thousand tracks), then map rows back.
CREATE OR REPLACE TEMP TABLE _rrow AS
SELECT row_id, hash(kind, uri, mbid, isrc, title, artist, album, duration_ms) AS h FROM ${input};
CREATE OR REPLACE TEMP TABLE _rd AS
SELECT min(row_id) AS row_id, h FROM _rrow GROUP BY h;
CREATE OR REPLACE TEMP TABLE _ri AS
SELECT row_id, kind,
       nullif(trim(uri), '') AS uri, nullif(lower(trim(mbid)), '') AS mbid, nullif(upper(trim(isrc)), '') AS isrc,
       title, artist, album, duration_ms,
       mt_name_key(kind, artist, title) AS name_key
FROM ${input} SEMI JOIN _rd USING (row_id);

CREATE OR REPLACE TEMP TABLE _rk AS
SELECT row_id, 'spotify' AS key_type, uri AS key, 1 AS prio FROM _ri WHERE uri IS NOT NULL
UNION ALL SELECT row_id, 'mbid', mbid, 2 FROM _ri WHERE mbid IS NOT NULL
UNION ALL SELECT row_id, 'isrc', isrc, 3 FROM _ri WHERE isrc IS NOT NULL;

-- The primary strong key of each row, and one group per distinct primary key.
CREATE OR REPLACE TEMP TABLE _rp AS
SELECT row_id, arg_min(key_type, prio) AS key_type, arg_min(key, prio) AS key FROM _rk GROUP BY row_id;

CREATE OR REPLACE TEMP TABLE _rg AS
SELECT p.key_type, p.key, arg_min(i.name_key, p.row_id) AS name_key, min(p.row_id) AS first_row
FROM _rp p JOIN _ri i USING (row_id) GROUP BY p.key_type, p.key;

-- Groups already known by their primary key, else by any other strong key of their rows.
ALTER TABLE _rg ADD COLUMN track_id VARCHAR;
UPDATE _rg SET track_id = tk.track_id FROM track_keys tk WHERE tk.key_type = _rg.key_type AND tk.key = _rg.key;
UPDATE _rg SET track_id = m.track_id FROM (
  SELECT p.key_type, p.key, min(tk.track_id) AS track_id
  FROM _rp p JOIN _rk k USING (row_id) JOIN track_keys tk ON tk.key_type = k.key_type AND tk.key = k.key
  GROUP BY p.key_type, p.key
) m WHERE _rg.track_id IS NULL AND m.key_type = _rg.key_type AND m.key = _rg.key;

-- Unknown groups: the first one for a name takes the track of that name when it is compatible.
UPDATE _rg SET track_id = c.track_id FROM (
  SELECT g.key_type, g.key, tk.track_id
  FROM (SELECT *, row_number() OVER (PARTITION BY name_key ORDER BY first_row) AS rn FROM _rg WHERE track_id IS NULL AND name_key IS NOT NULL) g
  JOIN track_keys tk ON tk.key_type = 'name' AND tk.key = g.name_key
  WHERE g.rn = 1 AND NOT EXISTS (SELECT 1 FROM track_keys o WHERE o.track_id = tk.track_id AND o.key_type = g.key_type)
) c WHERE _rg.track_id IS NULL AND c.key_type = _rg.key_type AND c.key = _rg.key;
UPDATE _rg SET track_id = 't' || substr(md5(key_type || ':' || key), 1, 15) WHERE track_id IS NULL;

-- Names: a name seen for the first time points at the first track that carried it.
CREATE OR REPLACE TEMP TABLE _rn AS
SELECT name_key, coalesce(
         (SELECT tk.track_id FROM track_keys tk WHERE tk.key_type = 'name' AND tk.key = n.name_key),
         (SELECT arg_min(g.track_id, g.first_row) FROM _rg g WHERE g.name_key = n.name_key),
         't' || substr(md5('name:' || n.name_key), 1, 15)) AS track_id
FROM (SELECT DISTINCT name_key FROM _ri WHERE name_key IS NOT NULL) n;

CREATE OR REPLACE TEMP TABLE _rres AS
SELECT i.row_id, coalesce(g.track_id, n.track_id) AS track_id
FROM _ri i
LEFT JOIN _rp p USING (row_id)
LEFT JOIN _rg g ON g.key_type = p.key_type AND g.key = p.key
LEFT JOIN _rn n ON n.name_key = i.name_key AND p.row_id IS NULL
WHERE coalesce(g.track_id, n.track_id) IS NOT NULL;

CREATE OR REPLACE TEMP TABLE ${out} AS
SELECT r.row_id, x.track_id FROM _rrow r JOIN _rd d USING (h) JOIN _rres x ON x.row_id = d.row_id;

-- New tracks, with the metadata of the first row that named them.
INSERT INTO tracks (track_id, kind, title, artist_name, album_name, duration_ms, spotify_uri, isrc, mbid, artist_id, name_key)
SELECT track_id, kind, title, artist, album, duration_ms, uri, isrc, mbid, ${artistIdSql('artist')}, name_key FROM (
  SELECT r.track_id, arg_min(i.kind, i.row_id) AS kind, arg_min(i.title, i.row_id) AS title, arg_min(i.artist, i.row_id) AS artist,
         arg_min(i.album, i.row_id) AS album, max(i.duration_ms) AS duration_ms, min(i.uri) AS uri, min(i.isrc) AS isrc, min(i.mbid) AS mbid,
         arg_min(i.name_key, i.row_id) AS name_key
  FROM _rres r JOIN _ri i USING (row_id)
  WHERE r.track_id NOT IN (SELECT track_id FROM tracks)
  GROUP BY r.track_id
);

-- Known tracks learn the ids and details they lacked.
UPDATE tracks SET spotify_uri = coalesce(tracks.spotify_uri, f.uri), isrc = coalesce(tracks.isrc, f.isrc),
                  mbid = coalesce(tracks.mbid, f.mbid), album_name = coalesce(tracks.album_name, f.album),
                  duration_ms = coalesce(tracks.duration_ms, f.duration_ms)
FROM (SELECT r.track_id, min(i.uri) AS uri, min(i.isrc) AS isrc, min(i.mbid) AS mbid, min(i.album) AS album, max(i.duration_ms) AS duration_ms
      FROM _rres r JOIN _ri i USING (row_id) GROUP BY r.track_id) f
WHERE tracks.track_id = f.track_id
  AND ((tracks.spotify_uri IS NULL AND f.uri IS NOT NULL) OR (tracks.isrc IS NULL AND f.isrc IS NOT NULL)
    OR (tracks.mbid IS NULL AND f.mbid IS NOT NULL) OR (tracks.album_name IS NULL AND f.album IS NOT NULL)
    OR (tracks.duration_ms IS NULL AND f.duration_ms IS NOT NULL));

INSERT OR IGNORE INTO track_keys
SELECT DISTINCT k.key_type, k.key, r.track_id FROM _rk k JOIN _rres r USING (row_id);
INSERT OR IGNORE INTO track_keys
SELECT 'name', name_key, track_id FROM _rn;

INSERT OR IGNORE INTO artists (artist_id, name, name_key)
SELECT artist_id, arg_min(artist_name, track_id), mt_norm(arg_min(artist_name, track_id))
FROM tracks WHERE artist_id IS NOT NULL AND artist_id NOT IN (SELECT artist_id FROM artists) GROUP BY artist_id;
INSERT OR IGNORE INTO track_artists (track_id, artist_id, position)
SELECT t.track_id, t.artist_id, 0 FROM tracks t JOIN (SELECT DISTINCT track_id FROM _rres) r USING (track_id) WHERE t.artist_id IS NOT NULL;
`);
  const after = Number(await store.scalar('SELECT count(*) FROM tracks'));
  return { newTracks: after - before };
}
