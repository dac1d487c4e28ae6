import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, sep } from 'node:path';
import type { ProgressFn } from '@mixtape/core';
import { parseFile } from 'music-metadata';
import pLimit from 'p-limit';
import type { LibraryCandidate } from '../match/types.js';

const AUDIO = new Set(['.mp3', '.flac', '.ogg', '.oga', '.opus', '.m4a', '.aac', '.wav', '.wma', '.alac', '.aiff', '.aif', '.ape', '.wv', '.mpc']);

/** What a file's tags say, as the cache keeps it; null when the file has no usable tags. */
export interface FileTags {
  artist?: string;
  title?: string;
  album?: string;
  durationMs?: number;
  mbid?: string;
  isrc?: string[];
}

/** A local audio file as the library matcher reads it: its id is its absolute path. */
export interface LocalSong extends LibraryCandidate {
  path: string;
  /** Where the names came from: the tags, or (for a file without artist and title tags) its name. */
  names: 'tags' | 'file-name';
}

export interface MusicDirScan {
  root: string;
  songs: LocalSong[];
  files: number;
  /** Files named by their tags, and by their file names for want of tags. */
  from_tags: number;
  from_file_names: number;
  /** Files whose tags came from the cache (same size and modification time). */
  cached: number;
  /** Files the tag reader could not read (named by their file names). */
  unreadable: number;
}

/**
 * What a file's path says about it: "Artist - Title.ext" (optionally "NN - Artist - Title"), or
 * "Artist/Album/NN Title.ext" / "Artist/Album/NN - Title.ext" where folders name artist and album.
 * Used only for files without tags.
 */
export function guessFromPath(path: string, root: string): { artist?: string; title: string } {
  const stem = basename(path, extname(path)).replace(/^\d{1,3}(?:[-.]\d{1,3})?\s*(?:[-._]\s*)?(?=\D)/, '').trim();
  const parts = stem.split(/\s+-\s+/);
  if (parts.length >= 2) return { artist: parts[0]!.trim(), title: parts.slice(1).join(' - ').trim() };
  const dirs = relative(root, path).split(sep).slice(0, -1);
  const artist = dirs.length >= 2 ? dirs[dirs.length - 2] : dirs[0];
  return artist === undefined ? { title: stem } : { artist, title: stem };
}

/** Reads one file's tags with music-metadata (ID3, Vorbis comments, MP4, FLAC; duration from headers). */
export async function readTags(path: string): Promise<FileTags | null> {
  const m = await parseFile(path, { skipCovers: true, duration: false });
  const c = m.common;
  const t: FileTags = {};
  if (c.artist) t.artist = c.artist;
  else if (c.albumartist) t.artist = c.albumartist;
  if (c.title) t.title = c.title;
  if (c.album) t.album = c.album;
  if (m.format.duration !== undefined && Number.isFinite(m.format.duration)) t.durationMs = Math.round(m.format.duration * 1000);
  if (c.musicbrainz_recordingid) t.mbid = c.musicbrainz_recordingid.toLowerCase();
  if (c.isrc && c.isrc.length > 0) t.isrc = c.isrc.map((i) => i.toUpperCase());
  return t.title === undefined && t.artist === undefined ? (t.durationMs === undefined ? null : { durationMs: t.durationMs }) : t;
}

interface CacheEntry {
  mtimeMs: number;
  size: number;
  tags: FileTags | null;
  unreadable?: true;
}
interface CacheFile {
  version: 1;
  files: Record<string, CacheEntry>;
}

async function loadCache(path: string | undefined): Promise<Map<string, CacheEntry>> {
  if (!path) return new Map();
  try {
    const c = JSON.parse(await readFile(path, 'utf8')) as CacheFile;
    return c.version === 1 && c.files && typeof c.files === 'object' ? new Map(Object.entries(c.files)) : new Map();
  } catch {
    // No cache, or an unreadable one: read every file again.
    return new Map();
  }
}

async function saveCache(path: string, entries: Map<string, CacheEntry>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify({ version: 1, files: Object.fromEntries(entries) } satisfies CacheFile));
  await rename(tmp, path);
}

async function listAudio(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const full = join(dir, e.name);
      // Symlinked folders are not followed: a link loop cannot trap the walk.
      if (e.isDirectory()) await walk(full);
      else if (e.isFile() && AUDIO.has(extname(e.name).toLowerCase())) out.push(full);
    }
  };
  await walk(root);
  return out;
}

/**
 * Walks a music folder and names each audio file by its tags (artist, title, album, MusicBrainz
 * recording id, ISRC, duration), by its file name only when it has no artist or title tags. With
 * `cacheFile`, tags are kept by path, size and modification time, so a rerun reads only changed files.
 */
export async function scanMusicDir(root: string, o: { cacheFile?: string | undefined; onProgress?: ProgressFn | undefined; concurrency?: number } = {}): Promise<MusicDirScan> {
  const paths = await listAudio(root);
  const cache = await loadCache(o.cacheFile);
  const next = new Map<string, CacheEntry>();
  const limit = pLimit(o.concurrency ?? 8);
  let done = 0;
  let cached = 0;
  await Promise.all(paths.map((path) => limit(async () => {
    const st = await stat(path);
    const hit = cache.get(path);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) {
      next.set(path, hit);
      cached++;
    } else {
      const entry: CacheEntry = { mtimeMs: st.mtimeMs, size: st.size, tags: null };
      try {
        entry.tags = await readTags(path);
      } catch {
        // A damaged or unknown file still counts, by its name.
        entry.unreadable = true;
      }
      next.set(path, entry);
    }
    if (++done % 200 === 0 || done === paths.length) o.onProgress?.({ done, total: paths.length, unit: 'music files read' });
  })));
  if (o.cacheFile) await saveCache(o.cacheFile, next);
  const scan: MusicDirScan = { root, songs: [], files: paths.length, from_tags: 0, from_file_names: 0, cached, unreadable: 0 };
  for (const path of paths) {
    const e = next.get(path)!;
    if (e.unreadable) scan.unreadable++;
    const t = e.tags;
    const song: LocalSong = { id: path, path, names: 'tags' };
    if (t?.artist !== undefined || t?.title !== undefined) {
      scan.from_tags++;
      Object.assign(song, { artist: t.artist, title: t.title ?? basename(path, extname(path)) });
    } else {
      scan.from_file_names++;
      song.names = 'file-name';
      Object.assign(song, guessFromPath(path, root));
    }
    if (t?.album) song.album = t.album;
    if (t?.durationMs) song.durationMs = t.durationMs;
    if (t?.mbid) song.mbid = t.mbid;
    if (t?.isrc) song.isrc = t.isrc;
    scan.songs.push(song);
  }
  return scan;
}
