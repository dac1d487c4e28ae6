import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MixtapeError } from '@mixtape/core';
import { buildInteractions, type Interactions } from './interactions.js';
import { buildItemFeatures, DEFAULT_SLOTS, type ItemFeatures } from './item-features.js';

/** HetRec 2011 Last.fm 2K as interactions (user → artist, weight = play count) and tag features. */
export interface HetrecDataset {
  interactions: Interactions;
  features: ItemFeatures;
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
  const features = buildItemFeatures(interactions.itemIds, { items: ta[1]!, features: ta[2]!.map((t) => `tag:${t}`) }, slots);
  const names = new Map<string, string>();
  try {
    const ar = readTsv(join(dir, 'artists.dat'), ['id', 'name']);
    ar[0]!.forEach((id, r) => names.set(id, ar[1]![r]!));
  } catch {
    // Names only make reasons readable; the dataset works without them.
  }
  return { interactions, features, names };
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
