import { MixtapeError, type ProgressFn } from '@mixtape/core';
import { deezerWrite, jellyfin, listenbrainz, type match, SPOTIFY_ITEMS_PER_REQUEST, SPOTIFY_PLAYLIST_CAP, SpotifyPlaylistWriter, subsonic, type HttpClient, type playlistFiles } from '@mixtape/connectors';
import { loadOverrides, matchLibrary } from './library-match.js';
import type { RemoteTarget } from './remote.js';

type PlaylistTrack = playlistFiles.PlaylistTrack;

/** Spotify: track and episode URIs, 10,000 items a playlist, 100 per request. */
export function spotifyTarget(client: HttpClient, env: NodeJS.ProcessEnv = process.env): RemoteTarget {
  const w = new SpotifyPlaylistWriter(client);
  return {
    key: 'spotify:me',
    label: 'Spotify',
    // A lower cap (MIXTAPE_SPOTIFY_PLAYLIST_CAP) is for tests and for splitting earlier by choice.
    cap: Math.min(SPOTIFY_PLAYLIST_CAP, Number(env.MIXTAPE_SPOTIFY_PLAYLIST_CAP ?? SPOTIFY_PLAYLIST_CAP)),
    batch: SPOTIFY_ITEMS_PER_REQUEST,
    resolve: async (tracks) => tracks.map((t) => t.spotifyUri),
    create: (name, description) => w.create(name, description),
    count: (id) => w.count(id),
    replace: (id, ids) => w.replace(id, ids),
    append: (id, ids) => w.append(id, ids),
    rename: (id, name) => w.rename(id, name),
    requests: () => client.stats.requests,
  };
}

/** Deezer: track ids, with DEEZER_ACCESS_TOKEN only; the same cap and batch as Spotify. */
export function deezerTarget(env: NodeJS.ProcessEnv = process.env): RemoteTarget {
  const w = new deezerWrite.DeezerPlaylistWriter(deezerWrite.deezerTokenFromEnv(env), { env });
  return {
    key: 'deezer:me',
    label: 'Deezer',
    cap: Math.min(deezerWrite.DEEZER_PLAYLIST_CAP, Number(env.MIXTAPE_DEEZER_PLAYLIST_CAP ?? deezerWrite.DEEZER_PLAYLIST_CAP)),
    batch: deezerWrite.DEEZER_ITEMS_PER_REQUEST,
    resolve: async (tracks) => tracks.map((t) => (t.deezerId !== undefined && t.deezerId !== null ? String(t.deezerId) : undefined)),
    create: (name) => w.create(name),
    count: (id) => w.count(id),
    // Deezer has no "replace": remove what is there (by id), then add.
    replace: async (id, ids) => {
      const old = await w.trackIds(id);
      for (let i = 0; i < old.length; i += 100) await w.remove(id, old.slice(i, i + 100));
      if (ids.length > 0) await w.append(id, ids);
    },
    append: (id, ids) => w.append(id, ids),
    rename: (id, name) => w.rename(id, name),
    requests: () => w.requests,
  };
}

