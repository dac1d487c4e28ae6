import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { MixtapeError } from '@mixtape/core';
import { crcCheck } from './crc.js';

/** One file inside a zip. */
export interface ZipArchiveEntry {
  name: string;
  size: number;
  crc32: number;
  /** The central directory puts the entry past the end of the file: the archive was cut short. */
  truncated: boolean;
  /** Its bytes, CRC-checked as they stream (yauzl checks sizes, not CRC-32s). Errors are MixtapeErrors. */
  open(): Promise<Readable>;
  read(): Promise<Buffer>;
}

export interface ZipArchive {
  entries: ZipArchiveEntry[];
  close(): Promise<void>;
}

/** A zip that cannot be read: `bad_zip`, with the caller's advice. */
export function badZip(path: string, cause: unknown, suggestion: string): MixtapeError {
  const msg = cause instanceof Error ? cause.message : String(cause);
  return new MixtapeError('bad_zip', `${basename(path)} is not a complete zip file (${msg})`, { suggestion, cause });
}

const hex = (n: number) => n.toString(16).padStart(8, '0');

/**
 * Opens a zip and lists its files (folders left out), through yauzl: the one zip reader of the
 * project, for the Spotify and ListenBrainz exports alike. `suggestion` is what a damaged or
 * truncated archive's error tells the user to do.
 */
export async function openZipArchive(path: string, o: { suggestion: string }): Promise<ZipArchive> {
  const { size } = await import('node:fs/promises').then((fs) => fs.stat(path));
  if (size === 0) throw new MixtapeError('empty_file', `${basename(path)} is empty (0 bytes)`, { suggestion: o.suggestion });
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false }, (err, z) => {
      if (err || !z) reject(badZip(path, err, o.suggestion));
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
    zip.on('error', (err: unknown) => reject(badZip(path, err, o.suggestion)));
    zip.readEntry();
  });
  const entries = raw
    .filter((e) => !e.fileName.endsWith('/'))
    .map((e): ZipArchiveEntry => {
      const truncated = e.relativeOffsetOfLocalHeader + e.compressedSize > size;
      const damaged = (actual: number) =>
        new MixtapeError('bad_crc', `${basename(path)}: ${e.fileName} is damaged (CRC-32 ${hex(actual)}, the zip says ${hex(e.crc32)})`, {
          suggestion: `${o.suggestion}; nothing was imported`,
        });
      const open = async (): Promise<Readable> => {
        if (truncated) throw badZip(path, new Error(`entry ${e.fileName} runs past the end of the file`), o.suggestion);
        const stream = await new Promise<Readable>((resolve, reject) => {
          zip.openReadStream(e, (err, s) => (err || !s ? reject(badZip(path, err, o.suggestion)) : resolve(s)));
        });
        const checked = crcCheck(e.crc32, damaged);
        // A read error of the zip (a cut deflate stream) is the zip's fault: name it so.
        stream.on('error', (err) => checked.destroy(err instanceof MixtapeError ? err : badZip(path, err, o.suggestion)));
        return stream.pipe(checked);
      };
      return {
        name: e.fileName,
        size: e.uncompressedSize,
        crc32: e.crc32,
        truncated,
        open,
        read: async () => {
          const chunks: Buffer[] = [];
          try {
            await pipeline(await open(), async (source: AsyncIterable<Buffer>) => {
              for await (const c of source) chunks.push(c);
            });
          } catch (err) {
            throw err instanceof MixtapeError ? err : badZip(path, err, o.suggestion);
          }
          return Buffer.concat(chunks);
        },
      };
    });
  return { entries, close: async () => zip.close() };
}
