import { createHash } from 'node:crypto';
import { normalizeName } from '@mixtape/core';

/** Names are keyed by the project's one normalizer; re-exported for the vocabulary's users. */
export { normalizeName };

/** How an item is keyed: open ids first, a normalized name last. */
export type ItemKey =
  | { kind: 'isrc'; value: string }
  | { kind: 'mbid'; value: string }
  | { kind: 'artist'; name: string }
  | { kind: 'track'; artist: string; title: string }
  | { kind: 'id'; value: string };

/**
 * The shared vocabulary: the public list of items a federation can learn about (real ids, never
 * hashed rows), with display names so that a pick can be shown. Every node maps its own plays to
 * these indices on its machine; only the indices' statistics, noised, ever leave it.
 */
export interface Vocabulary {
  /** Changes whenever the list changes, so nodes and hub agree on what an index means. */
  version: string;
  keys: string[];
  names: string[];
}

/**
 * The scheme of the vocabulary version string; bump it when `itemKeyString` changes (and so when
 * `normalizeName` does). mxv3: names keyed by the shared normalizer of @mixtape/core (apostrophes
 * join, accents stripped as DuckDB strips them).
 */
export const VOCAB_SCHEME = 'mxv3';

/** A vocabulary from keys (canonical key strings) and display names (the key when none is given). */
export function vocabulary(keys: string[], names?: string[]): Vocabulary {
  const seen = new Set<string>();
  for (const k of keys) {
    if (seen.has(k)) throw new RangeError(`vocabulary key ${k} appears twice`);
    seen.add(k);
  }
  const digest = createHash('sha256').update(keys.join('\n')).digest('hex').slice(0, 16);
  return { version: `${VOCAB_SCHEME}-${keys.length}-${digest}`, keys, names: names ?? keys.map((k) => k.replace(/^[a-z]+:/, '')) };
}

/** key -> index of a vocabulary. */
export function vocabIndex(v: Vocabulary): Map<string, number> {
  return new Map(v.keys.map((k, i) => [k, i]));
}

/** The canonical string of a key, as vocabularies list it. */
export function itemKeyString(key: ItemKey): string {
  switch (key.kind) {
    case 'isrc':
      return `isrc:${key.value.replace(/[^A-Za-z0-9]/g, '').toUpperCase()}`;
    case 'mbid':
      return `mbid:${key.value.trim().toLowerCase()}`;
    case 'artist':
      return `artist:${normalizeName(key.name)}`;
    case 'track':
      return `track:${normalizeName(key.artist)}\u0000${normalizeName(key.title)}`;
    case 'id':
      return `id:${key.value}`;
  }
}
