import { MixtapeError } from '@mixtape/core';
import type { JellyfinClient } from './client.js';

/** A playlist as /Items lists it. */
export interface JellyfinPlaylistInfo {
  id: string;
  name: string;
  /** ISO time. */
  created?: string;
}

/**
 * Playlist writes on Jellyfin (https://api.jellyfin.org/#tag/Playlists): create, read the entries,
 * remove entries by their entry ids, add items at the end, and set name and overview.
 */
export class JellyfinPlaylists {
  constructor(readonly client: JellyfinClient) {}

  /** POST /Playlists: an empty audio playlist of the user's; returns its id. */
  async create(name: string): Promise<string> {
    const res = await this.client.request<{ Id?: string }>({ method: 'POST', path: 'Playlists', body: { Name: name, Ids: [], UserId: await this.client.user(), MediaType: 'Audio' } });
    if (typeof res.body?.Id !== 'string') throw new MixtapeError('jellyfin_error', `The Jellyfin server did not create the playlist "${name}"`, { suggestion: 'check the server log' });
    return res.body.Id;
  }

  /** The entries in order (item id and the entry id that removal needs), or undefined when the playlist is gone. */
  async entries(id: string): Promise<{ itemId: string; entryId: string }[] | undefined> {
    const res = await this.client.request<{ Items?: { Id: string; PlaylistItemId?: string }[] }>({ method: 'GET', path: `Playlists/${encodeURIComponent(id)}/Items`, params: { userId: await this.client.user() }, accept: [404] });
    if (res.status === 404) return undefined;
    return (res.body?.Items ?? []).map((i) => ({ itemId: i.Id, entryId: i.PlaylistItemId ?? i.Id }));
  }

  async count(id: string): Promise<number | undefined> {
    return (await this.entries(id))?.length;
  }

  /** DELETE /Playlists/{id}/Items?EntryIds=… */
  async removeEntries(id: string, entryIds: string[]): Promise<void> {
    await this.client.request({ method: 'DELETE', path: `Playlists/${encodeURIComponent(id)}/Items`, params: { EntryIds: entryIds.join(',') } });
  }

  /** POST /Playlists/{id}/Items?Ids=…: appended at the end, in the order given. Not safe to repeat. */
  async append(id: string, itemIds: string[]): Promise<void> {
    await this.client.request({ method: 'POST', path: `Playlists/${encodeURIComponent(id)}/Items`, params: { Ids: itemIds.join(','), userId: await this.client.user() }, idempotent: false });
  }

  /** Makes the playlist hold exactly `itemIds`, keeping its id: remove every entry, then add. */
  async replace(id: string, itemIds: string[]): Promise<void> {
    const old = (await this.entries(id)) ?? [];
    // Entry ids go in the query string: a few hundred at a time keeps the URL short.
    for (let i = 0; i < old.length; i += 200) await this.removeEntries(id, old.slice(i, i + 200).map((e) => e.entryId));
    if (itemIds.length > 0) await this.append(id, itemIds);
  }

  /** The user's playlists with exactly this name (GET /Items?IncludeItemTypes=Playlist&SearchTerm=…). */
  async findByName(name: string): Promise<JellyfinPlaylistInfo[]> {
    const res = await this.client.request<{ Items?: { Id: string; Name?: string; DateCreated?: string }[] }>({
      method: 'GET', path: 'Items',
      params: { userId: await this.client.user(), IncludeItemTypes: 'Playlist', Recursive: 'true', SearchTerm: name, Fields: 'DateCreated' },
    });
    return (res.body?.Items ?? []).filter((i) => i.Name === name).map((i) => ({ id: i.Id, name: i.Name!, ...(i.DateCreated ? { created: i.DateCreated } : {}) }));
  }

  /**
   * Sets the name and/or the overview (shown as the playlist's description): Jellyfin updates an
   * item by POST /Items/{id} with the whole item, so it is read first.
   */
  async update(id: string, o: { name?: string; overview?: string }): Promise<void> {
    const user = await this.client.user();
    const got = await this.client.request<{ Items?: Record<string, unknown>[] }>({ method: 'GET', path: 'Items', params: { userId: user, Ids: id, Fields: 'Overview,ProviderIds,Genres,Tags' } });
    const item = got.body?.Items?.[0];
    if (!item) throw new MixtapeError('jellyfin_error', `The Jellyfin playlist ${id} is gone`, { suggestion: 'run the push again: it creates the playlist anew' });
    await this.client.request({ method: 'POST', path: `Items/${encodeURIComponent(id)}`, body: { ...item, ...(o.name !== undefined ? { Name: o.name } : {}), ...(o.overview !== undefined ? { Overview: o.overview } : {}) } });
  }

  /** DELETE /Items/{id}. */
  async remove(id: string): Promise<void> {
    await this.client.request({ method: 'DELETE', path: `Items/${encodeURIComponent(id)}` });
  }
}
