import { deezer, type JsonGetter } from '@mixtape/connectors';
import type { EnrichSource, EnrichTrack, TrackOutcome } from './types.js';

/** Match threshold for search results (title, artist and duration score in [0, 1]). */
export const DEEZER_MATCH_THRESHOLD = 0.8;

/**
 * Deezer: the track by ISRC, else by search on artist, title and duration; then its details
 * (bpm, gain, rank, contributors), album genres and the artist's related artists. Albums and
 * artists shared by many tracks are asked once: the cache answers the rest.
 */
export function deezerSource(api: JsonGetter, artistsDone: Set<string>): EnrichSource {
  return {
    name: 'deezer',
    api,
    concurrency: 16,
    async enrich(t: EnrichTrack): Promise<TrackOutcome> {
      let track: deezer.DeezerTrack | undefined;
      let matchedBy: 'isrc' | 'search' = 'isrc';
      let score: number | null = null;
      if (t.isrc) track = await deezer.trackByIsrc(api, t.isrc);
      if (!track && t.artist_name) {
        const hit = await deezer.searchTrack(api, { artist: t.artist_name, title: t.title, durationMs: t.duration_ms }, DEEZER_MATCH_THRESHOLD);
        if (hit) {
          track = await deezer.trackById(api, hit.track.id);
          matchedBy = 'search';
          score = hit.score;
        }
      }
      if (!track) return { status: 'not_found', detail: t.isrc ? 'isrc and search' : 'search' };
      const genres = track.album?.id ? await deezer.albumGenres(api, track.album.id) : [];
      const artistKey = t.artist_id && track.artist?.id ? t.artist_id : undefined;
      const related = artistKey && !artistsDone.has(artistKey) ? await deezer.relatedArtists(api, track.artist.id) : undefined;
      if (artistKey) artistsDone.add(artistKey);
      const found = track;
      return {
        status: matchedBy === 'isrc' ? 'matched_isrc' : 'matched_search',
        ...(score !== null ? { detail: `score ${score.toFixed(3)}` } : {}),
        write: (batch) => {
          batch.deezer.push([t.track_id, found.id, matchedBy, score, found.bpm || null, found.gain ?? null, found.rank ?? null, found.release_date ?? null, found.album?.id ?? null, JSON.stringify(genres), JSON.stringify(found.contributors ?? [])]);
          batch.setTrackIds(t.track_id, { deezerId: found.id, isrc: found.isrc ?? null, durationMs: found.duration * 1000 });
          batch.setTags('track', t.track_id, 'deezer', genres.map((g) => ({ name: g, weight: 1 })));
          if (artistKey) batch.setArtistIds(artistKey, { deezerId: found.artist.id });
          if (artistKey && related) batch.addSimilarArtists(artistKey, 'deezer', related.map((a, i) => ({ name: a.name, deezerId: a.id, weight: 1 - i / Math.max(1, related.length) })));
        },
      };
    },
  };
}
