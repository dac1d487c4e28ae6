import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { playlistFiles } from '@mixtape/connectors';
import { exportExportify } from '../export/table.js';
import type { Store } from '../store/store.js';

export const FILE_FORMATS = ['m3u8', 'xspf', 'jspf', 'csv'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

/** What a file push wrote. */
export interface FilePushSummary {
  target: FileFormat;
  out: string;
  items: number;
  /** Tracks given a local file path (M3U8/XSPF/JSPF with a music folder). */
  local_files?: number;
  /** Tracks with no local file when a music folder was given. */
  unmatched?: number;
}

/** Writes a file whole or not at all: to a temporary name first, then renamed into place. */
export function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, 'utf8');
  renameSync(tmp, path);
}

/**
 * Writes a playlist as M3U8, XSPF, JSPF or an Exportify CSV. With a music folder, tracks found
 * there by "Artist - Title" file names (or Artist/Album/NN Title) get their local path.
 */
export async function pushToFile(
  store: Store,
  o: { playlistId: string; doc: playlistFiles.PlaylistDoc; format: FileFormat; out: string; musicDir?: string | undefined },
): Promise<FilePushSummary> {
  if (o.format === 'csv') {
    // The Exportify writer of the export feature: one format, one implementation.
    const r = await exportExportify(store, { out: o.out, playlist: o.playlistId });
    return { target: 'csv', out: o.out, items: r.files[0]?.rows ?? 0 };
  }
  let local: number | undefined;
  let doc = o.doc;
  if (o.musicDir) {
    const index = await playlistFiles.scanMusicDir(o.musicDir);
    local = 0;
    doc = { ...doc, tracks: doc.tracks.map((t) => {
      const path = playlistFiles.findLocal(index, t);
      if (path === undefined) return t;
      local!++;
      return { ...t, path };
    }) };
  }
  const text = o.format === 'm3u8' ? playlistFiles.writeM3u8(doc) : o.format === 'xspf' ? playlistFiles.writeXspf(doc) : JSON.stringify(playlistFiles.toJspf(doc), null, 2) + '\n';
  writeAtomic(o.out, text);
  const out: FilePushSummary = { target: o.format, out: o.out, items: doc.tracks.length };
  if (local !== undefined) Object.assign(out, { local_files: local, unmatched: doc.tracks.length - local });
  return out;
}
