import { MixtapeError } from '@mixtape/core';

/** An item of YourLibrary.json, flattened. */
export interface LibraryItem {
  kind: 'track' | 'album' | 'artist' | 'show' | 'episode' | 'banned_track' | 'banned_artist';
  name: string;
  artist?: string;
  album?: string;
  uri?: string;
}

/** A playlist entry: a track, an episode or a local file, in playlist order. */
export interface PlaylistEntry {
  kind: 'track' | 'episode' | 'audiobook' | 'local';
  title?: string;
  artist?: string;
  album?: string;
  uri?: string;
  addedAt?: number;
}

export interface ExportPlaylist {
  name: string;
  description?: string;
  modifiedAt?: number;
  followers?: number;
  entries: PlaylistEntry[];
}

type Json = Record<string, unknown>;

/** JSON.parse with a MixtapeError that names the file and the position. */
export function parseJsonFile(buf: Buffer, displayName: string): unknown {
  if (buf.length === 0) throw new MixtapeError('empty_file', `${displayName} is empty (0 bytes)`, { suggestion: 'download the export again' });
  try {
    return JSON.parse(buf.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (cause) {
    const msg = (cause as Error).message;
    throw new MixtapeError('malformed_json', `${displayName}: malformed JSON (${msg})`, {
      suggestion: 'the file is damaged or cut short; download the export again',
      cause,
    });
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

function arr(v: unknown): Json[] {
  return Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Json[]) : [];
}

function opt<T extends object>(o: T, key: keyof T, v: unknown): void {
  if (v !== undefined) (o as Record<PropertyKey, unknown>)[key] = v;
}

/** Flattens YourLibrary.json. */
export function parseLibrary(buf: Buffer, displayName: string): LibraryItem[] {
  const doc = parseJsonFile(buf, displayName);
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new MixtapeError('unexpected_json', `${displayName}: expected an object with tracks, albums, artists…`, { suggestion: 'check this is YourLibrary.json from a Spotify export' });
  }
  const d = doc as Json;
  const out: LibraryItem[] = [];
  const push = (kind: LibraryItem['kind'], name: string | undefined, extra: Partial<LibraryItem>) => {
    if (!name && !extra.uri) return;
    const item: LibraryItem = { kind, name: name ?? '' };
    opt(item, 'artist', extra.artist);
    opt(item, 'album', extra.album);
    opt(item, 'uri', extra.uri);
    out.push(item);
  };
  for (const t of arr(d.tracks)) push('track', str(t.track), { artist: str(t.artist), album: str(t.album), uri: str(t.uri) } as Partial<LibraryItem>);
  for (const a of arr(d.albums)) push('album', str(a.album), { artist: str(a.artist), uri: str(a.uri) } as Partial<LibraryItem>);
  for (const a of arr(d.artists)) push('artist', str(a.name), { uri: str(a.uri) } as Partial<LibraryItem>);
  for (const s of arr(d.shows)) push('show', str(s.name), { artist: str(s.publisher), uri: str(s.uri) } as Partial<LibraryItem>);
  for (const e of arr(d.episodes)) push('episode', str(e.name), { artist: str(e.show), uri: str(e.uri) } as Partial<LibraryItem>);
  for (const t of arr(d.bannedTracks)) push('banned_track', str(t.track), { artist: str(t.artist), album: str(t.album), uri: str(t.uri) } as Partial<LibraryItem>);
  for (const a of arr(d.bannedArtists)) push('banned_artist', str(a.name), { uri: str(a.uri) } as Partial<LibraryItem>);
  return out;
}

/** `spotify:local:Artist:Album:Title:215` with `+` for spaces: a file on the listener's device. */
export function parseLocalUri(uri: string): { artist?: string; album?: string; title?: string; durationMs?: number } {
  const parts = uri.split(':').slice(2);
  const dec = (s: string | undefined) => {
    if (!s) return undefined;
    try {
      return str(decodeURIComponent(s.replace(/\+/g, ' ')));
    } catch {
      return str(s);
    }
  };
  const out: { artist?: string; album?: string; title?: string; durationMs?: number } = {};
  opt(out, 'artist', dec(parts[0]));
  opt(out, 'album', dec(parts[1]));
  opt(out, 'title', dec(parts[2]));
  if (parts[3] && /^\d+$/.test(parts[3])) out.durationMs = Number(parts[3]) * 1000;
  return out;
}

function date(v: unknown): number | undefined {
  const s = str(v);
  if (!s) return undefined;
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);
  return Number.isNaN(t) ? undefined : t;
}

/** Reads Playlist1.json: every playlist with its entries in order. */
export function parsePlaylists(buf: Buffer, displayName: string): ExportPlaylist[] {
  const doc = parseJsonFile(buf, displayName) as Json | null;
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.playlists)) {
    throw new MixtapeError('unexpected_json', `${displayName}: expected an object with a "playlists" array`, { suggestion: 'check this is a PlaylistN.json from a Spotify export' });
  }
  return arr(doc.playlists).map((p) => {
    const pl: ExportPlaylist = { name: str(p.name) ?? '', entries: [] };
    opt(pl, 'description', str(p.description));
    opt(pl, 'modifiedAt', date(p.lastModifiedDate));
    if (typeof p.numberOfFollowers === 'number') pl.followers = p.numberOfFollowers;
    for (const it of arr(p.items)) {
      const addedAt = date(it.addedDate);
      const t = it.track as Json | null;
      const e = it.episode as Json | null;
      const b = it.audiobook as Json | null;
      const l = it.localTrack as Json | null;
      let entry: PlaylistEntry;
      if (t && typeof t === 'object') entry = { kind: 'track', ...clean({ title: str(t.trackName), artist: str(t.artistName), album: str(t.albumName), uri: str(t.trackUri) }) };
      else if (e && typeof e === 'object') entry = { kind: 'episode', ...clean({ title: str(e.episodeName), artist: str(e.showName), uri: str(e.episodeUri) }) };
      else if (b && typeof b === 'object') entry = { kind: 'audiobook', ...clean({ title: str(b.audiobookName) ?? str(b.chapterName), artist: str(b.authorName), uri: str(b.audiobookUri) }) };
      else if (l && typeof l === 'object') {
        const uri = str(l.uri);
        const parsed = uri ? parseLocalUri(uri) : {};
        entry = { kind: 'local', ...clean({ title: parsed.title, artist: parsed.artist, album: parsed.album, uri }) };
      } else entry = { kind: 'track' };
      if (addedAt !== undefined) entry.addedAt = addedAt;
      pl.entries.push(entry);
    }
    return pl;
  });
}

type Defined<T> = { [K in keyof T]?: Exclude<T[K], undefined> };

function clean<T extends Record<string, unknown>>(o: T): Defined<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Defined<T>;
}
