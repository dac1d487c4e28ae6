import type { Migration } from './types.js';

/** Migrations 50-54: pushing playlists to files and services (issue 7). */
export const playlistPushMigrations: Migration[] = [
  {
    id: 50,
    name: 'playlist push targets',
    // One row per part of a pushed playlist on one target (service + account): the remote playlist
    // it became, what it should hold (content_hash of the ids, total) and how many items are
    // confirmed written. `based` says the remote holds only this push's items so far (created
    // empty or already replaced), so appends may resume from `written`.
    sql: `
CREATE TABLE playlist_pushes (
  playlist_id VARCHAR NOT NULL,
  target VARCHAR NOT NULL,
  part INTEGER NOT NULL,
  parts INTEGER NOT NULL,
  remote_id VARCHAR,
  name VARCHAR,
  content_hash VARCHAR,
  total BIGINT NOT NULL DEFAULT 0,
  written BIGINT NOT NULL DEFAULT 0,
  based BOOLEAN NOT NULL DEFAULT false,
  status VARCHAR NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  PRIMARY KEY (playlist_id, target, part)
);
`,
  },
];
