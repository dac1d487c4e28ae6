/** Flat fields of a Spotify track or episode object, for identity resolution and the canonical tables. */
export interface SpotifyItemFields {
  kind: 'track' | 'episode';
  uri: string | null;
  title: string | null;
  artist: string | null;
  album: string | null;
  durationMs: number | null;
  isrc: string | null;
  isLocal: boolean;
}

type Json = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** Reads a track or episode object (either the `item` or the deprecated `track` field of a playlist row). */
export function itemFields(obj: Json | null | undefined): SpotifyItemFields | undefined {
  if (!obj || typeof obj !== 'object') return undefined;
  const episode = obj.type === 'episode' || obj.episode === true;
  const artists = Array.isArray(obj.artists) ? (obj.artists as Json[]) : [];
  const show = (obj.show ?? {}) as Json;
  const album = (obj.album ?? {}) as Json;
  const ids = (obj.external_ids ?? {}) as Json;
  return {
    kind: episode ? 'episode' : 'track',
    uri: str(obj.uri),
    title: str(obj.name),
    artist: episode ? str(show.name) ?? str(show.publisher) : str(artists.map((a) => a.name).filter(Boolean).join(', ')),
    album: episode ? str(show.name) : str(album.name),
    durationMs: typeof obj.duration_ms === 'number' ? obj.duration_ms : null,
    isrc: str(ids.isrc),
    isLocal: obj.is_local === true,
  };
}

/** The object of a playlist row: `item` (2026) or `track` (older servers). */
export function playlistRowObject(row: Json): Json | undefined {
  return ((row.item ?? row.track) as Json | null) ?? undefined;
}
