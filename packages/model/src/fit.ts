import type { ModelArtifact } from './artifact/artifact.js';
import type { Interactions } from './data/interactions.js';
import { emptyFeatures, type ItemFeatures } from './data/item-features.js';
import { trainHybrid, type HybridOptions } from './hybrid/train.js';
import { quantizeRows } from './serve/quantize.js';

/** Trains the hybrid model on interactions (and optional item features) and packages it with its history. */
export async function fitModel(x: Interactions, features?: ItemFeatures, options: HybridOptions = {}): Promise<ModelArtifact> {
  const model = await trainHybrid(x, features ?? emptyFeatures(x.itemIds.length), options);
  return { model, history: x };
}

/** The same artifact with an int8 item table (a scale per row) used for serving and saving. */
export function quantizeModel(a: ModelArtifact): ModelArtifact {
  return { ...a, int8: quantizeRows(a.model.itemFactors, a.model.itemIds.length, a.model.k) };
}
