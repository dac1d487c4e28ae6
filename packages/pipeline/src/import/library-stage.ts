import { createHash } from 'node:crypto';
import type { ExportPlaylist, LibraryItem } from '@mixtape/connectors';
import { appendTempTable, type Cell } from '../store/bulk.js';
import type { Store } from '../store/store.js';

const LIB_BASE = 3_000_000_000_000;
const PL_BASE = 4_000_000_000_000;
const TRACK_KINDS = new Set(['track', 'episode', 'banned_track']);

/** Stable id for an exported playlist: its name and which same-named playlist it is. */
export function exportPlaylistId(name: string, occurrence: number): string {
  return `spx${createHash('sha1').update(`${name}\u0000${occurrence}`).digest('hex').slice(0, 16)}`;
}

/** Appends library tracks and playlist entries to the resolver input `imp_items`. */
export async function stageLibraryItems(store: Store, library: LibraryItem[], playlists: ExportPlaylist[]): Promise<void> {
  const rows: Cell[][] = [];
  library.forEach((it, i) => {
    if (!TRACK_KINDS.has(it.kind)) return;
    rows.push([LIB_BASE + i, it.kind === 'episode' ? 'episode' : 'track', it.uri, null, null, it.name, it.artist, it.album, null]);
  });
  let n = 0;
  for (const p of playlists) {
    for (const e of p.entries) {
      n++;
      if (!e.title && !e.uri) continue;
      const kind = e.kind === 'local' ? 'track' : e.kind;
      // Local files have no Spotify identity of their own: resolve them by name only.
      rows.push([PL_BASE + n, kind, e.kind === 'local' ? null : e.uri, null, null, e.title, e.artist, e.album, null]);
    }
  }
  await appendTempTable(store, 'imp_lib_items', ITEM_COLUMNS, rows);
  await store.run('INSERT INTO imp_items SELECT * FROM imp_lib_items');
}

export const ITEM_COLUMNS = [
  ['row_id', 'BIGINT'], ['kind', 'VARCHAR'], ['uri', 'VARCHAR'], ['mbid', 'VARCHAR'], ['isrc', 'VARCHAR'],
  ['title', 'VARCHAR'], ['artist', 'VARCHAR'], ['album', 'VARCHAR'], ['duration_ms', 'BIGINT'],
] as const;

/** Writes library items (after resolution) and returns how many were new. */
export async function writeLibrary(store: Store, library: LibraryItem[], source: string): Promise<number> {
  const rows: Cell[][] = library.map((it, i) => [LIB_BASE + i, it.kind, it.name, it.artist, it.uri]);
  await appendTempTable(store, 'imp_lib', [['row_id', 'BIGINT'], ['kind', 'VARCHAR'], ['name', 'VARCHAR'], ['artist', 'VARCHAR'], ['uri', 'VARCHAR']], rows);
  const before = Number(await store.scalar('SELECT count(*) FROM library'));
  await store.run(
    `INSERT OR IGNORE INTO library (source, kind, item_id, name, artist_name, uri, added_at)
     SELECT $1, l.kind, coalesce(r.track_id, l.uri, 'name:' || mt_norm(l.artist) || '|' || mt_norm(l.name)), l.name, l.artist, l.uri, NULL
     FROM imp_lib l LEFT JOIN imp_items_resolved r USING (row_id)`,
    [source],
  );
  return Number(await store.scalar('SELECT count(*) FROM library')) - before;
}

/** Replaces each exported playlist and its items, in order. */
export async function writePlaylists(store: Store, playlists: ExportPlaylist[], source: string): Promise<{ playlists: number; items: number }> {
  const seen = new Map<string, number>();
  const meta: Cell[][] = [];
  const items: Cell[][] = [];
  let n = 0;
  for (const p of playlists) {
    const occ = seen.get(p.name) ?? 0;
    seen.set(p.name, occ + 1);
    const id = exportPlaylistId(p.name, occ);
    meta.push([id, p.name, p.description, p.modifiedAt, p.followers, p.entries.length]);
    p.entries.forEach((e, pos) => {
      n++;
      items.push([id, pos, PL_BASE + n, e.kind === 'local' ? 'track' : e.kind, e.addedAt, e.kind === 'local']);
    });
  }
  await appendTempTable(store, 'imp_pl', [['playlist_id', 'VARCHAR'], ['name', 'VARCHAR'], ['description', 'VARCHAR'], ['modified_at', 'TIMESTAMP'], ['followers', 'BIGINT'], ['item_count', 'BIGINT']], meta);
  await appendTempTable(store, 'imp_pli', [['playlist_id', 'VARCHAR'], ['position', 'BIGINT'], ['row_id', 'BIGINT'], ['kind', 'VARCHAR'], ['added_at', 'TIMESTAMP'], ['is_local', 'BOOLEAN']], items);
  await store.run(`
DELETE FROM playlist_items WHERE playlist_id IN (SELECT playlist_id FROM imp_pl);
DELETE FROM playlists WHERE playlist_id IN (SELECT playlist_id FROM imp_pl);`);
  // Its own statement: a bound parameter cannot go into a multi-statement run.
  await store.run(`
INSERT INTO playlists (playlist_id, source, name, owner, description, snapshot, modified_at, followers, item_count, items_status)
SELECT playlist_id, $1, name, NULL, description, NULL, modified_at, followers, item_count, 'complete' FROM imp_pl`, [source]);
  await store.run(`
INSERT INTO playlist_items (playlist_id, position, track_id, kind, added_at, added_by, is_local)
SELECT i.playlist_id, i.position, r.track_id, i.kind, i.added_at, NULL, i.is_local
FROM imp_pli i LEFT JOIN imp_items_resolved r USING (row_id);`);
  return { playlists: meta.length, items: items.length };
}
