import type { PlaylistTrack } from '../playlist-files/types.js';
import { declareStream, readAll, type DeclaredStream } from '../http/declare.js';
import { list, one, type SubsonicClient } from './client.js';
import type { LibraryCandidate } from '../match/types.js';

/** A song in the server's library, as search3 gives it. */
export interface SubsonicSong {
  id: string;
  title?: string;
  artist?: string;
  album?: string;
  /** Seconds. */
  duration?: number;
  musicBrainzId?: string;
  isrc?: string[];
  /** When the user starred it (ISO time), absent when not starred. */
  starred?: string;
  /** Times the user played it, as the server counts (scrobbles with submission=true on Navidrome). */
  playCount?: number;
  /** When the user last played it (ISO time, OpenSubsonic `played`). */
  played?: string;
}

export function toSong(raw: Record<string, unknown>): SubsonicSong {
  const s: SubsonicSong = { id: String(raw.id) };
  if (raw.title !== undefined) s.title = String(raw.title);
  if (raw.artist !== undefined) s.artist = String(raw.artist);
  if (raw.album !== undefined) s.album = String(raw.album);
  if (raw.duration !== undefined) s.duration = Number(raw.duration);
  if (raw.musicBrainzId) s.musicBrainzId = String(raw.musicBrainzId).toLowerCase();
  // OpenSubsonic sends isrc as a list of strings (JSON) or of text elements (XML).
  const isrc = list<unknown>(raw.isrc).filter((x): x is string => typeof x === 'string' && x !== '');
  if (isrc.length > 0) s.isrc = isrc.map((x) => x.toUpperCase());
  if (typeof raw.starred === 'string' && raw.starred !== '') s.starred = raw.starred;
  if (raw.playCount !== undefined && Number(raw.playCount) > 0) s.playCount = Number(raw.playCount);
  if (typeof raw.played === 'string' && raw.played !== '' && !raw.played.startsWith('0001-')) s.played = raw.played;
  return s;
}

/** The songs the user starred (http://www.subsonic.org/pages/api.jsp#getStarred2); one request, no paging in the API. */
export async function starredSongs(client: SubsonicClient): Promise<SubsonicSong[]> {
  const a = await client.call('getStarred2');
  return list<Raw>(one<Raw>(a.starred2)?.song).map(toSong);
}

const PAGE = 500;
type Raw = Record<string, unknown>;

/**
 * Every song on the server, by search3 with an empty query paged by songOffset
 * (http://www.subsonic.org/pages/api.jsp#search3; Navidrome and OpenSubsonic servers list all songs
 * this way). A server that answers nothing to an empty query gives an empty stream.
 */
export function librarySongs(client: SubsonicClient): DeclaredStream<SubsonicSong> {
  return declareStream<Raw, SubsonicSong>({
    name: 'songs',
    writeMode: 'replace',
    primaryKey: 'id',
    map: toSong,
    paginator: {
      kind: 'offset',
      limit: PAGE,
      fetch: async (songOffset, songCount) => {
        const a = await client.call('search3', { query: '', songCount, songOffset, artistCount: 0, albumCount: 0 });
        return { items: list<Raw>(one<Raw>(a.searchResult3)?.song), raw: a };
      },
    },
  });
}

/** Every album, alphabetical, 500 a page (http://www.subsonic.org/pages/api.jsp#getAlbumList2). */
export function libraryAlbums(client: SubsonicClient): DeclaredStream<Raw> {
  return declareStream<Raw>({
    name: 'albums',
    writeMode: 'replace',
    primaryKey: 'id',
    paginator: {
      kind: 'offset',
      limit: PAGE,
      fetch: async (offset, size) => {
        const a = await client.call('getAlbumList2', { type: 'alphabeticalByName', size, offset });
        return { items: list<Raw>(one<Raw>(a.albumList2)?.album), raw: a };
      },
    },
  });
}

/** Every song, as the songs stream lists them; empty on servers that answer nothing to an empty query. */
export async function loadLibrary(client: SubsonicClient, onPage?: (songs: number) => void): Promise<SubsonicSong[]> {
  return readAll(librarySongs(client), onPage);
}

/**
 * Every song, album by album: the albums stream, then getAlbum for each
 * (http://www.subsonic.org/pages/api.jsp#getAlbum): the listing every Subsonic server has, for
 * those that answer nothing to an empty search3.
 */
export async function loadLibraryByAlbum(client: SubsonicClient, onPage?: (songs: number) => void): Promise<SubsonicSong[]> {
  const albums = await readAll(libraryAlbums(client));
  const songs: SubsonicSong[] = [];
  for (const album of albums) {
    const a = await client.call('getAlbum', { id: String(album.id) });
    songs.push(...list<Raw>(one<Raw>(a.album)?.song).map(toSong));
    onPage?.(songs.length);
  }
  return songs;
}

/** Searches the server for one track by artist and title (servers without a full listing). */
export async function searchSongs(client: SubsonicClient, t: PlaylistTrack): Promise<SubsonicSong[]> {
  const query = [t.artist, t.title].filter(Boolean).join(' ');
  if (query === '') return [];
  const a = await client.call('search3', { query, songCount: 20, artistCount: 0, albumCount: 0 });
  return list<Record<string, unknown>>(one<Record<string, unknown>>(a.searchResult3)?.song).map(toSong);
}

/** A server song as the library matcher reads it (durations in ms, ids as lists). */
export function songCandidate(s: SubsonicSong): LibraryCandidate {
  return { id: s.id, artist: s.artist, title: s.title, album: s.album, durationMs: s.duration === undefined ? undefined : s.duration * 1000, mbid: s.musicBrainzId, isrc: s.isrc };
}
