import type { PlaylistDoc, PlaylistTrack } from './types.js';

/** ListenBrainz's JSPF extension keys (https://musicbrainz.org/doc/jspf). */
export const JSPF_PLAYLIST_EXT = 'https://musicbrainz.org/doc/jspf#playlist';
export const JSPF_TRACK_EXT = 'https://musicbrainz.org/doc/jspf#track';
export const RECORDING_URL = 'https://musicbrainz.org/recording/';

export interface JspfTrack {
  title?: string;
  creator?: string;
  album?: string;
  duration?: number;
  identifier?: string[];
  location?: string[];
}

export interface Jspf {
  playlist: {
    title: string;
    creator?: string;
    annotation?: string;
    extension?: Record<string, unknown>;
    track: JspfTrack[];
  };
}

/** One track as JSPF: identifiers are the MusicBrainz recording URL (what ListenBrainz reads) and the Spotify URI. */
export function jspfTrack(t: PlaylistTrack): JspfTrack {
  const out: JspfTrack = {};
  if (t.title) out.title = t.title;
  if (t.artist) out.creator = t.artist;
  if (t.album) out.album = t.album;
  if (t.durationMs && t.durationMs > 0) out.duration = Math.round(t.durationMs);
  const ids = [t.mbid ? RECORDING_URL + t.mbid : undefined, t.spotifyUri].filter((x): x is string => !!x);
  if (ids.length > 0) out.identifier = ids;
  if (t.path) out.location = [t.path];
  return out;
}

/** A JSPF playlist (https://xspf.org/jspf) in the shape ListenBrainz serves and accepts. */
export function toJspf(doc: PlaylistDoc, o: { public?: boolean } = {}): Jspf {
  const playlist: Jspf['playlist'] = { title: doc.name, track: doc.tracks.map(jspfTrack) };
  if (doc.creator) playlist.creator = doc.creator;
  if (doc.description) playlist.annotation = doc.description;
  playlist.extension = { [JSPF_PLAYLIST_EXT]: { public: o.public ?? false } };
  return { playlist };
}

const isStr = (v: unknown) => typeof v === 'string';

/**
 * Checks a value against the JSPF structure: a `playlist` object, optional string fields, `track`
 * an array of objects whose `identifier`/`location` are strings or arrays of strings and whose
 * `duration` is a non-negative integer. Returns the problems found (empty when valid).
 */
export function validateJspf(value: unknown): string[] {
  const errors: string[] = [];
  const p = (value as { playlist?: unknown } | null)?.playlist;
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return ['playlist must be an object'];
  const pl = p as Record<string, unknown>;
  for (const k of ['title', 'creator', 'annotation', 'info', 'location', 'identifier', 'image', 'date', 'license']) {
    if (pl[k] !== undefined && !isStr(pl[k])) errors.push(`playlist.${k} must be a string`);
  }
  if (pl.extension !== undefined && (typeof pl.extension !== 'object' || Array.isArray(pl.extension))) errors.push('playlist.extension must be an object');
  if (!Array.isArray(pl.track)) return [...errors, 'playlist.track must be an array'];
  pl.track.forEach((t, i) => {
    if (typeof t !== 'object' || t === null || Array.isArray(t)) return void errors.push(`track[${i}] must be an object`);
    const tr = t as Record<string, unknown>;
    for (const k of ['title', 'creator', 'album', 'annotation', 'info', 'image']) if (tr[k] !== undefined && !isStr(tr[k])) errors.push(`track[${i}].${k} must be a string`);
    for (const k of ['identifier', 'location']) {
      const v = tr[k];
      if (v !== undefined && !isStr(v) && !(Array.isArray(v) && v.every(isStr))) errors.push(`track[${i}].${k} must be a string or strings`);
    }
    if (tr.duration !== undefined && !(Number.isInteger(tr.duration) && (tr.duration as number) >= 0)) errors.push(`track[${i}].duration must be a non-negative integer`);
  });
  return errors;
}
