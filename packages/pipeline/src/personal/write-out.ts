import { playlistFileFormat } from '../push/file-format.js';
import { pushPlaylist, type PushSummary } from '../push/index.js';
import { withStore, type OpenOptions } from '../store/store.js';
import { RECOMMENDATION_PLAYLIST } from './recommend.js';

/** Writes the last recommendations to a playlist file; the format comes from the extension. */
export async function writeRecommendations(store: OpenOptions, out: string, musicDir?: string): Promise<PushSummary> {
  const format = playlistFileFormat(out);
  return withStore(store, (s) => pushPlaylist(s, { playlist: RECOMMENDATION_PLAYLIST, to: format, out, musicDir }));
}
