import type { JsonGetter } from '../http/getter.js';

type Json = Record<string, unknown>;

/** Last.fm gives one result as an object and several as an array: always an array here. */
export function asArray<T>(v: T | T[] | undefined | null): T[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** Numbers come as strings; empty or missing gives undefined. */
export function num(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

const text = (v: unknown): string | undefined => {
  const s = typeof v === 'string' ? v : typeof v === 'object' && v !== null ? ((v as Json)['#text'] ?? (v as Json).name) : undefined;
  return typeof s === 'string' && s.trim() !== '' ? s : undefined;
};
const mbid = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** A scrobble as Mixtape keeps it. */
export interface Scrobble {
  uts: number;
  title: string;
  artist: string;
  album?: string | undefined;
  mbid?: string | undefined;
  artistMbid?: string | undefined;
  loved?: boolean;
}

/** Reads one recent-tracks row; undefined for the now-playing row (no date) or a row without names. */
export function parseScrobble(row: Json): Scrobble | undefined {
  const attr = row['@attr'] as Json | undefined;
  if (attr?.nowplaying === 'true' || attr?.nowplaying === true) return undefined;
  const uts = num((row.date as Json | undefined)?.uts);
  const title = text(row.name);
  const artistObj = row.artist as Json | string | undefined;
  const artist = text(artistObj);
  if (uts === undefined || !title || !artist) return undefined;
  return {
    uts, title, artist,
    album: text(row.album),
    mbid: mbid(row.mbid),
    artistMbid: typeof artistObj === 'object' ? mbid(artistObj.mbid) : undefined,
    loved: row.loved === '1' || row.loved === 1,
  };
}

export interface RecentPage {
  scrobbles: Scrobble[];
  page: number;
  totalPages: number;
  total: number;
  raw: unknown;
}

/**
 * One page of user.getRecentTracks, 200 rows, extended (https://www.last.fm/api/show/user.getRecentTracks).
 * `from`/`to` fix the window so pages stay stable while new scrobbles arrive.
 */
export async function recentTracks(api: JsonGetter, apiKey: string, o: { user: string; page: number; from?: number | undefined; to?: number | undefined }): Promise<RecentPage> {
  const r = await api.get<{ recenttracks?: Json }>('', { params: { method: 'user.getRecentTracks', user: o.user, api_key: apiKey, format: 'json', extended: 1, limit: 200, page: o.page, from: o.from, to: o.to } });
  if (r.outcome !== 'ok') return { scrobbles: [], page: o.page, totalPages: 0, total: 0, raw: r.body };
  const rt = r.body.recenttracks ?? {};
  const attr = (rt['@attr'] ?? rt) as Json;
  const scrobbles = asArray(rt.track as Json | Json[] | undefined).map(parseScrobble).filter((s): s is Scrobble => s !== undefined);
  return { scrobbles, page: num(attr.page) ?? o.page, totalPages: num(attr.totalPages) ?? 0, total: num(attr.total) ?? 0, raw: r.body };
}

/** One page of loved tracks (https://www.last.fm/api/show/user.getLovedTracks). */
export async function lovedTracks(api: JsonGetter, apiKey: string, o: { user: string; page: number }): Promise<RecentPage> {
  const r = await api.get<{ lovedtracks?: Json }>('', { params: { method: 'user.getLovedTracks', user: o.user, api_key: apiKey, format: 'json', limit: 200, page: o.page } });
  if (r.outcome !== 'ok') return { scrobbles: [], page: o.page, totalPages: 0, total: 0, raw: r.body };
  const lt = r.body.lovedtracks ?? {};
  const attr = (lt['@attr'] ?? lt) as Json;
  const scrobbles = asArray(lt.track as Json | Json[] | undefined).map(parseScrobble).filter((s): s is Scrobble => s !== undefined).map((s) => ({ ...s, loved: true }));
  return { scrobbles, page: num(attr.page) ?? o.page, totalPages: num(attr.totalPages) ?? 0, total: num(attr.total) ?? 0, raw: r.body };
}

export interface WeightedName {
  name: string;
  artist?: string;
  mbid?: string | undefined;
  weight: number;
}

async function call(api: JsonGetter, apiKey: string, method: string, params: Record<string, string>): Promise<Json | undefined> {
  const r = await api.get<Json>('', { params: { method, api_key: apiKey, format: 'json', autocorrect: 1, ...params } });
  return r.outcome === 'ok' ? r.body : undefined;
}

/** Top tags of a track, weight = count / 100 (https://www.last.fm/api/show/track.getTopTags). */
export async function trackTopTags(api: JsonGetter, apiKey: string, artist: string, track: string): Promise<WeightedName[] | undefined> {
  const b = await call(api, apiKey, 'track.getTopTags', { artist, track });
  return b && asArray((b.toptags as Json | undefined)?.tag as Json[]).map((t) => ({ name: String(t.name), weight: (num(t.count) ?? 0) / 100 }));
}

/** Top tags of an artist (https://www.last.fm/api/show/artist.getTopTags). */
export async function artistTopTags(api: JsonGetter, apiKey: string, artist: string): Promise<WeightedName[] | undefined> {
  const b = await call(api, apiKey, 'artist.getTopTags', { artist });
  return b && asArray((b.toptags as Json | undefined)?.tag as Json[]).map((t) => ({ name: String(t.name), weight: (num(t.count) ?? 0) / 100 }));
}

/** Similar tracks with their match (https://www.last.fm/api/show/track.getSimilar). */
export async function similarTracks(api: JsonGetter, apiKey: string, artist: string, track: string, limit = 50): Promise<WeightedName[] | undefined> {
  const b = await call(api, apiKey, 'track.getSimilar', { artist, track, limit: String(limit) });
  return b && asArray((b.similartracks as Json | undefined)?.track as Json[]).map((t) => ({ name: String(t.name), artist: text(t.artist) ?? '', mbid: mbid(t.mbid), weight: num(t.match) ?? 0 }));
}

/** Similar artists with their match (https://www.last.fm/api/show/artist.getSimilar). */
export async function similarArtists(api: JsonGetter, apiKey: string, artist: string, limit = 50): Promise<WeightedName[] | undefined> {
  const b = await call(api, apiKey, 'artist.getSimilar', { artist, limit: String(limit) });
  return b && asArray((b.similarartists as Json | undefined)?.artist as Json[]).map((a) => ({ name: String(a.name), mbid: mbid(a.mbid), weight: num(a.match) ?? 0 }));
}
