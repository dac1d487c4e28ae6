import type { PlaylistDoc } from './types.js';

/** False for what XML 1.0 forbids: C0 controls other than tab, newline and carriage return; U+FFFE/FFFF. */
function allowedInXml(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return c === 0x09 || c === 0x0a || c === 0x0d || (c >= 0x20 && c !== 0xfffe && c !== 0xffff);
}

/** Escapes text for XML content and attributes; drops characters XML 1.0 forbids. */
export function xmlEscape(s: string): string {
  return Array.from(s)
    .filter(allowedInXml)
    .join('')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const el = (name: string, value: string | number | undefined, indent: string): string[] =>
  value === undefined || value === '' ? [] : [`${indent}<${name}>${xmlEscape(String(value))}</${name}>`];

/**
 * An XSPF version 1 playlist (https://xspf.org/spec): trackList of tracks with title, creator,
 * album, duration (ms), a location for local files and identifiers (Spotify URI, MusicBrainz
 * recording URL, ISRC as a URN) that other players can resolve.
 */
export function writeXspf(doc: PlaylistDoc): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<playlist version="1" xmlns="http://xspf.org/ns/0/">'];
  out.push(...el('title', doc.name, '  '), ...el('creator', doc.creator, '  '), ...el('annotation', doc.description, '  '));
  out.push('  <trackList>');
  for (const t of doc.tracks) {
    out.push('    <track>');
    if (t.path) out.push(...el('location', fileUrl(t.path), '      '));
    if (t.mbid) out.push(...el('identifier', `https://musicbrainz.org/recording/${t.mbid}`, '      '));
    if (t.spotifyUri) out.push(...el('identifier', t.spotifyUri, '      '));
    if (t.isrc) out.push(...el('identifier', `urn:isrc:${t.isrc}`, '      '));
    out.push(...el('title', t.title, '      '), ...el('creator', t.artist, '      '), ...el('album', t.album, '      '));
    if (t.durationMs && t.durationMs > 0) out.push(...el('duration', Math.round(t.durationMs), '      '));
    out.push('    </track>');
  }
  out.push('  </trackList>', '</playlist>');
  return out.join('\n') + '\n';
}

/** A file path as a file:// URL (XSPF locations are URIs). */
function fileUrl(path: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return path;
  const abs = path.startsWith('/') ? path : `/${path.replace(/\\/g, '/')}`;
  return 'file://' + abs.split('/').map(encodeURIComponent).join('/');
}
