import { MixtapeError } from '@mixtape/core';
import type { HttpClient } from '../http/client.js';

/** Spotify's playlist size cap and its items-per-request limit. */
export const SPOTIFY_PLAYLIST_CAP = 10_000;
export const SPOTIFY_ITEMS_PER_REQUEST = 100;

/** Writes playlists for the logged-in user through the one Spotify client. */
export class SpotifyPlaylistWriter {
  constructor(readonly client: HttpClient) {}

  /** Creates an empty playlist; returns its id. https://developer.spotify.com/documentation/web-api/reference/create-playlist */
  async create(name: string, description: string, isPublic = false): Promise<string> {
    // Spotify keeps names to 100 characters and descriptions to 300 on one line.
    description = description.replace(/\s+/g, ' ').slice(0, 300);
    name = fitName(name);
    const res = await this.client.request<{ id: string }>({ method: 'POST', path: 'me/playlists', body: { name, description, public: isPublic }, accept: [403] });
    if (res.status === 403) {
      throw new MixtapeError('spotify_scope_missing', 'Spotify refused to create a playlist (403): the login lacks the playlist-modify scopes', {
        suggestion: 'log in again with `mixtape auth spotify` so the token carries playlist-modify-private and playlist-modify-public',
      });
    }
    return res.body.id;
  }

  /** Items in the playlist now, or undefined when it no longer exists. https://developer.spotify.com/documentation/web-api/reference/get-playlists-items */
  async count(playlistId: string): Promise<number | undefined> {
    const res = await this.client.get<{ total: number }>(`playlists/${encodeURIComponent(playlistId)}/items`, { params: { limit: 1, fields: 'total' } });
    return res.outcome === 'not_found' ? undefined : res.body.total;
  }

  /** Replaces every item with these (at most 100; none empties it). https://developer.spotify.com/documentation/web-api/reference/reorder-or-replace-playlists-items */
  async replace(playlistId: string, uris: string[]): Promise<void> {
    await this.client.request({ method: 'PUT', path: `playlists/${encodeURIComponent(playlistId)}/items`, body: { uris } });
  }

  /** Appends up to 100 items at the end. https://developer.spotify.com/documentation/web-api/reference/add-items-to-playlist */
  async append(playlistId: string, uris: string[]): Promise<void> {
    await this.client.request({ method: 'POST', path: `playlists/${encodeURIComponent(playlistId)}/items`, body: { uris } });
  }

  /** Renames a playlist. https://developer.spotify.com/documentation/web-api/reference/change-playlist-details */
  async rename(playlistId: string, name: string): Promise<void> {
    await this.client.request({ method: 'PUT', path: `playlists/${encodeURIComponent(playlistId)}`, body: { name: fitName(name) } });
  }
}

/** A name cut to Spotify's 100 characters, keeping a part suffix such as " (2/3)". */
export function fitName(name: string): string {
  if (name.length <= 100) return name;
  const suffix = / \(\d+\/\d+\)$/.exec(name)?.[0] ?? '';
  return name.slice(0, 100 - suffix.length - 1).trimEnd() + '…' + suffix;
}
