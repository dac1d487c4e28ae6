import { buildInteractions, IdIndex, type Interactions } from './interactions.js';
import { buildItemFeatures, type ItemFeatures } from './item-features.js';
import { Rng } from '@mixtape/core';

/** A made-up listening world with taste groups, for tests and benchmarks. */
export interface SyntheticData {
  interactions: Interactions;
  features: ItemFeatures;
  /** Taste group of each item (by item index) and each user's favourite group. */
  itemGroup: Int32Array;
  userGroup: Int32Array;
}

/**
 * Users each favour one taste group and mostly play its items (85%), the rest at random, with
 * Zipf-like item popularity inside groups and geometric play counts. Items carry their group as a
 * tag plus a noise tag, so both collaborative and content signal exist and popularity alone is weak.
 */
export function syntheticData(options: { users?: number; items?: number; groups?: number; perUser?: number; seed?: number; slots?: number } = {}): SyntheticData {
  const nU = options.users ?? 300;
  const nI = options.items ?? 400;
  const nG = options.groups ?? 8;
  const per = options.perUser ?? 20;
  const rng = new Rng(options.seed ?? 7);
  const itemGroup = Int32Array.from({ length: nI }, (_, i) => i % nG);
  const byGroup: number[][] = Array.from({ length: nG }, () => []);
  itemGroup.forEach((g, i) => byGroup[g]!.push(i));
  const pick = (pool: number[]) => pool[Math.min(pool.length - 1, Math.floor(pool.length * rng.next() ** 2))]!;
  const users: string[] = [];
  const items: string[] = [];
  const weights: number[] = [];
  const userGroup = new Int32Array(nU);
  for (let u = 0; u < nU; u++) {
    const g = rng.int(nG);
    userGroup[u] = g;
    const chosen = new Set<number>();
    for (let t = 0; t < per * 3 && chosen.size < per; t++) chosen.add(rng.next() < 0.85 ? pick(byGroup[g]!) : rng.int(nI));
    for (const i of chosen) {
      users.push(`u${u}`);
      items.push(`i${i}`);
      weights.push(1 + Math.floor(-Math.log(1 - rng.next()) * 20));
    }
  }
  // Keep item ids in index order so itemGroup lines up with the interaction's item index.
  const itemIds = Array.from({ length: nI }, (_, i) => `i${i}`);
  const interactions = buildInteractions({ users, items, weights }, new IdIndex(itemIds));
  const fItems: string[] = [];
  const fNames: string[] = [];
  for (let i = 0; i < nI; i++) {
    fItems.push(`i${i}`, `i${i}`);
    fNames.push(`tag:group-${itemGroup[i]}`, `tag:noise-${rng.int(50)}`);
  }
  const features = buildItemFeatures(interactions.itemIds, { items: fItems, features: fNames }, options.slots ?? 1024);
  return { interactions, features, itemGroup, userGroup };
}
