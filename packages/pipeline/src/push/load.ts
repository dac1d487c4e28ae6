import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { MixtapeError } from '@mixtape/core/base';
import type { playlistFiles } from '@mixtape/connectors';
import { appendTempTable } from '../store/bulk.js';
import type { Store } from '../store/store.js';

type PlaylistTrack = playlistFiles.PlaylistTrack;

/** A stored playlist, as `playlist list` shows it. */
export interface PlaylistInfo {
  playlist_id: string;
  source: string;
  name: string | null;
  owner: string | null;
  description: string | null;
  items: number;
}

/** Every stored playlist (Spotify, imports, recommendations) with its item count. */
export async function listPlaylists(store: Store): Promise<PlaylistInfo[]> {
  return store.all<PlaylistInfo>(`
SELECT p.playlist_id, p.source, p.name, p.owner, p.description, coalesce(i.n, 0) AS items
FROM playlists p LEFT JOIN (SELECT playlist_id, count(*) AS n FROM playlist_items GROUP BY playlist_id) i USING (playlist_id)
ORDER BY p.source, lower(coalesce(p.name, '')), p.playlist_id`);
}

/** Finds a playlist by id, id suffix (the part after the last ':') or name (case-insensitive). */
export async function findPlaylist(store: Store, ref: string): Promise<PlaylistInfo> {
  const all = await listPlaylists(store);
  const byId = all.find((p) => p.playlist_id === ref) ?? all.find((p) => p.playlist_id.endsWith(`:${ref}`));
  if (byId) return byId;
  const byName = all.filter((p) => (p.name ?? '').toLowerCase() === ref.toLowerCase());
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) {
    throw new MixtapeError('ambiguous_playlist', `${byName.length} playlists are named "${ref}": ${byName.map((p) => p.playlist_id).join(', ')}`, {
      suggestion: 'name the playlist by its id (see `mixtape playlist list`)',
    });
  }
  throw new MixtapeError('unknown_playlist', `There is no playlist "${ref}"`, { suggestion: 'run `mixtape playlist list` to see the stored playlists' });
}

type TrackRow = {
  track_id: string | null; kind: string | null; is_local: boolean | null; title: string | null; artist_name: string | null; album_name: string | null;
  duration_ms: number | null; spotify_uri: string | null; isrc: string | null; mbid: string | null; deezer_id: number | null;
};

const TRACK_COLUMNS = `t.title, t.artist_name, t.album_name, t.duration_ms,
  coalesce(t.spotify_uri, (SELECT min(k.key) FROM track_keys k WHERE k.track_id = t.track_id AND k.key_type = 'spotify')) AS spotify_uri,
  t.isrc, t.mbid, t.deezer_id`;

/** A playlist's items in order with what each target needs to find them. */
export async function loadTracks(store: Store, playlistId: string): Promise<PlaylistTrack[]> {
  const rows = await store.all<TrackRow & { position: number }>(`
SELECT i.position, i.track_id, i.kind, i.is_local, ${TRACK_COLUMNS}
FROM playlist_items i LEFT JOIN tracks t ON t.track_id = i.track_id
WHERE i.playlist_id = $1
ORDER BY i.position`, [playlistId]);
  return rows.map(toPlaylistTrack);
}

/** Every track in the store (music, not episodes) with what each target needs to find it: what `mixtape daily` matches against a library. */
export async function loadCatalogue(store: Store): Promise<PlaylistTrack[]> {
  const rows = await store.all<TrackRow>(`SELECT t.track_id, 'track' AS kind, false AS is_local, ${TRACK_COLUMNS} FROM tracks t WHERE t.kind = 'track' ORDER BY t.track_id`);
  return rows.map(toPlaylistTrack);
}

function toPlaylistTrack(r: TrackRow): PlaylistTrack {
  const t: PlaylistTrack = { trackId: r.track_id ?? '' };
  if (r.title !== null) t.title = r.title;
  if (r.artist_name !== null) t.artist = r.artist_name;
  if (r.album_name !== null) t.album = r.album_name;
  if (r.duration_ms !== null) t.durationMs = Number(r.duration_ms);
  // Local files have spotify:local: URIs that no API accepts.
  if (r.spotify_uri && !r.is_local && /^spotify:(track|episode):/.test(r.spotify_uri)) t.spotifyUri = r.spotify_uri;
  if (r.isrc) t.isrc = r.isrc;
  if (r.mbid) t.mbid = r.mbid;
  if (r.deezer_id !== null) t.deezerId = r.deezer_id;
  return t;
}

/**
 * Stores a JSON list of track ids (or of objects with `track_id`) as a playlist with source
 * 'mixtape', so it can be pushed and re-pushed like any other. Unknown ids are an error.
 */
export async function playlistFromFile(store: Store, file: string, name?: string): Promise<PlaylistInfo> {
  let ids: string[];
  try {
    const data = JSON.parse(await readFile(file, 'utf8')) as unknown;
    const list = Array.isArray(data) ? data : (data as { tracks?: unknown[]; track_ids?: unknown[] }).track_ids ?? (data as { tracks?: unknown[] }).tracks;
    if (!Array.isArray(list)) throw new Error('not a list');
    ids = list.map((x) => (typeof x === 'string' ? x : String((x as { track_id?: unknown }).track_id ?? '')));
    if (ids.some((x) => x === '')) throw new Error('an entry has no track id');
  } catch (cause) {
    throw new MixtapeError('invalid_track_list', `${file} is not a JSON list of track ids (${(cause as Error).message})`, {
      suggestion: 'write the file as ["track-id-1", "track-id-2", …] with ids from the tracks table',
      cause,
    });
  }
  const playlistId = `mixtape:file:${basename(file).replace(/\.json$/i, '')}`;
  const title = name ?? basename(file).replace(/\.json$/i, '');
  await store.transaction(async () => {
    await appendTempTable(store, '_push_ids', [['position', 'BIGINT'], ['track_id', 'VARCHAR']], ids.map((id, i) => [i, id]));
    const missing = await store.all<{ track_id: string }>('SELECT p.track_id FROM _push_ids p ANTI JOIN tracks t USING (track_id) LIMIT 3');
    if (missing.length > 0) {
      throw new MixtapeError('unknown_track', `${file} names track ids not in the store, e.g. ${missing.map((m) => m.track_id).join(', ')}`, {
        suggestion: 'use ids from `mixtape query "SELECT track_id, title FROM tracks"`',
      });
    }
    await store.run('DELETE FROM playlist_items WHERE playlist_id = $1', [playlistId]);
    await store.run('DELETE FROM playlists WHERE playlist_id = $1', [playlistId]);
    await store.run(`INSERT INTO playlists (playlist_id, source, name, description, item_count, modified_at) VALUES ($1, 'mixtape', $2, $3, $4, current_timestamp)`, [playlistId, title, `From ${basename(file)}`, ids.length]);
    await store.run(`INSERT INTO playlist_items (playlist_id, position, track_id, kind) SELECT $1, position, track_id, 'track' FROM _push_ids`, [playlistId]);
  });
  return findPlaylist(store, playlistId);
}
