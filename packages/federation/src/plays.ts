import { rowOf, type ItemKey, type Vocabulary } from './vocab.js';
import { confidence, type Interactions } from './trainer.js';

/** What a node knows about one track it played (read from its own store; never sent). */
export interface PlayedTrack {
  isrc?: string | null;
  mbid?: string | null;
  artist?: string | null;
  title?: string | null;
  plays: number;
}

/**
 * Turns a node's played tracks into rows of the shared vocabulary: each track counts for its own
 * key (ISRC, else MusicBrainz id, else normalized artist + title) and for its artist's key, so
 * nodes with different releases of a song still meet at the artist. Only row numbers and weights
 * come out; names and play counts stay here.
 */
export function interactionsFromPlays(vocab: Vocabulary, tracks: Iterable<PlayedTrack>): Interactions {
  const acc = new Map<number, number>();
  const add = (key: ItemKey, n: number) => {
    const r = rowOf(vocab, key);
    acc.set(r, (acc.get(r) ?? 0) + n);
  };
  for (const t of tracks) {
    if (!(t.plays > 0)) continue;
    if (t.isrc) add({ kind: 'isrc', value: t.isrc }, t.plays);
    else if (t.mbid) add({ kind: 'mbid', value: t.mbid }, t.plays);
    else if (t.artist && t.title) add({ kind: 'track', artist: t.artist, title: t.title }, t.plays);
    if (t.artist) add({ kind: 'artist', name: t.artist }, t.plays);
  }
  return { rows: Int32Array.from(acc.keys()), weights: confidence([...acc.values()]) };
}
