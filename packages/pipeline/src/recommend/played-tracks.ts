import type { PlayedTrack } from '@mixtape/federation/listener';
import type { Store } from '../store/store.js';

/** A played track as the federation sees it, with its store id (which never leaves this machine). */
export type StoreTrack = PlayedTrack & { track_id: string };

/**
 * The listener's heard tracks with the open ids and names the federation's vocabulary can match,
 * and how often each was heard (skips left out): what `federation publish` maps to the vocabulary
 * and what `recommend` solves the listener's federated vector from.
 */
export function playedTracks(store: Store): Promise<StoreTrack[]> {
  return store.all<StoreTrack>(
    `SELECT t.track_id, t.isrc, t.mbid, t.artist_name AS artist, t.title, count(*)::DOUBLE AS plays
     FROM plays p JOIN tracks t USING (track_id)
     WHERE p.kind = 'track' AND coalesce(p.skipped, FALSE) = FALSE
     GROUP BY ALL`,
  );
}
