import { extname } from 'node:path';
import { MixtapeError } from '@mixtape/core';

/** The playlist file formats Mixtape writes. */
export const FILE_FORMATS = ['m3u8', 'xspf', 'jspf', 'csv'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

/**
 * The format of a playlist file from its extension (.m3u is M3U8); a clear error for any other, so a
 * command can refuse a bad `--out` before it does its work. Kept apart from the writers: checking a
 * name loads none of them.
 */
export function playlistFileFormat(out: string): FileFormat {
  const ext = extname(out).slice(1).toLowerCase();
  const format = ext === 'm3u' ? 'm3u8' : ext;
  if (!(FILE_FORMATS as readonly string[]).includes(format)) {
    throw new MixtapeError('unknown_format', `Cannot tell the playlist format of ${out}`, { suggestion: `end the file name with .${FILE_FORMATS.join(', .')}` });
  }
  return format as FileFormat;
}
