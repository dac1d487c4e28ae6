import { itemKeyString, type ItemKey } from './vocab.js';
import type { Listens } from './als/node-step.js';

/** What a node knows about one track it played (read from its own store; never sent). */
export interface PlayedTrack {
  isrc?: string | null;
  mbid?: string | null;
  artist?: string | null;
  title?: string | null;
  plays: number;
}

/** The vocabulary keys a track can meet the federation under: its open ids, its name, its artist. */
export function trackKeys(t: Omit<PlayedTrack, 'plays'>): string[] {
  const keys: ItemKey[] = [];
  if (t.isrc) keys.push({ kind: 'isrc', value: t.isrc });
  if (t.mbid) keys.push({ kind: 'mbid', value: t.mbid });
  if (t.artist && t.title) keys.push({ kind: 'track', artist: t.artist, title: t.title });
  if (t.artist) keys.push({ kind: 'artist', name: t.artist });
  return keys.map(itemKeyString);
}

/**
 * Turns a node's played tracks into plays of the shared vocabulary's items: each track counts for
 * every key of it that the vocabulary lists (a federation of artists meets at the artist, one of
 * recordings at the ISRC). Only indices and counts come out; names and times stay here.
 */
export function listensFromPlays(index: Map<string, number>, tracks: Iterable<PlayedTrack>): Listens {
  const acc = new Map<number, number>();
  for (const t of tracks) {
    if (!(t.plays > 0)) continue;
    for (const key of trackKeys(t)) {
      const i = index.get(key);
      if (i !== undefined) acc.set(i, (acc.get(i) ?? 0) + t.plays);
    }
  }
  const items = Int32Array.from(acc.keys()).sort();
  return { items, plays: Float64Array.from(items, (i) => acc.get(i)!) };
}
