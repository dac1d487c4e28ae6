import type { Migration } from './types.js';

/** Migrations 10-19: Spotify Web API export (issue 3). */
export const spotifyExportMigrations: Migration[] = [
  {
    id: 10,
    name: 'raw pages and Spotify Web API tables',
    // Web API catalogue data carries source 'spotify_api' everywhere so training can exclude it
    // (Spotify's developer policy forbids training models on Web API content).
    sql: `
CREATE TABLE raw_pages (
  source VARCHAR NOT NULL,
  stream VARCHAR NOT NULL,
  page_key VARCHAR NOT NULL,
  url VARCHAR,
  fetched_at TIMESTAMP NOT NULL,
  body JSON,
  PRIMARY KEY (source, stream, page_key)
);
CREATE TABLE spotify_catalog (
  uri VARCHAR PRIMARY KEY,
  track_id VARCHAR,
  kind VARCHAR NOT NULL,
  name VARCHAR,
  artist_name VARCHAR,
  album_name VARCHAR,
  duration_ms BIGINT,
  isrc VARCHAR,
  source VARCHAR NOT NULL DEFAULT 'spotify_api',
  raw JSON,
  fetched_at TIMESTAMP NOT NULL
);
CREATE TABLE spotify_profile (
  user_id VARCHAR PRIMARY KEY,
  display_name VARCHAR,
  country VARCHAR,
  product VARCHAR,
  raw JSON,
  fetched_at TIMESTAMP NOT NULL
);
CREATE TABLE spotify_top (
  kind VARCHAR NOT NULL,
  time_range VARCHAR NOT NULL,
  rank INTEGER NOT NULL,
  uri VARCHAR,
  track_id VARCHAR,
  name VARCHAR,
  source VARCHAR NOT NULL DEFAULT 'spotify_api',
  fetched_at TIMESTAMP NOT NULL,
  PRIMARY KEY (kind, time_range, rank)
);
`,
  },
  {
    id: 11,
    name: 'Spotify staging rows',
    // Pages of saved items and playlist items are staged row by row (with their checkpoint); the
    // identity resolution and canonical writes run once per stream, set-based, when it finishes.
    sql: `
CREATE TABLE spotify_stage (
  stream VARCHAR NOT NULL,
  seq BIGINT NOT NULL,
  added_at TIMESTAMP,
  added_by VARCHAR,
  is_local BOOLEAN,
  kind VARCHAR,
  uri VARCHAR,
  title VARCHAR,
  artist VARCHAR,
  album VARCHAR,
  duration_ms BIGINT,
  isrc VARCHAR,
  raw JSON,
  PRIMARY KEY (stream, seq)
);
`,
  },
];
