import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { hasLongWhitespace, openExport, parseLibrary, parsePlaylists, type ExportEntry, type ExportPlaylist, type LibraryItem } from '@mixtape/connectors';
import { MixtapeError, noProgress, type ProgressFn } from '@mixtape/core';
import { resolveTracks } from '../identity/resolve.js';
import { appendTempTable } from '../store/bulk.js';
import type { Store } from '../store/store.js';
import { historyItems, historyPlays, historyRejects, historyWrongShape, stageHistory } from './history-sql.js';
import { createImportDir } from './import-temp.js';
import { ITEM_COLUMNS, stageLibraryItems, writeLibrary, writePlaylists } from './library-stage.js';
import { mergePlays } from './merge-plays.js';
import { recordImport } from './record.js';

export interface ImportSummary {
  importId: string;
  path: string;
  files: Array<{ name: string; kind: string; rows: number }>;
  skippedFiles: number;
  rowsRead: number;
  inserted: number;
  duplicates: number;
  /** Rows of this import that repeated another's time and track, added into it. */
  folded: number;
  /** Minute-precision plays replaced by the same listen at second precision. */
  upgraded: number;
  rejected: Record<string, number>;
  newTracks: number;
  library: { read: number; inserted: number };
  playlists: { playlists: number; items: number };
  durationMs: number;
}

export interface ImportOptions {
  onProgress?: ProgressFn;
}

const HISTORY_KINDS = new Set(['account-history', 'account-podcast', 'extended-history', 'endsong']);

/**
 * Imports a Spotify personal-data export (zip, folder or one file) in one transaction: listening
 * history into `plays`, YourLibrary.json into `library`, PlaylistN.json into `playlists`. On any
 * error nothing is written.
 */
export async function importSpotifyExport(store: Store, path: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const started = Date.now();
  const progress = options.onProgress ?? noProgress;
  const source = await openExport(path);
  let tmp: Awaited<ReturnType<typeof createImportDir>>;
  try {
    tmp = await createImportDir();
  } catch (err) {
    await source.close();
    throw err;
  }
  try {
    if (source.entries.length === 0) {
      throw new MixtapeError('nothing_to_import', `Nothing to import in ${path}: no Spotify history, library or playlist files (looked at ${source.skipped.length} files)`, {
        suggestion: 'pass the my_spotify_data.zip from Spotify, or the folder it unpacks to',
      });
    }
    const display = new Map<string, string>();
    const extended: string[] = [];
    const account: Array<{ path: string; podcast: boolean }> = [];
    let library: LibraryItem[] = [];
    const playlists: ExportPlaylist[] = [];
    let step = 0;
    for (const entry of source.entries) {
      progress({ unit: 'files', done: step++, total: source.entries.length, message: entry.displayName });
      if (entry.size === 0) throw new MixtapeError('empty_file', `${entry.displayName} is empty (0 bytes)`, { suggestion: 'download the export again' });
      if (HISTORY_KINDS.has(entry.kind)) {
        const file = await materialize(entry, tmp.dir, display.size);
        display.set(file, entry.displayName);
        if (entry.kind === 'extended-history' || entry.kind === 'endsong') extended.push(file);
        else account.push({ path: file, podcast: entry.kind === 'account-podcast' });
      } else if (entry.kind === 'library') library = library.concat(parseLibrary(await entry.read(), entry.displayName));
      else playlists.push(...parsePlaylists(await entry.read(), entry.displayName));
    }
    progress({ unit: 'files', done: source.entries.length, total: source.entries.length, message: 'writing to the database' });

    const importId = `imp_${new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}_${randomBytes(3).toString('hex')}`;
    return await store.transaction(async () => {
      try {
        await stageHistory(store, extended, account);
      } catch (err) {
        throw jsonError(err, display);
      }
      const [wrong] = await historyWrongShape(store);
      if (wrong) {
        const name = display.get(wrong.filename) ?? wrong.filename;
        throw new MixtapeError('wrong_format', `${name} is not a Spotify ${wrong.kind} file: no row has the keys ${wrong.keys} (nothing was imported)`, {
          suggestion: 'check the file came from a Spotify export unchanged; a renamed file must keep the name of what it holds',
        });
      }
      await appendTempTable(store, 'imp_items', ITEM_COLUMNS, []);
      await historyItems(store);
      await stageLibraryItems(store, library, playlists);
      const { newTracks } = await resolveTracks(store, 'imp_items');
      await historyPlays(store);
      const merged = await mergePlays(store, importId);
      // The view names this import's staging tables: gone with them.
      await store.run('DROP VIEW imp_plays');
      const rejected = await historyRejects(store);
      const libInserted = await writeLibrary(store, library, 'spotify-export');
      const pl = await writePlaylists(store, playlists, 'spotify-export');
      const counts = await store.all<{ filename: string; n: number }>(
        `SELECT filename, count(*) AS n FROM stg_ext GROUP BY filename UNION ALL SELECT filename, count(*) FROM stg_acc GROUP BY filename`,
      );
      const byFile = new Map(counts.map((c) => [c.filename, c.n]));
      const files = source.entries.map((e) => ({
        name: e.displayName,
        kind: e.kind,
        rows: e.kind === 'library' ? library.length : e.kind === 'playlists' ? pl.items : byFile.get([...display].find(([, d]) => d === e.displayName)?.[0] ?? '') ?? 0,
      }));
      const rowsRead = counts.reduce((a, c) => a + c.n, 0);
      const summary: ImportSummary = {
        importId,
        path,
        files,
        skippedFiles: source.skipped.length,
        rowsRead,
        inserted: merged.inserted,
        duplicates: merged.duplicates,
        folded: merged.folded,
        upgraded: merged.upgraded,
        rejected,
        newTracks,
        library: { read: library.length, inserted: libInserted },
        playlists: pl,
        durationMs: Date.now() - started,
      };
      await recordImport(store, importId, 'spotify-export', path, summary, started, rowsRead, merged.inserted);
      return summary;
    });
  } finally {
    await source.close();
    await tmp.remove();
  }
}

async function materialize(entry: ExportEntry, tmp: string, n: number): Promise<string> {
  if (entry.diskPath && !(await hasLongWhitespace(entry.diskPath))) return entry.diskPath;
  const dest = join(tmp, `${n}.json`);
  await entry.copyTo(dest);
  return dest;
}

/** Turns DuckDB's JSON errors into one line that names the user's file and the byte. */
function jsonError(err: unknown, display: Map<string, string>): unknown {
  const msg = err instanceof Error ? err.message : String(err);
  if (!/JSON|json/.test(msg)) return err;
  let name = '';
  let text = msg.split('\n')[0]!.replace(/^[A-Za-z ]+Error: /, '');
  for (const [file, shown] of display) {
    if (text.includes(file)) {
      name = shown;
      text = text.split(`"${file}"`).join(`"${shown}"`).split(file).join(shown);
    }
  }
  return new MixtapeError('malformed_json', name ? `${name}: ${text.trim()}` : text.trim(), {
    suggestion: 'the file is damaged or cut short; download the export again (nothing was imported)',
    cause: err,
  });
}
