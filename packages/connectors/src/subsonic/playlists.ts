import { MixtapeError } from '@mixtape/core';
import { list, one, type SubsonicClient } from './client.js';

/** A playlist as getPlaylists/getPlaylist describe it (without its songs). */
export interface SubsonicPlaylistInfo {
  id: string;
  name: string;
  songCount: number;
  comment?: string;
  created?: string;
  /** OpenSubsonic: smart playlists and other users' playlists cannot be changed. */
  readonly: boolean;
  /** The M3U file a playlist was imported from (Navidrome), when the server says. */
  path?: string;
  /** Re-imported from `path` on every scan (Navidrome): changes made here would be overwritten. */
  sync: boolean;
}

function toInfo(p: Record<string, unknown>): SubsonicPlaylistInfo {
  const info: SubsonicPlaylistInfo = {
    id: String(p.id), name: String(p.name ?? ''), songCount: p.songCount !== undefined ? Number(p.songCount) : list(p.entry).length,
    readonly: p.readonly === true || p.readonly === 'true', sync: p.sync === true || p.sync === 'true',
  };
  if (typeof p.comment === 'string' && p.comment !== '') info.comment = p.comment;
  if (typeof p.created === 'string') info.created = p.created;
  if (typeof p.path === 'string' && p.path !== '') info.path = p.path;
  return info;
}

/** Playlist writes on a Subsonic server (http://www.subsonic.org/pages/api.jsp#createPlaylist). */
export class SubsonicPlaylists {
  constructor(readonly client: SubsonicClient) {}

  /** Creates an empty playlist and returns its id (API 1.14+ answers with the playlist). */
  async create(name: string): Promise<string> {
    const a = await this.client.call('createPlaylist', { name }, { write: true });
    const id = one<Record<string, unknown>>(a.playlist)?.id;
    if (id !== undefined) return String(id);
    // Older servers answer empty: the newest playlist with this name is the one just made.
    const all = list<Record<string, unknown>>(one<Record<string, unknown>>((await this.client.call('getPlaylists')).playlists)?.playlist);
    const mine = all.filter((p) => p.name === name).sort((x, y) => String(y.created ?? '').localeCompare(String(x.created ?? '')));
    if (!mine[0]) throw new MixtapeError('subsonic_error', `The Subsonic server did not create the playlist "${name}"`, { suggestion: 'check the server log' });
    return String(mine[0].id);
  }

  /** The playlist, or undefined when it no longer exists (error 70). http://www.subsonic.org/pages/api.jsp#getPlaylist */
  async info(id: string): Promise<SubsonicPlaylistInfo | undefined> {
    try {
      const p = one<Record<string, unknown>>((await this.client.call('getPlaylist', { id })).playlist);
      return p ? toInfo(p) : undefined;
    } catch (e) {
      if ((e as { subsonicCode?: number }).subsonicCode === 70) return undefined;
      throw e;
    }
  }

  /** Songs in the playlist, or undefined when it no longer exists. */
  async count(id: string): Promise<number | undefined> {
    return (await this.info(id))?.songCount;
  }

  /** Every playlist the user sees. http://www.subsonic.org/pages/api.jsp#getPlaylists */
  async all(): Promise<SubsonicPlaylistInfo[]> {
    return list<Record<string, unknown>>(one<Record<string, unknown>>((await this.client.call('getPlaylists')).playlists)?.playlist).map(toInfo);
  }

  /** Sets the playlist's comment (its description in players). */
  async setComment(id: string, comment: string): Promise<void> {
    await this.client.call('updatePlaylist', { playlistId: id, comment }, { write: true });
  }

  async remove(id: string): Promise<void> {
    await this.client.call('deletePlaylist', { id }, { write: true });
  }

  /** The song ids in order. */
  async songIds(id: string): Promise<string[]> {
    const p = one<Record<string, unknown>>((await this.client.call('getPlaylist', { id })).playlist);
    return list<Record<string, unknown>>(p?.entry).map((e) => String(e.id));
  }

  /** Replaces all songs: createPlaylist with playlistId overwrites the list. */
  async replace(id: string, songIds: string[]): Promise<void> {
    await this.client.call('createPlaylist', { playlistId: id }, { repeat: [['songId', songIds]], write: true });
  }

  /** Appends songs at the end. http://www.subsonic.org/pages/api.jsp#updatePlaylist */
  async append(id: string, songIds: string[]): Promise<void> {
    await this.client.call('updatePlaylist', { playlistId: id }, { repeat: [['songIdToAdd', songIds]], write: true });
  }

  /** Removes songs by their positions. */
  async removeAt(id: string, indexes: number[]): Promise<void> {
    await this.client.call('updatePlaylist', { playlistId: id }, { repeat: [['songIndexToRemove', indexes]], write: true });
  }

  async rename(id: string, name: string): Promise<void> {
    await this.client.call('updatePlaylist', { playlistId: id, name }, { write: true });
  }
}
