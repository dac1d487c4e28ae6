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
];
