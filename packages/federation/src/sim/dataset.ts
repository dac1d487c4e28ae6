import { readFile } from 'node:fs/promises';
import { MixtapeError } from '@mixtape/core';
import { buildItemFeatures, fromTriples, type ItemFeatures, type Interactions } from '@mixtape/model';
import type { UserRows } from './interactions.js';

/**
 * Reads public item features (the stand-in for the tags Last.fm and MusicBrainz publish): a
 * tab-separated file with a header. HetRec's user_taggedartists.dat (artistID, tagID columns) is
 * read as it is; otherwise the first column is the item, the second the feature, a third the weight.
 */
export async function readItemFeatures(path: string, itemIds: readonly string[]): Promise<ItemFeatures> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new MixtapeError('item_features_unreadable', `Cannot read item features file ${path}`, { suggestion: 'pass a file with lines "item<TAB>feature[<TAB>weight]"', cause });
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split('\t');
  const hetrec = header.indexOf('artistID') >= 0 && header.indexOf('tagID') >= 0;
  const [ic, fc, wc] = hetrec ? [header.indexOf('artistID'), header.indexOf('tagID'), -1] : [0, 1, 2];
  const items: string[] = [];
  const features: string[] = [];
  const weights: number[] = [];
  for (let n = 1; n < lines.length; n++) {
    const f = lines[n]!.split('\t');
    if (f.length < 2) throw new MixtapeError('item_features_malformed', `Line ${n + 1} of ${path} is not "item<TAB>feature[<TAB>weight]"`, { suggestion: 'fix or remove that line' });
    items.push(f[ic]!);
    features.push(`tag:${f[fc]!}`);
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
