// One synthetic served model for the serving benchmarks (bench/model.ts, bench/serve-int8.ts): n items
// with random factors, an artist and two hashed tags each, and one listener with a 200-item history;
// and how both time their calls.
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

/** The p-th percentile (nearest rank) of xs. */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/** Times `runs` calls of `once`: wall and CPU milliseconds per call, at p50 and p99. */
export async function timeCalls(once: () => Promise<unknown>, runs = 1000): Promise<{ p50: number; p99: number; cpu50: number; cpu99: number }> {
  const lat: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await once();
    const c = process.cpuUsage(c0);
    lat.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { p50: percentile(lat, 50), p99: percentile(lat, 99), cpu50: percentile(cpu, 50), cpu99: percentile(cpu, 99) };
}
