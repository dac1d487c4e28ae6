import type { Migration } from './types.js';

/** Migration 58: what the listener's own media servers (Subsonic/Navidrome, Jellyfin) say of their songs. */
export const serverSongMigrations: Migration[] = [
  {
    id: 58,
    name: 'server songs: stars, favourites and play counts',
    // One row per song of a server (`server` is the service and account, never a secret) that was
    // ever starred or played. `liked_at` is the feedback_at of the like a sync added for the star:
    // an un-star removes that like and no other. play_count and last_played are the server's own
    // counters, kept as evidence; each sync that sees a count grow adds one 'played' feedback event.
    sql: `
CREATE TABLE server_songs (
  server VARCHAR NOT NULL,
  item_id VARCHAR NOT NULL,
  track_id VARCHAR NOT NULL,
  starred_at TIMESTAMP,
  liked_at TIMESTAMP,
  play_count BIGINT NOT NULL DEFAULT 0,
  last_played TIMESTAMP,
  synced_at TIMESTAMP NOT NULL,
  PRIMARY KEY (server, item_id)
);
`,
  },
];
