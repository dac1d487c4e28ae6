import { createHash } from 'node:crypto';

/** How an item is keyed before hashing: open ids first, a normalized name hash last. */
export type ItemKey =
  | { kind: 'isrc'; value: string }
  | { kind: 'mbid'; value: string }
  | { kind: 'artist'; name: string }
  | { kind: 'track'; artist: string; title: string }
  | { kind: 'id'; value: string };

/** A shared vocabulary: every node hashes keys with the same scheme into `rows` rows. */
export interface Vocabulary {
  /** Changes whenever the scheme or the size changes, so nodes and hub agree on row meaning. */
  version: string;
  rows: number;
}

/** The hashing scheme; bump it when `itemKeyString` or `rowOf` changes. */
export const VOCAB_SCHEME = 'mxv1';

/** The vocabulary of a table with `rows` rows (a power of two is not required). */
export function vocabulary(rows: number): Vocabulary {
  if (!Number.isInteger(rows) || rows < 1 || rows > 1 << 24) throw new RangeError(`vocabulary rows must be 1..2^24, got ${rows}`);
  return { version: `${VOCAB_SCHEME}-${rows}`, rows };
}

/** Lower case, accents folded, punctuation and "the " dropped, spaces collapsed. */
export function normalizeName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .replace(/^the /, '')
    .replace(/\s+/g, ' ');
}

/** The canonical string of a key (what is hashed); never leaves the node. */
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

/** The row of a key in the vocabulary: the first 6 bytes of SHA-256, modulo rows. */
export function rowOf(vocab: Vocabulary, key: ItemKey): number {
  const h = createHash('sha256').update(itemKeyString(key)).digest();
  return h.readUIntBE(0, 6) % vocab.rows;
}
