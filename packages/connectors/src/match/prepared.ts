import { artistKeys, normalizeArtist, normalizeName, titleParts } from '@mixtape/core';
import type { LibraryCandidate, TrackQuery } from './types.js';

/** A candidate or query with its names reduced once: artist keys, title base and version notes. */
export interface Prepared {
  artistKeys: string[];
  artistWhole: string;
  /** The first credited artist. */
  artistFirst: string;
  titleBase: string;
  version: string;
  album: string;
  durationMs: number | undefined;
}

export function prepare(x: LibraryCandidate | TrackQuery): Prepared {
  const t = titleParts(x.title);
  const keys = artistKeys(x.artist);
  return {
    artistKeys: keys,
    artistWhole: keys[0] ?? '',
    artistFirst: normalizeArtist(x.artist),
    titleBase: t.base,
    version: t.version,
    album: normalizeName(x.album),
    durationMs: x.durationMs !== undefined && x.durationMs > 0 ? x.durationMs : undefined,
  };
}

/** Seconds between two durations, undefined when either is unknown. */
export function durationOff(a: Prepared, b: Prepared): number | undefined {
  return a.durationMs === undefined || b.durationMs === undefined ? undefined : Math.abs(a.durationMs - b.durationMs) / 1000;
}

/**
 * How strongly two credits name one artist: 2 when the whole credits are equal, 1 when they share
 * a key (first artist, first of a pair), 0 when not at all.
 */
export function artistStrength(q: Prepared, c: Prepared): number {
  if (q.artistWhole !== '' && q.artistWhole === c.artistWhole) return 2;
  return q.artistKeys.some((k) => c.artistKeys.includes(k)) ? 1 : 0;
}

/** The key overrides and exact lookups share: first artist, title base, version notes. */
export function songKey(p: Prepared): string {
  return `${p.artistFirst}\u0001${p.titleBase}\u0001${p.version}`;
}

export const label = (c: LibraryCandidate): string => `${c.artist ?? '?'} - ${c.title ?? '?'}${c.durationMs ? ` (${fmtDuration(c.durationMs)})` : ''}`;

export function fmtDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
