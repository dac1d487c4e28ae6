import { declareStream, readAll, type DeclaredStream } from '../http/declare.js';
import type { JellyfinClient } from './client.js';

/**
 * A song on a media server as a library matcher wants it: the server's id and what identifies the
 * recording. The same shape for every server, so one matcher serves them all.
 */
export interface LibraryCandidate {
  id: string;
  artist?: string;
  title?: string;
  album?: string;
  durationMs?: number;
  /** MusicBrainz recording id, lower case. */
  mbid?: string;
  /** Upper case. */
  isrc?: string;
}

/** A song with the user's own data on it: favourite, plays, last played. */
export interface JellyfinSong extends LibraryCandidate {
  favorite: boolean;
  playCount: number;
  /** ISO time. */
  lastPlayed?: string;
}

/** The fields of a BaseItemDto this reads (https://api.jellyfin.org/#tag/Items/operation/GetItems). */
interface RawItem {
  Id: string;
  Name?: string;
  Album?: string;
  AlbumArtist?: string;
  Artists?: string[];
  /** Ticks of 100 ns. */
  RunTimeTicks?: number;
  ProviderIds?: Record<string, string>;
  UserData?: { IsFavorite?: boolean; PlayCount?: number; LastPlayedDate?: string; Played?: boolean };
}

/**
 * One item as a song. Jellyfin 10.9+ keeps the recording MBID as `MusicBrainzRecording` and the
 * release-track MBID as `MusicBrainzTrack`; older servers put the recording id in `MusicBrainzTrack`.
 */
export function toSong(raw: RawItem): JellyfinSong {
  const s: JellyfinSong = { id: raw.Id, favorite: raw.UserData?.IsFavorite === true, playCount: Number(raw.UserData?.PlayCount ?? 0) };
  if (raw.Name) s.title = raw.Name;
  const artist = raw.Artists?.[0] ?? raw.AlbumArtist;
  if (artist) s.artist = artist;
  if (raw.Album) s.album = raw.Album;
  if (raw.RunTimeTicks) s.durationMs = Math.round(raw.RunTimeTicks / 10_000);
  const p = raw.ProviderIds ?? {};
  const mbid = p.MusicBrainzRecording ?? p.MusicBrainzTrack;
  if (mbid) s.mbid = mbid.toLowerCase();
  if (p.ISRC) s.isrc = p.ISRC.toUpperCase();
  if (raw.UserData?.LastPlayedDate) s.lastPlayed = raw.UserData.LastPlayedDate;
  return s;
}

const PAGE = 500;

/** `Filters` of /Items: everything, the user's favourites, or what they played. */
export type SongFilter = 'all' | 'IsFavorite' | 'IsPlayed';

/**
 * The user's audio items, 500 a page by StartIndex (GET /Items?userId&IncludeItemTypes=Audio&Recursive=true),
 * with ProviderIds and the user's data on each.
 */
export function jellyfinSongs(client: JellyfinClient, filter: SongFilter = 'all'): DeclaredStream<JellyfinSong> {
  return declareStream<RawItem, JellyfinSong>({
    name: filter === 'all' ? 'songs' : filter === 'IsFavorite' ? 'favourites' : 'played',
    writeMode: 'replace',
    primaryKey: 'id',
    map: toSong,
    paginator: {
      kind: 'offset',
      limit: PAGE,
      fetch: async (startIndex, limit) => {
        const res = await client.request<{ Items?: RawItem[]; TotalRecordCount?: number }>({
          method: 'GET',
          path: 'Items',
          params: {
            userId: await client.user(), IncludeItemTypes: 'Audio', Recursive: 'true', Fields: 'ProviderIds', EnableUserData: 'true',
            SortBy: 'SortName', SortOrder: 'Ascending', StartIndex: startIndex, Limit: limit, ...(filter === 'all' ? {} : { Filters: filter }),
          },
        });
        const items = Array.isArray(res.body?.Items) ? res.body.Items : [];
        return { items, raw: res.body, total: res.body?.TotalRecordCount };
      },
    },
  });
}

/** Every song of the user's library, as candidates for matching (with the user's data on each). */
export async function loadJellyfinLibrary(client: JellyfinClient, onPage?: (songs: number) => void): Promise<JellyfinSong[]> {
  return readAll(jellyfinSongs(client), onPage);
}
