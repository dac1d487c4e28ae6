/** One track of a playlist as the sinks see it: names for files and matching, ids for services. */
export interface PlaylistTrack {
  trackId: string;
  title?: string | undefined;
  artist?: string | undefined;
  album?: string | undefined;
  durationMs?: number | undefined;
  spotifyUri?: string | undefined;
  isrc?: string | undefined;
  /** MusicBrainz recording id. */
  mbid?: string | undefined;
  deezerId?: number | string | undefined;
  /** A local file for this track (M3U8 with a music folder). */
  path?: string | undefined;
}

/** A playlist to write, its tracks in order. */
export interface PlaylistDoc {
  name: string;
  description?: string | undefined;
  creator?: string | undefined;
  tracks: PlaylistTrack[];
}
