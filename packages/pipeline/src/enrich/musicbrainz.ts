import { musicbrainz, type JsonGetter } from '@mixtape/connectors';
import type { EnrichSource, EnrichTrack, TrackOutcome } from './types.js';

/** MusicBrainz: recording and artist MBIDs and recording tags, by ISRC (1 request per second). */
export function musicbrainzSource(api: JsonGetter): EnrichSource {
  return {
    name: 'musicbrainz',
    api,
    concurrency: 4,
    async enrich(t: EnrichTrack): Promise<TrackOutcome> {
      if (!t.isrc) return { status: 'no_isrc' };
      const recs = await musicbrainz.recordingsByIsrc(api, t.isrc);
      const rec = recs?.[0];
      if (!rec) return { status: 'not_found' };
      return {
        status: 'matched_isrc',
        ...(recs.length > 1 ? { detail: `${recs.length} recordings` } : {}),
        write: (batch) => {
          batch.setTrackIds(t.track_id, { mbid: rec.id, durationMs: rec.length ?? null });
          const artist = rec.artists[0];
          if (artist && t.artist_id) batch.setArtistIds(t.artist_id, { mbid: artist.id });
          const max = Math.max(1, ...rec.tags.map((x) => x.count));
          batch.setTags('track', t.track_id, 'musicbrainz', rec.tags.map((x) => ({ name: x.name, weight: x.count / max })));
        },
      };
    },
  };
}
