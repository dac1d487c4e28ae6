import { spotify } from '@mixtape/connectors';
import { resolveTracks } from '../identity/resolve.js';
import { mergePlays } from '../import/merge-plays.js';
import { appendTempTable, type Cell } from '../store/bulk.js';
import type { Store } from '../store/store.js';

type Json = Record<string, unknown>;
/** Every row written from the Web API carries this source, so training can leave it out. */
export const SOURCE = 'spotify_api';

const ITEM_COLUMNS = [
  ['row_id', 'BIGINT'], ['kind', 'VARCHAR'], ['uri', 'VARCHAR'], ['mbid', 'VARCHAR'], ['isrc', 'VARCHAR'],
  ['title', 'VARCHAR'], ['artist', 'VARCHAR'], ['album', 'VARCHAR'], ['duration_ms', 'BIGINT'],
] as const;

/**
 * Resolves track/episode objects to Mixtape track ids (the shared identity resolver) and keeps
 * their full Web API objects in `spotify_catalog`. Returns the track id per input index.
 */
export async function resolveObjects(store: Store, objects: (Json | undefined)[]): Promise<(string | null)[]> {
  const rows: Cell[][] = [];
  const fields = objects.map((o) => spotify.itemFields(o));
  fields.forEach((f, i) => {
    if (f && (f.uri || f.title)) rows.push([i, f.kind, f.uri, null, f.isrc, f.title, f.artist, f.album, f.durationMs]);
  });
  const ids: (string | null)[] = objects.map(() => null);
  if (rows.length === 0) return ids;
  await appendTempTable(store, 'sp_items', ITEM_COLUMNS, rows);
  await resolveTracks(store, 'sp_items');
  for (const r of await store.all<{ row_id: number; track_id: string }>('SELECT row_id, track_id FROM sp_items_resolved')) ids[r.row_id] = r.track_id;
  const cat: Cell[][] = [];
  fields.forEach((f, i) => {
    if (f?.uri) cat.push([f.uri, ids[i], f.kind, f.title, f.artist, f.album, f.durationMs, f.isrc, JSON.stringify(objects[i])]);
  });
  await appendTempTable(store, 'sp_cat', [['uri', 'VARCHAR'], ['track_id', 'VARCHAR'], ['kind', 'VARCHAR'], ['name', 'VARCHAR'], ['artist_name', 'VARCHAR'], ['album_name', 'VARCHAR'], ['duration_ms', 'BIGINT'], ['isrc', 'VARCHAR'], ['raw', 'VARCHAR']], cat);
  await store.run(`INSERT OR REPLACE INTO spotify_catalog (uri, track_id, kind, name, artist_name, album_name, duration_ms, isrc, source, raw, fetched_at)
    SELECT uri, track_id, kind, name, artist_name, album_name, duration_ms, isrc, '${SOURCE}', raw::JSON, current_timestamp FROM (SELECT DISTINCT ON (uri) * FROM sp_cat)`);
  return ids;
}

const STAGE_COLUMNS = [
  ['stream', 'VARCHAR'], ['seq', 'BIGINT'], ['added_at', 'TIMESTAMP'], ['added_by', 'VARCHAR'], ['is_local', 'BOOLEAN'], ['kind', 'VARCHAR'],
  ['uri', 'VARCHAR'], ['title', 'VARCHAR'], ['artist', 'VARCHAR'], ['album', 'VARCHAR'], ['duration_ms', 'BIGINT'], ['isrc', 'VARCHAR'], ['raw', 'VARCHAR'],
] as const;

/**
 * Stages one page of saved items or playlist rows (`seq` = offset + index). Cheap, so each page
 * commits with its checkpoint at once; `first` clears what an earlier, unfinished pass left.
 */
