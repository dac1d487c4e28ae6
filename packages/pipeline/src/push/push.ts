import { MixtapeError, type ProgressFn } from '@mixtape/core';
import type { HttpClient } from '@mixtape/connectors';
import { spotify } from '@mixtape/connectors';
import { spotifyTokenSource } from '../export/spotify-auth.js';
import type { Store } from '../store/store.js';
import { FILE_FORMATS, pushToFile, type FileFormat, type FilePushSummary } from './files.js';
import { findPlaylist, loadTracks, playlistFromFile } from './load.js';
import { pushRemote, type RemotePushSummary, type RemoteTarget } from './remote.js';
import { deezerTarget, jellyfinTarget, listenBrainzTarget, REMOTE_TARGETS, spotifyTarget, subsonicTarget } from './targets.js';

export const PUSH_TARGETS = [...FILE_FORMATS, ...REMOTE_TARGETS] as const;
export type PushTargetName = (typeof PUSH_TARGETS)[number];

export interface PushOptions {
  /** Playlist id or name; or omitted with `fromFile`. */
  playlist?: string | undefined;
  /** A JSON list of track ids, stored as a 'mixtape' playlist first. */
  fromFile?: string | undefined;
  /** Name for a playlist made from a file. */
  name?: string | undefined;
  to: PushTargetName;
  out?: string | undefined;
  musicDir?: string | undefined;
  env?: NodeJS.ProcessEnv;
  onProgress?: ProgressFn;
  /** Tests and benchmarks: a ready target (fake servers, counters) instead of one from the environment. */
  target?: RemoteTarget;
  /** Tests: a Spotify client to use instead of the logged-in one. */
  spotify?: HttpClient;
  stopAfterRequests?: number;
  /** The description to push instead of the stored one (e.g. a daily playlist's reasons). */
  description?: string;
  /** Write the description onto the remote playlist on every push (Subsonic comment, Jellyfin overview). */
  setDescription?: boolean;
  /** With no remote recorded, take over the listener's playlist of that name instead of creating another. */
  adoptByName?: boolean;
}

export type PushSummary = { playlist_id: string; name: string } & (FilePushSummary | RemotePushSummary);

/** Pushes a stored playlist (or a recommendation) to a file format or a service. */
export async function pushPlaylist(store: Store, o: PushOptions): Promise<PushSummary> {
  if (!(PUSH_TARGETS as readonly string[]).includes(o.to)) {
    throw new MixtapeError('invalid_target', `Unknown push target "${o.to}"`, { suggestion: `use one of ${PUSH_TARGETS.join(', ')}` });
  }
  if (o.playlist === undefined && o.fromFile === undefined) throw new MixtapeError('invalid_flags', 'Name a playlist or give --from-file', { suggestion: 'run `mixtape playlist list` to see the playlists' });
  const info = o.fromFile !== undefined ? await playlistFromFile(store, o.fromFile, o.name ?? o.playlist) : await findPlaylist(store, o.playlist!);
  const name = info.name ?? info.playlist_id;
  const tracks = await loadTracks(store, info.playlist_id);
  const head = { playlist_id: info.playlist_id, name };
  if ((FILE_FORMATS as readonly string[]).includes(o.to)) {
    const format = o.to as FileFormat;
    const out = o.out ?? `${name.replace(/[^\p{L}\p{N} ._-]+/gu, '_').trim() || 'playlist'}.${format === 'jspf' ? 'jspf' : format}`;
    const doc = { name, description: info.description ?? undefined, creator: info.owner ?? undefined, tracks };
    return { ...head, ...(await pushToFile(store, { playlistId: info.playlist_id, doc, format, out, musicDir: o.musicDir, env: o.env, onProgress: o.onProgress })) };
  }
  const env = o.env ?? process.env;
  const target = o.target ?? remoteTarget(o.to, env, o.spotify);
  const description = o.description ?? info.description ?? `Pushed by Mixtape from ${info.source}`;
  const r = await pushRemote(store, target, tracks, {
    playlistId: info.playlist_id, name, description,
    ...(o.setDescription ? { setDescription: true } : {}),
    ...(o.adoptByName ? { adoptByName: true } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    ...(o.stopAfterRequests !== undefined ? { stopAfterRequests: o.stopAfterRequests } : {}),
  });
  return { ...head, ...r };
}

/** The push target of a service, configured from the environment (Spotify from the stored login). */
export function remoteTarget(to: string, env: NodeJS.ProcessEnv, client?: HttpClient): RemoteTarget {
  switch (to) {
    case 'spotify':
      return spotifyTarget(client ?? spotify.spotifyClient({ auth: spotifyTokenSource(env), env }), env);
    case 'deezer':
      return deezerTarget(env);
    case 'listenbrainz':
      return listenBrainzTarget(env);
    case 'jellyfin':
      return jellyfinTarget(env);
    default:
      return subsonicTarget(env);
  }
}
