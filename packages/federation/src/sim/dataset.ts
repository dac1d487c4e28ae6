import { readFile } from 'node:fs/promises';
import { MixtapeError } from '@mixtape/core';
import { buildItemFeatures, fromTriples, type ItemFeatures, type Interactions } from '@mixtape/model';
import type { UserRows } from './interactions.js';

/**
 * Reads public item features (the stand-in for the tags Last.fm and MusicBrainz publish): a tab- or
 * comma-separated file with a header, the same layout `mixtape model fit --item-features` reads
 * (item, feature[, weight]). HetRec's user_taggedartists.dat (artistID, tagID columns) is read as it is.
 */
export async function readItemFeatures(path: string, itemIds: readonly string[]): Promise<ItemFeatures> {
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
  const items: string[] = [];
  const features: string[] = [];
  const weights: number[] = [];
  for (let n = 1; n < lines.length; n++) {
    const f = lines[n]!.split(sep).map((x) => x.trim().replace(/^"|"$/g, ''));
    if (f.length < 2) throw new MixtapeError('item_features_malformed', `Line ${n + 1} of ${path} is not "item<TAB>feature[<TAB>weight]"`, { suggestion: 'fix or remove that line' });
    items.push(f[ic]!);
    features.push(hetrec ? `tag:${f[fc]!}` : f[fc]!);
    weights.push(wc >= 0 && f[wc] !== undefined && f[wc] !== '' ? Number(f[wc]) : 1);
  }
  return buildItemFeatures(itemIds, { items, features, weights });
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
