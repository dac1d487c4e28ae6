import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ProgressFn } from '@mixtape/core';
import { playlistFiles } from '@mixtape/connectors';
import { exportExportify } from '../export/table.js';
import type { Store } from '../store/store.js';
import type { FileFormat } from './file-format.js';
import { countTiers, matchMusicDir } from './library-match.js';

export { FILE_FORMATS, type FileFormat } from './file-format.js';

/** What a file push wrote. */
export interface FilePushSummary {
  target: FileFormat;
  out: string;
  items: number;
  /** Tracks given a local file path (M3U8/XSPF/JSPF with a music folder). */
  local_files?: number;
  /** Tracks with no local file when a music folder was given. */
  unmatched?: number;
  /** Matched tracks per tier (override, mbid, isrc, exact, fuzzy). */
  match_tiers?: Record<string, number>;
  /** Music files named by their file names for want of tags. */
  files_without_tags?: number;
}

/** Writes a file whole or not at all: to a temporary name first, then renamed into place. */
export function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text, 'utf8');
    renameSync(tmp, path);
  } catch (e) {
    // A full disk leaves no half-written temporary file behind (and the old file as it was).
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Writes a playlist as M3U8, XSPF, JSPF or an Exportify CSV. With a music folder, tracks the
 * library matcher finds among its files (by their tags) get their local path.
 */
export async function pushToFile(
  store: Store,
  o: { playlistId: string; doc: playlistFiles.PlaylistDoc; format: FileFormat; out: string; musicDir?: string | undefined; env?: NodeJS.ProcessEnv | undefined; onProgress?: ProgressFn | undefined },
): Promise<FilePushSummary> {
  if (o.format === 'csv') {
    // The Exportify writer of the export feature: one format, one implementation.
    const r = await exportExportify(store, { out: o.out, playlist: o.playlistId });
    return { target: 'csv', out: o.out, items: r.files[0]?.rows ?? 0 };
  }
  let doc = o.doc;
  let found: Pick<FilePushSummary, 'local_files' | 'unmatched' | 'match_tiers' | 'files_without_tags'> = {};
  if (o.musicDir) {
    const { scan, outcomes } = await matchMusicDir(doc.tracks, { musicDir: o.musicDir, env: o.env, onProgress: o.onProgress });
    doc = { ...doc, tracks: doc.tracks.map((t, i) => { const m = outcomes[i]!; return m.matched ? { ...t, path: m.candidate.path } : t; }) };
    const local = outcomes.filter((m) => m.matched).length;
    found = { local_files: local, unmatched: doc.tracks.length - local, match_tiers: countTiers(outcomes), files_without_tags: scan.from_file_names };
  }
  const text = o.format === 'm3u8' ? playlistFiles.writeM3u8(doc) : o.format === 'xspf' ? playlistFiles.writeXspf(doc) : JSON.stringify(playlistFiles.toJspf(doc), null, 2) + '\n';
  writeAtomic(o.out, text);
  return { target: o.format, out: o.out, items: doc.tracks.length, ...found };
}
