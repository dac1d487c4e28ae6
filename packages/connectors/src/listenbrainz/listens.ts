import { MixtapeError } from '@mixtape/core';

type Json = Record<string, unknown>;

/**
 * One listen as Mixtape keeps it, from the API (`GET /1/user/{user}/listens`) or the user-data
 * export (`listens/YYYY/M.jsonl`); both carry the same listen object
 * (https://listenbrainz.readthedocs.io/en/latest/users/json.html).
 */
export interface ListenRecord {
  /** When the listen started, whole seconds (the export may hold fractions; the API sends whole ones). */
  listenedAt: number;
  title: string;
  artist: string;
  album: string | null;
  /** MusicBrainz recording id: the mapping's, else the one the player submitted. */
  recordingMbid: string | null;
  artistMbids: string[];
  isrc: string | null;
  durationMs: number | null;
  /** `spotify:track:…`, from additional_info.spotify_id (an open.spotify.com URL). */
  spotifyUri: string | null;
  /** MessyBrainz id of the submitted text: what feedback names a listen by when it has no MBID. */
  msid: string | null;
}

/** A love (score 1) or hate (score -1) of a recording. */
export interface FeedbackRecord {
  createdAt: number;
  score: 1 | -1;
  recordingMbid: string | null;
  msid: string | null;
  title: string | null;
  artist: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const obj = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
const uuid = (v: unknown): string | null => {
  const s = str(v)?.toLowerCase() ?? null;
  return s !== null && UUID.test(s) ? s : null;
};
const finite = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : null;
};

/** `https://open.spotify.com/track/ID`, `spotify:track:ID` or a bare id, as a Spotify track URI. */
export function spotifyTrackUri(v: unknown): string | null {
  const s = str(v);
  if (s === null) return null;
  const m = /^(?:https?:\/\/open\.spotify\.com\/(?:intl-[a-z]+\/)?track\/|spotify:track:)?([0-9A-Za-z]{22})(?:[/?#].*)?$/.exec(s);
  return m ? `spotify:track:${m[1]}` : null;
}

/** Reads one listen object; a string saying what is wrong when it is not a listen. */
export function listenRecord(raw: unknown): ListenRecord | string {
  const l = obj(raw);
  const at = finite(l.listened_at);
  if (at === null) return 'no listened_at';
  const tm = obj(l.track_metadata);
  const title = str(tm.track_name);
  const artist = str(tm.artist_name);
  if (title === null || artist === null) return 'no track_name or artist_name in track_metadata';
  const mapping = obj(tm.mbid_mapping);
  const info = obj(tm.additional_info);
  const mapped = Array.isArray(mapping.artist_mbids) ? mapping.artist_mbids : Array.isArray(info.artist_mbids) ? info.artist_mbids : [];
  const ms = finite(info.duration_ms) ?? (finite(info.duration) !== null ? finite(info.duration)! * 1000 : null);
  return {
    listenedAt: Math.floor(at),
    title,
    artist,
    album: str(tm.release_name),
    recordingMbid: uuid(mapping.recording_mbid) ?? uuid(info.recording_mbid),
    artistMbids: mapped.map(uuid).filter((m): m is string => m !== null),
    isrc: str(info.isrc)?.toUpperCase() ?? null,
    durationMs: ms !== null && ms > 0 ? Math.round(ms) : null,
    spotifyUri: spotifyTrackUri(info.spotify_id),
    msid: uuid(l.recording_msid) ?? uuid(info.recording_msid),
  };
}

/** Reads one feedback object (`feedback.jsonl` or `GET /1/feedback/user/{user}/get-feedback`); score 0 (withdrawn) gives undefined. */
export function feedbackRecord(raw: unknown): FeedbackRecord | undefined | string {
  const f = obj(raw);
  const score = finite(f.score);
  if (score !== 1 && score !== -1 && score !== 0) return 'score is not 1, 0 or -1';
  const createdAt = finite(f.created);
  if (createdAt === null) return 'no created time';
  if (score === 0) return undefined;
  const tm = obj(f.track_metadata);
  const recordingMbid = uuid(f.recording_mbid) ?? uuid(obj(tm.mbid_mapping).recording_mbid);
  const msid = uuid(f.recording_msid);
  if (recordingMbid === null && msid === null) return 'neither recording_mbid nor recording_msid';
  return { createdAt: Math.floor(createdAt), score, recordingMbid, msid, title: str(tm.track_name), artist: str(tm.artist_name) };
}

/** Parses one line of a JSON-lines file; a blank line gives undefined. A broken line is an error naming it. */
export function parseJsonLine(line: string, where: string, lineNo: number): unknown {
  if (line.trim() === '') return undefined;
  try {
    return JSON.parse(line);
  } catch (cause) {
    throw new MixtapeError('malformed_json', `${where} line ${lineNo} is not valid JSON (${(cause as Error).message})`, {
      suggestion: 'download the ListenBrainz export again; nothing was imported',
      cause,
    });
  }
}
