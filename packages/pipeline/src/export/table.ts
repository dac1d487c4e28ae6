import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { MixtapeError, noProgress, type ProgressFn } from '@mixtape/core';
import { sqlString } from '../store/bulk.js';
import type { Store } from '../store/store.js';

export const TABLE_FORMATS = ['parquet', 'csv', 'json', 'arrow'] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];

export interface TableExportResult {
  table: string;
  format: TableFormat;
  out: string;
  rows: number;
}

/** The table's name as DuckDB knows it, or a MixtapeError listing the tables there are. */
export async function checkTable(store: Store, name: string): Promise<string> {
  const tables = (await store.all<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1`)).map((t) => t.name);
  const found = tables.find((t) => t === name) ?? tables.find((t) => t.toLowerCase() === name.toLowerCase());
  if (!found) throw new MixtapeError('unknown_table', `There is no table "${name}"`, { suggestion: `use one of: ${tables.join(', ')}` });
  return found;
}

const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;

/** Writes a whole table to a file: DuckDB COPY for Parquet, CSV and JSON; Arrow IPC through apache-arrow. */
export async function exportTable(store: Store, o: { name: string; format: TableFormat; out: string; onProgress?: ProgressFn }): Promise<TableExportResult> {
  const progress = o.onProgress ?? noProgress;
  const table = await checkTable(store, o.name);
  mkdirSync(dirname(o.out), { recursive: true });
  const rows = Number(await store.scalar(`SELECT count(*) FROM ${quote(table)}`));
  progress({ unit: 'rows', done: 0, total: rows, message: `writing ${basename(o.out)}` });
  if (o.format === 'arrow') {
    const data = await store.all(`SELECT * FROM ${quote(table)}`);
    // JSON columns and structs travel as text: Arrow needs one type per column.
    const flat = data.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v !== null && typeof v === 'object' ? JSON.stringify(v) : v])));
    // Loaded here: Arrow is ~150 modules that only this format needs.
    const { tableFromJSON, tableToIPC } = await import('apache-arrow');
    writeFileSync(o.out, tableToIPC(tableFromJSON(flat), 'file'));
  } else {
    const options = o.format === 'parquet' ? 'FORMAT parquet' : o.format === 'csv' ? 'FORMAT csv, HEADER true' : 'FORMAT json, ARRAY true';
    await store.run(`COPY (SELECT * FROM ${quote(table)}) TO ${sqlString(o.out)} (${options})`);
  }
  progress({ unit: 'rows', done: rows, total: rows });
  return { table, format: o.format, out: o.out, rows };
}

/** Exportify's columns (https://github.com/watsonbox/exportify), so tools built for its CSVs keep working. */
export const EXPORTIFY_COLUMNS = [
  'Track URI', 'Track Name', 'Artist URI(s)', 'Artist Name(s)', 'Album URI', 'Album Name', 'Album Artist URI(s)', 'Album Artist Name(s)',
  'Album Release Date', 'Album Image URL', 'Disc Number', 'Track Number', 'Track Duration (ms)', 'Track Preview URL', 'Explicit',
  'Popularity', 'ISRC', 'Added By', 'Added At',
] as const;

const EXPORTIFY_SELECT = `
SELECT
  coalesce(c.uri, t.spotify_uri) AS "Track URI",
  coalesce(c.raw->>'$.name', t.title) AS "Track Name",
  array_to_string(json_extract_string(c.raw, '$.artists[*].uri'), ',') AS "Artist URI(s)",
  coalesce(array_to_string(json_extract_string(c.raw, '$.artists[*].name'), ','), t.artist_name) AS "Artist Name(s)",
  c.raw->>'$.album.uri' AS "Album URI",
  coalesce(c.raw->>'$.album.name', t.album_name) AS "Album Name",
  array_to_string(json_extract_string(c.raw, '$.album.artists[*].uri'), ',') AS "Album Artist URI(s)",
  array_to_string(json_extract_string(c.raw, '$.album.artists[*].name'), ',') AS "Album Artist Name(s)",
  c.raw->>'$.album.release_date' AS "Album Release Date",
  c.raw->>'$.album.images[0].url' AS "Album Image URL",
  c.raw->>'$.disc_number' AS "Disc Number",
  c.raw->>'$.track_number' AS "Track Number",
  coalesce(c.raw->>'$.duration_ms', t.duration_ms::VARCHAR) AS "Track Duration (ms)",
  c.raw->>'$.preview_url' AS "Track Preview URL",
  c.raw->>'$.explicit' AS "Explicit",
  c.raw->>'$.popularity' AS "Popularity",
  coalesce(c.raw->>'$.external_ids.isrc', t.isrc) AS "ISRC",
  i.added_by AS "Added By",
  strftime(i.added_at, '%Y-%m-%dT%H:%M:%SZ') AS "Added At"
FROM playlist_items i
LEFT JOIN tracks t ON t.track_id = i.track_id
LEFT JOIN (SELECT DISTINCT ON (track_id, kind) * FROM spotify_catalog ORDER BY track_id, kind, uri) c ON c.track_id = i.track_id AND c.kind = coalesce(i.kind, 'track')
WHERE i.playlist_id = $1
ORDER BY i.position`;

/**
 * Exportify CSVs are opened in spreadsheets, which run a cell starting with = + - @ tab or CR as a
 * formula (OWASP "CSV injection"): such a cell gets a leading single quote. Table exports stay exact.
 */
const EXPORTIFY_SAFE_SELECT = `SELECT ${EXPORTIFY_COLUMNS.map((c) => {
  const col = quote(c);
  return `CASE WHEN left(${col}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || ${col} ELSE ${col} END AS ${col}`;
}).join(', ')} FROM (${EXPORTIFY_SELECT})`;

/** File name for a playlist: its name, made safe, plus a short id where names repeat. */
function fileName(name: string, id: string, taken: Set<string>): string {
  let base = name.replace(/[^\p{L}\p{N} ._-]+/gu, '_').trim().replace(/\s+/g, '_').slice(0, 80) || 'playlist';
  if (taken.has(base)) base = `${base}_${id.replace(/^.*:/, '').slice(0, 8)}`;
  taken.add(base);
  return `${base}.csv`;
}

/**
 * Playlists as Exportify CSVs: one file per playlist into `out` (a folder), or the one playlist
 * named by `playlist` (id, URI or name) into `out` as a file.
 */
export async function exportExportify(store: Store, o: { out: string; playlist?: string | undefined; onProgress?: ProgressFn }): Promise<{ files: { playlist: string; file: string; rows: number }[] }> {
  const progress = o.onProgress ?? noProgress;
  let lists = await store.all<{ playlist_id: string; name: string }>('SELECT playlist_id, coalesce(name, playlist_id) AS name FROM playlists ORDER BY name, playlist_id');
  if (o.playlist !== undefined) {
    const want = o.playlist;
    lists = lists.filter((p) => p.playlist_id === want || p.playlist_id.endsWith(`:${want}`) || p.name === want);
    if (lists.length === 0) throw new MixtapeError('unknown_playlist', `There is no playlist "${want}"`, { suggestion: 'run `mixtape query "SELECT playlist_id, name FROM playlists"` to see them' });
  }
  const single = o.playlist !== undefined;
  if (!single) mkdirSync(o.out, { recursive: true });
  else mkdirSync(dirname(o.out), { recursive: true });
  const taken = new Set<string>();
  const files: { playlist: string; file: string; rows: number }[] = [];
  const todo = single ? lists.slice(0, 1) : lists;
  for (const p of todo) {
    progress({ unit: 'playlists', done: files.length, total: todo.length, message: p.name });
    const file = single ? o.out : join(o.out, fileName(p.name, p.playlist_id, taken));
    // COPY cannot bind parameters: the id goes in as a quoted literal.
    await store.run(`COPY (${EXPORTIFY_SAFE_SELECT.replace('$1', () => sqlString(p.playlist_id))}) TO ${sqlString(file)} (FORMAT csv, HEADER true, FORCE_QUOTE *)`);
    files.push({ playlist: p.name, file, rows: Number(await store.scalar('SELECT count(*) FROM playlist_items WHERE playlist_id = $1', [p.playlist_id])) });
  }
  progress({ unit: 'playlists', done: files.length, total: todo.length });
  return { files };
}