export async function stagePage(store: Store, stream: string, offset: number, rows: Json[], objectOf: (row: Json) => Json | undefined, first: boolean): Promise<number> {
  if (first) await store.run('DELETE FROM spotify_stage WHERE stream = $1', [stream]);
  const staged: Cell[][] = rows.map((r, i) => {
    const o = objectOf(r);
    const f = spotify.itemFields(o);
    const by = (r.added_by ?? null) as Json | null;
    return [stream, offset + i, ms(r.added_at), (by?.id as string | undefined) ?? null, r.is_local === true || f?.isLocal === true, f?.kind ?? null, f?.uri ?? null, f?.title ?? null, f?.artist ?? null, f?.album ?? null, f?.durationMs ?? null, f?.isrc ?? null, o ? JSON.stringify(o) : null];
  });
  if (staged.length === 0) return 0;
  await appendTempTable(store, 'sp_stage', STAGE_COLUMNS, staged);
  await store.run('INSERT OR REPLACE INTO spotify_stage SELECT stream, seq, added_at, added_by, is_local, kind, uri, title, artist, album, duration_ms, isrc, raw::JSON FROM sp_stage');
  return staged.length;
}

/** Resolves a stream's staged rows in one set-based pass; leaves `sp_stage_resolved(seq, track_id)`. */
async function resolveStaged(store: Store, stream: string): Promise<void> {
  await store.run(`CREATE OR REPLACE TEMP TABLE sp_stage_items AS
    SELECT seq AS row_id, kind, uri, NULL::VARCHAR AS mbid, isrc, title, artist, album, duration_ms
    FROM spotify_stage WHERE stream = $1 AND kind IS NOT NULL AND (uri IS NOT NULL OR title IS NOT NULL)`, [stream]);
  await resolveTracks(store, 'sp_stage_items');
  await store.run(`CREATE OR REPLACE TEMP TABLE sp_stage_resolved AS SELECT row_id AS seq, track_id FROM sp_stage_items_resolved`);
  await store.run(`INSERT OR REPLACE INTO spotify_catalog (uri, track_id, kind, name, artist_name, album_name, duration_ms, isrc, source, raw, fetched_at)
    SELECT DISTINCT ON (s.uri) s.uri, r.track_id, s.kind, s.title, s.artist, s.album, s.duration_ms, s.isrc, '${SOURCE}', s.raw, current_timestamp
    FROM spotify_stage s JOIN sp_stage_resolved r USING (seq) WHERE s.stream = $1 AND s.uri IS NOT NULL`, [stream]);
}

/** Saved tracks or episodes, once the stream is complete: staged rows into `library`. */
export async function finishSavedPlayables(store: Store, stream: string, kind: 'track' | 'episode'): Promise<void> {
  await resolveStaged(store, stream);
  await store.run(`INSERT OR REPLACE INTO library (source, kind, item_id, name, artist_name, uri, added_at)
    SELECT DISTINCT ON (r.track_id) '${SOURCE}', $2, r.track_id, s.title, s.artist, s.uri, s.added_at
    FROM spotify_stage s JOIN sp_stage_resolved r USING (seq) WHERE s.stream = $1 ORDER BY r.track_id, s.added_at DESC`, [stream, kind]);
  await store.run('DELETE FROM spotify_stage WHERE stream = $1', [stream]);
}

/** Loads the keys a full pass saw into `sp_seen(key)` (the runner hands them to a sweep). */
async function seenKeys(store: Store, keys: string[]): Promise<void> {
  await appendTempTable(store, 'sp_seen', [['key', 'VARCHAR']], keys.map((k) => [k]));
}

/**
 * After a full pass of saved tracks, episodes, albums, shows or followed artists: library rows of
 * that kind whose Spotify URI the pass did not see were removed on Spotify. Returns how many went.
 */
export async function sweepLibrary(store: Store, kind: 'track' | 'episode' | 'album' | 'show' | 'artist', uris: string[]): Promise<number> {
  await seenKeys(store, uris);
  const where = `source = '${SOURCE}' AND kind = $1 AND uri IS NOT NULL AND uri NOT IN (SELECT key FROM sp_seen)`;
  const gone = Number(await store.scalar(`SELECT count(*) FROM library WHERE ${where}`, [kind]));
  await store.run(`DELETE FROM library WHERE ${where}`, [kind]);
  return gone;
}

/**
 * After a full pass of the playlists list: Spotify playlists the pass did not see (deleted or
 * unfollowed) go, with their items and their item checkpoints. Returns how many playlists went.
 */
