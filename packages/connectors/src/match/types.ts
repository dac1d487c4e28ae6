/** A song a library holds, as any listing gives it (Subsonic, Jellyfin, a music folder). */
export interface LibraryCandidate {
  /** The library's id for the song: a server id, or a file path for a music folder. */
  id: string;
  artist?: string | undefined;
  title?: string | undefined;
  album?: string | undefined;
  durationMs?: number | undefined;
  /** MusicBrainz recording id. */
  mbid?: string | undefined;
  isrc?: string | readonly string[] | undefined;
}

/** What is known of a track being looked for (a playlist track fits). */
export interface TrackQuery {
  trackId?: string | undefined;
  artist?: string | undefined;
  title?: string | undefined;
  album?: string | undefined;
  durationMs?: number | undefined;
  mbid?: string | undefined;
  isrc?: string | undefined;
}

/** How a match was made, strongest first. */
export const MATCH_TIERS = ['override', 'mbid', 'isrc', 'exact', 'fuzzy'] as const;
export type MatchTier = (typeof MATCH_TIERS)[number];

/** Why a track was not matched. */
export type UnmatchedReason =
  | 'override_none'
  | 'override_missing'
  | 'no_names'
  | 'no_artist'
  | 'title_differs'
  | 'version_differs'
  | 'duration_off'
  | 'ambiguous';

export interface Matched<C extends LibraryCandidate = LibraryCandidate> {
  matched: true;
  candidate: C;
  tier: MatchTier;
  /** Name similarity in [0, 1]: 1 for id and exact tiers. */
  score: number;
  /** Seconds between the two durations, when both are known. */
  durationOffS?: number;
}

export interface Unmatched<C extends LibraryCandidate = LibraryCandidate> {
  matched: false;
  reason: UnmatchedReason;
  /** The reason in words, naming the nearest candidates. */
  detail: string;
  /** The candidates a tie was between, or the nearest one. */
  candidates?: C[];
}

export type MatchOutcome<C extends LibraryCandidate = LibraryCandidate> = Matched<C> | Unmatched<C>;
