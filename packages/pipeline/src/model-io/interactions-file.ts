import { MixtapeError } from '@mixtape/core';
import { buildCodedInteractions, buildCodedItemFeatures, type Interactions, type ItemFeatures } from '@mixtape/model';
import { readCodedColumns, readColumns } from './read-file.js';

/** Reads `user,item,weight[,ts]` rows (CSV or Parquet) into CSR interactions; weight defaults to 1. */
export async function readInteractionsFile(path: string): Promise<Interactions> {
  const cols = await readCodedColumns(path, ['user', 'item'], ['weight', 'ts'], 'interactions file', ['weight']);
  const weights = cols.numbers.weight;
  const bad = weights ? weights.findIndex((w) => !Number.isFinite(w)) : -1;
  if (bad >= 0) {
    throw new MixtapeError('bad_file', `The interactions file ${path} has a weight that is not a number on data row ${bad + 1}`, {
      suggestion: 'make every weight a number (plays, seconds, or 1)',
    });
  }
  const x = buildCodedInteractions({ users: cols.text.user!, items: cols.text.item!, ...(weights ? { weights } : {}) });
  if (x.indices.length === 0) {
    throw new MixtapeError('bad_file', `The interactions file ${path} has no rows with a positive weight`, {
      suggestion: 'give it rows of user,item,weight with weight > 0',
    });
  }
  return x;
}

/** Reads `item,feature[,weight]` rows into hashed item features aligned to `itemIds`. */
export async function readItemFeaturesFile(path: string, itemIds: readonly string[], slots?: number): Promise<ItemFeatures> {
  return (await readItemFeatureRows(path))(itemIds, slots);
}

/**
 * Reads `item,feature[,weight]` rows before the item list is known (so that it can run while the
 * interactions are read); the returned function lays them over an item list as hashed features.
 */
export async function readItemFeatureRows(path: string): Promise<(itemIds: readonly string[], slots?: number) => ItemFeatures> {
  const cols = await readCodedColumns(path, ['item', 'feature'], ['weight'], 'item features file', ['weight']);
  const rows = { items: cols.text.item!, features: cols.text.feature!, ...(cols.numbers.weight ? { weights: cols.numbers.weight } : {}) };
  return (itemIds, slots) => buildCodedItemFeatures(itemIds, rows, slots);
}

/** Reads user ids from a file: a `user` column (CSV/Parquet), or else one id per line. */
export async function readUserIds(path: string): Promise<string[]> {
  try {
    const cols = await readColumns(path, ['user'], [], 'users file');
    return [...new Set(cols.user!.map(String))];
  } catch (err) {
    if (!(err instanceof MixtapeError) || err.code === 'file_not_found') throw err;
    const { readFileSync } = await import('node:fs');
    return [...new Set(readFileSync(path, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && l !== 'user'))];
  }
}