export async function sweepPlaylists(store: Store, ids: string[]): Promise<number> {
  await seenKeys(store, ids.map(playlistKey));
  await store.run(`CREATE OR REPLACE TEMP TABLE sp_gone AS SELECT playlist_id FROM playlists WHERE source = '${SOURCE}' AND playlist_id NOT IN (SELECT key FROM sp_seen)`);
  await store.run('DELETE FROM playlist_items WHERE playlist_id IN (SELECT playlist_id FROM sp_gone)');
  await store.run('DELETE FROM playlists WHERE playlist_id IN (SELECT playlist_id FROM sp_gone)');
  await store.run(`DELETE FROM checkpoints WHERE stream IN (SELECT 'spotify.playlist_items:' || replace(playlist_id, 'spotify:playlist:', '') FROM sp_gone)`);
  return Number(await store.scalar('SELECT count(*) FROM sp_gone'));
}

/** A playlist's items, once all pages are staged: they replace the old contents, in order. */
export async function finishPlaylistItems(store: Store, stream: string, playlistId: string): Promise<number> {
  const key = playlistKey(playlistId);
  await resolveStaged(store, stream);
  await store.run('DELETE FROM playlist_items WHERE playlist_id = $1', [key]);
  await store.run(`INSERT INTO playlist_items (playlist_id, position, track_id, kind, added_at, added_by, is_local)
    SELECT $2, s.seq, r.track_id, s.kind, s.added_at, s.added_by, s.is_local
    FROM spotify_stage s LEFT JOIN sp_stage_resolved r USING (seq) WHERE s.stream = $1 ORDER BY s.seq`, [stream, key]);
  await store.run('DELETE FROM spotify_stage WHERE stream = $1', [stream]);
  await setPlaylistStatus(store, playlistId, 'complete');
  return Number(await store.scalar('SELECT count(*) FROM playlist_items WHERE playlist_id = $1', [key]));
}

const ms = (iso: unknown): number | null => (typeof iso === 'string' && !Number.isNaN(Date.parse(iso)) ? Date.parse(iso) : null);

/** Saved albums and shows, and followed artists: library rows keyed by their Spotify URI. */
export async function writeSavedObjects(store: Store, kind: 'album' | 'show' | 'artist', rows: Json[]): Promise<number> {
  const lib: Cell[][] = [];
  for (const r of rows) {
    const o = (kind === 'artist' ? r : r[kind]) as Json | undefined;
    if (!o || typeof o.uri !== 'string') continue;
    const artists = Array.isArray(o.artists) ? (o.artists as Json[]).map((a) => a.name).join(', ') : ((o.publisher as string | undefined) ?? null);
    lib.push([kind, o.uri, o.name as string, kind === 'artist' ? null : artists, o.uri, ms(r.added_at)]);
  }
  return writeLibraryRows(store, lib);
}

async function writeLibraryRows(store: Store, lib: Cell[][]): Promise<number> {
  if (lib.length === 0) return 0;
  await appendTempTable(store, 'sp_lib', [['kind', 'VARCHAR'], ['item_id', 'VARCHAR'], ['name', 'VARCHAR'], ['artist_name', 'VARCHAR'], ['uri', 'VARCHAR'], ['added_at', 'TIMESTAMP']], lib);
  await store.run(`INSERT OR REPLACE INTO library (source, kind, item_id, name, artist_name, uri, added_at)
    SELECT '${SOURCE}', kind, item_id, name, artist_name, uri, added_at FROM (SELECT DISTINCT ON (kind, item_id) * FROM sp_lib)`);
  return lib.length;
}

/** The Mixtape id of a Spotify playlist. */
export const playlistKey = (id: string): string => `spotify:playlist:${id}`;

