import { extname } from 'node:path';
import { MixtapeError } from '@mixtape/core';
import { FILE_FORMATS, pushPlaylist, type FileFormat, type PushSummary } from '../push/index.js';
import { withStore, type OpenOptions } from '../store/store.js';
import { RECOMMENDATION_PLAYLIST } from './recommend.js';

/** Writes the last recommendations to a playlist file; the format comes from the extension. */
export async function writeRecommendations(store: OpenOptions, out: string, musicDir?: string): Promise<PushSummary> {
  const ext = extname(out).slice(1).toLowerCase();
  const format = (ext === 'm3u' ? 'm3u8' : ext) as FileFormat;
  if (!(FILE_FORMATS as readonly string[]).includes(format)) {
    throw new MixtapeError('unknown_format', `Cannot tell the playlist format of ${out}`, { suggestion: `end the file name with .${FILE_FORMATS.join(', .')}` });
  }
  return withStore(store, (s) => pushPlaylist(s, { playlist: RECOMMENDATION_PLAYLIST, to: format, out, musicDir }));
}
