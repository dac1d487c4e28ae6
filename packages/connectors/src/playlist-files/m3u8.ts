import type { PlaylistDoc, PlaylistTrack } from './types.js';

/** "Artist - Title", the label players show for an #EXTINF line. */
export function trackLabel(t: PlaylistTrack): string {
  const title = t.title ?? t.trackId;
  return t.artist ? `${t.artist} - ${title}` : title;
}

/** Keeps a field on one line: players read #EXTINF up to the end of the line. */
const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');

/**
 * An extended M3U playlist in UTF-8 (https://en.wikipedia.org/wiki/M3U#Extended_M3U): #EXTM3U,
 * #PLAYLIST, the description as "# " comment lines, then per track #EXTINF:<seconds>,<Artist - Title> and its location: the local file when
 * known, else the Spotify URI, else a comment so the entry still reads as a track.
 */
export function writeM3u8(doc: PlaylistDoc): string {
  const lines = ['#EXTM3U', `#PLAYLIST:${oneLine(doc.name)}`];
  // The description (the daily playlist's reasons) as plain comment lines, which players skip.
  for (const d of doc.description?.split(/\r?\n/) ?? []) if (d.trim() !== '') lines.push(`# ${d}`);
  for (const t of doc.tracks) {
    const seconds = t.durationMs && t.durationMs > 0 ? Math.round(t.durationMs / 1000) : -1;
    lines.push(`#EXTINF:${seconds},${oneLine(trackLabel(t))}`);
    if (t.path) lines.push(t.path);
    else if (t.spotifyUri) lines.push(t.spotifyUri);
    else lines.push(`#EXTMIXTAPE:${oneLine(t.trackId)}`, `mixtape:track:${encodeURIComponent(t.trackId)}`);
  }
  return lines.join('\n') + '\n';
}

/** One entry of a parsed M3U8. */
export interface M3uEntry {
  seconds: number;
  label: string;
  location: string;
}

/** Reads an extended M3U back: name, then one entry per location line with its #EXTINF. */
export function parseM3u8(text: string): { name?: string; entries: M3uEntry[] } {
  const entries: M3uEntry[] = [];
  let name: string | undefined;
  let info: { seconds: number; label: string } | undefined;
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#PLAYLIST:')) name = line.slice(10);
    else if (line.startsWith('#EXTINF:')) {
      const m = /^#EXTINF:(-?\d+(?:\.\d+)?)[^,]*,(.*)$/.exec(line);
      info = m ? { seconds: Number(m[1]), label: m[2]! } : { seconds: -1, label: '' };
    } else if (!line.startsWith('#')) {
      entries.push({ seconds: info?.seconds ?? -1, label: info?.label ?? '', location: line });
      info = undefined;
    }
  }
  return name === undefined ? { entries } : { name, entries };
}
