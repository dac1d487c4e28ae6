import type { HttpClient } from '../http/client.js';
import { declareStream, type DeclaredStream, type Paginator } from '../http/declare.js';

type Json = Record<string, unknown>;
interface Paging {
  items: Json[];
  total?: number;
  next?: string | null;
}

/** Offset-paged checkpoint. */
export interface OffsetCheckpoint {
  offset: number;
}

/** Cursor checkpoint for followed artists. */
export interface CursorCheckpoint {
  after: string;
}

/** The saved-item kinds of `/me/{kind}`. */
export type SavedKind = 'tracks' | 'albums' | 'shows' | 'episodes';

/** An offset-paged Spotify list (`items`, `total`, `next`) at `path`. */
function offsetList(client: HttpClient, path: string, limit: number, extra: Record<string, string> = {}): Paginator<Json> {
  return {
    kind: 'offset',
    limit,
    fetch: async (offset, lim) => {
      const r = await client.get<Paging>(path, { params: { ...extra, offset, limit: lim } });
      return { items: r.body.items ?? [], total: r.body.total, raw: r.body, hasNext: Boolean(r.body.next) };
    },
  };
}

/** The object a saved row holds (`track`, `album`, `show`, `episode`). */
const SAVED_OBJECT: Record<SavedKind, string> = { tracks: 'track', albums: 'album', shows: 'show', episodes: 'episode' };

/**
 * Saved items, newest first (https://developer.spotify.com/documentation/web-api/reference/get-users-saved-tracks).
 * With `since` (the previous run's newest added_at) the pass ends at the first older item:
 * a later run fetches only what was saved since.
 */
export function savedItems(client: HttpClient, kind: SavedKind, opts: { since?: string | undefined } = {}): DeclaredStream<Json> {
  return declareStream<Json>({
    name: `saved_${kind}`,
    paginator: offsetList(client, `/me/${kind}`, 50),
    writeMode: 'merge',
    primaryKey: `${SAVED_OBJECT[kind]}.uri`,
    highWater: { field: 'added_at', as: 'iso' },
    since: opts.since,
  });
}

/** The user's playlists, owned and followed (https://developer.spotify.com/documentation/web-api/reference/get-a-list-of-current-users-playlists). */
export function playlists(client: HttpClient): DeclaredStream<Json> {
  return declareStream<Json>({ name: 'playlists', paginator: offsetList(client, '/me/playlists', 50), writeMode: 'merge', primaryKey: 'id' });
}

/** Top artists or tracks for a time range (https://developer.spotify.com/documentation/web-api/reference/get-users-top-artists-and-tracks). */
export function topItems(client: HttpClient, kind: 'artists' | 'tracks', range: 'short_term' | 'medium_term' | 'long_term'): DeclaredStream<Json> {
  return declareStream<Json>({ name: `top_${kind}_${range}`, paginator: offsetList(client, `/me/top/${kind}`, 50, { time_range: range }), writeMode: 'replace', primaryKey: 'uri' });
}

/** Which endpoint serves playlist contents on this server; `/tracks` only where `/items` is missing. */
export interface PlaylistItemsMode {
  endpoint: 'items' | 'tracks';
}

/**
 * Items of one playlist in order, 100 a page (https://developer.spotify.com/documentation/web-api/reference/get-playlists-items).
 * A playlist the user neither owns nor collaborates on answers 403: one page with status 'forbidden'.
 */
export function playlistItems(client: HttpClient, playlistId: string, mode: PlaylistItemsMode): DeclaredStream<Json> {
  return declareStream<Json>({
    name: `playlist_items:${playlistId}`,
    writeMode: 'replace',
    paginator: {
      kind: 'offset',
      limit: 100,
      fetch: async (offset, limit) => {
        const get = () => client.get<Paging>(`/playlists/${encodeURIComponent(playlistId)}/${mode.endpoint}`, { params: { offset, limit, additional_types: 'track,episode' }, accept: [403] });
        let r = await get();
        if (r.outcome === 'not_found' && mode.endpoint === 'items') {
          // An older server without /items: fall back to the deprecated /tracks for the rest of the run.
          mode.endpoint = 'tracks';
          r = await get();
        }
        const status = r.status === 403 ? 'forbidden' : r.outcome === 'not_found' ? 'not_found' : undefined;
        if (status) return { items: [], raw: r.body, status };
        return { items: r.body.items ?? [], total: r.body.total, raw: r.body, hasNext: Boolean(r.body.next) };
      },
    },
  });
}

/** Followed artists, cursor-paged (https://developer.spotify.com/documentation/web-api/reference/get-followed). */
export function followedArtists(client: HttpClient): DeclaredStream<Json> {
  return declareStream<Json>({
    name: 'followed_artists',
    writeMode: 'merge',
    primaryKey: 'uri',
    paginator: {
      kind: 'cursor',
      fetch: async (after) => {
        const r = await client.get<{ artists: Paging & { cursors?: { after?: string | null } } }>('/me/following', { params: { type: 'artist', limit: 50, after } });
        const a = r.body.artists;
        return { items: a.items ?? [], next: a.next ? (a.cursors?.after ?? undefined) : undefined, raw: r.body, total: a.total };
      },
    },
  });
}

/**
 * Recently played, newer than `after` (epoch ms) (https://developer.spotify.com/documentation/web-api/reference/get-recently-played).
 * Spotify keeps only the last 50 plays, so one page is all there is.
 */
export function recentlyPlayed(client: HttpClient, opts: { after?: number | undefined } = {}): DeclaredStream<Json> {
  return declareStream<Json>({
    name: 'recently_played',
    writeMode: 'append',
    highWater: { field: 'played_at', as: 'epoch_ms' },
    paginator: {
      kind: 'single',
      key: String(opts.after ?? 0),
      fetch: async () => {
        const r = await client.get<Paging>('/me/player/recently-played', { params: { limit: 50, after: opts.after } });
        return { items: r.body.items ?? [], raw: r.body };
      },
    },
  });
}

/** The current user's profile (https://developer.spotify.com/documentation/web-api/reference/get-current-users-profile). */
export function profile(client: HttpClient): DeclaredStream<Json> {
  return declareStream<Json>({
    name: 'profile',
    writeMode: 'replace',
    primaryKey: 'id',
    paginator: {
      kind: 'single',
      key: 'me',
      fetch: async () => {
        const r = await client.get<Json>('/me');
        return { items: [r.body], raw: r.body };
      },
    },
  });
}
