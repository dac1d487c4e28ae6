import type { ProgressFn } from '@mixtape/core';
import { jellyfin, readAll, subsonic } from '@mixtape/connectors';
import type { Store } from '../store/store.js';
import { recordServerSongs, type ServerSongState, type ServerSyncCounts } from './record.js';

export interface ServerSyncOptions {
  env?: NodeJS.ProcessEnv;
  onProgress?: ProgressFn;
  /** Tests: a ready client (fake server) instead of one from the environment. */
  client?: subsonic.SubsonicClient;
  now?: Date;
}

/** The key a server's songs and pushes are remembered under: service, user and URL (no secret). */
export const subsonicServerKey = (c: subsonic.SubsonicConfig) => `subsonic:${c.user}@${c.url.replace(/\/+$/, '')}`;
export const jellyfinServerKey = (url: string, userId: string) => `jellyfin:${userId}@${url.replace(/\/+$/, '')}`;

/**
 * Syncs the listener's stars and play counts from their Subsonic/Navidrome server: getStarred2 for
 * every star (so un-stars are seen), the library listing (search3, else album by album) for
 * playCount and played. The Subsonic API has no per-listen history (Navidrome keeps only the count
 * and the last time), so counts are the evidence; listens themselves come through the scrobbles the
 * server sends to ListenBrainz or Last.fm.
 */
export async function syncSubsonic(store: Store, o: ServerSyncOptions = {}): Promise<ServerSyncCounts> {
  const env = o.env ?? process.env;
  const config = subsonic.subsonicConfigFromEnv(env);
  const client = o.client ?? new subsonic.SubsonicClient(config, { env });
  const read = (n: number) => o.onProgress?.({ done: n, unit: 'library songs read', message: 'Subsonic' });
  const starred = await subsonic.starredSongs(client);
  let songs = await subsonic.loadLibrary(client, read);
  if (songs.length === 0) {
    songs = await subsonic.loadLibraryByAlbum(client, read).catch((e: { code?: string }) => {
      if (e.code === 'subsonic_error' || e.code === 'subsonic_not_found') return [];
      throw e;
    });
  }
  // getStarred2 is the authority on stars; the listing adds the counts (and songs starred but unlisted).
  const stars = new Map(starred.map((s) => [s.id, s.starred ?? '']));
  const byId = new Map<string, subsonic.SubsonicSong>();
  for (const s of [...songs, ...starred]) if (!byId.has(s.id)) byId.set(s.id, s);
  const states: ServerSongState[] = [...byId.values()].map((s) => ({
    id: s.id, title: s.title, artist: s.artist, album: s.album,
    durationMs: s.duration !== undefined ? s.duration * 1000 : undefined, mbid: s.musicBrainzId, isrc: s.isrc?.[0],
    starredAt: stars.has(s.id) ? stars.get(s.id) || new Date().toISOString() : undefined,
    playCount: s.playCount ?? 0, lastPlayed: s.played,
  }));
  return recordServerSongs(store, subsonicServerKey(config), states, { starsComplete: true, ...(o.now ? { now: o.now } : {}) });
}

export interface JellyfinSyncOptions extends Omit<ServerSyncOptions, 'client'> {
  client?: jellyfin.JellyfinClient;
}

/**
 * Syncs the listener's favourites and play counts from Jellyfin: the IsFavorite and IsPlayed
 * listings (paged /Items) with UserData. Jellyfin keeps no time for a favourite, so a new one is
 * liked at the time of the sync that first sees it.
 */
export async function syncJellyfin(store: Store, o: JellyfinSyncOptions = {}): Promise<ServerSyncCounts> {
  const env = o.env ?? process.env;
  const client = o.client ?? new jellyfin.JellyfinClient(jellyfin.jellyfinConfigFromEnv(env), { env });
  const favourites = await readAll(jellyfin.jellyfinSongs(client, 'IsFavorite'));
  const played = await readAll(jellyfin.jellyfinSongs(client, 'IsPlayed'), (n) => o.onProgress?.({ done: n, unit: 'played songs read', message: 'Jellyfin' }));
  const byId = new Map<string, jellyfin.JellyfinSong>();
  for (const s of [...played, ...favourites]) if (!byId.has(s.id)) byId.set(s.id, s);
  const at = (o.now ?? new Date()).toISOString();
  const fav = new Set(favourites.map((s) => s.id));
  const states: ServerSongState[] = [...byId.values()].map((s) => ({
    id: s.id, title: s.title, artist: s.artist, album: s.album, durationMs: s.durationMs, mbid: s.mbid, isrc: s.isrc,
    starredAt: fav.has(s.id) ? at : undefined, playCount: s.playCount, lastPlayed: s.lastPlayed,
  }));
  return recordServerSongs(store, jellyfinServerKey(client.config.url, await client.user()), states, { starsComplete: true, ...(o.now ? { now: o.now } : {}) });
}
