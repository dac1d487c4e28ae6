import { itemKeyString, readVocabularyFile, SIMILAR_PREFIX } from '@mixtape/federation';
import { MixtapeError } from '@mixtape/core';
import { writeAtomic } from '../push/files.js';
import { openReadOnly } from '../query/query.js';
import type { OpenOptions } from '../store/store.js';

/** What `writeHubFeatures` wrote. */
export interface HubFeaturesSummary {
  out: string;
  /** Artists (vocabulary keys) with at least one row. */
  items: number;
  withTags: number;
  withSimilar: number;
  rows: number;
  /** With a vocabulary: its size, and how many of its artist keys got no row. */
  vocabulary?: { path: string; items: number; artists: number; withoutFeatures: number };
  /** Without one: the vocabulary file written, when asked for: these artists and those only named as similar to one. */
  vocabularyOut?: { path: string; items: number };
}

/**
 * A hub's public item features from a store's enrichment: each artist's tags (Last.fm's top tags,
 * weighted 1 + the stored weight, which enrichment keeps in [0, 1]: Last.fm's count / 100) and its
 * similar artists as `similar:<key>` rows, both ends keyed as the vocabulary keys artists
 * (`artist:<normalized name>`).
 * Tags and similar artists are what Last.fm publishes about an artist, not anyone's listening, so the
 * file can go to a hub operator (`mixtape federation serve --item-features`). With a vocabulary, only
 * its artists are written and a similar edge is kept only when its target is in it too; without one,
 * every enriched artist is, and `vocabularyOut` writes the matching vocabulary. Both files are
 * written whole or not at all.
 */
export async function writeHubFeatures(o: { store: OpenOptions; out: string; vocabulary?: string | undefined; vocabularyOut?: string | undefined }): Promise<HubFeaturesSummary> {
  const vocab = o.vocabulary ? await readVocabularyFile(o.vocabulary) : undefined;
  const store = await openReadOnly(o.store);
  let artists: Array<{ artist_id: string; name: string }>;
  let tags: Array<{ artist_id: string; tag: string; weight: number }>;
  let similar: Array<{ from_id: string; to_id: string; weight: number }>;
  try {
    artists = await store.all(`SELECT artist_id, name FROM artists WHERE trim(name) <> '' ORDER BY artist_id`);
    tags = await store.all(
      `SELECT artist_id, lower(trim(tag)) AS tag, max(1 + least(greatest(coalesce(weight, 0), 0), 1)) AS weight
       FROM artist_tags WHERE trim(tag) <> '' GROUP BY ALL ORDER BY artist_id, tag`,
    );
    similar = await store.all(`SELECT from_id, to_id, max(coalesce(weight, 1)) AS weight FROM "similar" WHERE kind = 'artist' GROUP BY ALL ORDER BY from_id, to_id`);
  } finally {
    store.close();
  }

  // Artists are keyed by name, as the vocabulary keys them: two stored artists of one normalized name are one item.
  const keyOf = new Map<string, string>();
  const nameOf = new Map<string, string>();
  for (const a of artists) {
    const key = itemKeyString({ kind: 'artist', name: a.name });
    if (key === 'artist:') continue;
    keyOf.set(a.artist_id, key);
    if (!nameOf.has(key)) nameOf.set(key, a.name.trim());
  }
  const inVocab = vocab ? new Set(vocab.keys) : undefined;
  const wanted = (key: string | undefined): key is string => key !== undefined && (!inVocab || inVocab.has(key));

  // item key -> feature -> weight (the largest when several stored artists or sources give one).
  const rows = new Map<string, Map<string, number>>();
  const put = (key: string, feature: string, weight: number) => {
    const f = rows.get(key) ?? new Map<string, number>();
    f.set(feature, Math.max(f.get(feature) ?? 0, weight));
    rows.set(key, f);
  };
  const tagged = new Set<string>();
  for (const t of tags) {
    const key = keyOf.get(t.artist_id);
    if (!wanted(key)) continue;
    put(key, `tag:${clean(t.tag)}`, Number(t.weight));
    tagged.add(key);
  }
  const linked = new Set<string>();
  const targets = new Set<string>();
  for (const s of similar) {
    const from = keyOf.get(s.from_id);
    const to = keyOf.get(s.to_id);
    if (!wanted(from) || !wanted(to) || from === to) continue;
    put(from, SIMILAR_PREFIX + to, Number(s.weight));
    linked.add(from);
    targets.add(to);
  }
  if (rows.size === 0) {
    throw new MixtapeError(
      'no_public_features',
      vocab
        ? `None of the ${vocab.keys.length} items of ${o.vocabulary} has tags or similar artists in this store`
        : 'This store has no artist tags or similar artists to export',
      { suggestion: vocab ? `look its artists up on Last.fm first (\`mixtape enrich --artists ${o.vocabulary}\`), or check that it lists artists by name` : 'run `mixtape enrich --sources lastfm` first' },
    );
  }

  const keys = [...rows.keys()].sort();
  const body = keys.flatMap((key) => [...rows.get(key)!].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([feature, weight]) => `${key}\t${feature}\t${round(weight)}`));
  writeAtomic(o.out, `item\tfeature\tweight\n${body.join('\n')}\n`);
  // An artist named only as similar to another belongs in the vocabulary too: the hub gives it factors from that edge.
  const vocabKeys = [...new Set([...keys, ...targets])].sort();
  if (o.vocabularyOut) writeAtomic(o.vocabularyOut, `key\tname\n${vocabKeys.map((k) => `${k}\t${clean(nameOf.get(k) ?? k.slice('artist:'.length))}`).join('\n')}\n`);

  const summary: HubFeaturesSummary = { out: o.out, items: keys.length, withTags: tagged.size, withSimilar: linked.size, rows: body.length };
  if (vocab) {
    const artistKeys = vocab.keys.filter((k) => k.startsWith('artist:'));
    summary.vocabulary = { path: o.vocabulary!, items: vocab.keys.length, artists: artistKeys.length, withoutFeatures: artistKeys.filter((k) => !rows.has(k)).length };
  }
  if (o.vocabularyOut) summary.vocabularyOut = { path: o.vocabularyOut, items: vocabKeys.length };
  return summary;
}

/** Tabs and line breaks would split a row. */
function clean(s: string): string {
  return s.replace(/[\t\r\n]+/g, ' ').trim();
}

function round(w: number): string {
  return String(Math.round(w * 1e4) / 1e4);
}
