import { MixtapeError } from '@mixtape/core';
import { list, one, type SubsonicClient } from './client.js';

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

  /** Songs in the playlist, or undefined when it no longer exists (error 70). http://www.subsonic.org/pages/api.jsp#getPlaylist */
  async count(id: string): Promise<number | undefined> {
    try {
      const p = one<Record<string, unknown>>((await this.client.call('getPlaylist', { id })).playlist);
      return p?.songCount !== undefined ? Number(p.songCount) : list(p?.entry).length;
    } catch (e) {
      if ((e as { subsonicCode?: number }).subsonicCode === 70) return undefined;
      throw e;
    }
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
