import type { HttpClient } from '../http/client.js';
import { cursorPages, offsetPages } from '../http/paging.js';
import type { Stream, StreamPage } from '../http/stream.js';

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

/** The saved-item kinds of `/me/{kind}`. */
export type SavedKind = 'tracks' | 'albums' | 'shows' | 'episodes';

/**
 * Saved items, newest first (https://developer.spotify.com/documentation/web-api/reference/get-users-saved-tracks).
 * With `stopBefore` (the previous run's newest added_at) paging stops at the first older item:
 * a later run fetches only what was saved since.
 */
export function savedItems(client: HttpClient, kind: SavedKind, opts: { stopBefore?: string | undefined } = {}): Stream<Json, OffsetCheckpoint> {
  return {
    name: `saved_${kind}`,
    async *read(from) {
      const pages = offsetPages<Json>(async (offset, limit) => {
        const r = await client.get<Paging>(`/me/${kind}`, { params: { offset, limit } });
        return { items: r.body.items ?? [], total: r.body.total, raw: r.body, hasNext: Boolean(r.body.next) };
      }, { limit: 50, start: from?.offset ?? 0 });
      for await (const p of pages) {
        const stop = opts.stopBefore;
        const fresh = stop === undefined ? p.items : p.items.filter((it) => String(it.added_at ?? '') >= stop);
        const reachedOld = fresh.length < p.items.length;
        const page: StreamPage<Json, OffsetCheckpoint> = { records: fresh, raw: p.raw, key: `offset=${p.at}`, next: reachedOld || p.next === undefined ? undefined : { offset: p.next } };
        if (p.total !== undefined) page.total = p.total;
        yield page;
        if (page.next === undefined) return;
      }
    },
  };
}

/** The user's playlists, owned and followed (https://developer.spotify.com/documentation/web-api/reference/get-a-list-of-current-users-playlists). */
export function playlists(client: HttpClient): Stream<Json, OffsetCheckpoint> {
  return offsetStream(client, 'playlists', '/me/playlists', 50);
}

/** Top artists or tracks for a time range (https://developer.spotify.com/documentation/web-api/reference/get-users-top-artists-and-tracks). */
export function topItems(client: HttpClient, kind: 'artists' | 'tracks', range: 'short_term' | 'medium_term' | 'long_term'): Stream<Json, OffsetCheckpoint> {
  return offsetStream(client, `top_${kind}_${range}`, `/me/top/${kind}`, 50, { time_range: range });
}

function offsetStream(client: HttpClient, name: string, path: string, limit: number, extra: Record<string, string> = {}): Stream<Json, OffsetCheckpoint> {
  return {
    name,
    async *read(from) {
      const pages = offsetPages<Json>(async (offset, lim) => {
        const r = await client.get<Paging>(path, { params: { ...extra, offset, limit: lim } });
        return { items: r.body.items ?? [], total: r.body.total, raw: r.body, hasNext: Boolean(r.body.next) };
      }, { limit, start: from?.offset ?? 0 });
      for await (const p of pages) {
        const page: StreamPage<Json, OffsetCheckpoint> = { records: p.items, raw: p.raw, key: `offset=${p.at}`, next: p.next === undefined ? undefined : { offset: p.next } };
        if (p.total !== undefined) page.total = p.total;
        yield page;
      }
    },
  };
}

/** Which endpoint serves playlist contents on this server; `/tracks` only where `/items` is missing. */
export interface PlaylistItemsMode {
  endpoint: 'items' | 'tracks';
}

/**
 * Items of one playlist in order, 100 a page (https://developer.spotify.com/documentation/web-api/reference/get-playlists-items).
 * A playlist the user neither owns nor collaborates on answers 403: one page with status 'forbidden'.
 */
export function playlistItems(client: HttpClient, playlistId: string, mode: PlaylistItemsMode): Stream<Json, OffsetCheckpoint> {
  return {
    name: `playlist_items:${playlistId}`,
    async *read(from) {
      let status: string | undefined;
      const pages = offsetPages<Json>(async (offset, limit) => {
        const get = () => client.get<Paging>(`/playlists/${encodeURIComponent(playlistId)}/${mode.endpoint}`, { params: { offset, limit, additional_types: 'track,episode' }, accept: [403] });
        let r = await get();
        if (r.outcome === 'not_found' && mode.endpoint === 'items') {
          // An older server without /items: fall back to the deprecated /tracks for the rest of the run.
          mode.endpoint = 'tracks';
          r = await get();
        }
        if (r.status === 403) status = 'forbidden';
        if (r.outcome === 'not_found') status = 'not_found';
        if (status) return { items: [], raw: r.body, hasNext: false };
        return { items: r.body.items ?? [], total: r.body.total, raw: r.body, hasNext: Boolean(r.body.next) };
      }, { limit: 100, start: from?.offset ?? 0 });
      for await (const p of pages) {
        const page: StreamPage<Json, OffsetCheckpoint> = { records: p.items, raw: p.raw, key: `offset=${p.at}`, next: p.next === undefined ? undefined : { offset: p.next } };
        if (p.total !== undefined) page.total = p.total;
        if (status) page.status = status;
        yield page;
      }
    },
  };
}

/** Cursor checkpoint for followed artists. */
export interface CursorCheckpoint {
  after: string;
}

/** Followed artists, cursor-paged (https://developer.spotify.com/documentation/web-api/reference/get-followed). */
export function followedArtists(client: HttpClient): Stream<Json, CursorCheckpoint> {
  return {
    name: 'followed_artists',
    async *read(from) {
      const pages = cursorPages<Json>(async (after) => {
        const r = await client.get<{ artists: Paging & { cursors?: { after?: string | null } } }>('/me/following', { params: { type: 'artist', limit: 50, after } });
        const a = r.body.artists;
        return { items: a.items ?? [], next: a.next ? (a.cursors?.after ?? undefined) : undefined, raw: r.body, total: a.total };
      }, { start: from?.after });
      for await (const p of pages) {
        const page: StreamPage<Json, CursorCheckpoint> = { records: p.items, raw: p.raw, key: `after=${p.at ?? ''}`, next: p.next === undefined ? undefined : { after: p.next } };
        if (p.total !== undefined) page.total = p.total;
        yield page;
      }
    },
  };
}

/**
 * Recently played, newer than `after` (epoch ms) (https://developer.spotify.com/documentation/web-api/reference/get-recently-played).
 * Spotify keeps only the last 50 plays, so one page is all there is.
 */
export function recentlyPlayed(client: HttpClient, opts: { after?: number | undefined } = {}): Stream<Json, never> {
  return {
    name: 'recently_played',
    async *read() {
      const r = await client.get<Paging>('/me/player/recently-played', { params: { limit: 50, after: opts.after } });
      yield { records: r.body.items ?? [], raw: r.body, key: `after=${opts.after ?? 0}`, next: undefined };
    },
  };
}

/** The current user's profile (https://developer.spotify.com/documentation/web-api/reference/get-current-users-profile). */
export function profile(client: HttpClient): Stream<Json, never> {
  return {
    name: 'profile',
    async *read() {
      const r = await client.get<Json>('/me');
      yield { records: [r.body], raw: r.body, key: 'me', next: undefined };
    },
  };
}
