import type { ProgressFn } from '@mixtape/core';
import { spotify } from '@mixtape/connectors';
import { withStore } from '../store/store.js';
import { exportSpotify, SPOTIFY_STREAMS, type SpotifyExportSummary, type SpotifyStreamName } from './spotify.js';
import { spotifyTokenSource } from './spotify-auth.js';

/** `mixtape export spotify`: opens the store, builds the one Spotify client, runs the export. */
export async function exportSpotifyToStore(o: { dataDir?: string | undefined; streams?: string | undefined; full?: boolean; onProgress?: ProgressFn; env?: NodeJS.ProcessEnv }): Promise<SpotifyExportSummary> {
  const env = o.env ?? process.env;
  const auth = spotifyTokenSource(env);
  const streams = o.streams ? (o.streams.split(',').map((s) => s.trim()).filter(Boolean) as SpotifyStreamName[]) : [...SPOTIFY_STREAMS];
  const client = spotify.spotifyClient({ auth, env });
  return withStore(o.dataDir === undefined ? {} : { dataDir: o.dataDir }, (store) => exportSpotify({ store, client, streams, full: o.full ?? false, ...(o.onProgress ? { onProgress: o.onProgress } : {}) }));
}
