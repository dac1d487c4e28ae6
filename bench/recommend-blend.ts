// The weight `recommend` blends a listener's own model with the pulled federated one at, scored on a
// validation split (used by bench/fed-tune.ts and bench/fed-tune-pop.ts with PERSONAL=1).
import { buildContentIndex, contentProfile, contentScores, HELD_OUT_MARGIN, ndcgAtK, topK, type Interactions, type ItemFeatures } from '../packages/model/src/index.js';
import { listenerScores, type GlobalModel } from '../packages/federation/src/als/listener.js';
import type { PrivateAlsParams } from '../packages/federation/src/als/params.js';
import { blend, defaultBlendFor, holdOut, MIN_TUNING_ITEMS, tuneWeight, zScores } from '../packages/pipeline/src/personal/blend-weight.js';

/**
 * The weight chosen the way pipeline/personal/federated.ts chooses it (one seeded held-out fifth
 * of the played items, both sides z-scored, tuneWeight's grid and margin), against fixed weights.
 * The listener's own model stands in as their IDF² tag profile (the listener-alone baseline); the
 * pulled model's side is `listenerScores`, as in `recommend`. Mean NDCG@10 over the listeners with
 * test rows. TUNE_MARGINS=0,0.1,0.3 tries other margins than tuneWeight's own, FIXED=0.2,0.5 other
 * fixed weights.
 *
 * Beside NDCG, what each weight brings that the listener's own model could not (the trade-off the
 * default weight sets): "beyond own" is the share of the ten picks that the own model alone does not
 * rank in its top REACH (default 50), and "discoveries" the held-out plays among those picks, per
 * listener: artists the listener went on to play that their own data would not have surfaced.
 */
export function recommendBlend(m: { table: Float32Array; k: number; shared: Int32Array; als: PrivateAlsParams }, train: Interactions, test: Interactions, features: ItemFeatures): string {
  const n = train.itemIds.length;
  const global: GlobalModel = { version: 1, dim: m.k, keys: train.itemIds.slice(), names: [], table: m.table, shared: m.shared, als: m.als };
  const alone = buildContentIndex(features, 2, 0);
  const cs = new Float32Array(n);
  const own = (items: Int32Array) => {
    contentScores(alone, contentProfile(alone, items), cs, 0);
    return zScores(cs);
  };
  const listens = (items: Int32Array, u: number) => {
    const s = train.indptr[u]!;
    const plays = new Map(Array.from(train.indices.subarray(s, train.indptr[u + 1]!), (i, j) => [i, train.values[s + j]!]));
    return { items, plays: Float64Array.from(items, (i) => plays.get(i)!) };
  };
  const fixed = process.env.FIXED ? process.env.FIXED.split(',').map(Number) : [0, 0.25, 0.5, 0.75, 1];
  const margins = process.env.TUNE_MARGINS ? process.env.TUNE_MARGINS.split(',').map(Number) : [HELD_OUT_MARGIN];
  const sums = new Float64Array(fixed.length + margins.length);
  const beyond = new Float64Array(fixed.length + margins.length);
  const found = new Float64Array(fixed.length + margins.length);
  const reach = Number(process.env.REACH ?? 50);
  const defaultWeight = defaultBlendFor(m.als.contentBeta);
  const chosen = margins.map(() => new Map<number, number>());
  const blended = new Float64Array(n);
  let users = 0;
  for (let u = 0; u < train.userIds.length; u++) {
    const held = new Set(test.indices.subarray(test.indptr[u]!, test.indptr[u + 1]!));
    const items = train.indices.slice(train.indptr[u]!, train.indptr[u + 1]!);
    if (held.size === 0 || items.length === 0) continue;
    users++;
    const personal = own(items);
    const fed = zScores(listenerScores(global, listens(items, u)));
    let ws = margins.map(() => defaultWeight);
    if (items.length >= MIN_TUNING_ITEMS) {
      const tuneHeld = holdOut(items, 1);
      const kept = items.filter((i) => !tuneHeld.has(i));
      const a = own(kept);
      const b = zScores(listenerScores(global, listens(kept, u)));
      ws = margins.map((margin) => tuneWeight(a, b, tuneHeld, kept, 10, margin, defaultWeight).weight);
    }
    ws.forEach((w, j) => chosen[j]!.set(w, (chosen[j]!.get(w) ?? 0) + 1));
    const exclude = Int32Array.from(items).sort();
    for (let i = 0; i < n; i++) blended[i] = blend(personal[i]!, 0, 0);
    const ownReach = new Set(topK(blended, reach, exclude));
    [...fixed, ...ws].forEach((x, j) => {
      for (let i = 0; i < n; i++) blended[i] = blend(personal[i]!, fed[i]!, x);
      const picks = topK(blended, 10, exclude);
      sums[j]! += ndcgAtK(picks, held, 10);
      for (const i of picks)
        if (!ownReach.has(i)) {
          beyond[j]! += 1 / picks.length;
          if (held.has(i)) found[j]! += 1;
        }
    });
  }
  const mean = (j: number) => (sums[j]! / users).toFixed(4);
  const counts = (j: number) => [...chosen[j]!].sort((a, b) => a[0] - b[0]).map(([x, c]) => `${x}×${c}`).join(' ');
  const extra = (j: number) => `[beyond own top ${reach} ${(beyond[j]! / users).toFixed(3)}, discoveries ${(found[j]! / users).toFixed(3)}]`;
  return `recommend's own/pulled blend (${users} listeners): ${fixed.map((x, j) => `${x}:${mean(j)} ${extra(j)}`).join(' ')} ${margins.map((mg, j) => `tuned (default ${defaultWeight}, margin ${mg}):${mean(fixed.length + j)} ${extra(fixed.length + j)} (weights chosen ${counts(j)})`).join(' ')}`;
}
