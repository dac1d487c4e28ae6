import type { ItemFeatures } from '../data/item-features.js';
import type { FactorModel } from './factors.js';
import type { HybridParams } from './train.js';

/** The trained hybrid model: final item vectors, the feature table that makes cold items fit, and the item features. */
export interface HybridModel extends FactorModel {
  version: 1;
  /** Embeddings of hashed feature slots (artist, tags), featureSlots × k. */
  featureTable: Float32Array;
  featureSlots: number;
  /** The user side's feature table (featureSlots × k), present when trained with userPriorWeight > 0: fold-in pulls a listener towards their tag profile through it. */
  userFeatureTable?: Float32Array;
  /** Item side information used by the content part of the score. */
  features: ItemFeatures;
  params: HybridParams;
}
