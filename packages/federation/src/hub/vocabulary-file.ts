import { readFile } from 'node:fs/promises';
import { MixtapeError } from '@mixtape/core';
import type { ItemFeatures } from '@mixtape/model';
import { featuresOf, readFeatureRows, SIMILAR_PREFIX } from '../sim/dataset.js';
import { itemKeyString, vocabulary, type Vocabulary } from '../vocab.js';

/**
 * Reads a hub's vocabulary: a tab-separated file with a `key<TAB>name` header (keys as
 * `artist:<name>`, `mbid:…`, `isrc:…`, `id:…`), or one artist name a line (keys made from the
 * normalized names; the first spelling of a name is kept).
 */
export async function readVocabularyFile(path: string): Promise<Vocabulary> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new MixtapeError('vocabulary_unreadable', `Cannot read the vocabulary file ${path}`, { suggestion: 'check the path: the file holds "key<TAB>name" lines or one artist name a line', cause });
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const keyed = /^key\tname$/i.test(lines[0] ?? '');
  const keys: string[] = [];
  const names: string[] = [];
  const seen = new Set<string>();
  for (const line of keyed ? lines.slice(1) : lines) {
    const [a, b] = line.split('\t');
    const key = keyed ? a!.trim() : itemKeyString({ kind: 'artist', name: a! });
    if (!key || key === 'artist:' || seen.has(key)) continue;
    seen.add(key);
    keys.push(key);
    names.push((keyed ? b ?? key : a!).trim());
  }
  if (keys.length === 0) throw new MixtapeError('vocabulary_empty', `The vocabulary file ${path} lists no items`, { suggestion: 'list one artist name a line, or "key<TAB>name" lines under that header' });
  return vocabulary(keys, names);
}

/**
 * Public item features for a hub's vocabulary: rows (and `similar:` targets) name an item by its
 * key, by the bare id of an `id:` key, or by an artist's name as written anywhere (keyed by the
 * vocabulary's normalizer, so "Beyoncé" finds `artist:beyonce`).
 */
export async function readHubFeatures(path: string, v: Vocabulary): Promise<ItemFeatures> {
  const itemIds = v.keys.map((k) => (k.startsWith('id:') ? k.slice(3) : k));
  const known = new Set(itemIds);
  const resolve = (name: string): string => {
    if (known.has(name)) return name;
    if (name.startsWith('id:') && known.has(name.slice(3))) return name.slice(3);
    const artist = itemKeyString({ kind: 'artist', name });
    return known.has(artist) ? artist : name;
  };
  const rows = await readFeatureRows(path);
  const features = rows.features.map((f) => (f.startsWith(SIMILAR_PREFIX) ? SIMILAR_PREFIX + resolve(f.slice(SIMILAR_PREFIX.length)) : f));
  return featuresOf({ items: rows.items.map(resolve), features, weights: rows.weights }, itemIds, path);
}
