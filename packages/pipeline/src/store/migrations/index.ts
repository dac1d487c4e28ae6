import { canonicalMigrations } from './001-canonical.js';
import { identityMigrations } from './002-identity.js';
import { nameKeyMigrations } from './003-name-keys.js';
import { spotifyExportMigrations } from './010-spotify-export.js';
import { enrichmentMigrations } from './020-enrichment.js';
import { scheduleMigrations } from './055-schedule.js';
import { personalMigrations } from './056-personal.js';
import { playlistPushMigrations } from './050-playlist-push.js';
import { serverSongMigrations } from './058-server-songs.js';
import type { Migration } from './types.js';

export type { Migration } from './types.js';

/**
 * Numbered schema migrations, applied in id order. Never edit one that has shipped; append a new
 * one. Id ranges: 1-9 canonical store and imports, 10-19 Spotify export, 20-29 enrichment,
 * 30-39 model, 40-49 federation, 50-59 playlists and scheduling.
 */
export const migrations: Migration[] = [...canonicalMigrations, ...identityMigrations, ...nameKeyMigrations, ...spotifyExportMigrations, ...enrichmentMigrations, ...scheduleMigrations, ...playlistPushMigrations, ...personalMigrations, ...serverSongMigrations].sort((a, b) => a.id - b.id);

const ids = new Set<number>();
for (const m of migrations) {
  if (ids.has(m.id)) throw new Error(`duplicate migration id ${m.id}`);
  ids.add(m.id);
}
