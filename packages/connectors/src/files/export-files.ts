import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable, Transform } from 'node:stream';
import yauzl from 'yauzl';
import { isMixtapeError, MixtapeError, storageError } from '@mixtape/core';
import { crcCheck } from './crc.js';
import { JsonWhitespaceLimiter } from './json-whitespace.js';

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
  if (/\.zip$/i.test(path)) return openZip(path, info.size);
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

function badZip(path: string, cause: unknown): MixtapeError {
  const msg = cause instanceof Error ? cause.message : String(cause);
  return new MixtapeError('bad_zip', `${basename(path)} is not a complete zip file (${msg})`, {
    suggestion: 'download the export again from Spotify, or unzip it and import the folder',
    cause,
  });
}

async function openZip(path: string, size: number): Promise<ExportSource> {
  if (size === 0) throw new MixtapeError('empty_file', `${basename(path)} is empty (0 bytes)`, { suggestion: 'download the export again' });
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false }, (err, z) => {
      if (err || !z) reject(badZip(path, err));
      else resolve(z);
    });
  });
  const raw: yauzl.Entry[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (e: yauzl.Entry) => {
      raw.push(e);
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', (err: unknown) => reject(badZip(path, err)));
    zip.readEntry();
  });
  const zipName = basename(path);
  const entries: ExportEntry[] = [];
  const skipped: string[] = [];
  for (const e of raw) {
    if (e.fileName.endsWith('/')) continue;
    const kind = classifyExportFile(e.fileName);
    if (!kind) {
      skipped.push(e.fileName);
      continue;
    }
    // Data past the central directory's claims means the archive was cut or damaged.
    if (e.relativeOffsetOfLocalHeader + e.compressedSize > size) throw badZip(path, new Error(`entry ${e.fileName} runs past the end of the file`));
    // yauzl checks sizes but not CRC-32s: a flipped bit would be imported as data.
    const damaged = (actual: number) =>
      new MixtapeError('bad_crc', `${basename(path)}: ${e.fileName} is damaged (CRC-32 ${hex(actual)}, the zip says ${hex(e.crc32)})`, {
        suggestion: 'download the export again from Spotify; nothing was imported',
      });
    const open = () =>
      new Promise<Readable>((resolve, reject) => {
        zip.openReadStream(e, (err, stream) => (err || !stream ? reject(badZip(path, err)) : resolve(stream)));
      });
    entries.push({
      displayName: `${zipName}:${e.fileName}`,
      kind,
      size: e.uncompressedSize,
      copyTo: async (dest) => {
        try {
          await writeJson([await open(), crcCheck(e.crc32, damaged)], dest);
        } catch (err) {
          // Only a failure to read the zip is the zip's fault.
          if (err instanceof MixtapeError || (err as { path?: unknown }).path === dest) throw err;
          throw badZip(path, err);
        }
      },
      read: async () => {
        const chunks: Buffer[] = [];
        try {
          await pipeline(await open(), crcCheck(e.crc32, damaged), async (source: AsyncIterable<Buffer>) => {
            for await (const c of source) chunks.push(c);
          });
        } catch (err) {
          throw err instanceof MixtapeError ? err : badZip(path, err);
        }
        return Buffer.concat(chunks);
      },
    });
  }
  return { kind: 'zip', entries, skipped, close: async () => zip.close() };
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
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
