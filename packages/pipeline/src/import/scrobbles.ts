import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseScrobbles, type ScrobbleFormat } from '@mixtape/connectors';
import { MixtapeError, noProgress, type ProgressFn } from '@mixtape/core';
import { resolveTracks } from '../identity/resolve.js';
import { appendTempTable, type Cell } from '../store/bulk.js';
import type { Store } from '../store/store.js';
import { ITEM_COLUMNS } from './library-stage.js';
import { dropScrobbledElsewhere, dropScrobblesHeardOnSpotify, mergePlays } from './merge-plays.js';
import { recordImport } from './record.js';

export interface ScrobbleImportSummary {
  importId: string;
  path: string;
  format: ScrobbleFormat;
  rowsRead: number;
  inserted: number;
  duplicates: number;
  /** Rows of this import that repeated another's time and track, added into it. */
  folded: number;
  rejected: Record<string, number>;
  /** The first few rejected lines, so the listener can look at them. */
  rejectedLines: Array<{ line: number; reason: string }>;
  newTracks: number;
  durationMs: number;
}

/** Imports a scrobble file (Last.fm CSV, lastfm-to-csv, Libre.fm CSV, Rockbox log) in one transaction. */
export async function importScrobbles(
  store: Store,
  path: string,
  options: { format?: ScrobbleFormat; onProgress?: ProgressFn } = {},
): Promise<ScrobbleImportSummary> {
  const started = Date.now();
  const progress = options.onProgress ?? noProgress;
  let content: string;
  try {
    if ((await stat(path)).isDirectory()) throw new MixtapeError('not_a_file', `${path} is a folder`, { suggestion: 'pass the scrobble CSV or .scrobbler.log file itself' });
    content = await readFile(path, 'utf8');
  } catch (cause) {
    if (cause instanceof MixtapeError) throw cause;
    throw new MixtapeError('not_found', `Cannot read ${path}: ${(cause as Error).message}`, { suggestion: 'check the path', cause });
  }
  progress({ unit: 'rows', done: 0, message: `parsing ${basename(path)}` });
  const parsed = parseScrobbles(content, path, options.format);
  progress({ unit: 'rows', done: parsed.rows.length, message: 'writing to the database' });
  const source = parsed.format === 'scrobbler-log' ? 'scrobbler-log' : parsed.format === 'librefm-csv' ? 'librefm' : 'lastfm';
  const importId = `imp_${new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}_${randomBytes(3).toString('hex')}`;

  return store.transaction(async () => {
    const items: Cell[][] = parsed.rows.map((r, i) => [i + 1, 'track', null, r.trackMbid, null, r.title, r.artist, r.album, r.durationMs]);
    await appendTempTable(store, 'imp_items', ITEM_COLUMNS, items);
    const { newTracks } = await resolveTracks(store, 'imp_items');
    const plays: Cell[][] = parsed.rows.map((r, i) => [i + 1, r.playedAt, r.skipped ?? null]);
    await appendTempTable(store, 'imp_scr', [['row_id', 'BIGINT'], ['played_at', 'TIMESTAMP'], ['skipped', 'BOOLEAN']], plays);
    await store.run(`
CREATE OR REPLACE TEMP TABLE imp_plays AS
SELECT s.played_at, r.track_id, 'track' AS kind, NULL::BIGINT AS ms_played, $1::VARCHAR AS source, 1 AS precision_s, s.skipped,
  NULL::VARCHAR AS reason_start, NULL::VARCHAR AS reason_end, NULL::BOOLEAN AS shuffle, NULL::BOOLEAN AS offline, NULL::TIMESTAMP AS offline_at,
  NULL::BOOLEAN AS incognito, NULL::VARCHAR AS platform, NULL::VARCHAR AS conn_country, s.row_id AS ord
FROM imp_scr s JOIN imp_items_resolved r USING (row_id)`, [source]);
    // Spotify scrobbling to Last.fm gives each listen twice: keep the Spotify copy.
    const heardOnSpotify = await dropScrobblesHeardOnSpotify(store);
    // The same listen scrobbled to ListenBrainz too, and already imported from there.
    const scrobbledElsewhere = await dropScrobbledElsewhere(store);
    const merged = await mergePlays(store, importId);
    await store.run('DROP TABLE imp_plays');
    const rejected: Record<string, number> = {};
    for (const r of parsed.rejected) rejected[r.reason] = (rejected[r.reason] ?? 0) + 1;
    const summary: ScrobbleImportSummary = {
      importId,
      path,
      format: parsed.format,
      rowsRead: parsed.rows.length + parsed.rejected.length,
      inserted: merged.inserted,
      duplicates: merged.duplicates + heardOnSpotify + scrobbledElsewhere.sameSource + scrobbledElsewhere.otherSource,
      folded: merged.folded,
      rejected,
      rejectedLines: parsed.rejected.slice(0, 20),
      newTracks,
      durationMs: Date.now() - started,
    };
    await recordImport(store, importId, `scrobbles ${parsed.format}`, path, summary, started, summary.rowsRead, merged.inserted);
    return summary;
  });
}