/** ListenBrainz: recording MBIDs; 100 per request, no cap on length. */
export function listenBrainzTarget(env: NodeJS.ProcessEnv = process.env): RemoteTarget {
  const lb = new listenbrainz.ListenBrainzPlaylists(listenbrainz.listenBrainzTokenFromEnv(env), { env });
  // Titles as last read or written: an annotation edit must carry the title (the server requires it).
  const titles = new Map<string, string>();
  return {
    key: `listenbrainz:${env.MIXTAPE_LISTENBRAINZ_API_URL || listenbrainz.LISTENBRAINZ_API_URL}`,
    label: 'ListenBrainz',
    cap: Number(env.MIXTAPE_LISTENBRAINZ_PLAYLIST_CAP ?? Infinity),
    batch: listenbrainz.LISTENBRAINZ_ITEMS_PER_REQUEST,
    resolve: async (tracks) => tracks.map((t) => (t.mbid && /^[0-9a-f-]{36}$/i.test(t.mbid) ? t.mbid.toLowerCase() : undefined)),
    create: async (name, description) => {
      const id = await lb.create(name, description);
      titles.set(id, name);
      return id;
    },
    count: async (id) => {
      const info = await lb.info(id);
      if (info) titles.set(id, info.title);
      return info?.count;
    },
    replace: async (id, ids, current) => {
      const n = current ?? (await lb.count(id)) ?? 0;
      await lb.remove(id, 0, n);
      if (ids.length > 0) await lb.append(id, ids);
    },
    append: (id, ids) => lb.append(id, ids),
    rename: async (id, name) => {
      await lb.rename(id, name);
      titles.set(id, name);
    },
    requests: () => lb.requests,
    // The annotation carries each pick's reason; it is rewritten whenever the playlist changes.
    describe: async (id, description) => {
      const title = titles.get(id) ?? (await lb.info(id))?.title;
      if (title) await lb.describe(id, title, description);
    },
  };
}

/** Subsonic/OpenSubsonic: songs matched in the server's library; no cap, 200 ids per request (URL length). */
export function subsonicTarget(env: NodeJS.ProcessEnv = process.env): RemoteTarget & { client: subsonic.SubsonicClient } {
  const config = subsonic.subsonicConfigFromEnv(env);
  const client = new subsonic.SubsonicClient(config, { env });
  const pl = new subsonic.SubsonicPlaylists(client);
  const native = new subsonic.NavidromeApi(config, { env });
  // What getPlaylist said last, so the check before a write costs no second read.
  const seen = new Map<string, subsonic.SubsonicPlaylistInfo>();
  return {
    client,
    key: `subsonic:${config.user}@${config.url.replace(/\/+$/, '')}`,
    label: 'Subsonic',
    cap: Number(env.MIXTAPE_SUBSONIC_PLAYLIST_CAP ?? Infinity),
    batch: Number(env.MIXTAPE_SUBSONIC_BATCH ?? 200),
    match: (tracks, onProgress) => matchSubsonic(client, tracks, env, onProgress),
    resolve: async (tracks, onProgress) => (await matchSubsonic(client, tracks, env, onProgress)).map((m) => (m.matched ? m.candidate.id : undefined)),
    create: (name) => pl.create(name),
    count: async (id) => {
      const info = await pl.info(id);
      if (info) seen.set(id, info);
      return info?.songCount;
    },
    replace: (id, ids) => pl.replace(id, ids),
    append: (id, ids) => pl.append(id, ids),
    rename: (id, name) => pl.rename(id, name),
    requests: () => client.requests,
    find: async (name) => (await pl.all()).filter((p) => p.name === name).sort((a, b) => (b.created ?? '').localeCompare(a.created ?? '')),
    check: async (id, name) => {
      const info = seen.get(id) ?? (await pl.info(id));
      if (!info) return;
      // Navidrome re-imports a synced playlist from its M3U file on every scan; its Subsonic API does
      // not say so, its own API does (path, sync). Some servers put the same fields in the Subsonic answer.
      if (info.sync) throw subsonic.m3uSyncedError(info.name || name, info.path);
      if (client.serverType === 'navidrome') {
        const nd = await native.playlist(id);
        if (nd?.sync) throw subsonic.m3uSyncedError(info.name || name, nd.path || undefined);
      }
      if (info.readonly) {
        throw new MixtapeError('playlist_read_only', `The playlist "${info.name || name}" on the Subsonic server is read-only (a smart playlist, or another user's)`, {
          suggestion: 'push under another name, or use a playlist you own',
        });
      }
    },
    describe: (id, description) => pl.setComment(id, description),
  };
}

