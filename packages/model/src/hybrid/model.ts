import type { ItemFeatures } from '../data/item-features.js';
import type { FactorModel } from './factors.js';
import type { HybridParams } from './train.js';

/** The trained hybrid model: final item vectors, the feature table that makes cold items fit, and the item features. */
export interface HybridModel extends FactorModel {
  version: 1;
  /** Embeddings of hashed feature slots (artist, tags), featureSlots × k. */
  featureTable: Float32Array;
  featureSlots: number;
  /** Item side information used by the content part of the score. */
  features: ItemFeatures;
  params: HybridParams;
}
