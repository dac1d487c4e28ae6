import { readdir } from 'node:fs/promises';
import { basename, extname, join, relative, sep } from 'node:path';
import { nameKey } from './normalize.js';
import type { PlaylistTrack } from './types.js';

const AUDIO = new Set(['.mp3', '.flac', '.ogg', '.oga', '.opus', '.m4a', '.aac', '.wav', '.wma', '.alac', '.aiff', '.aif', '.ape', '.wv', '.mpc']);

/** Local files indexed by normalized "artist + title", read from their names only (no tag parsing). */
export interface MusicIndex {
  byKey: Map<string, string>;
  files: number;
}

/**
 * What a file's path says about it: "Artist - Title.ext" (optionally "NN - Artist - Title"), or
 * "Artist/Album/NN Title.ext" / "Artist/Album/NN - Title.ext" where folders name artist and album.
 */
export function guessFromPath(path: string, root: string): { artist?: string; title: string } {
  const stem = basename(path, extname(path)).replace(/^\d{1,3}(?:[-.]\d{1,3})?\s*(?:[-._]\s*)?(?=\D)/, '').trim();
  const parts = stem.split(/\s+-\s+/);
  if (parts.length >= 2) return { artist: parts[0]!.trim(), title: parts.slice(1).join(' - ').trim() };
  const dirs = relative(root, path).split(sep).slice(0, -1);
  const artist = dirs.length >= 2 ? dirs[dirs.length - 2] : dirs[0];
  return artist === undefined ? { title: stem } : { artist, title: stem };
}

/** Walks a music folder (symlinked folders are not followed) and indexes its audio files by name. */
export async function scanMusicDir(root: string): Promise<MusicIndex> {
  const byKey = new Map<string, string>();
  let files = 0;
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const full = join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile() && AUDIO.has(extname(e.name).toLowerCase())) {
        files++;
        const g = guessFromPath(full, root);
        const key = nameKey(g.artist, g.title);
        if (!byKey.has(key)) byKey.set(key, full);
      }
    }
  };
  await walk(root);
  return { byKey, files };
}

/** The local file for a track, by normalized artist and title. */
export function findLocal(index: MusicIndex, t: PlaylistTrack): string | undefined {
  return index.byKey.get(nameKey(t.artist, t.title));
}
