import type { Store } from '../store/store.js';
import { findPlaylist, loadTracks, type PlaylistInfo } from './load.js';
import { pushesOf, type PushState } from './state.js';

/** A playlist with its items in order and where it was pushed. */
export interface PlaylistView extends PlaylistInfo {
  tracks: { position: number; track_id: string; artist?: string | undefined; title?: string | undefined; album?: string | undefined; duration_ms?: number | undefined }[];
  pushes: PushState[];
}

/** `playlist show`: the items in order (at most `limit`) and the remembered pushes. */
export async function showPlaylist(store: Store, ref: string, limit = Infinity): Promise<PlaylistView> {
  const info = await findPlaylist(store, ref);
  const tracks = (await loadTracks(store, info.playlist_id)).slice(0, limit).map((t, position) => ({ position, track_id: t.trackId, artist: t.artist, title: t.title, album: t.album, duration_ms: t.durationMs }));
  return { ...info, tracks, pushes: await pushesOf(store, info.playlist_id) };
}
