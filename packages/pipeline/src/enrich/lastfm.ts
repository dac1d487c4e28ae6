import { lastfm, type JsonGetter } from '@mixtape/connectors';
import type { EnrichSource, EnrichTrack, TrackOutcome } from './types.js';
import type { EnrichBatch } from './batch.js';

/** Last.fm: track top tags and similar tracks; the artist's top tags and similar artists once per artist. */
export function lastfmSource(api: JsonGetter, apiKey: string, artistsDone: Set<string>): EnrichSource {
  return {
    name: 'lastfm',
    api,
    concurrency: 8,
    async enrich(t: EnrichTrack): Promise<TrackOutcome> {
      if (!t.artist_name) return { status: 'not_found', detail: 'no artist name' };
      const tags = await lastfm.trackTopTags(api, apiKey, t.artist_name, t.title);
      const similar = tags === undefined ? undefined : await lastfm.similarTracks(api, apiKey, t.artist_name, t.title);
      const artistKey = t.artist_id ?? undefined;
      let artistTags: lastfm.WeightedName[] | undefined;
      let artistSimilar: lastfm.WeightedName[] | undefined;
      if (artistKey && !artistsDone.has(artistKey)) {
        artistsDone.add(artistKey);
        artistTags = await lastfm.artistTopTags(api, apiKey, t.artist_name);
        artistSimilar = artistTags === undefined ? undefined : await lastfm.similarArtists(api, apiKey, t.artist_name);
      }
      const writeArtist = (batch: EnrichBatch) => {
        if (!artistKey) return;
        if (artistTags) batch.setTags('artist', artistKey, 'lastfm', artistTags);
        if (artistSimilar) batch.addSimilarArtists(artistKey, 'lastfm', artistSimilar);
      };
      if (tags === undefined) return { status: 'not_found', write: writeArtist };
      return {
        status: 'enriched',
        write: (batch) => {
          batch.setTags('track', t.track_id, 'lastfm', tags);
          batch.addSimilarTracks(t.track_id, 'lastfm', (similar ?? []).map((s) => ({ name: s.name, artist: s.artist ?? '', weight: s.weight, mbid: s.mbid })));
          writeArtist(batch);
        },
      };
    },
  };
}