/** Playlist metadata; keeps an earlier items_status, which only the items stream changes. */
export async function writePlaylists(store: Store, rows: Json[]): Promise<number> {
  const meta: Cell[][] = rows.map((p) => {
    const ref = (p.items ?? p.tracks ?? {}) as Json;
    const owner = (p.owner ?? {}) as Json;
    return [playlistKey(String(p.id)), p.name as string, (owner.id as string) ?? null, (p.description as string) ?? null, (p.snapshot_id as string) ?? null, typeof ref.total === 'number' ? ref.total : null];
  });
  if (meta.length === 0) return 0;
  await appendTempTable(store, 'sp_pl', [['playlist_id', 'VARCHAR'], ['name', 'VARCHAR'], ['owner', 'VARCHAR'], ['description', 'VARCHAR'], ['snapshot', 'VARCHAR'], ['item_count', 'BIGINT']], meta);
  await store.run(`INSERT INTO playlists (playlist_id, source, name, owner, description, snapshot, item_count, items_status)
    SELECT playlist_id, '${SOURCE}', name, owner, description, snapshot, item_count, 'pending' FROM sp_pl
    ON CONFLICT (playlist_id) DO UPDATE SET name = excluded.name, owner = excluded.owner, description = excluded.description,
      snapshot = excluded.snapshot, item_count = excluded.item_count`);
  return meta.length;
}

export async function setPlaylistStatus(store: Store, playlistId: string, status: string): Promise<void> {
  await store.run('UPDATE playlists SET items_status = $2 WHERE playlist_id = $1', [playlistKey(playlistId), status]);
}

/** Top artists or tracks at ranks offset..; the first page replaces the list. */
export async function writeTop(store: Store, kind: 'artists' | 'tracks', range: string, offset: number, rows: Json[], first: boolean): Promise<number> {
  if (first) await store.run('DELETE FROM spotify_top WHERE kind = $1 AND time_range = $2', [kind, range]);
  const ids = kind === 'tracks' ? await resolveObjects(store, rows) : rows.map(() => null);
  const top: Cell[][] = rows.map((r, i) => [kind, range, offset + i + 1, r.uri as string, ids[i], r.name as string]);
  if (top.length === 0) return 0;
  await appendTempTable(store, 'sp_top', [['kind', 'VARCHAR'], ['time_range', 'VARCHAR'], ['rank', 'BIGINT'], ['uri', 'VARCHAR'], ['track_id', 'VARCHAR'], ['name', 'VARCHAR']], top);
  await store.run(`INSERT OR REPLACE INTO spotify_top (kind, time_range, rank, uri, track_id, name, source, fetched_at) SELECT *, '${SOURCE}', current_timestamp FROM sp_top`);
  return top.length;
}

/** Recently played: plays from the Web API (source spotify_api), deduplicated on (played_at, track). */
export async function writeRecentlyPlayed(store: Store, rows: Json[]): Promise<number> {
  const ids = await resolveObjects(store, rows.map((r) => r.track as Json | undefined));
  const plays: Cell[][] = [];
  rows.forEach((r, i) => {
    const at = ms(r.played_at);
    if (ids[i] && at !== null) plays.push([at, ids[i]]);
  });
  if (plays.length === 0) return 0;
  // The shared merge keeps one row per listen across sources (the Web API, exports, scrobbles).
  await appendTempTable(store, 'imp_plays', [['played_at', 'TIMESTAMP'], ['track_id', 'VARCHAR'], ['kind', 'VARCHAR'], ['ms_played', 'BIGINT'], ['source', 'VARCHAR'], ['precision_s', 'BIGINT'], ['skipped', 'BOOLEAN'], ['reason_start', 'VARCHAR'], ['reason_end', 'VARCHAR'], ['shuffle', 'BOOLEAN'], ['offline', 'BOOLEAN'], ['offline_at', 'TIMESTAMP'], ['incognito', 'BOOLEAN'], ['platform', 'VARCHAR'], ['conn_country', 'VARCHAR'], ['ord', 'BIGINT']],
    plays.map((p, i) => [p[0], p[1], 'track', null, SOURCE, 1, null, null, null, null, null, null, null, null, null, i]));
  const merged = await mergePlays(store, 'spotify_api:recently_played');
  return merged.inserted;
}

export async function writeProfile(store: Store, me: Json): Promise<number> {
  await store.run(
    `INSERT OR REPLACE INTO spotify_profile (user_id, display_name, country, product, raw, fetched_at) VALUES ($1, $2, $3, $4, $5::JSON, current_timestamp)`,
    [String(me.id), (me.display_name as string) ?? null, (me.country as string) ?? null, (me.product as string) ?? null, JSON.stringify(me)],
  );
  return 1;
}
