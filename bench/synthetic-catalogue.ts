// One synthetic served model for the serving benchmarks (bench/model.ts, bench/serve-int8.ts): n items
// with random factors, an artist and two hashed tags each, and one listener with a 200-item history.
import { buildItemFeatures, HYBRID_DEFAULTS, type HybridModel, type HybridParams } from '../packages/model/src/index.js';
import { Rng } from '../packages/core/src/index.js';

export function syntheticModel(nItems: number, k: number, params: HybridParams = { ...HYBRID_DEFAULTS, factors: k }): { model: HybridModel; history: Int32Array } {
  const rng = new Rng(1);
  const itemIds = Array.from({ length: nItems }, (_, i) => `t${i}`);
  const fItems: string[] = [];
  const fNames: string[] = [];
  for (let i = 0; i < nItems; i++) {
    fItems.push(itemIds[i]!, itemIds[i]!, itemIds[i]!);
    fNames.push(`artist:${rng.int(20000)}`, `tag:${rng.int(5000)}`, `tag:${rng.int(500)}`);
  }
  const features = buildItemFeatures(itemIds, { items: fItems, features: fNames });
  const history = Int32Array.from(new Set(Array.from({ length: 200 }, () => rng.int(nItems)))).sort();
  const model: HybridModel = {
    version: 1,
    k,
    userIds: ['listener'],
    itemIds,
    userFactors: Float32Array.from({ length: k }, () => rng.normal() * 0.3),
    itemFactors: Float32Array.from({ length: nItems * k }, () => rng.normal() * 0.1),
    featureTable: new Float32Array(features.slots * k),
    featureSlots: features.slots,
    features,
    params,
  };
  return { model, history };
}
