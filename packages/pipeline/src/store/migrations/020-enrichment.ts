import type { Migration } from './types.js';

/** Migrations 20-29: enrichment from Deezer, Last.fm and MusicBrainz, and the HTTP cache (issue 4). */
export const enrichmentMigrations: Migration[] = [
  {
    id: 20,
    name: 'enrichment state, Deezer details, HTTP cache counters',
    sql: `
CREATE TABLE enrich_state (
  item_id VARCHAR NOT NULL,
  source VARCHAR NOT NULL,
  status VARCHAR NOT NULL,
  detail VARCHAR,
  updated_at TIMESTAMP NOT NULL,
  PRIMARY KEY (item_id, source)
);
CREATE TABLE deezer_tracks (
  track_id VARCHAR PRIMARY KEY,
  deezer_id BIGINT NOT NULL,
  matched_by VARCHAR NOT NULL,
  score DOUBLE,
  bpm DOUBLE,
  gain DOUBLE,
  rank BIGINT,
  release_date VARCHAR,
  album_id BIGINT,
  genres VARCHAR[],
  contributors JSON,
  fetched_at TIMESTAMP NOT NULL
);
CREATE TABLE http_cache_stats (
  service VARCHAR PRIMARY KEY,
  hits BIGINT NOT NULL DEFAULT 0,
  misses BIGINT NOT NULL DEFAULT 0,
  updated_at TIMESTAMP
);
`,
  },
];
