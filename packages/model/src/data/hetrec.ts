import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MixtapeError } from '@mixtape/core';
import { buildInteractions, type Interactions } from './interactions.js';
import { buildItemFeatures, DEFAULT_SLOTS, type ItemFeatures } from './item-features.js';

/** HetRec 2011 Last.fm 2K as interactions (user → artist, weight = play count) and tag features. */
export interface HetrecDataset {
  interactions: Interactions;
  features: ItemFeatures;
  /** The tag assignments the features count: user, artist and tag ids, one per row. */
  taggings: { users: string[]; items: string[]; tags: string[] };
  /** Artist id → name, from artists.dat where present. */
  names: Map<string, string>;
}

/**
 * Reads the HetRec Last.fm 2K folder: user_artists.dat (userID, artistID, weight) as interactions,
 * user_taggedartists.dat (userID, artistID, tagID, …) as item features (count of taggings per tag).
 */
export function loadHetrecLastfm(dir: string, slots = DEFAULT_SLOTS): HetrecDataset {
  const ua = readTsv(join(dir, 'user_artists.dat'), ['userID', 'artistID', 'weight']);
  const interactions = buildInteractions({ users: ua[0]!, items: ua[1]!, weights: ua[2]!.map(Number) });
  const ta = readTsv(join(dir, 'user_taggedartists.dat'), ['userID', 'artistID', 'tagID']);
  const taggings = { users: ta[0]!, items: ta[1]!, tags: ta[2]! };
  const features = buildItemFeatures(interactions.itemIds, { items: taggings.items, features: taggings.tags.map((t) => `tag:${t}`) }, slots);
  const names = new Map<string, string>();
  try {
    const ar = readTsv(join(dir, 'artists.dat'), ['id', 'name']);
    ar[0]!.forEach((id, r) => names.set(id, ar[1]![r]!));
  } catch {
    // Names only make reasons readable; the dataset works without them.
  }
  return { interactions, features, taggings, names };
}

/**
 * The tag features without the tags a listener put on an artist they hold out: in HetRec the tags
 * are the same 1,892 users' own, so a user who tagged an artist of their test part tells the model
 * they know it (14,564 of 186,478 assignments on a per-user 80/20 split). Benchmarks build the
 * features of each split with this, so no score reads the held-out pairs through the tags.
 */
export function featuresWithout(ds: Pick<HetrecDataset, 'interactions' | 'features' | 'taggings'>, ...heldOut: Interactions[]): ItemFeatures {
  const held = new Set<string>();
  for (const x of heldOut) {
    for (let u = 0; u < x.userIds.length; u++) for (let p = x.indptr[u]!; p < x.indptr[u + 1]!; p++) held.add(`${x.userIds[u]}\t${x.itemIds[x.indices[p]!]}`);
  }
  const t = ds.taggings;
  const keep: number[] = [];
  for (let r = 0; r < t.users.length; r++) if (!held.has(`${t.users[r]}\t${t.items[r]}`)) keep.push(r);
  return buildItemFeatures(ds.interactions.itemIds, { items: keep.map((r) => t.items[r]!), features: keep.map((r) => `tag:${t.tags[r]}`) }, ds.features.slots);
}

/** Reads the named columns of a tab-separated file with a header row (CRLF or LF). */
function readTsv(path: string, columns: string[]): string[][] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new MixtapeError('dataset_missing', `Cannot read ${path}`, {
      suggestion: 'point --path at the folder that holds the HetRec Last.fm 2K .dat files',
      cause,
    });
  }
  const lines = text.split(/\r?\n/);
  const header = lines[0]!.split('\t');
  const pos = columns.map((c) => header.indexOf(c));
  if (pos.some((p) => p < 0)) {
    throw new MixtapeError('dataset_bad_header', `${path} lacks columns ${columns.filter((_, i) => pos[i]! < 0).join(', ')}`, {
      suggestion: 'use the original HetRec 2011 Last.fm 2K files (tab-separated, with a header row)',
    });
  }
  const out: string[][] = columns.map(() => []);
  for (let l = 1; l < lines.length; l++) {
    const line = lines[l]!;
    if (line === '') continue;
    const f = line.split('\t');
    for (let c = 0; c < pos.length; c++) out[c]!.push(f[pos[c]!] ?? '');
  }
  return out;
}