/** Jellyfin: audio items matched in the user's library; no cap, 100 ids per request (they go in the URL). */
export function jellyfinTarget(env: NodeJS.ProcessEnv = process.env): RemoteTarget & { client: jellyfin.JellyfinClient } {
  const config = jellyfin.jellyfinConfigFromEnv(env);
  const client = new jellyfin.JellyfinClient(config, { env });
  const pl = new jellyfin.JellyfinPlaylists(client);
  return {
    client,
    // The user as configured (name or id): the key must be known before any request.
    key: `jellyfin:${config.user ?? 'me'}@${config.url.replace(/\/+$/, '')}`,
    label: 'Jellyfin',
    cap: Number(env.MIXTAPE_JELLYFIN_PLAYLIST_CAP ?? Infinity),
    batch: Number(env.MIXTAPE_JELLYFIN_BATCH ?? 100),
    match: (tracks, onProgress) => matchJellyfin(client, tracks, env, onProgress),
    resolve: async (tracks, onProgress) => (await matchJellyfin(client, tracks, env, onProgress)).map((m) => (m.matched ? m.candidate.id : undefined)),
    create: (name) => pl.create(name),
    count: (id) => pl.count(id),
    replace: (id, ids) => pl.replace(id, ids),
    append: (id, ids) => pl.append(id, ids),
    rename: (id, name) => pl.update(id, { name }),
    requests: () => client.requests,
    find: async (name) => (await pl.findByName(name)).sort((a, b) => (b.created ?? '').localeCompare(a.created ?? '')),
    describe: (id, description) => pl.update(id, { overview: description }),
  };
}

/** Matches tracks among the Jellyfin user's audio items, through the one library matcher. */
async function matchJellyfin(client: jellyfin.JellyfinClient, tracks: PlaylistTrack[], env: NodeJS.ProcessEnv, onProgress?: ProgressFn): Promise<match.MatchOutcome[]> {
  const songs = await jellyfin.loadJellyfinLibrary(client, (n) => onProgress?.({ done: n, unit: 'library songs read' }));
  return matchLibrary(songs, tracks, { target: 'jellyfin', env });
}

/**
 * Matches tracks in the server's library: one full listing by empty search3 (Navidrome), else album
 * by album, else (an empty listing) a search per track; each through the one library matcher.
 */
async function matchSubsonic(client: subsonic.SubsonicClient, tracks: PlaylistTrack[], env: NodeJS.ProcessEnv, onProgress?: ProgressFn): Promise<match.MatchOutcome[]> {
  const read = (n: number) => onProgress?.({ done: n, unit: 'library songs read' });
  const overrides = await loadOverrides(env);
  let songs = await subsonic.loadLibrary(client, read);
  if (songs.length === 0) {
    songs = await subsonic.loadLibraryByAlbum(client, read).catch((e: { code?: string }) => {
      if (e.code === 'subsonic_error' || e.code === 'subsonic_not_found') return [];
      throw e;
    });
  }
  if (songs.length > 0) return matchLibrary(songs.map(subsonic.songCandidate), tracks, { target: 'subsonic', overrides });
  const out: match.MatchOutcome[] = [];
  const cache = new Map<string, match.MatchOutcome>();
  for (const [i, t] of tracks.entries()) {
    const k = `${t.trackId}\u0001${t.artist}\u0001${t.title}`;
    if (!cache.has(k)) {
      const found = (await subsonic.searchSongs(client, t)).map(subsonic.songCandidate);
      cache.set(k, (await matchLibrary(found, [t], { target: 'subsonic', overrides }))[0]!);
    }
    out.push(cache.get(k)!);
    onProgress?.({ done: i + 1, total: tracks.length, unit: 'tracks searched' });
  }
  return out;
}

export const REMOTE_TARGETS = ['subsonic', 'jellyfin', 'listenbrainz', 'spotify', 'deezer'] as const;
export type RemoteTargetName = (typeof REMOTE_TARGETS)[number];

/** Throws when a name is not a push target. */
export function assertRemote(name: string): asserts name is RemoteTargetName {
  if (!(REMOTE_TARGETS as readonly string[]).includes(name)) throw new MixtapeError('invalid_target', `Unknown push target "${name}"`, { suggestion: `use one of ${REMOTE_TARGETS.join(', ')}` });
}

