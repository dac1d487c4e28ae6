import type { JsonGetter } from '@mixtape/connectors';
import type { EnrichBatch } from './batch.js';

/** A track to enrich, from the canonical tables. */
export interface EnrichTrack {
  track_id: string;
  title: string;
  artist_name: string | null;
  artist_id: string | null;
  isrc: string | null;
  duration_ms: number | null;
}

/** How one track ended for one source. */
export type EnrichStatus = 'matched_isrc' | 'matched_search' | 'enriched' | 'not_found' | 'no_isrc' | 'failed';

/** A source's work on one track: the status, and the writes to run in the track's transaction. */
export interface TrackOutcome {
  status: EnrichStatus;
  detail?: string;
  /** Adds the track's results to the batch that will commit with its state. */
  write?: (batch: EnrichBatch) => void;
}

/** One enrichment source: fetches (through the cache) and returns the writes. */
export interface EnrichSource {
  name: 'deezer' | 'lastfm' | 'musicbrainz';
  api: JsonGetter;
  concurrency: number;
  enrich(track: EnrichTrack): Promise<TrackOutcome>;
}
