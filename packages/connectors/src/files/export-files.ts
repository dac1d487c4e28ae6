import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable, Transform } from 'node:stream';
import { isMixtapeError, MixtapeError, storageError } from '@mixtape/core';
import { JsonWhitespaceLimiter } from './json-whitespace.js';
import { badZip, openZipArchive } from './zip-archive.js';

/** What a file inside a Spotify personal-data export holds, decided by its name. */
export type ExportFileKind =
  | 'account-history'
  | 'account-podcast'
  | 'extended-history'
  | 'endsong'
  | 'library'
  | 'playlists';

const PATTERNS: Array<[RegExp, ExportFileKind]> = [
  [/^StreamingHistory_podcast_\d+\.json$/i, 'account-podcast'],
  [/^StreamingHistory(_music_)?\d+\.json$/i, 'account-history'],
  [/^Streaming_History_(Audio|Video)_[\w-]+\.json$/i, 'extended-history'],
  [/^endsong(_\d+)?\.json$/i, 'endsong'],
  [/^endvideo(_\d+)?\.json$/i, 'endsong'],
  [/^YourLibrary\.json$/i, 'library'],
  [/^Playlist\d+\.json$/i, 'playlists'],
];

/** Classifies an export file by its base name; undefined for files Mixtape does not import. */
export function classifyExportFile(name: string): ExportFileKind | undefined {
  const base = basename(name.replace(/\\/g, '/'));
  for (const [re, kind] of PATTERNS) if (re.test(base)) return kind;
  return undefined;
}

/** One importable file of an export, whether it lies in a folder or inside a zip. */
export interface ExportEntry {
  /** Path as the user knows it: `my_spotify_data.zip:Spotify Account Data/Playlist1.json`. */
  displayName: string;
  kind: ExportFileKind;
  size: number;
  /** A path on disk when the entry is a plain file (DuckDB reads it there unless its padding must be cut). */
  diskPath?: string;
  /**
   * Writes the entry's JSON to a new file `dest` (mode 0600: it holds the listener's history),
   * with padding whitespace cut to what DuckDB reads (json-whitespace.ts).
   */
  copyTo(dest: string): Promise<void>;
  /** Reads the whole entry (for small files: library, playlists). */
  read(): Promise<Buffer>;
}

export interface ExportSource {
  kind: 'zip' | 'folder' | 'file';
  entries: ExportEntry[];
  /** Files that were looked at and skipped, for the summary. */
  skipped: string[];
  close(): Promise<void>;
}

/** Opens a zip, a folder (searched recursively) or a single file as a set of export entries. */
export async function openExport(path: string, forceKind?: ExportFileKind): Promise<ExportSource> {
  let info;
  try {
    info = await stat(path);
  } catch (cause) {
    throw new MixtapeError('not_found', `No such file or folder: ${path}`, { suggestion: 'check the path to your Spotify export', cause });
  }
  if (info.isDirectory()) return openFolder(path);
  if (/\.zip$/i.test(path)) return openZip(path);
  const kind = forceKind ?? classifyExportFile(path) ?? (await sniffExportFile(path));
  if (!kind) {
    throw new MixtapeError('unknown_export_file', `${basename(path)} is not a file Mixtape knows how to import from a Spotify export`, {
      suggestion: 'pass the export zip or folder, or a file named like StreamingHistory_music_0.json, Streaming_History_Audio_2024.json, endsong_0.json, YourLibrary.json or Playlist1.json',
    });
  }
  return { kind: 'file', entries: [diskEntry(path, path, kind, info.size)], skipped: [], close: async () => {} };
}

/** Guesses the kind of a renamed export file from the keys of its first record (after any padding). */
export async function sniffExportFile(path: string): Promise<ExportFileKind | undefined> {
  const { open } = await import('node:fs/promises');
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(65_536);
    let pos = 0;
    let head = '';
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) return undefined;
      head = buf.subarray(0, bytesRead).toString('utf8').replace(/^[\s\uFEFF]+/, '');
      if (head !== '') break;
      pos += bytesRead;
    }
    if (!head.startsWith('[')) return undefined;
    if (/"ts"\s*:/.test(head) && /"ms_played"\s*:/.test(head)) return /"username"\s*:/.test(head) ? 'endsong' : 'extended-history';
    if (/"endTime"\s*:/.test(head) && /"msPlayed"\s*:/.test(head)) return /"podcastName"\s*:/.test(head) ? 'account-podcast' : 'account-history';
    return undefined;
  } finally {
    await fh.close();
  }
}

function diskEntry(path: string, displayName: string, kind: ExportFileKind, size: number): ExportEntry {
  return {
    displayName,
    kind,
    size,
    diskPath: path,
    copyTo: (dest) => writeJson([createReadStream(path)], dest),
    read: async () => {
      const { readFile } = await import('node:fs/promises');
      return readFile(path);
    },
  };
}

async function openFolder(root: string): Promise<ExportSource> {
  const entries: ExportEntry[] = [];
  const skipped: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const items = await readdir(dir, { withFileTypes: true });
    items.sort((a, b) => a.name.localeCompare(b.name));
    for (const item of items) {
      const full = join(dir, item.name);
      if (item.isDirectory()) await walk(full);
      else if (item.isFile()) {
        const kind = classifyExportFile(item.name);
        const rel = relative(root, full);
        if (!kind) skipped.push(rel);
        else entries.push(diskEntry(full, rel, kind, (await stat(full)).size));
      }
    }
  };
  await walk(root);
  return { kind: 'folder', entries, skipped, close: async () => {} };
}

const SPOTIFY_ZIP_ADVICE = 'download the export again from Spotify, or unzip it and import the folder';

async function openZip(path: string): Promise<ExportSource> {
  const zip = await openZipArchive(path, { suggestion: SPOTIFY_ZIP_ADVICE });
  const zipName = basename(path);
  const entries: ExportEntry[] = [];
  const skipped: string[] = [];
  for (const e of zip.entries) {
    const kind = classifyExportFile(e.name);
    if (!kind) {
      skipped.push(e.name);
      continue;
    }
    // Data past the central directory's claims means the archive was cut or damaged.
    if (e.truncated) throw badZip(path, new Error(`entry ${e.name} runs past the end of the file`), SPOTIFY_ZIP_ADVICE);
    entries.push({
      displayName: `${zipName}:${e.name}`,
      kind,
      size: e.size,
      copyTo: async (dest) => {
        try {
          await writeJson([await e.open()], dest);
        } catch (err) {
          // Only a failure to read the zip is the zip's fault.
          if (err instanceof MixtapeError || (err as { path?: unknown }).path === dest) throw err;
          throw badZip(path, err, SPOTIFY_ZIP_ADVICE);
        }
      },
      read: () => e.read(),
    });
  }
  return { kind: 'zip', entries, skipped, close: zip.close };
}

/** Writes JSON to a new private file; a full disk or a file-size limit is named as such, not blamed on the input. */
async function writeJson(from: [Readable, ...Transform[]], dest: string): Promise<void> {
  try {
    await pipeline([...from, JsonWhitespaceLimiter.transform(), createWriteStream(dest, { flags: 'wx', mode: 0o600 })]);
  } catch (err) {
    if (isMixtapeError(err)) throw err;
    const folder = dest.startsWith(tmpdir()) ? tmpdir() : dirname(dest);
    throw storageError(err, { where: `a temp file in ${folder}`, remedy: 'point TMPDIR at a larger disk', outcome: 'nothing was imported' }) ?? err;
  }
}
