import { readFile, writeFile } from 'node:fs/promises';
import { MixtapeError } from '@mixtape/core';
import { buildItemFeatures, fromTriples, type ItemFeatures, type Interactions } from '@mixtape/model';
import type { UserRows } from './interactions.js';

/** Feature rows as read: item, feature, weight, and the user who gave it where the file says (HetRec's userID). */
export interface FeatureRows {
  items: string[];
  features: string[];
  weights: number[];
  users?: string[];
}

/**
 * Reads public item features (the stand-in for the tags Last.fm and MusicBrainz publish): a tab- or
 * comma-separated file with a header, the same layout `mixtape model fit --item-features` reads
 * (item, feature[, weight]). HetRec's user_taggedartists.dat (userID, artistID, tagID columns) is
 * read as it is, keeping who tagged what.
 */
export async function readFeatureRows(path: string): Promise<FeatureRows> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new MixtapeError('item_features_unreadable', `Cannot read item features file ${path}`, { suggestion: 'pass a file with lines "item<TAB>feature[<TAB>weight]"', cause });
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const sep = (lines[0] ?? '').includes('\t') ? '\t' : ',';
  const header = (lines[0] ?? '').split(sep).map((h) => h.trim().replace(/^"|"$/g, ''));
  const hetrec = header.indexOf('artistID') >= 0 && header.indexOf('tagID') >= 0;
  const named = header.indexOf('item') >= 0 && header.indexOf('feature') >= 0;
  const [ic, fc, wc] = hetrec ? [header.indexOf('artistID'), header.indexOf('tagID'), -1] : named ? [header.indexOf('item'), header.indexOf('feature'), header.indexOf('weight')] : [0, 1, 2];
  const uc = hetrec ? header.indexOf('userID') : -1;
  const rows: FeatureRows = { items: [], features: [], weights: [], ...(uc >= 0 ? { users: [] } : {}) };
  for (let n = 1; n < lines.length; n++) {
    const f = lines[n]!.split(sep).map((x) => x.trim().replace(/^"|"$/g, ''));
    if (f.length < 2) throw new MixtapeError('item_features_malformed', `Line ${n + 1} of ${path} is not "item<TAB>feature[<TAB>weight]"`, { suggestion: 'fix or remove that line' });
    rows.items.push(f[ic]!);
    rows.features.push(hetrec ? `tag:${f[fc]!}` : f[fc]!);
    rows.weights.push(wc >= 0 && f[wc] !== undefined && f[wc] !== '' ? Number(f[wc]) : 1);
    rows.users?.push(f[uc]!);
  }
  return rows;
}

/**
 * The rows without those a user gave an item they hold out: where the features are the same
 * users' own tags (HetRec), such a tag tells every model that the user knows the item. Rows without
 * a user are all kept.
 */
export function withoutHeldOut(rows: FeatureRows, heldOut: Map<string, Set<string>>): { rows: FeatureRows; dropped: number } {
  if (!rows.users || heldOut.size === 0) return { rows, dropped: 0 };
  const keep: number[] = [];
  rows.users.forEach((u, r) => {
    if (!heldOut.get(u)?.has(rows.items[r]!)) keep.push(r);
  });
  const pick = <T>(xs: T[]) => keep.map((r) => xs[r]!);
  return { rows: { items: pick(rows.items), features: pick(rows.features), weights: pick(rows.weights), users: pick(rows.users) }, dropped: rows.items.length - keep.length };
}

/** Writes rows in the "item, feature, weight" layout `readFeatureRows` reads (for the hub process). */
export async function writeFeatureRows(path: string, rows: FeatureRows): Promise<void> {
  const lines = rows.items.map((it, r) => `${it}\t${rows.features[r]}\t${rows.weights[r]}`);
  await writeFile(path, `item\tfeature\tweight\n${lines.join('\n')}\n`);
}

/**
 * A row whose feature is `similar:<item>` is a public similarity edge (Last.fm's similar artists,
 * MusicBrainz relations): the row's item is like that item.
 */
export const SIMILAR_PREFIX = 'similar:';

/**
 * The features of a vocabulary from feature rows. Every item named as a similarity target also
 * carries its own `similar:` feature, so that feature is fitted to the target's factors too: an
 * item outside the shared set that is like a shared one then takes part of its learned vector,
 * not only what its tags say (and one with no tags at all still gets a vector).
 */
export function featuresOf(rows: FeatureRows, itemIds: readonly string[], source?: string): ItemFeatures {
  const known = new Set(itemIds);
  // A file none of whose rows names a known item is the wrong file (or keyed differently), not "no features".
  if (source && rows.items.length > 0 && !rows.items.some((i) => known.has(i)))
    throw new MixtapeError('item_features_unmatched', `None of the ${rows.items.length} rows of ${source} names an item of this vocabulary (first row's item: "${rows.items[0]}")`, {
      suggestion: 'name items as the interactions file or the vocabulary does (its ids or keys)',
    });
  const targets = new Set<string>();
  for (const f of rows.features) if (f.startsWith(SIMILAR_PREFIX) && known.has(f.slice(SIMILAR_PREFIX.length))) targets.add(f.slice(SIMILAR_PREFIX.length));
  if (targets.size === 0) return buildItemFeatures(itemIds, rows);
  const self = [...targets];
  return buildItemFeatures(itemIds, { items: [...rows.items, ...self], features: [...rows.features, ...self.map((t) => SIMILAR_PREFIX + t)], weights: [...rows.weights, ...self.map(() => 1)] });
}

/** Reads a features file (see `readFeatureRows`) as the features of a vocabulary. */
export async function readItemFeatures(path: string, itemIds: readonly string[]): Promise<ItemFeatures> {
  return featuresOf(await readFeatureRows(path), itemIds, path);
}

/** Users' rows as the model package's interactions over a fixed item list (user order kept). */
export function toInteractions(users: UserRows[], itemIds: readonly string[]): Interactions {
  const index = new Map(itemIds.map((id, i) => [id, i]));
  const u: number[] = [];
  const it: number[] = [];
  const w: number[] = [];
  users.forEach((row, k) =>
    row.items.forEach((item, j) => {
      u.push(k);
      it.push(index.get(item)!);
      w.push(row.counts[j]!);
    }),
  );
  return fromTriples(users.map((r) => r.user), itemIds, u, it, w);
}
