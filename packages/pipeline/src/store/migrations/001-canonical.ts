import type { Migration } from './types.js';

/** Migrations 1-9: the canonical tables (issue 2). */
export const canonicalMigrations: Migration[] = [
  {
    id: 1,
    name: 'canonical tables',
    sql: `
CREATE TABLE tracks (
  track_id VARCHAR PRIMARY KEY,
  kind VARCHAR NOT NULL DEFAULT 'track',
  title VARCHAR,
  artist_name VARCHAR,
  album_name VARCHAR,
  duration_ms BIGINT,
  spotify_uri VARCHAR,
  isrc VARCHAR,
  mbid VARCHAR,
  deezer_id BIGINT,
  artist_id VARCHAR,
  name_key VARCHAR,
  created_at TIMESTAMP DEFAULT current_timestamp
);
CREATE TABLE track_keys (
  key_type VARCHAR NOT NULL,
  key VARCHAR NOT NULL,
  track_id VARCHAR NOT NULL,
  PRIMARY KEY (key_type, key)
);
CREATE TABLE artists (
  artist_id VARCHAR PRIMARY KEY,
  name VARCHAR NOT NULL,
  name_key VARCHAR NOT NULL,
  spotify_uri VARCHAR,
  mbid VARCHAR,
  deezer_id BIGINT
);
CREATE TABLE albums (
  album_id VARCHAR PRIMARY KEY,
  title VARCHAR,
  artist_name VARCHAR,
  spotify_uri VARCHAR,
  mbid VARCHAR
);
CREATE TABLE track_artists (
  track_id VARCHAR NOT NULL,
  artist_id VARCHAR NOT NULL,
  position INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (track_id, artist_id)
);
CREATE TABLE plays (
  played_at TIMESTAMP NOT NULL,
  track_id VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  ms_played BIGINT,
  source VARCHAR NOT NULL,
  precision_s INTEGER NOT NULL DEFAULT 1,
  skipped BOOLEAN,
  reason_start VARCHAR,
  reason_end VARCHAR,
  shuffle BOOLEAN,
  offline BOOLEAN,
  offline_at TIMESTAMP,
  incognito BOOLEAN,
  platform VARCHAR,
  conn_country VARCHAR,
  import_id VARCHAR
);
-- One row per listening event: (played_at, track_id) is unique, kept so by the importers (rows that
-- repeat a key are added into one play). No index: the importers' anti-joins are hash joins, and an
-- ART index only slows bulk inserts.
CREATE TABLE library (
  source VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  item_id VARCHAR NOT NULL,
  name VARCHAR,
  artist_name VARCHAR,
  uri VARCHAR,
  added_at TIMESTAMP,
  PRIMARY KEY (source, kind, item_id)
);
CREATE TABLE playlists (
  playlist_id VARCHAR PRIMARY KEY,
  source VARCHAR NOT NULL,
  name VARCHAR,
  owner VARCHAR,
  description VARCHAR,
  snapshot VARCHAR,
  modified_at TIMESTAMP,
  followers BIGINT,
  item_count BIGINT,
  items_status VARCHAR
);
CREATE TABLE playlist_items (
  playlist_id VARCHAR NOT NULL,
  position BIGINT NOT NULL,
  track_id VARCHAR,
  kind VARCHAR,
  added_at TIMESTAMP,
  added_by VARCHAR,
  is_local BOOLEAN,
  PRIMARY KEY (playlist_id, position)
);
CREATE TABLE tags (tag VARCHAR PRIMARY KEY);
CREATE TABLE track_tags (track_id VARCHAR NOT NULL, tag VARCHAR NOT NULL, weight DOUBLE, source VARCHAR NOT NULL, PRIMARY KEY (track_id, tag, source));
CREATE TABLE artist_tags (artist_id VARCHAR NOT NULL, tag VARCHAR NOT NULL, weight DOUBLE, source VARCHAR NOT NULL, PRIMARY KEY (artist_id, tag, source));
CREATE TABLE "similar" (from_id VARCHAR NOT NULL, to_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, weight DOUBLE, source VARCHAR NOT NULL, PRIMARY KEY (from_id, to_id, kind, source));
CREATE TABLE http_cache (
  key VARCHAR PRIMARY KEY,
  url VARCHAR NOT NULL,
  status INTEGER NOT NULL,
  body VARCHAR,
  fetched_at TIMESTAMP NOT NULL,
  expires_at TIMESTAMP,
  hits BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE checkpoints (
  stream VARCHAR PRIMARY KEY,
  state JSON NOT NULL,
  updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
CREATE SEQUENCE runs_seq START 1;
CREATE TABLE runs (
  run_id BIGINT PRIMARY KEY DEFAULT nextval('runs_seq'),
  job VARCHAR NOT NULL,
  started_at TIMESTAMP NOT NULL,
  finished_at TIMESTAMP,
  status VARCHAR NOT NULL,
  rows_in BIGINT,
  rows_out BIGINT,
  summary JSON,
  error VARCHAR
);
CREATE TABLE models (
  model_id VARCHAR PRIMARY KEY,
  kind VARCHAR NOT NULL,
  path VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL,
  metrics JSON
);
CREATE TABLE imports (
  import_id VARCHAR PRIMARY KEY,
  kind VARCHAR NOT NULL,
  path VARCHAR NOT NULL,
  imported_at TIMESTAMP NOT NULL,
  summary JSON
);
`,
  },
];
