import type { JsonGetter } from '../http/getter.js';
import { bestMatch, type Candidate, type MatchQuery } from './match.js';

export interface DeezerTrack {
  id: number;
  title: string;
  isrc?: string;
  duration: number;
  rank?: number;
  bpm?: number;
  gain?: number;
  release_date?: string;
  artist: { id: number; name: string };
  album: { id: number; title: string };
  contributors?: { id: number; name: string; role?: string }[];
}
export interface DeezerArtist {
  id: number;
  name: string;
  nb_fan?: number;
}

/** A track by ISRC (https://developers.deezer.com/api/track); undefined when Deezer does not know it. */
export async function trackByIsrc(api: JsonGetter, isrc: string): Promise<DeezerTrack | undefined> {
  const r = await api.get<DeezerTrack>(`/track/isrc:${encodeURIComponent(isrc)}`);
  return r.outcome === 'ok' ? r.body : undefined;
}

/** A track by Deezer id (https://developers.deezer.com/api/track): bpm, gain and contributors are only here. */
export async function trackById(api: JsonGetter, id: number): Promise<DeezerTrack | undefined> {
  const r = await api.get<DeezerTrack>(`/track/${id}`);
  return r.outcome === 'ok' ? r.body : undefined;
}

/**
 * Search by artist and title (https://developers.deezer.com/api/search, advanced syntax), scored
 * on title, artist and duration; the best candidate over the threshold, if any.
 */
export async function searchTrack(api: JsonGetter, q: MatchQuery, threshold = 0.8): Promise<{ track: Candidate; score: number } | undefined> {
  const quote = (s: string) => s.replace(/"/g, ' ');
  const params = { q: `artist:"${quote(q.artist)}" track:"${quote(q.title)}"`, limit: 10 };
  let r = await api.get<{ data?: Candidate[] }>('/search/track', { params });
  // An empty search is an empty list; "no data" means a server without /search/track: use /search.
  if (r.outcome === 'not_found') r = await api.get<{ data?: Candidate[] }>('/search', { params });
  if (r.outcome !== 'ok') return undefined;
  return bestMatch(q, r.body.data ?? [], threshold);
}

/** Album genres (https://developers.deezer.com/api/album). */
export async function albumGenres(api: JsonGetter, albumId: number): Promise<string[]> {
  const r = await api.get<{ genres?: { data?: { name: string }[] } }>(`/album/${albumId}`);
  return r.outcome === 'ok' ? (r.body.genres?.data ?? []).map((g) => g.name) : [];
}

/** Related artists, most related first (https://developers.deezer.com/api/artist/related). */
export async function relatedArtists(api: JsonGetter, artistId: number): Promise<DeezerArtist[]> {
  const r = await api.get<{ data?: DeezerArtist[] }>(`/artist/${artistId}/related`);
  return r.outcome === 'ok' ? (r.body.data ?? []) : [];
}
